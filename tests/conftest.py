"""Shared fixtures live in plugin modules so each area owns its own file."""

pytest_plugins = ["tests.people", "tests.services"]
