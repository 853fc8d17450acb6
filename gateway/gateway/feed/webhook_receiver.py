"""``python -m gateway.feed.webhook_receiver``: receive the external feed's webhooks, as a partner system would.

Checks each request's signature with the subscriber's secret (give ``--secret`` twice while a rotated secret's
grace period runs) and its timestamp against a window, answers 401 for a forged or stale request, and prints each
event once (by its id) with its feed position; a repeated delivery is acknowledged again but not printed. Example:

    python -m gateway.feed.webhook_receiver --port 9000 --secret whsec_…
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import signing

MAX_BODY_BYTES = 4 * 1024 * 1024


class Receiver:
    """What the receiver knows: its secrets, the window, and the events it has printed."""

    def __init__(self, secrets: list[str], tolerance_seconds: int = signing.DEFAULT_TOLERANCE_SECONDS,
                 out=sys.stdout):
        self.secrets = list(secrets)
        self.tolerance_seconds = tolerance_seconds
        self.out = out
        self.events: list[dict] = []
        self._seen: set[str] = set()
        self._lock = threading.Lock()

    def accept(self, headers, body: bytes) -> tuple[int, str]:
        problem = signing.verify(self.secrets, headers.get(signing.TIMESTAMP_HEADER),
                                 headers.get(signing.SIGNATURE_HEADER), body, time.time(), self.tolerance_seconds)
        if problem is not None:
            return 401, problem
        try:
            event = json.loads(body)
        except ValueError:
            return 400, "body is not JSON"
        if not isinstance(event, dict) or not isinstance(event.get("id"), str):
            return 400, "body is not a CloudEvent"
        with self._lock:
            if event["id"] in self._seen:
                return 200, "duplicate"
            self._seen.add(event["id"])
            self.events.append(event)
            print(f"{event.get('feedposition')}\t{event.get('time')}\t{event.get('type')}\t{event.get('subject')}",
                  file=self.out, flush=True)
        return 200, "ok"


def make_server(receiver: Receiver, host: str, port: int) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"   # keeps the gateway's connection open between deliveries
        # The answer's headers and body are two writes: with Nagle's algorithm the body would wait for the
        # gateway's delayed ACK (~40 ms) on a kept-alive connection.
        disable_nagle_algorithm = True

        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY_BYTES:
                status, text = 413, "body too large"
            else:
                status, text = receiver.accept(self.headers, self.rfile.read(length))
            payload = text.encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, fmt, *args):
            print(f"{self.address_string()} {fmt % args}", file=sys.stderr)

    return ThreadingHTTPServer((host, port), Handler)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.feed.webhook_receiver",
                                     description="接收外部事件 Webhook：校验签名与时间戳，每个事件打印一次")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--secret", action="append", required=True,
                        help="订阅方密钥；更换密钥的宽限期内可给两次（新、旧）")
    parser.add_argument("--tolerance", type=int, default=signing.DEFAULT_TOLERANCE_SECONDS,
                        help="时间戳与本机时间相差超过这么多秒即拒绝（防重放），默认 300")
    args = parser.parse_args(argv)
    server = make_server(Receiver(args.secret, args.tolerance), args.host, args.port)
    print(f"listening on http://{args.host}:{server.server_address[1]}/", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
