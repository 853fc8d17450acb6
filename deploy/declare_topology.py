"""Declare the whole broker topology before any service publishes.

nameko declares a consumer's queue only when that consumer starts, so an event published by an
earlier-started service would be routed nowhere and dropped. Run this once before the services start
(scripts/run.sh does; in docker-compose it is the one-shot ``topology`` service): every service's durable
queue, its retry queues and its dead-letter queue then exist, bound by the event types it consumes.

    AMQP_URI=amqp://guest:guest@localhost:5672/ python deploy/declare_topology.py

Unlike the services, this deploy tool may import every service package: it only reads their ``topology``
modules (the event types each one consumes).
"""

from __future__ import annotations

import importlib
import os
import sys
import time

from itpm_common.topology import ServiceTopology, declare_all, retry_delays_from_config

SERVICES = ("planning", "review", "approval", "funds", "acceptance", "security")
# The gateway relays every event of the suite to its external subscribers and the project timeline.
GATEWAY_DEFAULT_BINDINGS = ("cn.gov.lyg.itpm.#",)


def topologies() -> list[ServiceTopology]:
    delays = retry_delays_from_config({"EVENT_RETRY_DELAYS_MS": os.environ.get("EVENT_RETRY_DELAYS_MS")})
    result = []
    for name in SERVICES:
        module = importlib.import_module(f"{name}.topology")
        result.append(ServiceTopology(name, tuple(module.SUBSCRIBES), delays))
    try:
        gateway_bindings = tuple(importlib.import_module("gateway.topology").SUBSCRIBES)
    except (ImportError, AttributeError):
        gateway_bindings = GATEWAY_DEFAULT_BINDINGS
    result.append(ServiceTopology("gateway", gateway_bindings, delays))
    return result


def main() -> int:
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@localhost:5672/")
    topos = topologies()
    # In compose the broker may report healthy a moment before it accepts this user: retry briefly.
    deadline = time.monotonic() + float(os.environ.get("TOPOLOGY_WAIT_SECONDS", "30"))
    while True:
        try:
            declare_all(amqp_uri, topos)
            break
        except Exception as exc:  # pika raises several connection error types
            if time.monotonic() > deadline:
                print(f"declare_topology: broker unreachable at {amqp_uri}: {exc!r}", file=sys.stderr)
                return 1
            time.sleep(1)
    for topo in topos:
        print(f"declared {topo.queue} ({len(topo.bindings)} bindings), "
              f"{len(topo.retry_delays_ms)} retry queues, {topo.dlq}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
