"""Container healthcheck: exit 0 when the process answers, 1 otherwise.

    python deploy/healthcheck.py planning                        # the service's ``health`` RPC over AMQP_URI
    python deploy/healthcheck.py --http http://127.0.0.1:8080/health   # the gateway's HTTP health page

A service is healthy when its ``health`` RPC answers with status "ok" (its database answers too). The whole
check is bounded by a hard alarm: a broker that accepts the connection but never replies must not leave
healthcheck processes piling up.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import urllib.request
import warnings


def check_rpc(service: str, timeout: float) -> tuple[bool, str]:
    warnings.simplefilter("ignore")  # eventlet's deprecation notice would fill the container's health log
    from nameko.standalone.rpc import ClusterRpcProxy

    config = {"AMQP_URI": os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")}
    with ClusterRpcProxy(config, timeout=timeout) as rpc:
        reply = getattr(rpc, service).health()
    return reply.get("status") == "ok", json.dumps(reply, ensure_ascii=False, default=str)


def check_http(url: str, timeout: float) -> tuple[bool, str]:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (our own URL)
        return response.status == 200, f"HTTP {response.status}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("service", nargs="?", help="nameko service name (planning, review, ...)")
    parser.add_argument("--http", metavar="URL", help="check an HTTP URL instead of an RPC")
    parser.add_argument("--timeout", type=float, default=float(os.environ.get("HEALTHCHECK_TIMEOUT", "5")))
    args = parser.parse_args(argv)
    if not args.service and not args.http:
        parser.error("name a service or give --http URL")

    def give_up(signum, frame):
        print("unhealthy: no answer in time", file=sys.stderr)
        os._exit(1)

    signal.signal(signal.SIGALRM, give_up)
    signal.alarm(int(args.timeout) + 5)
    try:
        ok, detail = check_http(args.http, args.timeout) if args.http else check_rpc(args.service, args.timeout)
    except Exception as exc:  # any failure to get an answer is "unhealthy"
        ok, detail = False, repr(exc)
    print(("healthy: " if ok else "unhealthy: ") + detail, file=sys.stdout if ok else sys.stderr)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
