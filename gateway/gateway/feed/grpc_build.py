"""Compiles ``itpm_common/proto/feed.proto`` (the contract) into Python modules and imports them.

The generated code is never committed: it is made on first use, or at image build time with
``python -m gateway.feed.grpc_build``, into a folder named after the proto's content and the compiler's version,
so a changed contract or compiler gets fresh modules. ``ITPM_PROTO_DIR`` says where the .proto files are when the
installed shared library does not carry them (an image), ``ITPM_GRPC_BUILD_DIR`` where the modules go.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

PROTO = "feed.proto"


def proto_dir() -> Path:
    if os.environ.get("ITPM_PROTO_DIR"):
        return Path(os.environ["ITPM_PROTO_DIR"])
    spec = importlib.util.find_spec("itpm_common")
    return Path(next(iter(spec.submodule_search_locations))) / "proto"


def _build_root() -> Path:
    if os.environ.get("ITPM_GRPC_BUILD_DIR"):
        return Path(os.environ["ITPM_GRPC_BUILD_DIR"])
    root = Path(sys.prefix) / "var" / "itpm-grpc"
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError:
        root = Path(tempfile.gettempdir()) / f"itpm-grpc-{os.getuid()}"
    return root


def ensure_built(root: Path | None = None) -> Path:
    """The folder holding feed_pb2.py and feed_pb2_grpc.py for the current contract, compiled if missing."""
    source = proto_dir() / PROTO
    if not source.is_file():
        raise SystemExit(f"{source} is missing (set ITPM_PROTO_DIR)")
    digest = hashlib.sha256(source.read_bytes()
                            + importlib.metadata.version("grpcio-tools").encode()).hexdigest()[:16]
    root = root or _build_root()
    out = root / digest
    if (out / "feed_pb2_grpc.py").is_file():
        return out
    root.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{digest}-", dir=root))
    try:
        # In a child process: protoc's own module stays out of the server and of any caller.
        subprocess.run([sys.executable, "-m", "grpc_tools.protoc", f"-I{source.parent}", f"--python_out={work}",
                        f"--grpc_python_out={work}", str(source)], check=True, capture_output=True, text=True)
        try:
            work.rename(out)
        except OSError:  # another process finished first: its copy is the same
            if not (out / "feed_pb2_grpc.py").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def load():
    """(feed_pb2, feed_pb2_grpc), compiled if need be."""
    out = str(ensure_built())
    if out not in sys.path:
        sys.path.insert(0, out)
    return importlib.import_module("feed_pb2"), importlib.import_module("feed_pb2_grpc")


if __name__ == "__main__":
    print(ensure_built(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
