"""Uploads and downloads of project documents.

The bytes go to the content-addressed store of itpm_common.docstore, which
applies the upload policy (no classified markings, size, type by content).
The gateway remembers who uploaded which digest under which file name and
for which unit, so a download can be named, an upload traced to a person,
and a document kept to the unit that uploaded it (rules.md §7.2): only that
unit and the roles that read every project may download it, and only that
unit may cite it in an application.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from nameko.extensions import DependencyProvider
from sqlalchemy import select
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from itpm_common.docstore import (
    CODE_TOO_LARGE,
    DocumentNotFound,
    DocumentRef,
    detect_document_type,
    store_from_config,
)
from itpm_common.errors import Refusal, not_found, validation

from .auth import CurrentUser
from .models import DocumentUpload

# Room for the multipart envelope around a file at the store's own limit.
MULTIPART_OVERHEAD = 64 * 1024
_HEX_RE = re.compile(r"^[0-9a-f]{64}$")
_DIGEST_RE = re.compile(r"^sha256:[0-9a-f]{64}$")
CODE_NOT_UPLOADED = "E07-DOCUMENT-NOT-UPLOADED"
_MAX_SIZE = 2**31 - 1  # document_uploads.size is a 32-bit INTEGER


class DocumentStoreProvider(DependencyProvider):
    def setup(self):
        self.store = store_from_config(self.container.config)

    def get_dependency(self, worker_ctx):
        return self.store


def upload(store, tx_factory, request: Request, user: CurrentUser) -> DocumentRef:
    if request.mimetype != "multipart/form-data":
        raise validation({"_body": ["上传文件须使用 multipart/form-data，文件放在字段 file 中"]},
                         reason_zh="请求的内容类型不正确")
    request.max_content_length = store.max_bytes + MULTIPART_OVERHEAD
    try:
        files = request.files
    except RequestEntityTooLarge:
        raise Refusal(code=CODE_TOO_LARGE,
                      reason_zh=f"文件大小超过上限（{store.max_bytes} 字节），请压缩或拆分后重新上传",
                      details={"max_bytes": store.max_bytes}) from None
    upload_file = files.get("file")
    if upload_file is None:
        raise validation({"file": ["必须选择要上传的文件（表单字段 file）"]})
    ref = store.put(upload_file.stream, upload_file.filename or "", upload_file.mimetype)
    with tx_factory.command(user.identity, "upload_document") as tx:
        tx.session.add(DocumentUpload(digest=ref.digest, size=ref.size, media_type=ref.media_type,
                                      filename=ref.filename, uploaded_by=user.username,
                                      unit_id=user.unit_id, uploaded_at=tx.now))
        tx.audit("upload_document", details=ref.to_dict())
    return ref


def normalise_digest(raw: str) -> str | None:
    raw = raw.strip().lower()
    if _DIGEST_RE.match(raw):
        return raw
    if _HEX_RE.match(raw):
        return f"sha256:{raw}"
    return None


def _content_disposition(filename: str) -> str:
    # Old clients read only the ASCII ``filename``; a Chinese name reduced to
    # its extension would save as ".pdf", so they get "document.pdf".
    stem, dot, ext = filename.rpartition(".")
    if not dot:
        stem, ext = filename, ""
    ascii_stem = re.sub(r"[^A-Za-z0-9._ -]", "", stem).strip() or "document"
    ascii_ext = re.sub(r"[^A-Za-z0-9]", "", ext)
    ascii_name = f"{ascii_stem}.{ascii_ext}" if ascii_ext else ascii_stem
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def download(store, tx_factory, raw_digest: str, user: CurrentUser) -> Response:
    digest = normalise_digest(raw_digest)
    if digest is None:
        raise not_found("文档", raw_digest)
    reads_all = user.identity.reads_all
    with tx_factory.read() as session:
        query = select(DocumentUpload).where(DocumentUpload.digest == digest)
        if not reads_all:
            # The same bytes may have been uploaded by several units; a unit
            # sees only its own upload, and so its own file name.
            query = query.where(DocumentUpload.unit_id == user.unit_id)
        first = session.scalars(query.order_by(DocumentUpload.id).limit(1)).first()
        if first is None and not reads_all:
            # Same answer as for a digest nobody stored: the caller learns
            # nothing about another unit's documents.
            raise not_found("文档", digest)
        filename, media_type = (first.filename, first.media_type) if first else (None, None)
    try:
        data = store.open(digest)
    except DocumentNotFound:
        raise not_found("文档", digest) from None
    if media_type is None:
        kind = detect_document_type(io.BytesIO(data))
        media_type, filename = kind.media_type, f"{digest.split(':', 1)[1]}{kind.extensions[0]}"
    return Response(data, status=200, content_type=media_type, headers={
        "Content-Disposition": _content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    })


def cited_refs(node: Any, path: str = "documents") -> Iterator[tuple[str, dict]]:
    """Every DocumentRef (an object with a ``digest``) under ``node``, with its
    field path. Walked without a list of slots so that a document slot added
    to a form later is checked without touching this code."""
    if isinstance(node, dict):
        if "digest" in node:
            yield path, node
            return
        for key, value in node.items():
            yield from cited_refs(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from cited_refs(value, f"{path}.{index}")


def not_uploaded(field_path: str, ref: dict) -> Refusal:
    filename = ref.get("filename")
    name = filename if isinstance(filename, str) and filename else str(ref.get("digest"))
    return Refusal(code=CODE_NOT_UPLOADED, rule="R-7-4", article="第七条",
                   reason_zh=f"引用的文件未经本单位上传：{name}",
                   reason_en=f"The cited document was not uploaded by your unit: {name}",
                   details={"field": field_path, "digest": ref.get("digest")})


def _uploaded_by_unit(session, ref: dict, unit_id: str) -> bool:
    digest, size = ref.get("digest"), ref.get("size")
    # Anything but a plain integer within the column's range matches no
    # upload; checking here keeps an absurd size from reaching the database.
    if not isinstance(digest, str) or type(size) is not int or not 0 < size <= _MAX_SIZE:
        return False
    return session.scalars(select(DocumentUpload.id).where(
        DocumentUpload.digest == digest, DocumentUpload.size == size,
        DocumentUpload.unit_id == unit_id).limit(1)).first() is not None


def require_own_uploads(tx_factory, payload: dict, user: CurrentUser, command: str) -> None:
    """Refuse a form that cites a document the caller's unit did not upload
    with exactly that digest and size: a digest alone would let a unit attach
    another unit's file it has never seen. The refusal is audited."""
    # Every slot of the form, not only ``documents``: superior-funding and requirement files count too.
    refs = [ref for key, value in payload.items() for ref in cited_refs(value, key)] \
        if isinstance(payload, dict) else []
    if not refs:
        return
    with tx_factory.read() as session:
        foreign = next(((path, ref) for path, ref in refs
                        if not _uploaded_by_unit(session, ref, user.unit_id)), None)
    if foreign is not None:
        refusal = not_uploaded(*foreign)
        tx_factory.record_refusal(user.identity, command, refusal)
        raise refusal
