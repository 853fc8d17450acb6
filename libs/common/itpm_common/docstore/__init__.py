"""Content-addressed document storage for uploaded project documents.

Uploaded evidence (申报书, 项目方案, 验收报告 …) is stored once under the
SHA-256 digest of its bytes. Services exchange only a :class:`DocumentRef`
in messages, never the bytes themselves, so a reference stays small and
JSON-serialisable and two services holding the same digest are guaranteed
to be talking about the same content.

Documents are evidence in an audit trail, so the store is append-only: there
is deliberately no ``delete``.

Every upload is checked before it is stored:

* a filename bearing a classification marking (绝密/机密/秘密, ★) is refused
  outright (第十八条, rule R-0-3) before any content is read;
* size is limited while streaming, so an oversized upload is never held in
  memory or on disk in full;
* the type is detected from the content (magic bytes and container
  structure); the filename and the client's declared media type are not
  trusted, and the filename's extension must agree with what was detected.
"""

from __future__ import annotations

from .classification import find_classification_marker
from .config import DEFAULT_LOCAL_ROOT, store_from_config
from .detect import ALLOWED_TYPES, DocumentType, detect_document_type
from .local import LocalDocumentStore
from .refs import (
    CODE_CLASSIFIED,
    CODE_EMPTY,
    CODE_TOO_LARGE,
    CODE_TYPE_MISMATCH,
    CODE_TYPE_NOT_ALLOWED,
    DocumentIntegrityError,
    DocumentNotFound,
    DocumentRef,
    DocumentRejected,
)
from .s3 import S3DocumentStore
from .store import DocumentStore
from .streaming import DEFAULT_MAX_BYTES

__all__ = [
    "ALLOWED_TYPES",
    "CODE_CLASSIFIED",
    "CODE_EMPTY",
    "CODE_TOO_LARGE",
    "CODE_TYPE_MISMATCH",
    "CODE_TYPE_NOT_ALLOWED",
    "DEFAULT_LOCAL_ROOT",
    "DEFAULT_MAX_BYTES",
    "DocumentIntegrityError",
    "DocumentNotFound",
    "DocumentRef",
    "DocumentRejected",
    "DocumentStore",
    "DocumentType",
    "LocalDocumentStore",
    "S3DocumentStore",
    "detect_document_type",
    "find_classification_marker",
    "store_from_config",
]
