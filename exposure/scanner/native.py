"""The compiled per-document core (``exposure/native``, Rust), when it is built.

``Scanner.hits`` runs the same rules in Python; the core is a faster route to
the same hits (checked equal in ``exposure/tests/test_native_core.py``). Its
rules are not written twice by hand: every pattern, word list and table comes
from the Python modules here, in ``config()``. Build it with
``scripts/build-native`` (``scripts/bootstrap`` does); without it the Python
route is used, and ``CUSTOS_SCANNER=python`` forces that route.
"""

from __future__ import annotations

import hashlib
import os
import warnings
from pathlib import Path
from typing import Any

from . import candidates, identifiers, kinds, names, vocabulary
from .decide import _LABEL_ORDER
from .normalise import (
    _ASCII_CASED,
    _ASCII_LOWER,
    _DIGIT_FOLDS,
    _EMAIL_FOLDS,
    _PLATE_FOLDS,
    CASED_LETTERS_TABLE,
    LETTERS_TABLE,
    ascii_fold,
)

_SOURCES = Path(__file__).resolve().parent.parent / "native"


def source_digest() -> str:
    """Return the SHA-256 of the core's sources (Cargo files and src/*.rs)."""
    digest = hashlib.sha256()
    files = [_SOURCES / "Cargo.toml", _SOURCES / "Cargo.lock", *sorted(_SOURCES.glob("src/*.rs"))]
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def stale() -> bool:
    """Return whether the built core was built from other sources than these."""
    if _native is None or not (_SOURCES / "Cargo.toml").exists():
        return False
    return bool(source_digest() != getattr(_native, "SOURCE_DIGEST", ""))


try:
    from . import _native  # type: ignore[attr-defined]
except ImportError:  # not built: the pure-Python route
    _native = None
else:
    if stale():
        warnings.warn(
            "The exposure scanner's compiled core was built from other sources: run "
            "scripts/build-native. Using the Python route meanwhile.",
            RuntimeWarning,
            stacklevel=1,
        )
        _native = None


def available() -> bool:
    """Return whether the compiled core is built and not switched off."""
    return _native is not None and os.environ.get("CUSTOS_SCANNER", "") != "python"


def _tables() -> dict[str, Any]:
    return {
        "digit_folds": _DIGIT_FOLDS,
        "email_folds": _EMAIL_FOLDS,
        "plate_folds": _PLATE_FOLDS,
        "ascii_lower": _ASCII_LOWER,
        "ascii_cased": _ASCII_CASED,
        "letters": LETTERS_TABLE,
        "cased_letters": CASED_LETTERS_TABLE,
    }


def _shape_config() -> dict[str, Any]:
    """What shapes.rs needs (candidates.py, identifiers.py key functions)."""
    python_patterns = {
        pattern: expression.pattern for pattern, expression in candidates._PYTHON.items()
    }
    return {
        "shapes": dict(candidates._SHAPES),
        "shape_ids": {
            name: getattr(candidates, name)
            for name in (
                "PHONE_US",
                "PHONE_INTL",
                "EMAIL",
                "ADDRESS_EN",
                "ADDRESS_ES",
                "SSN",
                "DIGIT_TOKEN",
                "PLATE_WORD",
                "PHONE_LONG",
                "STREET_TYPE",
                "ADDRESS_NUMBER_ES",
            )
        },
        "windows": dict(candidates._WINDOW),
        "window_patterns": python_patterns,
        "min_phone_digits": candidates._MIN_PHONE_DIGITS,
        "max_plate": candidates._MAX_PLATE,
        "max_backup": candidates._MAX_BACKUP,
        "name_after_type": candidates._NAME_AFTER_TYPE,
        "address_words_back": candidates._ADDRESS_WORDS_BACK,
        # International numbers ("+44 ...") need libphonenumber's metadata: the
        # core calls back into identifiers.phone_key for those (rare) spans.
        "phone_key": identifiers.phone_key,
        "plate_context_skip": sorted(candidates._PLATE_CONTEXT_SKIP),
        "plate_context_reach": candidates._PLATE_CONTEXT_REACH,
        "plate_group": candidates._PLATE_GROUP,
        # email_key's "at" / "dot" spellings (identifiers._AT, identifiers._DOT).
        "email_at_pattern": identifiers._AT.pattern,
        "email_dot_pattern": identifiers._DOT.pattern,
    }


def _address_config() -> dict[str, Any]:
    """What address.rs needs (identifiers.py word lists and spellings)."""
    return {
        "canonical_types": sorted(identifiers._CANONICAL_TYPES),
        "canonical_es_types": sorted(identifiers._CANONICAL_ES_TYPES),
        "canonical_directionals": sorted(identifiers._CANONICAL_DIRECTIONALS),
        "canonical_units": sorted(identifiers._CANONICAL_UNITS),
        "type_spellings": dict(identifiers._CANONICAL_TYPE_SPELLINGS),
        "spelled_ordinals": dict(identifiers._SPELLED_ORDINALS),
        "stop_words": sorted(identifiers._STOP_WORDS),
        "spanish_particles": sorted(identifiers._SPANISH_PARTICLES),
        "number_markers": sorted(identifiers._NUMBER_MARKERS),
        "ordinal_pattern": identifiers._ORDINAL.pattern,
        "house_number_pattern": identifiers._HOUSE_NUMBER.pattern,
        "address_word_pattern": identifiers._ADDRESS_WORD.pattern,
        "street_word_pattern": identifiers._STREET_WORD.pattern,
    }


def _name_config() -> dict[str, Any]:
    """What names.rs needs (names.py)."""
    return {
        "name_particles": sorted(vocabulary.NAME_PARTICLES),
        "relation_words": names._RELATION_WORDS.pattern.decode("ascii"),
        "max_gap": names._MAX_GAP,
        "after_reach": names._AFTER_REACH,
        "before_reach": names._BEFORE_REACH,
        "right_reach": names._RIGHT_REACH,
        "left_reach": names._LEFT_REACH,
        "relative_window": names._RELATIVE_WINDOW,
        "relation_distance": names._RELATION_DISTANCE,
    }


def _rule_config() -> dict[str, Any]:
    """What lib.rs needs: the kinds' weight and labels, the street windows."""
    from .scan import _STREET_WINDOW  # scan.py imports this module

    return {
        "kind_values": {kind.name: int(kind) for kind in kinds.Kind},
        "kind_labels": {int(kind): kind.label for kind in kinds.Kind},
        "label_order": list(_LABEL_ORDER),
        "strong": sorted(int(kind) for kind in kinds.STRONG),
        "weak": sorted(int(kind) for kind in kinds.WEAK),
        "restricted": sorted(int(kind) for kind in kinds.RESTRICTED),
        "street_window": _STREET_WINDOW,
    }


def config(index: Any) -> dict[str, Any]:
    """Return everything the core is built from: the index's digests and key, and the rules."""
    return {
        "key": index.key,
        "person_ids": list(index.person_ids),
        "ascii_fold": ascii_fold,
        "entries": index.entries,
        "tokens": index.tokens,
        **_tables(),
        **_rule_config(),
        **_shape_config(),
        **_address_config(),
        **_name_config(),
    }


def core(index: Any) -> Any:
    """Return a compiled core for an index (the caller checks ``available()``)."""
    assert _native is not None
    return _native.Core(config(index))
