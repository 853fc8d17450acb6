"""List and replay parked messages of a service's dead-letter queue.

    python -m itpm_common.dlq list   --service review
    python -m itpm_common.dlq replay --service review [--event-id ID | --all]

Listing takes every message without acknowledging it and then closes the
channel, so the broker puts them all back in order: nothing is consumed.
Replaying republishes a message to the service's own queue (attempt counter
reset) and only then acknowledges it in the dead-letter queue.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass

import pika

from .consumer import ATTEMPT_HEADER, ERROR_HEADER
from .topology import ServiceTopology


@dataclass
class ParkedMessage:
    event_id: str | None
    type: str | None
    subject: str | None
    attempts: int | None
    last_error: str | None


def _describe(properties, body: bytes) -> ParkedMessage:
    headers = properties.headers or {}
    try:
        raw = json.loads(body)
    except ValueError:
        raw = {}
    return ParkedMessage(event_id=properties.message_id or raw.get("id"), type=raw.get("type"),
                         subject=raw.get("subject"), attempts=headers.get(ATTEMPT_HEADER),
                         last_error=headers.get(ERROR_HEADER))


def list_parked(amqp_uri: str, service: str) -> list[ParkedMessage]:
    topo = ServiceTopology(service, ())
    conn = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    try:
        ch = conn.channel()
        out = []
        while True:
            method, props, body = ch.basic_get(topo.dlq, auto_ack=False)
            if method is None:
                break
            out.append(_describe(props, body))
        ch.close()  # unacked messages return to the queue
        return out
    finally:
        conn.close()


def replay(amqp_uri: str, service: str, event_id: str | None = None) -> int:
    """Move parked messages (all, or the one with event_id) back to the service."""
    topo = ServiceTopology(service, ())
    conn = pika.BlockingConnection(pika.URLParameters(amqp_uri))
    moved = 0
    try:
        ch = conn.channel()
        ch.confirm_delivery()
        keep = []
        while True:
            method, props, body = ch.basic_get(topo.dlq, auto_ack=False)
            if method is None:
                break
            if event_id and _describe(props, body).event_id != event_id:
                keep.append(method.delivery_tag)
                continue
            headers = dict(props.headers or {})
            headers.pop(ATTEMPT_HEADER, None)
            headers["x-itpm-replayed"] = True
            ch.basic_publish(exchange="", routing_key=topo.queue, body=body,
                             properties=pika.BasicProperties(
                                 content_type=props.content_type,
                                 content_encoding=props.content_encoding,
                                 delivery_mode=2, message_id=props.message_id, headers=headers))
            ch.basic_ack(method.delivery_tag)
            moved += 1
        for tag in keep:
            ch.basic_nack(tag, requeue=True)
        ch.close()
    finally:
        conn.close()
    return moved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m itpm_common.dlq",
                                     description="死信队列查看与重放 / inspect and replay parked events")
    parser.add_argument("command", choices=["list", "replay"])
    parser.add_argument("--service", required=True)
    parser.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/"))
    parser.add_argument("--event-id")
    parser.add_argument("--all", action="store_true")
    args = parser.parse_args(argv)
    if args.command == "list":
        parked = list_parked(args.amqp_uri, args.service)
        for m in parked:
            print(json.dumps(m.__dict__, ensure_ascii=False))
        print(f"{len(parked)} parked message(s) in itpm.{args.service}.dlq")
        return 0
    if not (args.event_id or args.all):
        parser.error("replay needs --event-id ID or --all")
    moved = replay(args.amqp_uri, args.service, None if args.all else args.event_id)
    print(f"replayed {moved} message(s) to itpm.{args.service}.events")
    return 0


if __name__ == "__main__":
    sys.exit(main())
