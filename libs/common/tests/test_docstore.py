"""Content-addressed document store: policy, local backend, S3 backend, config."""

import hashlib
import io
import json
import os
import pickle
import random
import stat
import struct
import threading
import uuid
import zipfile
import zlib
from dataclasses import FrozenInstanceError

import pytest

from itpm_common.docstore import (
    DEFAULT_MAX_BYTES,
    DocumentIntegrityError,
    DocumentNotFound,
    DocumentRef,
    DocumentRejected,
    DocumentStore,
    LocalDocumentStore,
    S3DocumentStore,
    find_classification_marker,
    store_from_config,
)

MIB = 1024 * 1024

# ------------------------------------------------------------ sample documents


def pdf_bytes(marker: str = "连云港") -> bytes:
    body = (
        "%PDF-1.4\n"
        "1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        f"% {marker}\n"
        "trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return body.encode("utf-8")


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(kind + payload) & 0xFFFFFFFF
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)


def png_bytes() -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)  # 1x1, 8-bit RGB
    idat = zlib.compress(b"\x00\xff\x00\x00")  # filter byte + one red pixel
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_bytes() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


_CONTENT_TYPES = b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'


def docx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "word/document.xml": "<w:document>项目方案</w:document>".encode(),
        }
    )


def xlsx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "xl/workbook.xml": b"<workbook/>",
        }
    )


def pptx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": _CONTENT_TYPES,
            "_rels/.rels": b"<Relationships/>",
            "ppt/presentation.xml": b"<presentation/>",
        }
    )


def ofd_bytes() -> bytes:
    return _zip(
        {
            "OFD.xml": b'<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0"/>',
            "Doc_0/Document.xml": b"<ofd:Document/>",
        }
    )


def plain_zip_bytes() -> bytes:
    return _zip({"附件/说明.txt": "附件清单".encode(), "图纸.dwg": b"\x00\x01binary"})


_ENDOFCHAIN, _FREESECT, _FATSECT, _NOSTREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def _cfb_entry(name: str, obj_type: int, child: int = _NOSTREAM) -> bytes:
    entry = bytearray(128)
    raw = (name + "\0").encode("utf-16-le")
    entry[: len(raw)] = raw
    struct.pack_into("<H", entry, 64, len(raw))
    entry[66] = obj_type
    entry[67] = 1
    struct.pack_into("<III", entry, 68, _NOSTREAM, _NOSTREAM, child)
    struct.pack_into("<IQ", entry, 116, _ENDOFCHAIN, 0)
    return bytes(entry)


def ole2_bytes(stream_name: str, *, spill_directory: bool = False) -> bytes:
    """A minimal compound file (v3, 512-byte sectors) holding one empty stream.

    With ``spill_directory`` the stream's entry sits in a second directory
    sector, so finding it requires following the FAT chain.
    """
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHH", header, 24, 0x003E, 3, 0xFFFE, 9)
    struct.pack_into("<H", header, 32, 6)
    struct.pack_into("<II", header, 44, 1, 1)  # one FAT sector, directory at sector 1
    struct.pack_into("<I", header, 56, 4096)
    struct.pack_into("<IIII", header, 60, _ENDOFCHAIN, 0, _ENDOFCHAIN, 0)
    struct.pack_into("<109I", header, 76, 0, *([_FREESECT] * 108))
    root = _cfb_entry("Root Entry", 5, child=1)
    stream = _cfb_entry(stream_name, 2)
    if spill_directory:
        fat = [_FATSECT, 2, _ENDOFCHAIN]
        directory = root + bytes(128 * 3) + stream + bytes(128 * 3)
    else:
        fat = [_FATSECT, _ENDOFCHAIN]
        directory = root + stream + bytes(128 * 2)
    fat_sector = struct.pack("<128I", *(fat + [_FREESECT] * (128 - len(fat))))
    return bytes(header) + fat_sector + directory


TEXT = "连云港市政务云平台扩容项目申报说明\r\n\t一、建设必要性……\n".encode()


def sha256_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class EndlessReader:
    """A never-ending upload; records how much the store asked for."""

    def __init__(self, byte: bytes = b"a"):
        self.byte = byte
        self.served = 0

    def read(self, size: int = -1) -> bytes:
        assert size is not None and size >= 0, "store must never read an upload unbounded"
        self.served += size
        return self.byte * size


class FailingReader:
    def __init__(self, good: bytes = b""):
        self.good = good

    def read(self, size: int = -1) -> bytes:
        if self.good:
            data, self.good = self.good, b""
            return data
        raise OSError("connection reset by client")


def all_files(root):
    return sorted(p for p in root.rglob("*") if p.is_file())


@pytest.fixture
def store(tmp_path):
    return LocalDocumentStore(tmp_path / "docs")


# ------------------------------------------------------------- DocumentRef


def test_document_ref_round_trips_through_json():
    ref = DocumentRef(sha256_of(b"x"), 1, "application/pdf", "申报书.pdf")
    wire = json.dumps(ref.to_dict(), ensure_ascii=False)
    assert DocumentRef.from_dict(json.loads(wire)) == ref
    assert ref.hexdigest == hashlib.sha256(b"x").hexdigest()


def test_document_ref_is_frozen_and_validated():
    ref = DocumentRef(sha256_of(b"x"), 1, "application/pdf", "a.pdf")
    with pytest.raises(FrozenInstanceError):
        ref.size = 2
    good = ref.to_dict()
    for bad in (
        {**good, "digest": "md5:" + "0" * 32},
        {**good, "digest": "sha256:" + "A" * 64},
        {**good, "digest": "sha256:../../etc/passwd"},
        {**good, "size": -1},
        {**good, "size": True},
        {**good, "media_type": ""},
    ):
        with pytest.raises(ValueError):
            DocumentRef.from_dict(bad)
    with pytest.raises(ValueError, match="filename"):
        DocumentRef.from_dict({k: v for k, v in good.items() if k != "filename"})


def test_document_rejected_is_plain_exception_that_survives_pickling():
    exc = DocumentRejected("DOC-EMPTY", "文件为空", {"filename": "a.pdf"})
    assert type(exc).__mro__[1] is Exception
    clone = pickle.loads(pickle.dumps(exc))
    assert (clone.code, clone.reason_zh, clone.details, clone.rule, clone.article) == (
        "DOC-EMPTY", "文件为空", {"filename": "a.pdf"}, None, None,
    )
    assert json.loads(json.dumps(exc.to_dict()))["code"] == "DOC-EMPTY"
    assert "DOC-EMPTY" in str(exc)
    with pytest.raises(ValueError):
        DocumentRejected("DOC-WHATEVER", "x")


def test_no_delete_is_offered():
    for cls in (DocumentStore, LocalDocumentStore, S3DocumentStore):
        assert not hasattr(cls, "delete")


# --------------------------------------------------- local: content addressing


def test_put_is_content_addressed_with_fanout_layout(store, tmp_path):
    data = pdf_bytes()
    ref = store.put(data, "申报书.pdf")
    hexdigest = hashlib.sha256(data).hexdigest()
    assert ref == DocumentRef("sha256:" + hexdigest, len(data), "application/pdf", "申报书.pdf")
    path = tmp_path / "docs" / "sha256" / hexdigest[:2] / hexdigest[2:4] / hexdigest
    assert path.read_bytes() == data
    assert store.object_path(ref) == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o440
    assert store.exists(ref.digest) and store.open(ref.digest) == data


def test_same_content_twice_is_a_noop_returning_same_ref(store, tmp_path):
    data = pdf_bytes()
    first = store.put(data, "申报书.pdf")
    path = store.object_path(first)
    before = path.stat()
    second = store.put(io.BytesIO(data), "申报书.pdf")
    assert second == first
    after = path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    objects = all_files(tmp_path / "docs" / "sha256")
    assert objects == [path]
    # The ref carries the caller's filename, the object is still shared.
    renamed = store.put(data, "副本.pdf")
    assert renamed.digest == first.digest and renamed.filename == "副本.pdf"
    assert all_files(tmp_path / "docs" / "sha256") == [path]


def test_distinct_content_gets_distinct_objects(store):
    a = store.put(pdf_bytes("甲"), "a.pdf")
    b = store.put(pdf_bytes("乙"), "b.pdf")
    assert a.digest != b.digest
    assert store.open(a.digest) == pdf_bytes("甲")
    assert store.open(b) == pdf_bytes("乙")


def test_written_objects_read_back_verified_and_no_temp_files_left(store, tmp_path):
    samples = [
        (pdf_bytes(), "a.pdf"), (png_bytes(), "b.png"), (docx_bytes(), "c.docx"),
        (TEXT, "d.txt"), (b"x" * (3 * MIB + 17), "big.txt"),
    ]
    refs = [store.put(data, name) for data, name in samples]
    assert all_files(tmp_path / "docs" / "tmp") == []
    for ref, (data, _) in zip(refs, samples, strict=True):
        assert store.verify(ref)
        assert store.open(ref.digest) == data


def test_crash_before_rename_leaves_no_object_and_no_temp(store, tmp_path, monkeypatch):
    def crash(src, dst):
        raise OSError("simulated power loss")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="power loss"):
        store.put(pdf_bytes(), "a.pdf")
    monkeypatch.undo()
    assert not store.exists(sha256_of(pdf_bytes()))
    assert all_files(tmp_path / "docs") == []


def test_upload_failing_midway_leaves_nothing(store, tmp_path):
    with pytest.raises(OSError, match="connection reset"):
        store.put(FailingReader(b"%PDF-1.4\n" * 100), "a.pdf")
    assert all_files(tmp_path / "docs") == []


def test_concurrent_puts_of_same_content_converge(store, tmp_path):
    data = docx_bytes()
    refs, errors = [], []

    def worker():
        try:
            refs.append(store.put(data, "方案.docx"))
        except Exception as exc:  # collected so the assertion shows it
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(set(refs)) == 1
    assert len(all_files(tmp_path / "docs" / "sha256")) == 1
    assert all_files(tmp_path / "docs" / "tmp") == []
    assert store.verify(refs[0])


# ------------------------------------------------------------ local: integrity


def _tamper(path, data: bytes):
    os.chmod(path, 0o640)
    path.write_bytes(data)


def test_tampered_object_is_detected(store):
    data = pdf_bytes()
    ref = store.put(data, "a.pdf")
    assert store.verify(ref)
    flipped = bytearray(data)
    flipped[-3] ^= 0x01  # same size, different content
    _tamper(store.object_path(ref), bytes(flipped))
    assert not store.verify(ref)
    with pytest.raises(DocumentIntegrityError):
        store.open(ref.digest)


def test_truncated_object_is_detected(store):
    ref = store.put(pdf_bytes(), "a.pdf")
    _tamper(store.object_path(ref), pdf_bytes()[:10])
    assert not store.verify(ref)


def test_put_refuses_to_paper_over_an_altered_object(store):
    data = pdf_bytes()
    ref = store.put(data, "a.pdf")
    _tamper(store.object_path(ref), data + b"appended")
    with pytest.raises(DocumentIntegrityError):
        store.put(data, "a.pdf")
    assert store.object_path(ref).read_bytes() == data + b"appended"


def test_missing_documents(store):
    digest = sha256_of(b"never stored")
    assert not store.exists(digest)
    with pytest.raises(DocumentNotFound):
        store.open(digest)
    assert not store.verify(DocumentRef(digest, 12, "text/plain; charset=utf-8", "x.txt"))


@pytest.mark.parametrize(
    "digest", ["sha256:../../etc/passwd", "md5:" + "0" * 32, "sha256:" + "0" * 63, ""]
)
def test_malformed_digests_are_rejected(store, digest):
    with pytest.raises(ValueError):
        store.open(digest)
    with pytest.raises(ValueError):
        store.exists(digest)


# ------------------------------------------------------------------ type rules


@pytest.mark.parametrize(
    ("filename", "make", "media_type"),
    [
        ("申报书.pdf", pdf_bytes, "application/pdf"),
        ("电子公文.ofd", ofd_bytes, "application/ofd"),
        ("项目方案.docx", docx_bytes,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("预算表.xlsx", xlsx_bytes,
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("汇报.pptx", pptx_bytes,
         "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("旧方案.doc", lambda: ole2_bytes("WordDocument"), "application/msword"),
        ("旧方案2.doc", lambda: ole2_bytes("WordDocument", spill_directory=True),
         "application/msword"),
        ("旧预算.xls", lambda: ole2_bytes("Workbook"), "application/vnd.ms-excel"),
        ("BIFF5预算.xls", lambda: ole2_bytes("Book"), "application/vnd.ms-excel"),
        ("现场照片.png", png_bytes, "image/png"),
        ("现场照片.jpg", jpeg_bytes, "image/jpeg"),
        ("现场照片.JPEG", jpeg_bytes, "image/jpeg"),
        ("附件.zip", plain_zip_bytes, "application/zip"),
        ("说明.txt", lambda: TEXT, "text/plain; charset=utf-8"),
        ("带BOM.txt", lambda: b"\xef\xbb\xbf" + TEXT, "text/plain; charset=utf-8"),
    ],
)
def test_allowed_types_are_detected_from_content(store, filename, make, media_type):
    data = make()
    ref = store.put(data, filename)
    assert ref.media_type == media_type
    assert ref.filename == filename
    assert store.open(ref.digest) == data


def test_declared_media_type_is_not_trusted(store):
    ref = store.put(png_bytes(), "图.png", declared_media_type="application/pdf")
    assert ref.media_type == "image/png"
    with pytest.raises(DocumentRejected) as info:
        store.put(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(64), "申报书.pdf",
                  declared_media_type="application/pdf")
    assert info.value.code == "DOC-TYPE-NOT-ALLOWED"


@pytest.mark.parametrize(
    ("filename", "make", "detected"),
    [
        ("申报书.pdf", png_bytes, "image/png"),
        ("方案.zip", docx_bytes,
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("方案.docx", xlsx_bytes,
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("旧方案.xls", lambda: ole2_bytes("WordDocument"), "application/msword"),
        ("说明.pdf", lambda: TEXT, "text/plain; charset=utf-8"),
        ("申报书", pdf_bytes, "application/pdf"),
        ("setup.exe", pdf_bytes, "application/pdf"),
    ],
)
def test_extension_must_agree_with_content(store, tmp_path, filename, make, detected):
    with pytest.raises(DocumentRejected) as info:
        store.put(make(), filename)
    exc = info.value
    assert exc.code == "DOC-TYPE-MISMATCH"
    assert exc.details["detected_media_type"] == detected
    assert "扩展名" in exc.reason_zh and "不符" in exc.reason_zh
    assert (exc.rule, exc.article) == (None, None)
    assert all_files(tmp_path / "docs") == []


@pytest.mark.parametrize(
    ("filename", "data"),
    [
        ("setup.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100)),
        ("blob.bin", random.Random(18).randbytes(4096)),
        ("说明.txt", "连云港市政务云项目说明".encode("gbk")),
        ("带NUL.txt", b"hello\x00world"),
        ("假图.png", b"\x89PNG\r\n\x1a\n" + b"not a chunk at all"),
        ("坏包.zip", b"PK\x03\x04" + b"\x00" * 40),
        ("演示.ppt", ole2_bytes("PowerPoint Document")),
        ("截断.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(20)),
        ("script.sh", b"#!/bin/sh\n\x1b[31mrm -rf /\n"),
    ],
)
def test_unknown_or_disallowed_content_is_refused(store, tmp_path, filename, data):
    with pytest.raises(DocumentRejected) as info:
        store.put(data, filename)
    exc = info.value
    assert exc.code == "DOC-TYPE-NOT-ALLOWED"
    assert "不在允许范围内" in exc.reason_zh
    assert ".pdf" in exc.details["allowed_extensions"]
    assert all_files(tmp_path / "docs") == []


@pytest.mark.parametrize("data", [b"", io.BytesIO(b"")])
def test_empty_upload_is_refused(store, tmp_path, data):
    with pytest.raises(DocumentRejected) as info:
        store.put(data, "申报书.pdf")
    assert info.value.code == "DOC-EMPTY"
    assert "为空" in info.value.reason_zh
    assert all_files(tmp_path / "docs") == []


# ----------------------------------------------------------------- size limits


def test_size_limit_boundary(tmp_path):
    store = LocalDocumentStore(tmp_path / "docs", max_bytes=1024)
    assert store.put(b"a" * 1024, "刚好.txt").size == 1024
    with pytest.raises(DocumentRejected) as info:
        store.put(b"b" * 1025, "超出.txt")
    assert info.value.code == "DOC-TOO-LARGE"
    assert info.value.details["max_bytes"] == 1024
    assert "1 KB" in info.value.reason_zh


def test_oversize_stream_is_cut_off_after_limit_plus_one(tmp_path):
    store = LocalDocumentStore(tmp_path / "docs", max_bytes=MIB)
    reader = EndlessReader()
    with pytest.raises(DocumentRejected) as info:
        store.put(reader, "巨大.txt")
    assert info.value.code == "DOC-TOO-LARGE"
    assert reader.served == MIB + 1
    assert "文件大小超过上限 1 MB" in info.value.reason_zh
    assert all_files(tmp_path / "docs") == []


def test_default_limit_is_50_mib_and_enforced_while_streaming(store, tmp_path):
    assert store.max_bytes == DEFAULT_MAX_BYTES == 50 * MIB
    reader = EndlessReader()
    with pytest.raises(DocumentRejected) as info:
        store.put(reader, "巨大.pdf")
    assert info.value.code == "DOC-TOO-LARGE"
    assert "文件大小超过上限 50 MB" in info.value.reason_zh
    assert reader.served == 50 * MIB + 1
    assert all_files(tmp_path / "docs") == []


def test_size_is_checked_before_type(tmp_path):
    store = LocalDocumentStore(tmp_path / "docs", max_bytes=10)
    with pytest.raises(DocumentRejected) as info:
        store.put(png_bytes(), "申报书.pdf")
    assert info.value.code == "DOC-TOO-LARGE"


def test_invalid_max_bytes(tmp_path):
    for bad in (0, -1, 1.5, True):
        with pytest.raises((ValueError, TypeError)):
            LocalDocumentStore(tmp_path, max_bytes=bad)


def test_text_mode_stream_is_a_type_error(store):
    with pytest.raises(TypeError):
        store.put(io.StringIO("文本"), "a.txt")
    with pytest.raises(TypeError):
        store.put("文本", "a.txt")


# ---------------------------------------------------------- classified markers


@pytest.mark.parametrize(
    "filename",
    [
        "项目方案（机密）.docx",
        "项目方案(秘密).docx",
        "【绝密】规划.pdf",
        "绝密★长期_规划.pdf",
        "秘密★5年 申报书.pdf",
        "★重点项目.pdf",
        "机密-实施方案.docx",
        "实施方案_绝密.docx",
        "项目方案（机\u200b密）.docx",
    ],
)
def test_classified_filename_is_refused_before_reading(store, tmp_path, filename):
    class MustNotRead:
        def read(self, size=-1):
            raise AssertionError("classified upload must not be read")

    with pytest.raises(DocumentRejected) as info:
        store.put(MustNotRead(), filename)
    exc = info.value
    assert exc.code == "E18-CLASSIFIED-CONTENT"
    assert exc.rule == "R-0-3"
    assert exc.article == "第十八条"
    assert "第十八条" in exc.reason_zh and "R-0-3" in exc.reason_zh
    assert "涉密" in exc.reason_zh
    assert exc.details["marker"]
    assert not (tmp_path / "docs").exists()


@pytest.mark.parametrize(
    "filename",
    [
        "数据机密性保护方案.pdf",
        "关于保守国家秘密工作的通知.pdf",
        "商业秘密-保护协议.pdf",
        "连云港市政务云项目申报书.pdf",
    ],
)
def test_ordinary_titles_mentioning_secrecy_are_not_markings(store, filename):
    assert find_classification_marker(filename) is None
    assert store.put(pdf_bytes(), filename).filename == filename


def test_client_path_components_are_dropped(store):
    assert store.put(pdf_bytes(), "C:\\fakepath\\报告.pdf").filename == "报告.pdf"
    assert store.put(TEXT, "../../etc/说明.txt").filename == "说明.txt"


# ---------------------------------------------------------------- S3 backend


@pytest.fixture(scope="module")
def s3_endpoint():
    # Imported here so a missing moto[server] extra fails only the S3 tests.
    from moto.server import ThreadedMotoServer

    # Port 0: the OS hands out a free port, read back after binding.
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def s3_config(s3_endpoint, monkeypatch):
    # A proxy from the environment would swallow loopback traffic.
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    bucket = f"itpm-docs-{uuid.uuid4().hex[:12]}"
    config = {
        "DOCSTORE_BACKEND": "s3",
        "DOCSTORE_S3_BUCKET": bucket,
        "DOCSTORE_S3_ENDPOINT": s3_endpoint,
        "DOCSTORE_S3_ACCESS_KEY": "testing-access",
        "DOCSTORE_S3_SECRET_KEY": "testing-secret",
        "DOCSTORE_S3_REGION": "cn-east-1",
        "DOCSTORE_S3_PREFIX": "itpm/docs",
    }
    admin = S3DocumentStore(
        bucket, s3_endpoint, "testing-access", "testing-secret", "cn-east-1"
    ).client
    admin.create_bucket(
        Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": "cn-east-1"}
    )
    return config


@pytest.fixture
def s3_store(s3_config):
    return S3DocumentStore(
        bucket=s3_config["DOCSTORE_S3_BUCKET"],
        endpoint_url=s3_config["DOCSTORE_S3_ENDPOINT"],
        access_key=s3_config["DOCSTORE_S3_ACCESS_KEY"],
        secret_key=s3_config["DOCSTORE_S3_SECRET_KEY"],
        region=s3_config["DOCSTORE_S3_REGION"],
        prefix="itpm/docs/",
    )


def _keys(s3_store):
    listing = s3_store.client.list_objects_v2(Bucket=s3_store.bucket)
    return sorted(item["Key"] for item in listing.get("Contents", []))


def _count_calls(client, operation):
    calls = []
    client.meta.events.register(
        f"before-call.s3.{operation}", lambda **kwargs: calls.append(operation)
    )
    return calls


def test_s3_put_open_round_trip_with_key_layout(s3_store):
    data = docx_bytes()
    ref = s3_store.put(data, "项目方案.docx")
    assert ref.digest == sha256_of(data)
    key = "itpm/docs/sha256/" + ref.hexdigest
    assert _keys(s3_store) == [key]
    head = s3_store.client.head_object(Bucket=s3_store.bucket, Key=key)
    assert head["ContentLength"] == len(data)
    assert head["ContentType"] == ref.media_type
    assert s3_store.exists(ref.digest)
    assert s3_store.open(ref.digest) == data
    assert s3_store.verify(ref)


def test_s3_prefix_without_trailing_slash_is_normalised(s3_config):
    store = S3DocumentStore(
        s3_config["DOCSTORE_S3_BUCKET"], s3_config["DOCSTORE_S3_ENDPOINT"],
        "testing-access", "testing-secret", "cn-east-1", prefix="itpm/docs",
    )
    ref = store.put(TEXT, "说明.txt")
    assert store.key_for(ref) == "itpm/docs/sha256/" + ref.hexdigest
    assert _keys(store) == [store.key_for(ref)]


def test_s3_put_heads_first_and_skips_existing(s3_store):
    data = pdf_bytes()
    first = s3_store.put(data, "申报书.pdf")
    puts = _count_calls(s3_store.client, "PutObject")
    heads = _count_calls(s3_store.client, "HeadObject")
    second = s3_store.put(data, "申报书.pdf")
    assert second == first
    assert puts == []
    assert heads == ["HeadObject"]
    assert len(_keys(s3_store)) == 1


def test_s3_large_upload_spills_to_disk_and_verifies(s3_store):
    data = ("连云港" * 1_000_000).encode()  # 9 MB: over the in-memory spool size
    ref = s3_store.put(io.BytesIO(data), "大文本.txt")
    assert ref.size == len(data) > 8 * MIB
    assert s3_store.verify(ref)
    assert s3_store.open(ref) == data


def test_s3_tampered_object_is_detected_on_read_and_verify(s3_store):
    data = pdf_bytes()
    ref = s3_store.put(data, "申报书.pdf")
    forged = data.replace(b"Count 0", b"Count 9")
    assert len(forged) == len(data)
    s3_store.client.put_object(Bucket=s3_store.bucket, Key=s3_store.key_for(ref), Body=forged)
    assert not s3_store.verify(ref)
    with pytest.raises(DocumentIntegrityError):
        s3_store.open(ref.digest)


def test_s3_put_refuses_to_overwrite_an_altered_object(s3_store):
    data = pdf_bytes()
    key = s3_store.key_for(sha256_of(data))
    s3_store.client.put_object(Bucket=s3_store.bucket, Key=key, Body=b"junk")
    with pytest.raises(DocumentIntegrityError):
        s3_store.put(data, "申报书.pdf")
    assert s3_store.client.get_object(Bucket=s3_store.bucket, Key=key)["Body"].read() == b"junk"


def test_s3_missing_document(s3_store):
    digest = sha256_of(b"absent")
    assert not s3_store.exists(digest)
    with pytest.raises(DocumentNotFound):
        s3_store.open(digest)
    assert not s3_store.verify(DocumentRef(digest, 6, "text/plain; charset=utf-8", "a.txt"))


def test_s3_rejections_upload_nothing(s3_store):
    puts = _count_calls(s3_store.client, "PutObject")
    for data, name in [(png_bytes(), "申报书.pdf"), (b"", "空.pdf"), (b"MZ\x00\x00", "a.exe")]:
        with pytest.raises(DocumentRejected):
            s3_store.put(data, name)
    with pytest.raises(DocumentRejected) as info:
        s3_store.put(pdf_bytes(), "方案（机密）.pdf")
    assert info.value.code == "E18-CLASSIFIED-CONTENT"
    assert puts == []
    assert _keys(s3_store) == []


# ------------------------------------------------------------ store_from_config


def test_config_defaults_to_local_store_under_data_documents(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    store = store_from_config({})
    assert isinstance(store, LocalDocumentStore)
    assert store.root == tmp_path / "data" / "documents"
    assert store.max_bytes == 50 * MIB
    ref = store.put(pdf_bytes(), "申报书.pdf")
    hexdigest = ref.hexdigest
    expected = tmp_path / "data" / "documents" / "sha256" / hexdigest[:2] / hexdigest[2:4] / hexdigest
    assert expected.is_file()
    # Empty strings, as environment variables often are, mean "unset".
    assert isinstance(store_from_config({"DOCSTORE_BACKEND": "", "DOCSTORE_ROOT": ""}),
                      LocalDocumentStore)


def test_config_local_with_root_and_limit(tmp_path):
    store = store_from_config(
        {"DOCSTORE_BACKEND": "local", "DOCSTORE_ROOT": str(tmp_path / "evidence"),
         "DOCSTORE_MAX_BYTES": "2048"}
    )
    assert isinstance(store, LocalDocumentStore)
    assert store.root == tmp_path / "evidence"
    store.put(b"a" * 2048, "a.txt")
    with pytest.raises(DocumentRejected) as info:
        store.put(b"a" * 2049, "b.txt")
    assert info.value.code == "DOC-TOO-LARGE"
    assert "2 KB" in info.value.reason_zh


def test_config_s3_backend(s3_config):
    store = store_from_config({**s3_config, "DOCSTORE_BACKEND": "S3", "DOCSTORE_MAX_BYTES": "4096"})
    assert isinstance(store, S3DocumentStore)
    assert store.bucket == s3_config["DOCSTORE_S3_BUCKET"]
    assert store.max_bytes == 4096
    ref = store.put(pdf_bytes(), "申报书.pdf")
    assert store.open(ref.digest) == pdf_bytes()
    assert _keys(store) == ["itpm/docs/sha256/" + ref.hexdigest]
    with pytest.raises(DocumentRejected) as info:
        store.put(b"a" * 4097, "a.txt")
    assert info.value.code == "DOC-TOO-LARGE"


@pytest.mark.parametrize(
    "config",
    [
        {"DOCSTORE_BACKEND": "ftp"},
        {"DOCSTORE_BACKEND": "s3"},
        {"DOCSTORE_MAX_BYTES": "abc"},
        {"DOCSTORE_MAX_BYTES": "0"},
        {"DOCSTORE_MAX_BYTES": "-5"},
    ],
)
def test_config_errors(tmp_path, config):
    with pytest.raises(ValueError):
        store_from_config({"DOCSTORE_ROOT": str(tmp_path), **config})
