"""The compiled scanner core is built, from these sources (scripts/build-native)."""

from __future__ import annotations

from exposure.scanner import Scanner, native


def test_the_core_is_built_from_the_sources_in_this_checkout():
    # scripts/bootstrap builds it; a core built from other sources is not used
    # (native.py falls back to Python), so the equality tests would only skip.
    assert native._native is not None, "run scripts/build-native"
    assert native.source_digest() == native._native.SOURCE_DIGEST
    assert not native.stale()


def test_the_scanner_uses_the_core_by_default(monkeypatch):
    from exposure.scanner.eval.metrics import load_scanner

    monkeypatch.delenv("CUSTOS_SCANNER", raising=False)
    scanner = load_scanner()
    assert isinstance(scanner, Scanner)
    assert scanner._core is not None
