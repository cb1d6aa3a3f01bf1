"""Decide by content, never by name, whether an uploaded file is evidence we accept.

Accepted: images (JPEG, PNG, TIFF, HEIC), PDF, audio (WAV, MP3, M4A, OGG), video (MP4, MOV,
WebM), UTF-8 text and RFC 5322 email. Everything else is refused with a stable code and a
message a collector can act on.

Sniffing library: ``puremagic`` (pure Python, actively maintained, no C library to patch).
It only *names* content we refuse ("it looks like a Windows executable"). The accept decision
uses the short signature table below plus a real parser per type, because puremagic returns
ranked guesses whose confidence depends on the file name (the very thing we must not trust)
and names a zip "docx" and a HEIC "mp4". Parsers: Pillow (``verify()`` then a full decode,
decompression-bomb limit as an error), pypdf, and ``ffprobe`` with the sniffed demuxer forced.

The package splits by concern (ARCHITECTURE.md: about 500 lines a module): ``formats`` names what
the bytes are, ``checks`` runs the parser for each type, and this module is the public entry.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from evidence.sniff.checks import (
    _check_av,
    _check_image,
    _check_pdf,
    _check_text,
    _looks_binary,
    _tail_has_zip,
)
from evidence.sniff.formats import (
    _BIDI_CONTROLS,
    _REFUSED_SIGNATURES,
    _UNINFORMATIVE_TYPES,
    FORMATS,
    HEAD_BYTES,
    Limits,
    Sniffed,
    _describe_unknown,
    _detect,
    _extension,
    _refuse,
)
from evidence.streaming import EvidenceRefused

__all__ = ["EvidenceRefused", "Limits", "Sniffed", "sniff_and_validate", "validate_filename"]


def validate_filename(name: str, *, limits: Limits | None = None) -> str:
    """Return the name, NFC-normalised and trimmed, or refuse it with a specific code."""
    limits = limits or Limits()
    cleaned = unicodedata.normalize("NFC", name or "").strip()
    if not cleaned:
        raise _refuse("name_empty", "The file has no name.")
    if "/" in cleaned or "\\" in cleaned:
        raise _refuse("name_path_separator", "File names cannot contain / or \\.")
    if any(unicodedata.category(char) == "Cc" for char in cleaned):
        raise _refuse(
            "name_control_character",
            "The file name contains invisible control characters. Rename the file and try again.",
        )
    if any(char in _BIDI_CONTROLS for char in cleaned):
        # U+202E can make "photo\u202egnp.exe" display as "photoexe.png".
        raise _refuse(
            "name_bidi_control",
            "The file name contains text-direction characters "
            "that can disguise its real extension. Rename the file.",
        )
    if set(cleaned) == {"."}:
        raise _refuse("name_dot_segment", "A file cannot be named only with dots.")
    if len(cleaned.encode("utf-8")) > limits.max_name_bytes:
        raise _refuse(
            "name_too_long",
            f"The file name is longer than {limits.max_name_bytes} "
            "bytes. Shorten it and try again.",
        )
    return cleaned


def sniff_and_validate(
    path: str | os.PathLike[str],
    *,
    declared_name: str,
    declared_content_type: str | None = None,
    limits: Limits | None = None,
) -> Sniffed:
    """Identify the file by content, check it against its declared name and type, validate it."""
    limits = limits or Limits()
    path = Path(path)
    name = validate_filename(declared_name, limits=limits)
    declared_extension = _extension(name)
    size = path.stat().st_size
    if size == 0:
        raise _refuse("empty", "The file is empty (0 bytes).")
    if size > limits.max_bytes:
        raise _refuse(
            "too_large", f"The file is larger than the limit of {limits.max_bytes:,} bytes."
        )
    with open(path, "rb") as handle:
        head = handle.read(HEAD_BYTES)

    for prefix, offset, code, description in _REFUSED_SIGNATURES:
        # Two- and three-letter magics ("MZ", "BZh") also start ordinary notes: need binary.
        if len(prefix) < 4 and prefix != b"#!" and not _looks_binary(head):
            continue
        if head[offset : offset + len(prefix)] == prefix:
            raise _refuse(code, f"The file is {description}, which is not accepted as evidence.")
    fmt = _detect(head)
    if fmt is None:
        if _looks_binary(head):
            if declared_extension in FORMATS["text"].extensions:
                raise _refuse("text_binary", "The file looks like binary data, not text.")
            raise _refuse(
                "unsupported_type",
                f"The content is {_describe_unknown(head)}, which "
                "is not an accepted evidence type (photos, PDF, audio, video, text, "
                "email).",
            )
        fmt = _check_text(path, head, limits)

    spec = FORMATS[fmt]
    if declared_extension and declared_extension not in spec.extensions:
        raise _refuse(
            "type_mismatch",
            f"The file claims to be .{declared_extension} but its content is {spec.description}.",
        )
    declared_type = (declared_content_type or "").split(";")[0].strip().lower()
    if declared_type not in _UNINFORMATIVE_TYPES and declared_type not in spec.declared_types:
        raise _refuse(
            "content_type_mismatch",
            f"The file was sent as {declared_type} but its content is {spec.description}.",
        )
    if spec.kind in ("image", "pdf", "text", "email") and _tail_has_zip(path, size):
        raise _refuse(
            "polyglot",
            f"The file is {spec.description} with a zip archive hidden "
            "inside; such double files are not accepted.",
        )

    kind, mime = spec.kind, spec.mime
    if spec.kind == "image":
        _check_image(path, fmt, limits)
    elif spec.kind == "pdf":
        _check_pdf(path)
    elif spec.kind in ("audio", "video"):
        kind, mime = _check_av(path, fmt)
    extension = declared_extension or spec.extensions[0]
    return Sniffed(kind=kind, mime=mime, extension=extension)
