"""The smallest nameko service: one RPC that returns its argument.

Run by the benchmark with ``nameko run --config <tmp>/echo.yaml
bench.nameko_echo:EchoService``. The service name comes from the
environment so that concurrent benchmark runs never share an RPC queue.
"""

from __future__ import annotations

import os

from nameko.rpc import rpc


class EchoService:
    name = os.environ.get("BENCH_ECHO_SERVICE", "bench_echo")

    @rpc
    def echo(self, document):
        return document
