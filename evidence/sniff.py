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
"""

from __future__ import annotations

import codecs
import mmap
import os
import re
import struct
import unicodedata
import warnings
import zlib
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from evidence import media
from evidence.streaming import EvidenceRefused

__all__ = ["EvidenceRefused", "Limits", "Sniffed", "sniff_and_validate", "validate_filename"]

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


def _check_text(path: Path, head: bytes, limits: Limits) -> str:
    """Return "text" or "email" for clean UTF-8, or refuse binary and non-UTF-8 content."""
    if _MARKUP_START.match(head.removeprefix(b"\xef\xbb\xbf")):
        raise _refuse(
            "active_content",
            "Web pages, SVG and XML files can carry scripts and "
            "are not accepted. Take a screenshot or save it as PDF instead.",
        )
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    control = total = 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            if b"\x00" in chunk:
                raise _refuse("text_binary", "The file looks like binary data, not text.")
            try:
                text = decoder.decode(chunk)
            except UnicodeDecodeError:
                raise _refuse(
                    "text_encoding",
                    "The text is not UTF-8. Save it as UTF-8 (Unicode) and upload it again.",
                ) from None
            total += len(text)
            control += sum(
                1 for char in text if unicodedata.category(char) == "Cc" and char not in "\t\n\r\f"
            )
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _refuse("text_encoding", "The text ends in the middle of a character.") from None
    if total and control / total > limits.max_text_control_ratio:
        raise _refuse("text_binary", "The file looks like binary data, not text.")
    return "email" if _looks_like_email(head) else "text"


def _looks_like_email(head: bytes) -> bool:
    """Return True if the file starts with an RFC 5322 header block (then a blank line)."""
    names: set[bytes] = set()
    for line in head.removeprefix(b"\xef\xbb\xbf").split(b"\n"):
        line = line.rstrip(b"\r")
        if not line:
            return len(names) >= 2 and bool(names & _EMAIL_KEY_HEADERS)
        if line[:1] in (b" ", b"\t") and names:
            continue  # folded continuation of the previous header
        if not _HEADER_LINE.match(line):
            return False
        names.add(line.split(b":", 1)[0].lower())
    return False


def _tail_has_zip(path: Path, size: int) -> bool:
    # A zip's end-of-central-directory record sits in its last 64 KiB + 22 bytes, so a zip
    # appended to a JPEG or PDF (a classic polyglot) is found without reading the whole file.
    with open(path, "rb") as handle:
        handle.seek(max(0, size - 65_557))
        return b"PK\x05\x06" in handle.read()


def _jpeg_metadata_and_trailer(data: mmap.mmap) -> tuple[int, bytes]:
    """Return (bytes in APPn/COM segments, first bytes after EOI) for a JPEG."""
    position, metadata = 2, 0
    while position + 4 <= len(data):
        if data[position] != 0xFF:
            raise _refuse("image_corrupt", "The JPEG image is damaged.")
        marker = data[position + 1]
        if marker == 0xFF:
            position += 1  # fill byte
            continue
        length = struct.unpack(">H", data[position + 2 : position + 4])[0]
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            metadata += length
        if marker == 0xDA:  # start of scan: entropy data until EOI
            end = data.find(b"\xff\xd9", position + 2 + length)
            if end < 0:
                raise _refuse("image_truncated", "The JPEG image is incomplete (cut off).")
            return metadata, bytes(data[end + 2 : end + 66])
        position += 2 + length
    raise _refuse("image_truncated", "The JPEG image is incomplete (cut off).")


_PNG_PIXEL_CHUNKS = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"acTL", b"fcTL", b"fdAT"}


def _png_metadata_and_trailer(data: mmap.mmap, limits: Limits) -> tuple[int, bytes]:
    """Return (metadata bytes, decompressed for zTXt/iTXt/iCCP; bytes after IEND)."""
    position, metadata = 8, 0
    while position + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        end = position + 12 + length
        if end > len(data):
            break
        if kind not in _PNG_PIXEL_CHUNKS:
            metadata += length
            body = data[position + 8 : position + 8 + length]
            if kind in (b"zTXt", b"iCCP", b"iTXt"):
                metadata += _png_inflated_size(kind, body, limits.max_metadata_bytes)
        if metadata > limits.max_metadata_bytes:
            return metadata, b""
        if kind == b"IEND":
            return metadata, bytes(data[end : end + 64])
        position = end
    raise _refuse("image_truncated", "The PNG image is incomplete (cut off).")


def _png_inflated_size(kind: bytes, body: bytes, budget: int) -> int:
    # A zTXt chunk of 60 KiB can inflate to gigabytes: measure it with a bounded inflate.
    try:
        keyword_end = body.index(b"\x00")
        if kind == b"iTXt":
            if body[keyword_end + 1] != 1:
                return 0  # not compressed
            rest = body[keyword_end + 3 :]
            for _ in range(2):  # language tag, translated keyword
                rest = rest[rest.index(b"\x00") + 1 :]
            compressed = rest
        else:
            compressed = body[keyword_end + 2 :]
        inflater = zlib.decompressobj()
        return len(inflater.decompress(compressed, budget + 1))
    except (ValueError, IndexError, zlib.error):
        return 0  # Pillow's full decode judges a malformed chunk


def _check_image(path: Path, fmt: str, limits: Limits) -> None:
    """Refuse bombs, truncation, damage and oversized metadata; require a full decode."""
    metadata, trailer = 0, b""
    if fmt in ("jpeg", "png"):
        with (
            open(path, "rb") as handle,
            mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data,
        ):
            if fmt == "jpeg":
                metadata, trailer = _jpeg_metadata_and_trailer(data)
            else:
                metadata, trailer = _png_metadata_and_trailer(data, limits)
    if metadata > limits.max_metadata_bytes:
        raise _refuse(
            "metadata_too_large",
            f"The image carries more hidden metadata than allowed ({metadata:,} bytes).",
        )
    if trailer and _refused_family(trailer):
        raise _refuse("polyglot", "The image has another kind of file hidden after its end.")
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path, formats=[_PIL_FORMATS[fmt]]) as image:
                width, height = image.size
                if width * height > limits.max_image_pixels:
                    raise _refuse(
                        "image_bomb",
                        f"The image is {width}x{height} pixels, "
                        "above the limit: it could exhaust memory when opened.",
                    )
                if getattr(image, "n_frames", 1) > limits.max_image_frames:
                    raise _refuse("image_bomb", "The image has too many frames or pages.")
                info_size = sum(
                    len(value) for value in image.info.values() if isinstance(value, (bytes, str))
                )
                if metadata == 0 and info_size > limits.max_metadata_bytes:
                    raise _refuse(
                        "metadata_too_large", "The image carries more hidden metadata than allowed."
                    )
                image.verify()
            with Image.open(path, formats=[_PIL_FORMATS[fmt]]) as image:
                image.load()  # verify() does not decode pixels; a full load finds truncation
        except EvidenceRefused:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise _refuse(
                "image_bomb",
                "The image is too large in pixels: it could exhaust memory when opened.",
            ) from None
        except (OSError, SyntaxError, EOFError) as error:
            if "truncat" in str(error).lower() or isinstance(error, EOFError):
                raise _refuse(
                    "image_truncated",
                    "The image is incomplete (cut off). Upload the original file again.",
                ) from None
            raise _refuse("image_corrupt", "The image is damaged and cannot be opened.") from None
        except Exception:  # Pillow plugins raise many types on hostile input
            raise _refuse("image_corrupt", "The image is damaged and cannot be opened.") from None


def _refused_family(data: bytes) -> bool:
    lowered = data[:64].lower()
    return (
        any(
            data[offset:].startswith(prefix)
            for prefix, offset, _, _ in _REFUSED_SIGNATURES
            if offset == 0
        )
        or data.startswith(b"%PDF")
        or lowered.lstrip().startswith((b"<html", b"<script", b"<!doctype", b"<svg"))
    )


def _check_pdf(path: Path) -> None:
    """Refuse a PDF that pypdf cannot parse, that has no pages, or that needs a password."""
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise _refuse(
                "pdf_encrypted",
                "The PDF is password-protected. Upload a copy "
                "without a password (the original stays with you).",
            )
        if len(reader.pages) == 0:
            raise _refuse("pdf_corrupt", "The PDF has no pages.")
        reader.pages[0].mediabox  # noqa: B018 - forces the first page object to parse
    except EvidenceRefused:
        raise
    except Exception:  # pypdf raises many types on damaged files
        raise _refuse("pdf_corrupt", "The PDF is damaged and cannot be opened.") from None


def _check_av(path: Path, fmt: str) -> tuple[str, str]:
    """Probe with ffprobe using the sniffed demuxer; return (kind, MIME type)."""
    try:
        probe = media.av_metadata_from_probe(media.ffprobe(path, demuxer=_DEMUXERS[fmt]))
    except media.MediaError:
        raise _refuse(
            "media_corrupt", "The recording is damaged or not a playable audio or video file."
        ) from None
    kinds = {stream.kind for stream in probe.streams}
    if not kinds:
        raise _refuse("media_corrupt", "The file has no audio or video in it.")
    kind = "video" if "video" in kinds else "audio"
    if fmt == "isobmff":
        mime = (
            "audio/mp4"
            if kind == "audio"
            else (
                "video/quicktime"
                if "mov" in probe.container and _is_quicktime(path)
                else "video/mp4"
            )
        )
    elif fmt == "webm":
        mime = "video/webm" if kind == "video" else "audio/webm"
    elif fmt == "ogg":
        mime = "video/ogg" if kind == "video" else "audio/ogg"
    else:
        mime = FORMATS[fmt].mime
        if kind == "video":
            raise _refuse("media_corrupt", "The audio file unexpectedly contains video.")
    return kind, mime


def _is_quicktime(path: Path) -> bool:
    with open(path, "rb") as handle:
        head = handle.read(12)
    return head[4:8] != b"ftyp" or head[8:12] == b"qt  "


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


def _looks_binary(head: bytes) -> bool:
    # Text never has NUL bytes; a high share of other C0 controls also means binary.
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05
