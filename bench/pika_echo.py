"""Raw pika echo server for the request/reply baseline.

``python -m bench.pika_echo <amqp_uri> <queue>``. The queue is exclusive, so
the broker deletes it when this process goes. Each request is decoded and
re-encoded as JSON (what nameko's serializer does on the service side),
answered to its ``reply_to`` (direct reply-to) and then acknowledged, with
the same prefetch as a nameko service with ``max_workers: 10``. Requests and
replies are transient and unconfirmed: this is the floor nameko is
compared with, not a reliability peer.
"""

from __future__ import annotations

import json
import sys

import pika

PREFETCH = 10


def main(uri: str, queue: str) -> None:
    conn = pika.BlockingConnection(pika.URLParameters(uri))
    ch = conn.channel()
    ch.queue_declare(queue=queue, exclusive=True)
    ch.basic_qos(prefetch_count=PREFETCH)

    def on_request(channel, method, props, body):
        reply = json.dumps(json.loads(body)).encode()
        channel.basic_publish("", props.reply_to, reply,
                              pika.BasicProperties(correlation_id=props.correlation_id,
                                                   content_type="application/json"))
        channel.basic_ack(method.delivery_tag)

    ch.basic_consume(queue, on_request)
    print("READY", flush=True)
    try:
        ch.start_consuming()
    except KeyboardInterrupt:
        pass
    finally:
        if conn.is_open:
            conn.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
