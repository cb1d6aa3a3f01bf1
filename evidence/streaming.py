"""Stream incoming evidence bytes to a temp file while computing SHA-256 in one pass.

The evidentiary hash is computed at the first point of custody, as the bytes arrive, so the
original is never read twice to hash it (research Part B6: hashlib with SHA-NI streams at
~1.46 GB/s with constant memory; hashing is never the bottleneck).

Pure Python, no Django: callers pass a file-like object (Django's ``UploadedFile``, a socket
stream, an open file) or an iterator of byte chunks (``UploadedFile.chunks()``).

A source that is already a regular file on disk (Django's temporary upload file, a file named
on the command line) is copied by the kernel (``copy_file_range``) and the copy is then hashed:
no byte passes through a Python buffer twice, which measured about twice as fast.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import stat
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

MIB = 1024 * 1024
DEFAULT_CHUNK_SIZE = 1 * MIB


class EvidenceRefused(Exception):
    """A file was refused: ``code`` is stable for programs, ``message`` is shown to the user."""

    code: str = "refused"

    def __init__(self, code: str | None = None, message: str = "The file was refused.") -> None:
        if code is not None:
            self.code = code
        self.message = message
        super().__init__(f"{self.code}: {message}")


class EvidenceTooLarge(EvidenceRefused):
    """The file is over the size limit."""

    code = "too_large"


class EvidenceEmpty(EvidenceRefused):
    """The file has no bytes."""

    code = "empty"


class EvidenceInterrupted(EvidenceRefused):
    """The upload stopped before the end (client disconnect, read error)."""

    code = "interrupted"


@dataclass(frozen=True)
class StreamResult:
    """Where the bytes landed, their SHA-256 (hex) and their size in bytes."""

    path: Path
    sha256: str
    size: int


def _too_large_message(max_bytes: int) -> str:
    return f"The file is larger than the limit of {_human_size(max_bytes)}."


def _human_size(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:g} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return f"{size} bytes"  # pragma: no cover


def _write_all(fd: int, view: memoryview) -> None:
    # os.write may write less than asked (signals, pipes); loop until all of it is down.
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _chunks_from_source(
    source: BinaryIO | Iterable[bytes], buffer: bytearray
) -> Iterable[memoryview | bytes]:
    """Yield chunks from a file-like (reusing ``buffer``) or from an iterator of bytes."""
    readinto = getattr(source, "readinto", None)
    if readinto is not None:
        fileno = getattr(source, "fileno", None)
        # Tell the kernel we read once, front to back: larger read-ahead. In-memory streams
        # have no descriptor; that is fine.
        with contextlib.suppress(AttributeError, OSError, TypeError, ValueError):
            os.posix_fadvise(fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)  # type: ignore[misc]
        view = memoryview(buffer)
        while True:
            count = readinto(view)
            if not count:
                return
            yield view[:count]
    read = getattr(source, "read", None)
    if read is not None:
        while True:
            data = read(len(buffer))
            if not data:
                return
            yield data
    else:
        yield from source  # type: ignore[misc]


def _regular_file_position(source: object) -> tuple[int, int, int] | None:
    """Return (descriptor, position, size) when ``source`` is a regular file on disk."""
    fileno = getattr(source, "fileno", None)
    if fileno is None:
        return None
    try:
        fd = fileno()
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        return fd, os.lseek(fd, 0, os.SEEK_CUR), info.st_size
    except (AttributeError, OSError, TypeError, ValueError, io.UnsupportedOperation):
        return None


def _kernel_copy(source_fd: int, position: int, count: int, target_fd: int) -> bool:
    """Copy with copy_file_range (no user-space copy; a reflink on XFS/btrfs); False if refused."""
    copied = 0
    try:
        while copied < count:
            done = os.copy_file_range(
                source_fd, target_fd, count - copied, offset_src=position + copied
            )
            if done == 0:
                break  # the source shrank while we copied
            copied += done
    except OSError:
        # Another filesystem (EXDEV) or no support (ENOSYS, EINVAL): start over the plain way.
        os.ftruncate(target_fd, 0)
        os.lseek(target_fd, 0, os.SEEK_SET)
        return False
    if copied != count:
        raise EvidenceInterrupted(
            message="The file changed size while it was being read. Please try again."
        )
    return True


def stream_to_temp(
    source: BinaryIO | Iterable[bytes],
    *,
    directory: str | os.PathLike[str],
    max_bytes: int,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
) -> StreamResult:
    """Copy ``source`` to a new temp file in ``directory``, hashing; refuse empty or oversize."""
    # mkstemp opens with O_CREAT | O_EXCL and mode 0600: no other process can have the name.
    fd, name = tempfile.mkstemp(prefix="evidence-", suffix=".part", dir=directory)
    path = Path(name)
    digest = hashlib.sha256()
    size = 0
    buffer = bytearray(chunk_size)
    try:
        regular = _regular_file_position(source)
        if regular is not None:
            # A file already on disk (the command line, Django's temporary upload file): the
            # kernel copies it, then we hash our copy, the bytes we keep (faster than a copy
            # through Python: measured about twice as fast on the CI machine).
            source_fd, position, end = regular
            count = max(0, end - position)
            if count > max_bytes:
                raise EvidenceTooLarge(message=_too_large_message(max_bytes))
            if count == 0:
                raise EvidenceEmpty(message="The file is empty (0 bytes).")
            if _kernel_copy(source_fd, position, count, fd):
                os.close(fd)
                fd = -1
                return StreamResult(path=path, sha256=sha256_file(path), size=count)
        try:
            for chunk in _chunks_from_source(source, buffer):
                size += len(chunk)
                if size > max_bytes:
                    raise EvidenceTooLarge(message=_too_large_message(max_bytes))
                digest.update(chunk)
                _write_all(fd, memoryview(chunk))
        except EvidenceRefused:
            raise
        except (OSError, ValueError, EOFError, ConnectionError) as error:
            # A disconnecting client surfaces as an OSError/ValueError from read(); a full disk
            # as OSError from write(). Either way the partial file must not survive.
            raise EvidenceInterrupted(
                message="The upload stopped before the whole file arrived. Please try again."
            ) from error
        if size == 0:
            raise EvidenceEmpty(message="The file is empty (0 bytes).")
        # No fsync here: this is a staging file; the storage adapter makes the original durable.
    except BaseException:
        if fd >= 0:
            os.close(fd)
        path.unlink(missing_ok=True)
        raise
    os.close(fd)
    return StreamResult(path=path, sha256=digest.hexdigest(), size=size)


def sha256_file(path: str | os.PathLike[str], *, chunk_size: int = DEFAULT_CHUNK_SIZE) -> str:
    """Return the hex SHA-256 of a file, reading it in fixed chunks."""
    digest = hashlib.sha256()
    buffer = bytearray(chunk_size)
    view = memoryview(buffer)
    with open(path, "rb", buffering=0) as handle:
        with contextlib.suppress(OSError):
            os.posix_fadvise(handle.fileno(), 0, 0, os.POSIX_FADV_SEQUENTIAL)
        while count := handle.readinto(view):
            digest.update(view[:count])
    return digest.hexdigest()
