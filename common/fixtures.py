"""Pytest fixtures for real components at the edges, shared by every app's tests.

Registered for the whole suite by `pytest_plugins` in the root conftest.py. Each fixture starts a
real server on localhost (SMTP via aiosmtpd, S3 via moto's server mode) or a real browser
(Debian Chromium through Playwright).
"""
