"""Every hostile file is refused with its own code; every valid sample is accepted."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidence.sniff import EvidenceRefused, Limits, sniff_and_validate, validate_filename
from evidence.tests.hostile_corpus import (
    HostileCase,
    ValidSample,
    jpeg_bytes,
    write_hostile_corpus,
    write_valid_samples,
)

needs_ffmpeg = pytest.mark.skipif(
    shutil.which("ffmpeg") is None or shutil.which("ffprobe") is None,
    reason="needs the Debian ffmpeg package",
)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[HostileCase]:
    return write_hostile_corpus(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def samples(tmp_path_factory: pytest.TempPathFactory) -> list[ValidSample]:
    return write_valid_samples(tmp_path_factory.mktemp("valid"))


def test_the_hostile_corpus_has_at_least_thirty_distinct_files(corpus: list[HostileCase]) -> None:
    assert len({case.label for case in corpus}) >= 30
    assert len({case.expected_code for case in corpus}) >= 20


def test_every_hostile_file_is_refused_with_its_own_code(corpus: list[HostileCase]) -> None:
    wrong = []
    for case in corpus:
        try:
            sniffed = sniff_and_validate(
                case.path,
                declared_name=case.declared_name,
                declared_content_type=case.declared_content_type,
                limits=case.limits,
            )
        except EvidenceRefused as refusal:
            assert refusal.message and refusal.message[0].isupper(), case.label
            if refusal.code != case.expected_code:
                wrong.append((case.label, case.expected_code, refusal.code, refusal.message))
        else:
            wrong.append((case.label, case.expected_code, "ACCEPTED", sniffed))
    assert not wrong, "\n".join(map(str, wrong))


def test_every_valid_sample_is_accepted_with_the_right_kind(samples: list[ValidSample]) -> None:
    kinds = {}
    for sample in samples:
        sniffed = sniff_and_validate(sample.path, declared_name=sample.declared_name)
        kinds[sample.path.name] = (sniffed.kind, sniffed.extension)
        assert (sniffed.kind, sniffed.extension) == (sample.kind, sample.extension), sample
    assert {"image", "pdf", "audio", "text", "email"} <= {kind for kind, _ in kinds.values()}


@needs_ffmpeg
def test_all_audio_and_video_types_are_covered(samples: list[ValidSample]) -> None:
    extensions = {sample.extension for sample in samples}
    assert {"wav", "mp3", "m4a", "ogg", "mp4", "mov", "webm"} <= extensions


def test_mime_types_follow_content(samples: list[ValidSample]) -> None:
    by_name = {s.path.name: s for s in samples}
    expected = {
        "foto.jpg": "image/jpeg",
        "correo.eml": "message/rfc822",
        "nota.txt": "text/plain",
        "documento.pdf": "application/pdf",
        "mensaje.wav": "audio/wav",
    }
    if "clip.m4a" in by_name:
        expected |= {
            "clip.m4a": "audio/mp4",
            "clip.mov": "video/quicktime",
            "clip.mp4": "video/mp4",
            "clip.webm": "video/webm",
        }
    for name, mime in expected.items():
        sample = by_name[name]
        assert sniff_and_validate(sample.path, declared_name=name).mime == mime, name


def test_the_type_mismatch_message_names_both_sides(tmp_path: Path) -> None:
    from evidence.tests.hostile_corpus import text_pdf_bytes

    path = tmp_path / "upload"
    path.write_bytes(text_pdf_bytes())
    with pytest.raises(EvidenceRefused) as refusal:
        sniff_and_validate(path, declared_name="foto.jpg")
    assert refusal.value.code == "type_mismatch"
    assert refusal.value.message == "The file claims to be .jpg but its content is a PDF document."


def test_a_name_without_extension_gets_the_canonical_one(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(jpeg_bytes())
    assert sniff_and_validate(path, declared_name="IMG_0142").extension == "jpg"


def test_a_declared_generic_content_type_is_not_a_mismatch(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(jpeg_bytes())
    sniffed = sniff_and_validate(
        path, declared_name="foto.JPG", declared_content_type="application/octet-stream"
    )
    assert sniffed.kind == "image"


def test_valid_names_are_normalised_not_refused() -> None:
    assert validate_filename("  Aviso en la puerta.JPG ") == "Aviso en la puerta.JPG"
    assert validate_filename("foto\u0301.jpg") == "fotó.jpg"  # NFC
    assert validate_filename("a" * 251 + ".png") == "a" * 251 + ".png"


def test_the_size_limit_is_inclusive(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"Aviso 555-0142\n")
    assert (
        sniff_and_validate(path, declared_name="a.txt", limits=Limits(max_bytes=15)).kind == "text"
    )


def test_refusals_carry_a_stable_code_and_message() -> None:
    with pytest.raises(EvidenceRefused) as refusal:
        validate_filename("")
    assert refusal.value.code == "name_empty"
    assert str(refusal.value) == "name_empty: The file has no name."


def test_a_note_that_starts_like_a_magic_number_is_still_text(tmp_path: Path) -> None:
    path = tmp_path / "upload"
    path.write_bytes(b"MZ said the flyer was posted at 456 Imaginary Lane.\n")
    assert sniff_and_validate(path, declared_name="nota.txt").kind == "text"
