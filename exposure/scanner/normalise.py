"""Normalise text once, keeping every offset valid in the original text.

The scanner folds each code point of the input to exactly one ASCII character
(lower-case, accents stripped, anything else to a space or a look-alike ASCII
punctuation mark). Because the fold is one-to-one by position, an offset into
the folded view *is* an offset into the original string: the offset map is the
identity and costs nothing. Folds that would change the length (the OCR
confusion "rn" for "m", "ß" to "ss") are applied only to copies of short
tokens, never to the view, so spans stay exact.

Three views come out of one document:

* ``lower``: the general view; shape patterns (phones, emails, addresses,
  plates) run over it.
* ``letters``: the view for names; digits that OCR confuses with letters are
  folded to those letters (0→o, 1→l, 5→s, 8→b), "i" and "|" to "l", and every
  other non-letter to a space, so a name token is a run of ``[a-z]``.
* Canonical forms of single identifiers (``canonical_*`` below), applied the
  same way to roster values at index build and to candidates at scan time, so
  an OCR-damaged candidate hashes to the same key as the clean roster value.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

# Characters kept as they are in the general view: they carry structure for
# the shape patterns (e-mail "@" and ".", phone "(", ")", "-", "+", unit "#").
_KEPT_PUNCTUATION = "@.-#()[]{}<>+/'_%,:;&|"

_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_APOSTROPHES = "\u2018\u2019\u201b\u02bc\u00b4\u0060"


def _fold_code_point(code_point: int) -> str:
    """Return the single ASCII character a code point folds to."""
    char = chr(code_point)
    if code_point < 128:
        if char.isspace():
            return " "
        if char.isalnum():
            return char.lower()
        return char if char in _KEPT_PUNCTUATION else " "
    if char.isspace():
        return " "
    if char in _DASHES:
        return "-"
    if char in _APOSTROPHES:
        return "'"
    if char in "\uff20\ufe6b":  # full-width and small commercial at
        return "@"
    if char == "\u00ba" or char == "\u00b0":  # Spanish "n.º" / "Nº": ordinal sign
        return "."
    decomposed = unicodedata.normalize("NFKD", char)
    for part in decomposed:
        if part.isascii() and part.isalnum():
            return part.lower()
    # Not foldable (emoji, CJK, symbols): a space keeps tokens apart.
    return " "


class _FoldTable(dict[int, str]):
    """Translation table that folds on first sight and caches the result."""

    def __init__(self, keep_case: bool) -> None:
        super().__init__()
        self.keep_case = keep_case
        for code_point in range(128):
            self[code_point] = self._fold(code_point)

    def _fold(self, code_point: int) -> str:
        folded = _fold_code_point(code_point)
        if self.keep_case and chr(code_point).isupper():
            folded = folded.upper()
        return folded

    def __missing__(self, code_point: int) -> str:
        folded = self._fold(code_point)
        self[code_point] = folded
        return folded


_FOLD_TABLE = _FoldTable(keep_case=False)
# Plates are written in capitals; a case-keeping view lets the plate shapes
# skip lower-case prose such as "10am" or "the 2019".
_CASED_TABLE = _FoldTable(keep_case=True)

# The letters view works on ASCII bytes of the general view.
_LETTER_FOLDS = {"0": "o", "1": "l", "5": "s", "8": "b", "i": "l", "|": "l"}


def _letters_table() -> bytes:
    table = bytearray(b" " * 256)
    for letter in "abcdefghijklmnopqrstuvwxyz":
        table[ord(letter)] = ord(letter)
    for source, target in _LETTER_FOLDS.items():
        table[ord(source)] = ord(target)
    return bytes(table)


LETTERS_TABLE = _letters_table()


def _cased_letters_table() -> bytes:
    """Return the letters view's table for the case-keeping view.

    ``cased.translate(CASED_LETTERS_TABLE).lower() == letters`` byte for byte;
    a word starts with a capital here exactly when the original word starts with
    an upper-case letter or with a digit the letters view reads as a letter.
    """
    table = bytearray(LETTERS_TABLE)
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[ord(letter)] = LETTERS_TABLE[ord(letter.lower())] - 32
    for digit in "0158":
        table[ord(digit)] = LETTERS_TABLE[ord(digit)] - 32
    return bytes(table)


CASED_LETTERS_TABLE = _cased_letters_table()


@dataclass(frozen=True, slots=True)
class NormalisedText:
    """The folded views of one document; offsets equal the original's."""

    original: str
    # The original with each non-ASCII character folded to one ASCII character
    # (case kept: "É" is "E", a character with no ASCII fold a space); ASCII
    # punctuation and white space as written. Every "is this word capitalised,
    # alphabetic, followed by a word" check reads this view, so the compiled
    # core (exposure/native), which sees only these bytes, decides the same.
    ascii_original: str
    lower: str
    lower_bytes: bytes
    letters_bytes: bytes
    cased_bytes: bytes

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of a view to the original text (identity by design)."""
        return start, end

    def original_text(self, start: int, end: int) -> str:
        """Return the original characters under a view span."""
        return self.original[start:end]


def fold(text: str) -> str:
    """Fold text to the one-ASCII-character-per-code-point general view."""
    return text.translate(_FOLD_TABLE)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_LOWER = bytes(ord(_FOLD_TABLE[code_point]) for code_point in range(128)) + bytes(128)
_ASCII_CASED = bytes(ord(_CASED_TABLE[code_point]) for code_point in range(128)) + bytes(128)


def _fold_match(match: re.Match[str]) -> str:
    return _CASED_TABLE[ord(match.group())]


def ascii_fold(text: str) -> bytes:
    """Return the text as ASCII bytes, each non-ASCII code point folded to one character."""
    # str.translate with a dict walks non-ASCII text at ~20 MB/s; instead fold
    # the few non-ASCII characters first (one to one), then translate bytes.
    return (text if text.isascii() else _NON_ASCII.sub(_fold_match, text)).encode("ascii")


def normalise(text: str) -> NormalisedText:
    """Build all views of a document in a few C-speed passes."""
    raw = ascii_fold(text)
    lower_bytes = raw.translate(_ASCII_LOWER)
    return NormalisedText(
        original=text,
        ascii_original=raw.decode("ascii"),
        lower=lower_bytes.decode("ascii"),
        lower_bytes=lower_bytes,
        letters_bytes=lower_bytes.translate(LETTERS_TABLE),
        cased_bytes=raw.translate(_ASCII_CASED),
    )


# --- Canonical forms of single identifiers -------------------------------

# Digit context: a phone, house number or SSN. OCR reads 0 as O, 1 as l or I,
# 5 as S and 8 as B; fold those letters back to digits.
_DIGIT_FOLDS = str.maketrans(
    {
        "o": "0",
        "q": "0",
        "d": "0",
        "l": "1",
        "i": "1",
        "|": "1",
        "s": "5",
        "b": "8",
        "z": "2",
        "g": "9",
    }
)


def fold_digits(value: str) -> str:
    """Fold look-alike letters to digits in a span expected to hold digits."""
    return value.translate(_DIGIT_FOLDS)


def canonical_name_token(token: str) -> str:
    """Return the canonical form of one letters-view name token."""
    # OCR merges "rn" into "m" and splits "m" into "rn"; fold both to "m".
    return token.replace("rn", "m")


def name_tokens(value: str) -> list[str]:
    """Split a name (or street name) into canonical tokens, dropping initials."""
    return list(_name_tokens(value))


@functools.lru_cache(maxsize=65536)
def _name_tokens(value: str) -> tuple[str, ...]:
    letters = fold(value).encode("ascii").translate(LETTERS_TABLE).decode("ascii")
    # Single letters are initials or particles split off by "O'Brien": drop them on
    # both the roster and the document side so "John Q. Smith" meets "John Smith".
    return tuple(canonical_name_token(token) for token in letters.split() if len(token) > 1)


def canonical_name(value: str) -> str:
    """Return the canonical key text of a name."""
    return " ".join(name_tokens(value))


_EMAIL_FOLDS = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l", "5": "s", "8": "b"})


def canonical_email(value: str) -> str:
    """Fold an e-mail address so OCR look-alikes hash to the same key."""
    # Local parts hold both letters and digits, so no side can be chosen: fold
    # every confusable pair to one member (0/o, 1/l/i, 5/s, 8/b, rn/m).
    return fold(value).strip().translate(_EMAIL_FOLDS).replace("rn", "m")


_PLATE_FOLDS = str.maketrans(
    {"o": "0", "q": "0", "d": "0", "i": "1", "l": "1", "|": "1", "s": "5", "b": "8", "z": "2"}
)


def canonical_plate(value: str) -> str:
    """Fold a licence plate: no separators, look-alike letters as digits."""
    folded = fold(value).translate(_PLATE_FOLDS)
    return "".join(char for char in folded if char.isalnum())


def digits_only(value: str) -> str:
    """Return only the digit characters of a string."""
    return "".join(char for char in value if char.isdigit())
