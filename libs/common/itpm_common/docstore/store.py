"""The backend-independent upload policy shared by every document store."""

from __future__ import annotations

import abc
import contextlib
import logging
import re
import unicodedata
from typing import IO

from .classification import _refuse_if_classified
from .detect import _check_extension, _media_types_agree, detect_document_type
from .refs import _ALGORITHM, CODE_EMPTY, DocumentIntegrityError, DocumentRef, DocumentRejected
from .streaming import DEFAULT_MAX_BYTES, DataSource, _as_stream, _copy_limited

# Named after the package, not this module: callers know the store as itpm_common.docstore.
logger = logging.getLogger(__package__)


def _clean_filename(filename: str) -> str:
    if not isinstance(filename, str):
        raise TypeError("filename must be a str")
    # Clients send full paths (old IE, some upload widgets); only the last
    # component is meaningful and keeping the rest would invite traversal.
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    return name.strip()


class DocumentStore(abc.ABC):
    """Append-only, content-addressed document store.

    ``put`` runs the upload policy and then hands a fully validated staging
    file to the backend, so a rejected upload never reaches storage.
    """

    def __init__(self, *, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes <= 0:
            raise ValueError(f"max_bytes must be a positive integer, got {max_bytes!r}")
        self.max_bytes = max_bytes

    def put(
        self,
        data: DataSource,
        filename: str,
        declared_media_type: str | None = None,
    ) -> DocumentRef:
        """Validate and store a document; storing identical bytes again is a no-op.

        ``declared_media_type`` (the client's Content-Type) is only compared
        with the detected type for logging; browsers get it wrong too often
        for it to decide anything.
        """
        name = _clean_filename(filename)
        # Checked before any byte is read: classified content must not be
        # processed by this system at all, not even transiently.
        _refuse_if_classified(name)
        source = _as_stream(data)
        with self._staging_file() as staged:
            hexdigest, size = _copy_limited(source, staged, self.max_bytes, name)
            if size == 0:
                raise DocumentRejected(
                    CODE_EMPTY, "文件为空（0 字节），请重新选择文件后上传。", {"filename": name}
                )
            staged.flush()
            kind = detect_document_type(staged)
            _check_extension(name, kind)
            if declared_media_type and not _media_types_agree(declared_media_type, kind):
                logger.info(
                    "declared media type %r differs from detected %r for %s",
                    declared_media_type, kind.media_type, name,
                )
            ref = DocumentRef(
                digest=f"{_ALGORITHM}:{hexdigest}",
                size=size,
                media_type=kind.media_type,
                filename=name,
            )
            staged.seek(0)
            self._store(ref, staged)
        return ref

    @abc.abstractmethod
    def open(self, digest: str | DocumentRef) -> bytes:
        """Return the document's bytes, verified against the digest.

        Raises :class:`DocumentNotFound` or :class:`DocumentIntegrityError`.
        """

    @abc.abstractmethod
    def exists(self, digest: str | DocumentRef) -> bool: ...

    @abc.abstractmethod
    def verify(self, ref: DocumentRef) -> bool:
        """Re-hash the stored object; False if it is missing or altered."""

    @abc.abstractmethod
    def _staging_file(self) -> contextlib.AbstractContextManager[IO[bytes]]:
        """A writable, readable, seekable scratch file for one upload."""

    @abc.abstractmethod
    def _store(self, ref: DocumentRef, staged: IO[bytes]) -> None:
        """Persist the validated staging file under ``ref.digest``."""


def _check_existing_size(digest: str, expected: int, actual: int) -> None:
    # Same digest but different size means the stored object was altered;
    # silently "repairing" it would destroy evidence of that, so fail loudly.
    if actual != expected:
        raise DocumentIntegrityError(
            digest, f"existing object has {actual} bytes, expected {expected}"
        )
