"""``python -m gateway.feed.tail_amqp``: follow the external feed over AMQP, as a partner system would.

Declares a durable queue of its own (``--queue``), so events published while it is away wait for it; prints
each event once (by its id) with its position. Example:

    python -m gateway.feed.tail_amqp --uri amqp://partner:secret@mq:5672/ --queue audit-bureau \\
        --binding 'cn.gov.lyg.itpm.planning.#'
"""

from __future__ import annotations

import argparse
import json
import sys

import pika

from .amqp import EXTERNAL_EXCHANGE


def follow(uri: str, queue: str, bindings: list[str], limit: int | None, out=sys.stdout) -> list[dict]:
    conn = pika.BlockingConnection(pika.URLParameters(uri))
    seen: set[str] = set()
    received: list[dict] = []
    try:
        ch = conn.channel()
        ch.exchange_declare(EXTERNAL_EXCHANGE, "topic", durable=True)
        ch.queue_declare(queue, durable=True)
        for binding in bindings:
            ch.queue_bind(queue, EXTERNAL_EXCHANGE, binding)
        ch.basic_qos(prefetch_count=50)
        for method, _props, body in ch.consume(queue, inactivity_timeout=None if limit is None else 10):
            if method is None:
                break
            event = json.loads(body)
            if event["id"] not in seen:
                seen.add(event["id"])
                received.append(event)
                print(f"{event['feedposition']}\t{event['time']}\t{event['type']}\t{event.get('subject')}",
                      file=out, flush=True)
            ch.basic_ack(method.delivery_tag)
            if limit is not None and len(received) >= limit:
                break
        ch.cancel()
    finally:
        conn.close()
    return received


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.feed.tail_amqp", description="跟随外部事件流（AMQP）")
    parser.add_argument("--uri", default="amqp://guest:guest@localhost:5672/")
    parser.add_argument("--queue", required=True, help="本订阅方自己的持久队列名")
    parser.add_argument("--binding", action="append", default=None,
                        help="路由键绑定，可重复；默认 # （全部）")
    parser.add_argument("--limit", type=int, default=None, help="收到这么多条后退出")
    args = parser.parse_args(argv)
    follow(args.uri, args.queue, args.binding or ["#"], args.limit)
    return 0


if __name__ == "__main__":
    sys.exit(main())
