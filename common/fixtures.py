"""Pytest fixtures for real components at the edges, shared by every app's tests.

Registered for the whole suite by `pytest_plugins` in the root conftest.py. Each fixture starts a
real server on localhost (SMTP via aiosmtpd, S3 via moto's server mode) or a real browser
(Debian Chromium through Playwright).
"""

import pytest


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto's threaded server) on 127.0.0.1 at a fresh port; yields its URL."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()
