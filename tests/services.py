"""Fixtures for real services: embedded Redis, REDIS_URL, subprocesses."""
