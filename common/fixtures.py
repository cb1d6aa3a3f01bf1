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


class _Inbox:
    """What the local SMTP server received: one entry per message (envelope and parsed mail)."""

    def __init__(self) -> None:
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls it by this name
        from email import message_from_bytes
        from email.policy import default

        self.messages.append(
            {
                "from": envelope.mail_from,
                "to": list(envelope.rcpt_tos),
                "message": message_from_bytes(envelope.original_content, policy=default),
            }
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on 127.0.0.1; Django sends mail to it. Yields the inbox."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def browser(monkeypatch):
    """A real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

    Use with pytest-django's `live_server`. Playwright's sync API runs an event loop in this
    thread, so Django's async-safety check is relaxed for this test only (the DB calls are the
    test's own, made between browser steps, never concurrently); the variable is removed
    afterwards so it never reaches other tests or subprocesses.
    """
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
            ],
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(autouse=True)
def _reference_data_survives_flush(request):
    """Put back reference data loaded by data migrations (the offenses) for transactional tests.

    Transactional tests (live_server, transaction=True) end with a flush that empties every
    table, data-migration rows included, so a later transactional test would find no offenses.
    """
    marker = request.node.get_closest_marker("django_db")
    transactional = (
        "live_server" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or bool(marker and marker.kwargs.get("transaction"))
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from incidents.offenses_data import offenses_sync

        offenses_sync()


def axe_violations(page) -> list[dict]:
    """Inject axe-core (node_modules) into the page and return its violations."""
    from pathlib import Path

    axe = Path(__file__).resolve().parents[1] / "node_modules" / "axe-core" / "axe.min.js"
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
    ]
