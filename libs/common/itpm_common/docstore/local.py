"""Filesystem backend of the document store."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .refs import _ALGORITHM, DocumentIntegrityError, DocumentNotFound, DocumentRef, _parse_digest
from .store import DocumentStore, _check_existing_size
from .streaming import _CHUNK, DEFAULT_MAX_BYTES, _hash_chunks


class LocalDocumentStore(DocumentStore):
    """Filesystem backend: ``root/sha256/ab/cd/<hex>``.

    Objects are written to ``root/tmp`` first, fsynced and then renamed into
    place; the rename is atomic on one filesystem, so readers and crashes
    only ever see complete objects.
    """

    _OBJECT_MODE = 0o440

    def __init__(self, root: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES):
        super().__init__(max_bytes=max_bytes)
        # Absolute now, so a later chdir in the process cannot move the store.
        self.root = Path(root).absolute()
        self._tmp_dir = self.root / "tmp"

    def object_path(self, digest: str | DocumentRef) -> Path:
        _, hexdigest = _parse_digest(digest)
        return self.root / _ALGORITHM / hexdigest[0:2] / hexdigest[2:4] / hexdigest

    def exists(self, digest: str | DocumentRef) -> bool:
        return self.object_path(digest).is_file()

    def open(self, digest: str | DocumentRef) -> bytes:
        full, hexdigest = _parse_digest(digest)
        try:
            data = self.object_path(full).read_bytes()
        except FileNotFoundError:
            raise DocumentNotFound(full) from None
        actual = hashlib.new(_ALGORITHM, data).hexdigest()
        if actual != hexdigest:
            raise DocumentIntegrityError(full, f"content hashes to {_ALGORITHM}:{actual}")
        return data

    def verify(self, ref: DocumentRef) -> bool:
        path = self.object_path(ref)
        try:
            with path.open("rb") as handle:
                hexdigest, size = _hash_chunks(iter(lambda: handle.read(_CHUNK), b""))
        except FileNotFoundError:
            return False
        return size == ref.size and hexdigest == ref.hexdigest

    @contextlib.contextmanager
    def _staging_file(self) -> Iterator[IO[bytes]]:
        _make_dirs(self._tmp_dir)
        # delete=False: _store renames the file away; the finally clause
        # removes it only when it was not promoted to an object.
        with tempfile.NamedTemporaryFile(
            mode="w+b", dir=self._tmp_dir, prefix=".incoming-", delete=False
        ) as handle:
            try:
                yield handle
            finally:
                handle.close()
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(handle.name)

    def _store(self, ref: DocumentRef, staged: IO[bytes]) -> None:
        target = self.object_path(ref)
        if target.exists():
            _check_existing_size(ref.digest, ref.size, target.stat().st_size)
            return
        staged.flush()
        os.fsync(staged.fileno())
        os.chmod(staged.name, self._OBJECT_MODE)
        staged.close()
        _make_dirs(target.parent)
        # Two writers racing on the same digest hold identical bytes, so
        # whichever replace lands last leaves the same object behind.
        os.replace(staged.name, target)
        _fsync_dir(target.parent)


def _make_dirs(path: Path) -> None:
    if path.is_dir():
        return
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    # New directory entries are only durable once their parent is synced.
    for created in reversed(missing):
        _fsync_dir(created.parent)


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
