"""Metadata extraction and metadata-free derivatives (originals are never altered)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from evidence import media
from evidence.streaming import sha256_file
from evidence.tests.hostile_corpus import (
    ffmpeg_clip,
    image_pdf_bytes,
    jpeg_bytes,
    text_pdf_bytes,
    wav_bytes,
)

needs_ffmpeg = pytest.mark.skipif(shutil.which("ffprobe") is None, reason="needs ffmpeg")


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "foto.jpg"
    path.write_bytes(jpeg_bytes((120, 80)))
    return path


def test_image_metadata_reads_capture_time_camera_and_gps(photo: Path) -> None:
    found = media.image_metadata(photo)
    assert (found.width, found.height, found.format) == (120, 80, "JPEG")
    assert found.captured_at == "2024-03-05T14:21:59-06:00"
    assert (found.camera_make, found.camera_model) == ("ExampleCam", "Model 5550142")
    assert found.latitude == pytest.approx(30.270139, abs=1e-6)
    assert found.longitude == pytest.approx(-97.743333, abs=1e-6)


def test_image_without_exif_has_no_claims(tmp_path: Path) -> None:
    path = tmp_path / "plain.jpg"
    path.write_bytes(jpeg_bytes(exif=False))
    found = media.image_metadata(path)
    assert found.captured_at is None and found.latitude is None and found.camera_make is None


def test_working_copy_strips_all_metadata_and_leaves_the_original(photo: Path) -> None:
    before = sha256_file(photo)
    copy = photo.with_name("trabajo.jpg")
    media.make_working_copy(photo, copy)
    assert sha256_file(photo) == before
    with Image.open(copy) as image:
        assert not image.getexif()
        assert "exif" not in image.info and "icc_profile" not in image.info
        assert image.size == (120, 80)
    assert b"ExampleCam" not in copy.read_bytes()


def test_working_copy_applies_orientation_before_stripping_it(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when displayed
    source = tmp_path / "girada.jpg"
    Image.new("RGB", (100, 40), "white").save(source, "JPEG", exif=exif)
    media.make_working_copy(source, tmp_path / "copia.png")
    with Image.open(tmp_path / "copia.png") as image:
        assert image.size == (40, 100)


def test_redaction_fills_black_boxes_on_a_copy(photo: Path) -> None:
    before = sha256_file(photo)
    redacted = photo.with_name("tachada.png")
    media.redact_image(photo, redacted, boxes=[(10, 10, 49, 29), (100, 60, 119, 79)])
    assert sha256_file(photo) == before
    with Image.open(redacted) as image:
        assert image.getpixel((10, 10)) == (0, 0, 0)
        assert image.getpixel((49, 29)) == (0, 0, 0)
        assert image.getpixel((119, 79)) == (0, 0, 0)
        assert image.getpixel((60, 40)) != (0, 0, 0)
        assert not image.getexif()


def test_derivatives_refuse_to_overwrite_the_original(photo: Path) -> None:
    with pytest.raises(media.MediaError):
        media.redact_image(photo, photo, boxes=[(0, 0, 1, 1)])
    with pytest.raises(media.MediaError):
        media.make_working_copy(photo, photo)


def test_inverted_redaction_box_is_refused(photo: Path, tmp_path: Path) -> None:
    with pytest.raises(media.MediaError):
        media.redact_image(photo, tmp_path / "x.png", boxes=[(50, 50, 10, 10)])


def test_pdf_select_pages_keeps_only_the_chosen_pages(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for data in (text_pdf_bytes("Pagina uno"), image_pdf_bytes(), text_pdf_bytes("Pagina tres")):
        writer.add_page(PdfReader(io.BytesIO(data)).pages[0])
    writer.add_metadata({"/Author": "Oficial Ejemplo Uno"})
    source = tmp_path / "tres.pdf"
    with open(source, "wb") as handle:
        writer.write(handle)
    before = sha256_file(source)
    assert media.pdf_select_pages(source, tmp_path / "sel.pdf", [3, 1]) == 2
    result = PdfReader(tmp_path / "sel.pdf")
    assert [page.extract_text().strip() for page in result.pages] == ["Pagina tres", "Pagina uno"]
    assert "/Author" not in (result.metadata or {})
    assert sha256_file(source) == before
    with pytest.raises(media.MediaError):
        media.pdf_select_pages(source, tmp_path / "bad.pdf", [4])


def test_gps_conversion_handles_south_and_garbage() -> None:
    assert media.gps_decimal({1: "S", 2: (33.0, 52.0, 4.0), 3: "E", 4: (151.0, 12.0, 36.0)}) == (
        -33.867778,
        151.21,
    )
    assert media.gps_decimal({2: (400.0, 0.0, 0.0), 4: "nonsense"}) == (None, None)


@needs_ffmpeg
def test_audio_duration_and_codec_come_from_ffprobe(tmp_path: Path) -> None:
    wav = tmp_path / "mensaje.wav"
    wav.write_bytes(wav_bytes(seconds=0.5))
    found = media.av_metadata(wav)
    assert found.duration == pytest.approx(0.5, abs=0.01)
    assert [(s.kind, s.codec, s.sample_rate, s.channels) for s in found.streams] == [
        ("audio", "pcm_s16le", 8000, 1)
    ]


@needs_ffmpeg
def test_video_streams_are_reported(tmp_path: Path) -> None:
    clip = ffmpeg_clip(tmp_path / "clip.mp4", "mp4")
    found = media.av_metadata(clip)
    assert found.duration == pytest.approx(1.0, abs=0.1)
    assert {(s.kind, s.codec) for s in found.streams} == {("video", "h264"), ("audio", "aac")}
    video = next(s for s in found.streams if s.kind == "video")
    assert (video.width, video.height) == (64, 48)


@needs_ffmpeg
def test_ffprobe_failure_is_a_media_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00\x00\x00\x18ftypisom" + bytes(100))
    with pytest.raises(media.MediaError):
        media.av_metadata(junk)
