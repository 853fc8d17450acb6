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

import abc
import codecs
import contextlib
import hashlib
import io
import logging
import os
import re
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, BinaryIO

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

logger = logging.getLogger(__name__)

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MIB
DEFAULT_LOCAL_ROOT = "./data/documents"

CODE_TOO_LARGE = "DOC-TOO-LARGE"
CODE_TYPE_NOT_ALLOWED = "DOC-TYPE-NOT-ALLOWED"
CODE_EMPTY = "DOC-EMPTY"
CODE_TYPE_MISMATCH = "DOC-TYPE-MISMATCH"
CODE_CLASSIFIED = "E18-CLASSIFIED-CONTENT"
_KNOWN_CODES = frozenset(
    {CODE_TOO_LARGE, CODE_TYPE_NOT_ALLOWED, CODE_EMPTY, CODE_TYPE_MISMATCH, CODE_CLASSIFIED}
)

CLASSIFIED_RULE = "R-0-3"
CLASSIFIED_ARTICLE = "第十八条"

_ALGORITHM = "sha256"
_DIGEST_RE = re.compile(r"^sha256:([0-9a-f]{64})$")
_CHUNK = 1024 * 1024

DataSource = bytes | bytearray | memoryview | IO[bytes]


# --------------------------------------------------------------------------
# Reference and errors
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRef:
    """What services pass around instead of document bytes."""

    digest: str
    size: int
    media_type: str
    filename: str

    def __post_init__(self) -> None:
        if not isinstance(self.digest, str) or not _DIGEST_RE.match(self.digest):
            raise ValueError(f"invalid document digest: {self.digest!r}")
        # bool is an int subclass; a True size would be a silent bug upstream.
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 0:
            raise ValueError(f"invalid document size: {self.size!r}")
        if not isinstance(self.media_type, str) or not self.media_type:
            raise ValueError(f"invalid media type: {self.media_type!r}")
        if not isinstance(self.filename, str):
            raise TypeError(f"invalid filename: {self.filename!r}")

    @property
    def hexdigest(self) -> str:
        return self.digest.split(":", 1)[1]

    def to_dict(self) -> dict[str, Any]:
        return {
            "digest": self.digest,
            "size": self.size,
            "media_type": self.media_type,
            "filename": self.filename,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DocumentRef:
        missing = [k for k in ("digest", "size", "media_type", "filename") if k not in data]
        if missing:
            raise ValueError(f"DocumentRef is missing fields: {', '.join(missing)}")
        return cls(
            digest=data["digest"],
            size=data["size"],
            media_type=data["media_type"],
            filename=data["filename"],
        )


class DocumentRejected(Exception):
    """An upload refused by policy; ``reason_zh`` is meant for the end user.

    All constructor arguments are kept in ``args`` so the exception survives
    pickling and RPC error serialisation intact.
    """

    def __init__(
        self,
        code: str,
        reason_zh: str,
        details: Mapping[str, Any] | None = None,
        rule: str | None = None,
        article: str | None = None,
    ) -> None:
        if code not in _KNOWN_CODES:
            raise ValueError(f"unknown document rejection code: {code!r}")
        details = dict(details or {})
        super().__init__(code, reason_zh, details, rule, article)
        self.code = code
        self.reason_zh = reason_zh
        self.details = details
        self.rule = rule
        self.article = article

    def __str__(self) -> str:
        return f"[{self.code}] {self.reason_zh}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "reason_zh": self.reason_zh,
            "details": self.details,
            "rule": self.rule,
            "article": self.article,
        }


class DocumentNotFound(LookupError):
    def __init__(self, digest: str) -> None:
        super().__init__(digest)
        self.digest = digest

    def __str__(self) -> str:
        return f"document not found: {self.digest}"


class DocumentIntegrityError(Exception):
    """Stored bytes no longer match their digest (tampering or corruption)."""

    def __init__(self, digest: str, detail: str) -> None:
        super().__init__(digest, detail)
        self.digest = digest
        self.detail = detail

    def __str__(self) -> str:
        return f"document {self.digest} failed integrity check: {self.detail}"


# --------------------------------------------------------------------------
# Type policy
# --------------------------------------------------------------------------


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


_CFB_MAXREGSECT = 0xFFFFFFFA
_CFB_ENDOFCHAIN = 0xFFFFFFFE
# Bounds chain walks so a crafted file with looping or huge chains cannot
# make detection spin; 50 MiB of 512-byte sectors is ~100k sectors.
_CFB_MAX_WALK = 200_000


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


def _ole2_entry_names(stream: BinaryIO) -> set[str]:
    stream.seek(0)
    header = stream.read(512)
    if len(header) < 512:
        raise ValueError("truncated header")
    sector_shift = struct.unpack_from("<H", header, 30)[0]
    if sector_shift not in (9, 12):
        raise ValueError(f"unsupported sector shift {sector_shift}")
    sector_size = 1 << sector_shift
    fat_count, first_dir = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)

    def read_sector(number: int) -> bytes:
        stream.seek((number + 1) * sector_size)
        data = stream.read(sector_size)
        if not data:
            raise ValueError(f"sector {number} beyond end of file")
        # Some writers truncate the final sector; the missing tail is unused.
        return data.ljust(sector_size, b"\0")

    fat_sectors = [
        s for s in struct.unpack_from("<109I", header, 76) if s <= _CFB_MAXREGSECT
    ]
    ints_per_sector = sector_size // 4
    next_difat, walked = first_difat, 0
    while len(fat_sectors) < fat_count and next_difat <= _CFB_MAXREGSECT:
        walked += 1
        if walked > max(difat_count, 1) or walked > _CFB_MAX_WALK:
            raise ValueError("DIFAT chain too long")
        entries = struct.unpack(f"<{ints_per_sector}I", read_sector(next_difat))
        fat_sectors.extend(s for s in entries[:-1] if s <= _CFB_MAXREGSECT)
        next_difat = entries[-1]
    fat_sectors = fat_sectors[:fat_count]

    def next_in_chain(number: int) -> int:
        index, offset = divmod(number, ints_per_sector)
        if index >= len(fat_sectors):
            raise ValueError(f"sector {number} not covered by FAT")
        return struct.unpack_from("<I", read_sector(fat_sectors[index]), offset * 4)[0]

    names: set[str] = set()
    seen: set[int] = set()
    sector = first_dir
    while sector <= _CFB_MAXREGSECT:
        if sector in seen or len(seen) >= _CFB_MAX_WALK:
            raise ValueError("directory chain loops")
        seen.add(sector)
        block = read_sector(sector)
        for start in range(0, sector_size, 128):
            entry = block[start : start + 128]
            name_len = struct.unpack_from("<H", entry, 64)[0]
            # Types 1, 2, 5 are storage, stream and root; 0 marks unused slots.
            if entry[66] in (1, 2, 5) and 2 <= name_len <= 64 and name_len % 2 == 0:
                names.add(entry[: name_len - 2].decode("utf-16-le", errors="replace"))
        sector = next_in_chain(sector)
    if sector != _CFB_ENDOFCHAIN:
        raise ValueError("directory chain does not terminate")
    return names


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


# --------------------------------------------------------------------------
# Filename policy
# --------------------------------------------------------------------------

_LEVELS = "绝密|机密|秘密"
# A level word only counts as a marking when it stands as its own token:
# "数据机密性保护方案" or "关于保守国家秘密工作的通知" are ordinary titles,
# whereas "（机密）", "机密-方案" or "方案_秘密" are markings.
_SEPARATORS = r"\s_\-—–·.,，、:：;；+()（）\[\]【】〔〕{}<>《》「」『』\"'“”‘’★☆"
_LEVEL_TOKEN_RE = re.compile(
    rf"(?:^|(?<=[{_SEPARATORS}]))({_LEVELS})(?=$|[{_SEPARATORS}])"
)
# "★" is the separator of a standard classification marking such as
# "机密★5年" (GB/T 9704); its presence alone is treated as a marking because
# letting a marked document through is far worse than asking for a rename.
_STAR = "★"


def find_classification_marker(filename: str) -> str | None:
    """Return the classification marking found in *filename*, if any."""
    # NFKC folds full-width/compatibility forms; format characters (e.g.
    # zero-width spaces) are dropped so they cannot split a marker.
    folded = unicodedata.normalize("NFKC", filename)
    folded = "".join(ch for ch in folded if unicodedata.category(ch) != "Cf")
    if _STAR in folded:
        match = re.search(rf"(?:{_LEVELS})?\s*{_STAR}", folded)
        return match.group(0) if match else _STAR
    stem = os.path.splitext(folded)[0]
    match = _LEVEL_TOKEN_RE.search(stem)
    return match.group(1) if match else None


def _clean_filename(filename: str) -> str:
    if not isinstance(filename, str):
        raise TypeError("filename must be a str")
    # Clients send full paths (old IE, some upload widgets); only the last
    # component is meaningful and keeping the rest would invite traversal.
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cc")
    return name.strip()


def _refuse_if_classified(filename: str) -> None:
    marker = find_classification_marker(filename)
    if marker is None:
        return
    raise DocumentRejected(
        CODE_CLASSIFIED,
        f"文件名含有密级标志“{marker}”。根据{CLASSIFIED_ARTICLE}及规则 {CLASSIFIED_RULE}，"
        "本系统为非涉密信息系统，严禁存储、处理涉密信息，请勿上传涉密文件。",
        {"filename": filename, "marker": marker},
        rule=CLASSIFIED_RULE,
        article=CLASSIFIED_ARTICLE,
    )


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


def _format_limit(max_bytes: int) -> str:
    if max_bytes >= MIB:
        mb = max_bytes / MIB
        return f"{int(mb)} MB" if mb.is_integer() else f"{mb:.1f} MB"
    if max_bytes >= 1024 and max_bytes % 1024 == 0:
        return f"{max_bytes // 1024} KB"
    return f"{max_bytes} 字节"


def _parse_digest(digest: str | DocumentRef) -> tuple[str, str]:
    if isinstance(digest, DocumentRef):
        digest = digest.digest
    match = _DIGEST_RE.match(digest) if isinstance(digest, str) else None
    if not match:
        raise ValueError(f"invalid document digest: {digest!r}")
    return digest, match.group(1)


def _as_stream(data: DataSource) -> IO[bytes]:
    if isinstance(data, (bytes, bytearray, memoryview)):
        return io.BytesIO(data)
    if isinstance(data, str):
        raise TypeError("document data must be bytes or a binary file object, not str")
    if not hasattr(data, "read"):
        raise TypeError(f"unsupported document data: {type(data).__name__}")
    return data


def _copy_limited(
    source: IO[bytes], sink: IO[bytes], max_bytes: int, filename: str
) -> tuple[str, int]:
    hasher = hashlib.new(_ALGORITHM)
    total = 0
    while True:
        # Never ask for more than one byte past the limit: that single extra
        # byte proves the upload is too large without reading the rest.
        chunk = source.read(min(_CHUNK, max_bytes + 1 - total))
        if not chunk:
            break
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError("document stream must be opened in binary mode")
        total += len(chunk)
        if total > max_bytes:
            raise DocumentRejected(
                CODE_TOO_LARGE,
                f"文件大小超过上限 {_format_limit(max_bytes)}，请压缩或拆分后重新上传。",
                {"filename": filename, "max_bytes": max_bytes},
            )
        hasher.update(chunk)
        sink.write(chunk)
    return hasher.hexdigest(), total


def _hash_chunks(chunks: Iterator[bytes]) -> tuple[str, int]:
    hasher = hashlib.new(_ALGORITHM)
    size = 0
    for chunk in chunks:
        hasher.update(chunk)
        size += len(chunk)
    return hasher.hexdigest(), size


# --------------------------------------------------------------------------
# Stores
# --------------------------------------------------------------------------


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


def _media_types_agree(declared: str, kind: DocumentType) -> bool:
    base = declared.split(";", 1)[0].strip().lower()
    return base in ("", "application/octet-stream") or base == kind.media_type.split(";")[0]


def _check_existing_size(digest: str, expected: int, actual: int) -> None:
    # Same digest but different size means the stored object was altered;
    # silently "repairing" it would destroy evidence of that, so fail loudly.
    if actual != expected:
        raise DocumentIntegrityError(
            digest, f"existing object has {actual} bytes, expected {expected}"
        )


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


class S3DocumentStore(DocumentStore):
    """S3-compatible object storage backend (AWS S3, MinIO, Ceph RGW …).

    Key layout is ``<prefix>sha256/<hex>``. S3 PUTs are atomic, so the only
    extra care needed is not to overwrite existing evidence (HEAD first) and
    to re-hash everything that is read back.
    """

    _SPOOL_IN_MEMORY = 8 * MIB
    _MISSING_CODES = frozenset({"404", "NoSuchKey", "NotFound"})

    def __init__(
        self,
        bucket: str,
        endpoint_url: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
        region: str | None = None,
        prefix: str = "",
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        client: Any = None,
    ) -> None:
        super().__init__(max_bytes=max_bytes)
        if not bucket:
            raise ValueError("bucket is required")
        self.bucket = bucket
        prefix = (prefix or "").lstrip("/")
        self.prefix = prefix if not prefix or prefix.endswith("/") else prefix + "/"
        self._client = client or self._make_client(endpoint_url, access_key, secret_key, region)

    @staticmethod
    def _make_client(
        endpoint_url: str | None,
        access_key: str | None,
        secret_key: str | None,
        region: str | None,
    ) -> Any:
        import boto3
        from botocore.config import Config

        config = Config(
            signature_version="s3v4",
            # Path-style works with every S3-compatible server and with
            # endpoints given as bare IPs, where virtual hosts cannot resolve.
            s3={"addressing_style": "path"},
            # Recent botocore adds CRC checksums to every PUT by default,
            # which several S3-compatible servers reject; integrity is
            # guaranteed here by re-hashing with SHA-256 on read instead.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            retries={"max_attempts": 5, "mode": "standard"},
        )
        # A private session: boto3's default session is not thread-safe.
        session = boto3.session.Session()
        return session.client(
            "s3",
            endpoint_url=endpoint_url or None,
            aws_access_key_id=access_key or None,
            aws_secret_access_key=secret_key or None,
            region_name=region or "us-east-1",
            config=config,
        )

    @property
    def client(self) -> Any:
        return self._client

    def key_for(self, digest: str | DocumentRef) -> str:
        _, hexdigest = _parse_digest(digest)
        return f"{self.prefix}{_ALGORITHM}/{hexdigest}"

    def _is_missing(self, exc: Exception) -> bool:
        from botocore.exceptions import ClientError

        if not isinstance(exc, ClientError):
            return False
        return str(exc.response.get("Error", {}).get("Code")) in self._MISSING_CODES

    def _head(self, digest: str | DocumentRef) -> dict[str, Any] | None:
        try:
            return self._client.head_object(Bucket=self.bucket, Key=self.key_for(digest))
        except Exception as exc:
            if self._is_missing(exc):
                return None
            raise

    def exists(self, digest: str | DocumentRef) -> bool:
        return self._head(digest) is not None

    def _get_body(self, digest: str) -> Any:
        try:
            return self._client.get_object(Bucket=self.bucket, Key=self.key_for(digest))["Body"]
        except Exception as exc:
            if self._is_missing(exc):
                raise DocumentNotFound(digest) from None
            raise

    def open(self, digest: str | DocumentRef) -> bytes:
        full, hexdigest = _parse_digest(digest)
        body = self._get_body(full)
        try:
            data = body.read()
        finally:
            body.close()
        actual = hashlib.new(_ALGORITHM, data).hexdigest()
        if actual != hexdigest:
            raise DocumentIntegrityError(full, f"content hashes to {_ALGORITHM}:{actual}")
        return data

    def verify(self, ref: DocumentRef) -> bool:
        try:
            body = self._get_body(ref.digest)
        except DocumentNotFound:
            return False
        try:
            hexdigest, size = _hash_chunks(body.iter_chunks(_CHUNK))
        finally:
            body.close()
        return size == ref.size and hexdigest == ref.hexdigest

    @contextlib.contextmanager
    def _staging_file(self) -> Iterator[IO[bytes]]:
        # Small uploads stay in memory; larger ones spill to a temp file so
        # that a 50 MiB upload never sits in RAM as a whole.
        with tempfile.SpooledTemporaryFile(max_size=self._SPOOL_IN_MEMORY, mode="w+b") as handle:
            yield handle

    def _store(self, ref: DocumentRef, staged: IO[bytes]) -> None:
        head = self._head(ref)
        if head is not None:
            _check_existing_size(ref.digest, ref.size, int(head.get("ContentLength", -1)))
            return
        self._client.put_object(
            Bucket=self.bucket,
            Key=self.key_for(ref),
            Body=staged,
            ContentLength=ref.size,
            ContentType=ref.media_type,
            Metadata={_ALGORITHM: ref.hexdigest},
        )


# --------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------


def _config_value(config: Mapping[str, Any], key: str) -> Any:
    # Config usually comes from environment variables, where "unset" and
    # "set to an empty string" are easy to confuse; treat both as unset.
    value = config.get(key)
    if isinstance(value, str):
        value = value.strip()
    return value if value not in (None, "") else None


def _parse_max_bytes(value: Any) -> int:
    if value is None:
        return DEFAULT_MAX_BYTES
    if isinstance(value, bool):
        raise TypeError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}")
    try:
        parsed = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}") from None
    if parsed <= 0:
        raise ValueError(f"DOCSTORE_MAX_BYTES must be a positive integer, got {value!r}")
    return parsed


def store_from_config(config: Mapping[str, Any]) -> DocumentStore:
    """Build the configured store from ``DOCSTORE_*`` settings (e.g. ``os.environ``)."""
    backend = (_config_value(config, "DOCSTORE_BACKEND") or "local").lower()
    max_bytes = _parse_max_bytes(_config_value(config, "DOCSTORE_MAX_BYTES"))
    if backend == "local":
        root = _config_value(config, "DOCSTORE_ROOT") or DEFAULT_LOCAL_ROOT
        return LocalDocumentStore(root, max_bytes=max_bytes)
    if backend == "s3":
        bucket = _config_value(config, "DOCSTORE_S3_BUCKET")
        if not bucket:
            raise ValueError("DOCSTORE_S3_BUCKET is required when DOCSTORE_BACKEND=s3")
        return S3DocumentStore(
            bucket=bucket,
            endpoint_url=_config_value(config, "DOCSTORE_S3_ENDPOINT"),
            access_key=_config_value(config, "DOCSTORE_S3_ACCESS_KEY"),
            secret_key=_config_value(config, "DOCSTORE_S3_SECRET_KEY"),
            region=_config_value(config, "DOCSTORE_S3_REGION"),
            prefix=_config_value(config, "DOCSTORE_S3_PREFIX") or "",
            max_bytes=max_bytes,
        )
    raise ValueError(f"unknown DOCSTORE_BACKEND {backend!r}; expected 'local' or 's3'")
