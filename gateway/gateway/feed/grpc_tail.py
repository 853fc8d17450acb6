"""``python -m gateway.feed.grpc_tail``: follow the external feed over gRPC, as a partner system would.

Prints each event with its position and writes the last position to ``--state`` after every event, so a
restart (or a dropped connection, retried here) resumes right after it: nothing missed, nothing twice.

    python -m gateway.feed.grpc_tail --target feed.example:50051 --ca server.crt --token-file my.token \\
        --state audit-bureau.position --type cn.gov.lyg.itpm.approval.ProjectApproved

``--check-health`` only asks grpc.health.v1 and exits 0 when the feed is SERVING (container health checks).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import grpc

from . import grpc_build


def read_position(state: Path | None) -> int:
    if state is None or not state.is_file():
        return 0
    return int(state.read_text(encoding="utf-8").strip() or 0)


def write_position(state: Path | None, position: int) -> None:
    if state is None:
        return
    temporary = state.with_name(state.name + ".tmp")
    temporary.write_text(f"{position}\n", encoding="utf-8")
    os.replace(temporary, state)


def channel(target: str, ca: Path | None, plaintext: bool, server_name: str | None = None) -> grpc.Channel:
    if plaintext:
        return grpc.insecure_channel(target)
    credentials = grpc.ssl_channel_credentials(root_certificates=ca.read_bytes() if ca else None)
    options = [("grpc.ssl_target_name_override", server_name)] if server_name else []
    return grpc.secure_channel(target, credentials, options=options)


def check_health(chan: grpc.Channel) -> bool:
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    reply = health_pb2_grpc.HealthStub(chan).Check(health_pb2.HealthCheckRequest(service=""), timeout=5)
    return reply.status == health_pb2.HealthCheckResponse.SERVING


def follow(chan: grpc.Channel, token: str, start: int, state: Path | None, limit: int | None, flt: dict,
           json_lines: bool, out=sys.stdout, retry_seconds: float = 2.0) -> int:
    """Print events after ``start``; returns the last position printed. Reconnects after a dropped stream."""
    pb2, pb2_grpc = grpc_build.load()
    stub = pb2_grpc.FeedStub(chan)
    position, printed = start, 0
    metadata = (("authorization", f"Bearer {token}"),)
    while limit is None or printed < limit:
        request = pb2.SubscribeRequest(from_position=position, filter=pb2.EventFilter(**flt))
        stream = stub.Subscribe(request, metadata=metadata)
        try:
            for event in stream:
                if json_lines:
                    print(event.cloudevent_json, file=out, flush=True)
                else:
                    print(f"{event.position}\t{event.time}\t{event.type}\t{event.subject}", file=out, flush=True)
                position = event.position
                write_position(state, position)
                printed += 1
                if limit is not None and printed >= limit:
                    stream.cancel()
                    break
        except grpc.RpcError as error:
            if error.code() == grpc.StatusCode.CANCELLED and limit is not None and printed >= limit:
                break
            if error.code() not in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise
            print(f"# 连接中断（{error.code().name}），{retry_seconds:g} 秒后从位置 {position} 之后继续",
                  file=sys.stderr, flush=True)
            time.sleep(retry_seconds)
    return position


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.feed.grpc_tail", description="跟随外部事件流（gRPC）")
    parser.add_argument("--target", default="127.0.0.1:50051", help="host:port")
    parser.add_argument("--token", default=os.environ.get("ITPM_FEED_TOKEN"), help="订阅方令牌（或 ITPM_FEED_TOKEN）")
    parser.add_argument("--token-file", type=Path, help="从文件读取订阅方令牌")
    parser.add_argument("--ca", type=Path, help="信任的服务器证书（自签名时）")
    parser.add_argument("--server-name", help="证书上的主机名与 target 不同时")
    parser.add_argument("--plaintext", action="store_true", help="不用 TLS（仅本机调试）")
    parser.add_argument("--state", type=Path, default=None, help="记录最后位置的文件，重启后从其后继续")
    parser.add_argument("--from", dest="from_position", type=int, default=None,
                        help="从这个位置之后开始（不含），覆盖 --state 中的位置")
    parser.add_argument("--type", action="append", default=[], help="只要这些事件类型，可重复")
    parser.add_argument("--unit", action="append", default=[], help="只要这些单位的事件，可重复")
    parser.add_argument("--year", type=int, default=0, help="只要这个计划年度的事件")
    parser.add_argument("--limit", type=int, default=None, help="收到这么多条后退出")
    parser.add_argument("--json", action="store_true", help="每行打印完整的 CloudEvent JSON")
    parser.add_argument("--check-health", action="store_true", help="只检查健康状态")
    args = parser.parse_args(argv)
    token = args.token_file.read_text(encoding="utf-8").strip() if args.token_file else args.token
    if not token and not args.check_health:
        parser.error("--token、--token-file 或 ITPM_FEED_TOKEN 必须给出一个")
    start = args.from_position if args.from_position is not None else read_position(args.state)
    chan = channel(args.target, args.ca, args.plaintext, args.server_name)
    try:
        if args.check_health:
            return 0 if check_health(chan) else 1
        follow(chan, token, start, args.state, args.limit,
               {"types": args.type, "unit_ids": args.unit, "plan_year": args.year}, args.json)
    except grpc.RpcError as error:
        print(f"{error.code().name}: {error.details()}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    finally:
        chan.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
