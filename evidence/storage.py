"""The evidence store: content-addressed, write-once originals and derivatives.

This is the only module that knows whether bytes live on a local disk or in an S3-compatible
object store (Django ``STORAGES["evidence"]``: FileSystemStorage, or django-storages' S3Storage
with ``file_overwrite=False``). Everything else asks for a key by SHA-256 and gets bytes back.

Write-once: an object is stored under ``<prefix>/<aa>/<bb>/<sha256>`` and never overwritten. If
the key already exists the bytes are already there (same hash, same content), so a second
upload of the same file stores nothing new. If a concurrent writer won the race, the storage
gives our copy another name (``get_available_name``) and we delete that duplicate at once.

Custos keeps its own full-file SHA-256: an S3 multipart checksum is a hash of part hashes, not
of the file (research B: S3 composite checksums), so it can never stand in for ours.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages

ORIGINALS = "originals"
DERIVATIVES = "derivatives"
READ_CHUNK = 1024 * 1024
STALE_PARTIAL_SECONDS = 6 * 3600


class StorageError(Exception):
    """The evidence store could not keep or return an object."""


class _StagedFile(File):
    """A staged temp file; ``temporary_file_path`` lets FileSystemStorage move it (no copy)."""

    def temporary_file_path(self) -> str:
        return str(self.name)


def _storage() -> Storage:
    return storages["evidence"]


def _is_local(storage: Storage) -> bool:
    return isinstance(storage, FileSystemStorage)


def key_for(sha256: str, *, prefix: str = ORIGINALS) -> str:
    """Return the storage key of an object by its hex SHA-256."""
    if len(sha256) != 64 or any(char not in "0123456789abcdef" for char in sha256):
        raise StorageError("Not a SHA-256 hex digest.")
    return f"{prefix}/{sha256[:2]}/{sha256[2:4]}/{sha256}"


def staging_dir() -> Path:
    """Return the private directory where uploads are streamed before they are stored.

    For a local store it sits beside the evidence root (same filesystem, so the staged file is
    renamed into place, not copied); it is never inside the store, so a partial upload is never
    visible as evidence.
    """
    storage = _storage()
    configured = getattr(settings, "EVIDENCE_STAGING_DIR", "")
    if configured:
        path = Path(configured)
    elif isinstance(storage, FileSystemStorage):
        root = Path(storage.location)
        path = root.parent / f".{root.name}-staging"
    else:
        path = Path(tempfile.gettempdir()) / "custos-evidence-staging"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def _fsync_path(path: str | os.PathLike[str]) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def put(path: str | os.PathLike[str], sha256: str, *, prefix: str = ORIGINALS) -> tuple[str, bool]:
    """Store the staged file at ``path`` under its hash; return (key, newly_stored).

    The staged file is consumed (moved or deleted) either way.
    """
    storage = _storage()
    key = key_for(sha256, prefix=prefix)
    path = Path(path)
    try:
        if storage.exists(key):
            return key, False
        if _is_local(storage):
            # Durable before it is visible: flush the bytes, then rename into place.
            _fsync_path(path)
            with _StagedFile(open(path, "rb"), name=str(path)) as staged:
                saved = storage.save(key, staged)
            saved_path = Path(storage.path(saved))
            with contextlib.suppress(OSError):
                saved_path.chmod(0o440)  # read-only: nothing in Custos rewrites an original
                _fsync_path(saved_path.parent)
        else:
            with open(path, "rb") as handle:
                saved = storage.save(key, File(handle, name=key))
        if saved != key:
            # A concurrent upload of the same bytes stored the key first: drop our duplicate.
            storage.delete(saved)
            return key, False
        return key, True
    finally:
        path.unlink(missing_ok=True)


def put_bytes(data: bytes, sha256: str, *, prefix: str = DERIVATIVES) -> tuple[str, bool]:
    """Store small derived bytes (a working copy, a redaction) under their hash."""
    fd, name = tempfile.mkstemp(prefix="derived-", suffix=".part", dir=staging_dir())
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    return put(name, sha256, prefix=prefix)


def exists(key: str) -> bool:
    """Return whether the store holds an object under ``key``."""
    return _storage().exists(key)


class StorageUnavailable(StorageError):
    """The evidence store could not be reached (as opposed to an object being missing)."""


def require_present(key: str) -> None:
    """Raise StorageError if the object is missing, StorageUnavailable if the store is down."""
    try:
        present = _storage().exists(key)
    except Exception as error:  # any backend failure means the store cannot be reached
        raise StorageUnavailable("The evidence store cannot be reached just now.") from error
    if not present:
        raise StorageError(f"The object {key} is missing from the evidence store.")


def size(key: str) -> int:
    """Return the stored object's size in bytes."""
    return _storage().size(key)


@contextlib.contextmanager
def open_read(key: str) -> Iterator[IO[bytes]]:
    """Open a stored object for streaming reads; raise StorageError if it is missing."""
    storage = _storage()
    try:
        handle = storage.open(key, "rb")
    except (FileNotFoundError, OSError) as error:
        raise StorageError(f"The object {key} is missing from the evidence store.") from error
    try:
        yield handle
    finally:
        handle.close()


def iter_chunks(key: str, chunk_size: int = READ_CHUNK) -> Iterator[bytes]:
    """Yield a stored object's bytes in fixed chunks (constant memory, no temp copy)."""
    storage = _storage()
    if not _is_local(storage):
        # django-storages' S3File spools the whole object to a temp file before the first read;
        # the raw GET body streams instead (fixity checks of large videos, exports, downloads).
        from botocore.exceptions import ClientError

        try:
            body = storage.bucket.Object(storage._normalize_name(key)).get()["Body"]  # type: ignore[attr-defined]
        except ClientError as error:
            raise StorageError(f"The object {key} is missing from the evidence store.") from error
        try:
            yield from body.iter_chunks(chunk_size)
        finally:
            body.close()
        return
    with open_read(key) as handle:
        while chunk := handle.read(chunk_size):
            yield chunk


def copy_to(key: str, destination: str | os.PathLike[str]) -> None:
    """Write a stored object to a local path, streaming."""
    with open(destination, "wb") as out:
        for chunk in iter_chunks(key):
            out.write(chunk)


@contextlib.contextmanager
def local_copy(key: str) -> Iterator[Path]:
    """Give a local path to a stored object (the file itself when local, else a temp copy)."""
    storage = _storage()
    if _is_local(storage):
        path = Path(storage.path(key))
        if not path.exists():
            raise StorageError(f"The object {key} is missing from the evidence store.")
        yield path
        return
    fd, name = tempfile.mkstemp(prefix="evidence-copy-", dir=staging_dir())
    os.close(fd)
    try:
        copy_to(key, name)
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


# What a killed process can leave in the staging directory: partial uploads and derived bytes
# (``*.part``), the working directory of a web export (``export-*``), a local copy of an S3
# object (``evidence-copy-*``) and the working directory of a derivative (``derive-*``).
STAGING_LEFTOVERS = ("*.part", "export-*", "evidence-copy-*", "derive-*")


def _newest_mtime(path: Path) -> float:
    """Return the latest modification time in a file or directory tree.

    A running export or copy keeps writing inside its directory, so its newest file is recent
    even when the directory itself was made long ago: only a tree nobody touched is stale.
    """
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for child in path.rglob("*"):
            with contextlib.suppress(FileNotFoundError):
                newest = max(newest, child.lstat().st_mtime)
    return newest


def remove_stale_partials(*, older_than_seconds: int = STALE_PARTIAL_SECONDS) -> int:
    """Delete staging leftovers of killed processes; return how many were removed."""
    cutoff = time.time() - older_than_seconds
    removed = 0
    directory = staging_dir()
    seen: set[Path] = set()
    for pattern in STAGING_LEFTOVERS:
        for path in directory.glob(pattern):
            if path in seen:
                continue
            seen.add(path)
            with contextlib.suppress(FileNotFoundError):
                if _newest_mtime(path) >= cutoff:
                    continue
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink()
                if not path.exists():
                    removed += 1
    return removed


def backend_name() -> str:
    """Return "local" or "s3" (for operations reports only; never branch on it elsewhere)."""
    return "local" if _is_local(_storage()) else "s3"


def _test_corrupt(key: str, offset: int = 0) -> None:
    """Flip one byte of a stored object (tests and drills only: proves fixity checks work)."""
    if not getattr(settings, "EVIDENCE_ALLOW_CORRUPTION_DRILL", False):
        raise StorageError("Corruption drills are disabled.")
    storage = _storage()
    data = bytearray(b"".join(iter_chunks(key)))
    data[offset] ^= 0xFF
    if _is_local(storage):
        path = Path(storage.path(key))
        path.chmod(0o640)
        path.write_bytes(bytes(data))
    else:
        # Bypass the no-overwrite rule deliberately, as an attacker or a failing disk would.
        storage.bucket.put_object(Key=key, Body=bytes(data))  # type: ignore[attr-defined]


def delete_unreferenced(key: str) -> None:
    """Delete an object no database row points at (a failed registration, an orphan sweep).

    Callers must have checked that no Blob row names the key; referenced originals are never
    deleted here.
    """
    storage = _storage()
    if _is_local(storage):
        path = Path(storage.path(key))
        with contextlib.suppress(FileNotFoundError):
            path.chmod(0o640)
    storage.delete(key)


def iter_keys(prefix: str = ORIGINALS) -> Iterator[str]:
    """Yield every key stored under ``prefix`` (for the orphan sweep)."""
    storage = _storage()

    def walk(directory: str) -> Iterator[str]:
        try:
            folders, files = storage.listdir(directory)
        except FileNotFoundError:
            return
        for name in files:
            yield f"{directory}/{name}"
        for folder in folders:
            yield from walk(f"{directory}/{folder}")

    yield from walk(prefix)


def modified_at(key: str):
    """Return when the object was stored (for the orphan sweep's grace period)."""
    return _storage().get_modified_time(key)
