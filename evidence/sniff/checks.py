"""Per-type validation with a real parser: text, email, images, PDF, audio and video."""

from __future__ import annotations

import codecs
import mmap
import struct
import unicodedata
import warnings
import zlib
from pathlib import Path

from PIL import Image

from evidence import media
from evidence.sniff.formats import (
    _DEMUXERS,
    _EMAIL_KEY_HEADERS,
    _HEADER_LINE,
    _MARKUP_START,
    _PIL_FORMATS,
    _REFUSED_SIGNATURES,
    FORMATS,
    Limits,
    _refuse,
)
from evidence.streaming import EvidenceRefused


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


def _looks_binary(head: bytes) -> bool:
    # Text never has NUL bytes; a high share of other C0 controls also means binary.
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    return bool(head) and controls / len(head) > 0.05
