"""grpcio unary echo: stub generation at run time, and the server process.

The stubs are generated from ``bench/proto/echo.proto`` into a build
directory for each run (never committed). The server is a plain Python
process without eventlet (stack.md trap 4), with a thread pool the size of a
nameko service's ``max_workers``:
``python -m bench.grpc_echo <build_dir>`` prints ``READY <port>``.
"""

from __future__ import annotations

import importlib
import json
import signal
import subprocess
import sys
import threading
from concurrent import futures
from pathlib import Path

PROTO_DIR = Path(__file__).resolve().parent / "proto"
WORKERS = 10


def compile_proto(build_dir: Path) -> None:
    """Generate echo_pb2*.py in ``build_dir`` with grpc_tools' protoc, in a child
    process so that the benchmark's own process never imports grpc before forking."""
    build_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "grpc_tools.protoc", f"-I{PROTO_DIR}", f"--python_out={build_dir}",
         f"--grpc_python_out={build_dir}", str(PROTO_DIR / "echo.proto")],
        check=True, capture_output=True, text=True)


def load_stubs(build_dir: str):
    if build_dir not in sys.path:
        sys.path.insert(0, build_dir)
    return importlib.import_module("echo_pb2"), importlib.import_module("echo_pb2_grpc")


def serve(build_dir: str) -> None:
    import grpc

    pb2, pb2_grpc = load_stubs(build_dir)

    class Echo(pb2_grpc.EchoServicer):
        def Echo(self, request, context):  # noqa: N802 - name fixed by the .proto
            return pb2.EchoReply(json=json.dumps(json.loads(request.json)))

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=WORKERS))
    pb2_grpc.add_EchoServicer_to_server(Echo(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    print(f"READY {port}", flush=True)
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(grace=1).wait()


if __name__ == "__main__":
    serve(sys.argv[1])
