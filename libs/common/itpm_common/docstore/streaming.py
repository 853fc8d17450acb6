"""Reading an upload in chunks: size limit, hashing and copying as it streams."""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from typing import IO

from .refs import _ALGORITHM, CODE_TOO_LARGE, DocumentRejected

MIB = 1024 * 1024
DEFAULT_MAX_BYTES = 50 * MIB
_CHUNK = 1024 * 1024

DataSource = bytes | bytearray | memoryview | IO[bytes]


def _format_limit(max_bytes: int) -> str:
    if max_bytes >= MIB:
        mb = max_bytes / MIB
        return f"{int(mb)} MB" if mb.is_integer() else f"{mb:.1f} MB"
    if max_bytes >= 1024 and max_bytes % 1024 == 0:
        return f"{max_bytes // 1024} KB"
    return f"{max_bytes} 字节"


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
