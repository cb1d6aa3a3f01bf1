"""Streaming to a temp file while hashing: constant memory, cleanup on every failure."""

from __future__ import annotations

import hashlib
import io
import os
import resource
from collections.abc import Iterator
from pathlib import Path

import pytest

from evidence.streaming import (
    EvidenceEmpty,
    EvidenceInterrupted,
    EvidenceRefused,
    EvidenceTooLarge,
    sha256_file,
    stream_to_temp,
)

MIB = 1024 * 1024


def test_stream_writes_the_bytes_and_their_sha256(tmp_path: Path) -> None:
    data = os.urandom(3 * MIB + 17)
    result = stream_to_temp(io.BytesIO(data), directory=tmp_path, max_bytes=10 * MIB)
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.path.read_bytes() == data
    assert result.path.parent == tmp_path
    assert (result.path.stat().st_mode & 0o777) == 0o600


def test_stream_accepts_an_iterator_of_chunks(tmp_path: Path) -> None:
    chunks = [b"Aviso ", b"555-0142", b"\n"]
    result = stream_to_temp(iter(chunks), directory=tmp_path, max_bytes=100)
    assert result.path.read_bytes() == b"Aviso 555-0142\n"
    assert result.sha256 == hashlib.sha256(b"Aviso 555-0142\n").hexdigest()


def test_stream_accepts_a_reader_without_readinto(tmp_path: Path) -> None:
    class ReadOnly:
        def __init__(self) -> None:
            self.inner = io.BytesIO(b"x" * 5000)

        def read(self, size: int) -> bytes:
            return self.inner.read(size)

    result = stream_to_temp(ReadOnly(), directory=tmp_path, max_bytes=5000, chunk_size=1024)
    assert result.size == 5000


def test_over_the_limit_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(EvidenceTooLarge) as refusal:
        stream_to_temp(io.BytesIO(b"a" * 2049), directory=tmp_path, max_bytes=2048, chunk_size=512)
    assert refusal.value.code == "too_large"
    assert "2.0 KiB" in refusal.value.message
    assert list(tmp_path.iterdir()) == []


def test_exactly_at_the_limit_is_accepted(tmp_path: Path) -> None:
    assert stream_to_temp(io.BytesIO(b"a" * 2048), directory=tmp_path, max_bytes=2048).size == 2048


def test_empty_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    with pytest.raises(EvidenceEmpty) as refusal:
        stream_to_temp(io.BytesIO(b""), directory=tmp_path, max_bytes=10)
    assert refusal.value.code == "empty"
    assert list(tmp_path.iterdir()) == []


def test_a_client_disconnect_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    def disconnecting() -> Iterator[bytes]:
        yield b"a" * 1000
        raise ConnectionResetError("client went away")

    with pytest.raises(EvidenceInterrupted) as refusal:
        stream_to_temp(disconnecting(), directory=tmp_path, max_bytes=10_000)
    assert refusal.value.code == "interrupted"
    assert isinstance(refusal.value, EvidenceRefused)
    assert list(tmp_path.iterdir()) == []


def test_an_unexpected_error_also_removes_the_partial_file(tmp_path: Path) -> None:
    def broken() -> Iterator[bytes]:
        yield b"a"
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        stream_to_temp(broken(), directory=tmp_path, max_bytes=10)
    assert list(tmp_path.iterdir()) == []


def test_memory_does_not_grow_with_file_size(tmp_path: Path) -> None:
    source = tmp_path / "grande.bin"
    with open(source, "wb") as handle:
        for _ in range(256):
            handle.write(os.urandom(MIB))
    target = tmp_path / "out"
    target.mkdir()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(source, "rb") as handle:
        result = stream_to_temp(handle, directory=target, max_bytes=1024 * MIB)
    growth_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert result.size == 256 * MIB
    assert result.sha256 == sha256_file(source)
    # 256 MiB went through; peak RSS may grow by the 1 MiB buffer and noise, not by the file.
    assert growth_kib < 32 * 1024


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    path = tmp_path / "f"
    data = os.urandom(MIB + 3)
    path.write_bytes(data)
    assert sha256_file(path) == hashlib.sha256(data).hexdigest()


def test_a_regular_file_is_copied_by_the_kernel_from_its_position(tmp_path: Path) -> None:
    source = tmp_path / "source.bin"
    data = os.urandom(3 * MIB + 17)
    source.write_bytes(b"HEADER" + data)
    with open(source, "rb") as handle:
        handle.seek(6)  # a caller that already read a header: only the rest is the file
        result = stream_to_temp(handle, directory=tmp_path, max_bytes=10 * MIB)
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.path.read_bytes() == data


def test_a_regular_file_over_the_limit_or_empty_is_refused_before_copying(tmp_path: Path) -> None:
    big, empty = tmp_path / "big.bin", tmp_path / "empty.bin"
    big.write_bytes(b"x" * 2048)
    empty.write_bytes(b"")
    with open(big, "rb") as handle, pytest.raises(EvidenceTooLarge):
        stream_to_temp(handle, directory=tmp_path, max_bytes=1024)
    with open(empty, "rb") as handle, pytest.raises(EvidenceEmpty):
        stream_to_temp(handle, directory=tmp_path, max_bytes=1024)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.bin", "empty.bin"]
