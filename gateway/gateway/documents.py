"""Uploads and downloads of project documents.

The bytes go to the content-addressed store of itpm_common.docstore, which
applies the upload policy (no classified markings, size, type by content).
The gateway remembers who uploaded which digest under which file name, so a
download can be named and an upload traced to a person.
"""

from __future__ import annotations

import io
import re
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
                                      uploaded_at=tx.now))
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


def download(store, tx_factory, raw_digest: str) -> Response:
    digest = normalise_digest(raw_digest)
    if digest is None:
        raise not_found("文档", raw_digest)
    try:
        data = store.open(digest)
    except DocumentNotFound:
        raise not_found("文档", digest) from None
    with tx_factory.read() as session:
        first = session.scalars(select(DocumentUpload).where(DocumentUpload.digest == digest)
                                .order_by(DocumentUpload.id).limit(1)).first()
        filename, media_type = (first.filename, first.media_type) if first else (None, None)
    if media_type is None:
        kind = detect_document_type(io.BytesIO(data))
        media_type, filename = kind.media_type, f"{digest.split(':', 1)[1]}{kind.extensions[0]}"
    return Response(data, status=200, content_type=media_type, headers={
        "Content-Disposition": _content_disposition(filename),
        "X-Content-Type-Options": "nosniff",
        "Cache-Control": "private, max-age=3600",
    })
