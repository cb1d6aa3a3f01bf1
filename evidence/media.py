"""Read metadata from evidence media and make derivative copies (working copy, redactions).

Metadata is shown to the reviewer, never trusted over the collector's statement: EXIF time,
camera and GPS are whatever the device (or a forger) wrote. Derivatives are new files; the
original is opened read-only and never altered (research B1: derivatives are new items
linked to their parent by hash).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction
from typing import Any

from PIL import Image, ImageDraw, ImageOps

try:  # HEIC support is optional: pillow-heif registers a Pillow opener.
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is in the runtime requirements
    pillow_heif = None  # type: ignore[assignment]

FFPROBE_TIMEOUT_SECONDS = 60

# EXIF tag numbers (EXIF 2.32 / TIFF 6.0).
_TAG_MAKE, _TAG_MODEL, _TAG_DATETIME = 0x010F, 0x0110, 0x0132
_IFD_EXIF, _IFD_GPS = 0x8769, 0x8825
_TAG_DATETIME_ORIGINAL, _TAG_OFFSET_TIME_ORIGINAL = 0x9003, 0x9011


class MediaError(Exception):
    """The media could not be read or probed."""


@dataclass(frozen=True)
class ImageMetadata:
    """What the image file says about itself (claims, not facts)."""

    width: int
    height: int
    format: str
    captured_at: str | None = None  # EXIF DateTimeOriginal as written, ISO 8601 if parseable
    camera_make: str | None = None
    camera_model: str | None = None
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class StreamInfo:
    """One audio or video stream as ffprobe reports it."""

    kind: str  # "audio" or "video"
    codec: str
    width: int | None = None
    height: int | None = None
    sample_rate: int | None = None
    channels: int | None = None


@dataclass(frozen=True)
class AvMetadata:
    """Container, duration in seconds and streams of an audio or video file."""

    container: str
    duration: float | None
    streams: tuple[StreamInfo, ...] = field(default=())
    creation_time: str | None = None


# ---------------------------------------------------------------------------------------------
# ffprobe
# ---------------------------------------------------------------------------------------------


def ffprobe(
    path: str | os.PathLike[str],
    *,
    demuxer: str | None = None,
    timeout: float = FFPROBE_TIMEOUT_SECONDS,
) -> dict[str, Any]:
    """Run ffprobe and return its JSON (format and streams); raise MediaError if it fails."""
    program = shutil.which("ffprobe")
    if program is None:
        raise MediaError("ffprobe (Debian package ffmpeg) is not installed.")
    command = [program, "-v", "error", "-print_format", "json", "-show_format", "-show_streams"]
    # Only local files: a playlist or concat script disguised as media must not make ffprobe
    # fetch URLs or read other files.
    command += ["-protocol_whitelist", "file"]
    if demuxer:
        # Force the demuxer we sniffed so ffprobe cannot pick another parser for the bytes.
        command += ["-f", demuxer]
    command.append("file:" + os.fspath(path))
    try:
        completed = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as error:
        raise MediaError("Probing the media took too long.") from error
    if completed.returncode != 0:
        detail = completed.stderr.decode("utf-8", "replace").strip().splitlines()
        raise MediaError(detail[-1] if detail else "ffprobe failed.")
    try:
        data = json.loads(completed.stdout or b"{}")
    except ValueError as error:
        raise MediaError("ffprobe returned unreadable output.") from error
    if not data.get("format") or not data.get("streams"):
        raise MediaError("No audio or video streams were found.")
    return data


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def av_metadata_from_probe(data: dict[str, Any]) -> AvMetadata:
    """Summarise ffprobe JSON into container, duration and audio/video streams."""
    streams = []
    for stream in data.get("streams", []):
        kind = stream.get("codec_type")
        # A cover picture in an MP3 or M4A is a "video" stream with attached_pic set.
        if kind == "video" and stream.get("disposition", {}).get("attached_pic"):
            continue
        if kind not in ("audio", "video"):
            continue
        streams.append(
            StreamInfo(
                kind=kind,
                codec=stream.get("codec_name", "unknown"),
                width=_int_or_none(stream.get("width")),
                height=_int_or_none(stream.get("height")),
                sample_rate=_int_or_none(stream.get("sample_rate")),
                channels=_int_or_none(stream.get("channels")),
            )
        )
    container = data.get("format", {})
    try:
        duration: float | None = float(container["duration"])
    except (KeyError, TypeError, ValueError):
        duration = None
    return AvMetadata(
        container=container.get("format_name", "unknown"),
        duration=duration,
        streams=tuple(streams),
        creation_time=(container.get("tags") or {}).get("creation_time"),
    )


def av_metadata(path: str | os.PathLike[str]) -> AvMetadata:
    """Return duration, container and codecs of an audio or video file."""
    return av_metadata_from_probe(ffprobe(path))


# ---------------------------------------------------------------------------------------------
# Images
# ---------------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    cleaned = str(value).strip("\x00 ").strip()
    return cleaned or None


def _exif_datetime(value: Any, offset: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    try:
        moment = datetime.strptime(text, "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return text  # keep what the device wrote, even if malformed
    offset_text = _text(offset)
    return moment.isoformat() + (offset_text if offset_text else "")


def _degrees(value: Any) -> float | None:
    try:
        degrees, minutes, seconds = (float(Fraction(str(part))) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    return degrees + minutes / 60 + seconds / 3600


def gps_decimal(gps: dict[int, Any]) -> tuple[float | None, float | None]:
    """Return (latitude, longitude) in decimal degrees from an EXIF GPS IFD."""
    latitude, longitude = _degrees(gps.get(2)), _degrees(gps.get(4))
    if latitude is not None and _text(gps.get(1)) == "S":
        latitude = -latitude
    if longitude is not None and _text(gps.get(3)) == "W":
        longitude = -longitude
    # Out-of-range values are not coordinates (a zeroed or garbled GPS block).
    if latitude is not None and not -90 <= latitude <= 90:
        latitude = None
    if longitude is not None and not -180 <= longitude <= 180:
        longitude = None
    return (
        round(latitude, 6) if latitude is not None else None,
        round(longitude, 6) if longitude is not None else None,
    )


def image_metadata(path: str | os.PathLike[str]) -> ImageMetadata:
    """Return size, EXIF capture time, camera make/model and GPS of an image."""
    try:
        with Image.open(path) as image:
            exif = image.getexif()
            exif_ifd = exif.get_ifd(_IFD_EXIF)
            latitude, longitude = gps_decimal(exif.get_ifd(_IFD_GPS))
            return ImageMetadata(
                width=image.width,
                height=image.height,
                format=image.format or "unknown",
                captured_at=_exif_datetime(
                    exif_ifd.get(_TAG_DATETIME_ORIGINAL) or exif.get(_TAG_DATETIME),
                    exif_ifd.get(_TAG_OFFSET_TIME_ORIGINAL),
                ),
                camera_make=_text(exif.get(_TAG_MAKE)),
                camera_model=_text(exif.get(_TAG_MODEL)),
                latitude=latitude,
                longitude=longitude,
            )
    except (OSError, ValueError, SyntaxError) as error:
        raise MediaError(f"The image could not be read: {error}") from error


def _clean_copy(image: Image.Image) -> Image.Image:
    """Return the pixels only: orientation applied, no EXIF, XMP, ICC text or comments."""
    oriented = ImageOps.exif_transpose(image)
    mode = oriented.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        mode = "RGBA" if "A" in oriented.getbands() else "RGB"
    # A fresh image from raw pixels carries no info dict at all, so nothing can leak through.
    pixels = oriented.convert(mode)
    return Image.frombytes(mode, pixels.size, pixels.tobytes())


def _save_clean(image: Image.Image, dst: str | os.PathLike[str]) -> None:
    extension = os.path.splitext(os.fspath(dst))[1].lower()
    if extension in (".jpg", ".jpeg"):
        image.convert("RGB").save(dst, "JPEG", quality=92)
    else:
        # PNG by default: lossless, and a redaction box stays solid (JPEG would blur its edge).
        image.save(dst, "PNG")


def make_working_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    """Write a metadata-free copy of an image (PNG or JPEG by ``dst`` extension)."""
    if os.path.abspath(src) == os.path.abspath(dst):
        raise MediaError("The working copy must not overwrite the original.")
    with Image.open(src) as image:
        _save_clean(_clean_copy(image), dst)


def redact_image(
    src: str | os.PathLike[str],
    dst: str | os.PathLike[str],
    boxes: Iterable[Sequence[int]],
) -> None:
    """Write a copy of an image with solid black boxes over ``boxes`` and no metadata."""
    if os.path.abspath(src) == os.path.abspath(dst):
        raise MediaError("The redacted copy must not overwrite the original.")
    with Image.open(src) as image:
        clean = _clean_copy(image)
    draw = ImageDraw.Draw(clean)
    fill = (0, 0, 0, 255) if clean.mode in ("RGBA", "LA") else 0
    for box in boxes:
        x0, y0, x1, y1 = (int(value) for value in box)
        if x1 < x0 or y1 < y0:
            raise MediaError(f"A redaction box is inverted: {tuple(box)}.")
        # Boxes are in the coordinates of the image as displayed (orientation applied).
        draw.rectangle((x0, y0, x1, y1), fill=fill)
    _save_clean(clean, dst)


# ---------------------------------------------------------------------------------------------
# PDF
# ---------------------------------------------------------------------------------------------


def pdf_select_pages(
    src: str | os.PathLike[str], dst: str | os.PathLike[str], pages: Iterable[int]
) -> int:
    """Write a new PDF with only ``pages`` (1-based, in the order given); return the count."""
    from pypdf import PdfReader, PdfWriter

    if os.path.abspath(src) == os.path.abspath(dst):
        raise MediaError("The selected pages must go to a new file.")
    reader = PdfReader(os.fspath(src))
    if reader.is_encrypted and not reader.decrypt(""):
        raise MediaError("The PDF is password-protected.")
    chosen = list(pages)
    if not chosen:
        raise MediaError("Choose at least one page.")
    writer = PdfWriter()
    for number in chosen:
        if not 1 <= number <= len(reader.pages):
            raise MediaError(f"Page {number} does not exist (the PDF has {len(reader.pages)}).")
        writer.add_page(reader.pages[number - 1])
    # Drop document-level metadata: author, producer and XMP can identify people too.
    writer.add_metadata({"/Producer": "Custos"})
    with open(dst, "wb") as handle:
        writer.write(handle)
    return len(chosen)
