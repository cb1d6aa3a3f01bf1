"""What the bytes are: accepted formats, refused families, limits and signature detection."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from PIL import Image

from evidence.streaming import EvidenceRefused

HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class Limits:
    """Size limits; one place to loosen them per deployment."""

    max_bytes: int = 4 * 1024**3  # a long phone video
    # Pillow's own bomb threshold (about 89.5 megapixels) unless set higher at start-up.
    max_image_pixels: int = Image.MAX_IMAGE_PIXELS or 89_478_485
    max_image_frames: int = 500  # multi-page TIFF scans
    # EXIF + XMP + ICC + comments + PNG text. Phone "portrait" photos carry depth maps in
    # extended XMP (a few MiB), so this cannot be as tight as one 64 KiB EXIF segment.
    max_metadata_bytes: int = 4 * 1024 * 1024
    max_name_bytes: int = 255  # what ext4, APFS and NTFS allow for one name
    max_text_control_ratio: float = 0.01


@dataclass(frozen=True)
class Sniffed:
    """What the content is: kind (image, pdf, audio, video, text, email), MIME type, extension."""

    kind: str
    mime: str
    extension: str


@dataclass(frozen=True)
class _Format:
    kind: str
    mime: str
    description: str
    extensions: tuple[str, ...]  # the first is the canonical one
    declared_types: frozenset[str]


def _fmt(kind: str, mime: str, description: str, extensions: str, types: str = "") -> _Format:
    return _Format(
        kind, mime, description, tuple(extensions.split()), frozenset((mime + " " + types).split())
    )


FORMATS: dict[str, _Format] = {
    "jpeg": _fmt(
        "image", "image/jpeg", "a JPEG image", "jpg jpeg jpe jfif", "image/jpg image/pjpeg"
    ),
    "png": _fmt("image", "image/png", "a PNG image", "png", "image/x-png"),
    "tiff": _fmt("image", "image/tiff", "a TIFF image", "tif tiff", "image/x-tiff"),
    "heic": _fmt(
        "image", "image/heic", "a HEIC image", "heic heif", "image/heif image/heic-sequence"
    ),
    "pdf": _fmt("pdf", "application/pdf", "a PDF document", "pdf", "application/x-pdf"),
    "wav": _fmt(
        "audio", "audio/wav", "a WAV recording", "wav wave", "audio/x-wav audio/wave audio/vnd.wave"
    ),
    "mp3": _fmt("audio", "audio/mpeg", "an MP3 recording", "mp3", "audio/mp3 audio/mpeg3"),
    "ogg": _fmt(
        "audio",
        "audio/ogg",
        "an Ogg recording",
        "ogg oga opus ogv",
        "application/ogg video/ogg audio/opus audio/vorbis",
    ),
    "isobmff": _fmt(
        "video",
        "video/mp4",
        "an MP4/QuickTime file",
        "mp4 m4v m4a mov qt",
        "video/quicktime audio/mp4 audio/x-m4a audio/m4a application/mp4 video/x-m4v",
    ),
    "webm": _fmt("video", "video/webm", "a WebM video", "webm", "audio/webm"),
    "text": _fmt("text", "text/plain", "plain text", "txt text log csv", "text/csv"),
    "email": _fmt("email", "message/rfc822", "an email message", "eml txt", "text/plain"),
}
# Declared types that say nothing: browsers send these when they do not know.
_UNINFORMATIVE_TYPES = frozenset(
    {
        "",
        "application/octet-stream",
        "binary/octet-stream",
        "application/unknown",
        "application/x-unknown",
    }
)
_DEMUXERS = {"wav": "wav", "mp3": "mp3", "ogg": "ogg", "isobmff": "mov", "webm": "matroska"}
_PIL_FORMATS = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "heic": "HEIF"}

# Families refused outright, by leading bytes: (prefix, offset, code, description).
_REFUSED_SIGNATURES: list[tuple[bytes, int, str, str]] = [
    (b"MZ", 0, "executable", "a Windows program"),
    (b"\x7fELF", 0, "executable", "a Linux program"),
    (b"\xcf\xfa\xed\xfe", 0, "executable", "a macOS program"),
    (b"\xce\xfa\xed\xfe", 0, "executable", "a macOS program"),
    (b"\xca\xfe\xba\xbe", 0, "executable", "a macOS or Java program"),
    (b"#!", 0, "executable", "a script"),
    (b"PK\x03\x04", 0, "archive", "a zip archive (or an Office document)"),
    (b"PK\x05\x06", 0, "archive", "an empty zip archive"),
    (b"Rar!\x1a\x07", 0, "archive", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", 0, "archive", "a 7-Zip archive"),
    (b"\x1f\x8b", 0, "archive", "a gzip archive"),
    (b"BZh", 0, "archive", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", 0, "archive", "an xz archive"),
    (b"ustar", 257, "archive", "a tar archive"),
    (b"MSCF", 0, "archive", "a cabinet archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 0, "unsupported_type", "an old Office document"),
]
_HEIC_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
_HEADER_LINE = re.compile(rb"^[!-9;-~]+:[ \t]?.*$")
_EMAIL_KEY_HEADERS = {b"from", b"date", b"received", b"message-id", b"return-path"}
_MARKUP_START = re.compile(rb"^\s*<(!doctype\s+html|html|svg|\?xml|head|body|script)\b", re.I)
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")


def _refuse(code: str, message: str) -> EvidenceRefused:
    return EvidenceRefused(code=code, message=message)


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _describe_unknown(head: bytes) -> str:
    """Name refused content with puremagic, for the message only."""
    import puremagic

    try:
        guesses = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        guesses = []
    return f"'{guesses[0].name.strip()}'" if guesses else "an unrecognised binary format"


def _detect(head: bytes) -> str | None:
    """Return the accepted format key for these leading bytes, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+"):
        return "tiff"
    if head[4:8] == b"ftyp":
        box_size = struct.unpack(">I", head[:4])[0]
        brands = {head[8:12]} | {head[i : i + 4] for i in range(16, min(box_size, 64), 4)}
        if b"avif" in brands or b"avis" in brands:
            return None
        return (
            "heic"
            if head[8:12] in _HEIC_BRANDS or (brands & _HEIC_BRANDS and b"isom" not in brands)
            else "isobmff"
        )
    if head[4:8] in (b"moov", b"mdat", b"wide", b"free", b"skip"):
        return "isobmff"  # QuickTime files from before the ftyp box
    if head.startswith(b"RIFF") and head[8:12] == b"WAVE":
        return "wav"
    if head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE6 == 0xE2):
        return "mp3"  # ID3 tag, or an MPEG audio layer III frame sync
    if head.startswith(b"OggS"):
        return "ogg"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "webm" if b"webm" in head[:64] else None
    if b"%PDF-" in head[:1024]:
        return "pdf"
    return None
