"""Maintainer tools that are not part of the studio itself (lock files)."""
