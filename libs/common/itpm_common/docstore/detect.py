"""The allowed document types, detected from content alone.

The filename and the client's declared media type are not trusted: the type
comes from magic bytes and container structure, and the filename's
extension must then agree with what was detected.
"""

from __future__ import annotations

import codecs
import os
import re
import struct
import zipfile
from dataclasses import dataclass
from typing import BinaryIO

from .ole2 import _ole2_entry_names
from .refs import CODE_TYPE_MISMATCH, CODE_TYPE_NOT_ALLOWED, DocumentRejected
from .streaming import _CHUNK


@dataclass(frozen=True)
class DocumentType:
    key: str
    media_type: str
    label_zh: str
    extensions: tuple[str, ...]


PDF = DocumentType("pdf", "application/pdf", "PDF 文档", (".pdf",))
OFD = DocumentType("ofd", "application/ofd", "OFD 版式文档", (".ofd",))
DOCX = DocumentType(
    "docx",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "Word 文档（.docx）",
    (".docx",),
)
XLSX = DocumentType(
    "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "Excel 表格（.xlsx）",
    (".xlsx",),
)
PPTX = DocumentType(
    "pptx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "PowerPoint 演示文稿（.pptx）",
    (".pptx",),
)
DOC = DocumentType("doc", "application/msword", "Word 97-2003 文档（.doc）", (".doc",))
XLS = DocumentType("xls", "application/vnd.ms-excel", "Excel 97-2003 表格（.xls）", (".xls",))
PNG = DocumentType("png", "image/png", "PNG 图片", (".png",))
JPEG = DocumentType("jpeg", "image/jpeg", "JPEG 图片", (".jpg", ".jpeg"))
ZIP = DocumentType("zip", "application/zip", "ZIP 压缩包", (".zip",))
TEXT = DocumentType("txt", "text/plain; charset=utf-8", "UTF-8 纯文本", (".txt",))

ALLOWED_TYPES: tuple[DocumentType, ...] = (
    PDF, OFD, DOCX, XLSX, PPTX, DOC, XLS, PNG, JPEG, ZIP, TEXT,
)

_ALLOWED_SUMMARY_ZH = (
    "PDF、OFD、Word（.doc/.docx）、Excel（.xls/.xlsx）、PowerPoint（.pptx）、"
    "PNG/JPEG 图片、ZIP 压缩包及 UTF-8 编码的纯文本（.txt）"
)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
# C0 controls other than TAB, LF, FF and CR (and DEL) do not occur in real
# text files but are common in binary data that happens to be valid UTF-8.
_TEXT_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")


class _NotAllowed(Exception):
    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


def detect_document_type(stream: BinaryIO) -> DocumentType:
    """Classify a seekable binary stream by content alone.

    Raises :class:`DocumentRejected` (``DOC-TYPE-NOT-ALLOWED``) when the
    content is none of the allowed types.
    """
    try:
        return _detect(stream)
    except _NotAllowed as exc:
        raise DocumentRejected(
            CODE_TYPE_NOT_ALLOWED,
            f"文件类型不在允许范围内，仅接受 {_ALLOWED_SUMMARY_ZH} 文件。",
            {
                "why": exc.why,
                "allowed_extensions": sorted({e for t in ALLOWED_TYPES for e in t.extensions}),
            },
        ) from None


def _detect(stream: BinaryIO) -> DocumentType:
    stream.seek(0)
    head = stream.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(_PNG_SIGNATURE):
        # The IHDR chunk must come first; checking it keeps a bare 8-byte
        # signature glued onto arbitrary data from passing as an image.
        if head[12:16] != b"IHDR":
            raise _NotAllowed("PNG signature without IHDR chunk")
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_OLE2_SIGNATURE):
        return _detect_ole2(stream)
    if head.startswith(_ZIP_SIGNATURES):
        return _detect_zip(stream)
    if _is_utf8_text(stream):
        return TEXT
    raise _NotAllowed("unrecognised binary content")


def _detect_zip(stream: BinaryIO) -> DocumentType:
    stream.seek(0)
    try:
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise _NotAllowed(f"corrupt zip container: {exc}") from None
    top_level = {n.lower() for n in names if "/" not in n}
    if "ofd.xml" in top_level:
        return OFD
    if "[content_types].xml" in top_level:
        for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
            if any(n.startswith(prefix) for n in names):
                return kind
    return ZIP


def _detect_ole2(stream: BinaryIO) -> DocumentType:
    # The OLE2 signature alone is shared by .msg, .ppt, encrypted Office
    # files, installers (.msi) …, so the directory is read to see which
    # application stream the container actually carries.
    try:
        names = {n.lower() for n in _ole2_entry_names(stream)}
    except (struct.error, OSError, ValueError) as exc:
        raise _NotAllowed(f"corrupt OLE2 container: {exc}") from None
    if "worddocument" in names:
        return DOC
    if "workbook" in names or "book" in names:
        return XLS
    raise _NotAllowed("OLE2 container is neither a Word nor an Excel document")


def _is_utf8_text(stream: BinaryIO) -> bool:
    stream.seek(0)
    # Incremental so a multi-byte character split across chunks still decodes.
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        while True:
            chunk = stream.read(_CHUNK)
            if _TEXT_FORBIDDEN.search(decoder.decode(chunk, final=not chunk)):
                return False
            if not chunk:
                return True
    except UnicodeDecodeError:
        return False


def _check_extension(filename: str, kind: DocumentType) -> None:
    extension = os.path.splitext(filename)[1].lower()
    if extension in kind.extensions:
        return
    shown = extension or "（无扩展名）"
    raise DocumentRejected(
        CODE_TYPE_MISMATCH,
        f"文件扩展名“{shown}”与文件实际内容（{kind.label_zh}）不符，"
        f"请确认文件未被改名，或使用扩展名 {'/'.join(kind.extensions)} 后重新上传。",
        {
            "filename": filename,
            "extension": extension,
            "detected_media_type": kind.media_type,
            "expected_extensions": list(kind.extensions),
        },
    )


def _media_types_agree(declared: str, kind: DocumentType) -> bool:
    base = declared.split(";", 1)[0].strip().lower()
    return base in ("", "application/octet-stream") or base == kind.media_type.split(";")[0]
