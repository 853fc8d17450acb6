"""``python -m gateway.feed.grpc_server``: the external feed over gRPC (``itpm.feed.v1.Feed``).

A plain process with a thread pool, outside nameko and without eventlet (grpcio starves a monkey-patched
event loop): it reads the gateway's ``feed_log`` with plain SQLAlchemy and never writes it. ``Subscribe`` sends
the rows after the asked position, then polls for new ones until the client goes away; the positions are
gap-free and assigned in commit order, so resuming after the last position seen misses nothing and repeats
nothing. Also: the public project summaries built from the feed, grpc.health.v1 and server reflection.
Every Feed call needs a subscriber token (``authorization: Bearer …``); settings in ``grpc_config``.
Prints ``READY <port>`` once it listens.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from concurrent import futures

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import sessionmaker

from ..models import FeedEntry
from . import grpc_build, grpc_tls
from .grpc_config import GrpcSettings
from .projects import ProjectIndex

log = logging.getLogger("gateway.feed.grpc")
pb2, pb2_grpc = grpc_build.load()
SERVICE_NAME = pb2.DESCRIPTOR.services_by_name["Feed"].full_name
BATCH = 200


def _engine(url: str):
    # SQLAlchemy 2.1 reads postgresql:// as psycopg 3; the lock pins psycopg2.
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg2://" + url[len("postgresql://"):]
    if url.startswith("sqlite"):
        return create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=20)


class Tokens:
    """The tokens file, read again whenever it changes, so adding a subscriber needs no restart."""

    def __init__(self, path):
        self._path, self._stamp, self._tokens = path, None, {}
        self._lock = threading.Lock()

    def subscriber(self, token: str) -> str | None:
        with self._lock:
            try:
                stamp = self._path.stat().st_mtime_ns
            except FileNotFoundError:
                stamp = None
            if stamp != self._stamp:
                self._tokens = grpc_tls.read_tokens(self._path) if stamp is not None else {}
                self._stamp = stamp
            return self._tokens.get(grpc_tls.token_hash(token))


def _to_event(row: FeedEntry):
    body = json.loads(row.body)
    return pb2.FeedEvent(position=row.position, id=row.event_id, type=row.type, time=body.get("time") or "",
                         subject=row.subject or "", unit_id=row.unit_id or "", cloudevent_json=row.body)


def _to_summary(summary):
    return pb2.ProjectSummary(
        project_id=summary.project_id, name=summary.name or "", unit_id=summary.unit_id or "",
        unit_name=summary.unit_name or "", plan_year=summary.plan_year or 0, category=summary.category or "",
        last_event_type=summary.last_event_type or "", last_event_time=summary.last_event_time or "",
        last_position=summary.last_position, has_approved_estimate=summary.approved_estimate_fen is not None,
        approved_estimate_fen=summary.approved_estimate_fen or 0)


class FeedServicer(pb2_grpc.FeedServicer):
    def __init__(self, sessions, tokens: Tokens, poll_seconds: float, stopping: threading.Event):
        self._sessions, self._tokens = sessions, tokens
        self._poll, self._stopping = poll_seconds, stopping
        self._projects = ProjectIndex(sessions)

    def _subscriber(self, context) -> str:
        header = dict(context.invocation_metadata()).get("authorization", "")
        scheme, _, token = header.partition(" ")
        name = self._tokens.subscriber(token.strip()) if scheme.lower() == "bearer" and token.strip() else None
        if name is None:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "订阅方令牌缺失或无效")
        return name

    def _rows_after(self, position: int, flt) -> list[FeedEntry]:
        query = select(FeedEntry).where(FeedEntry.position > position)
        if flt.types:
            query = query.where(FeedEntry.type.in_(list(flt.types)))
        if flt.unit_ids:
            query = query.where(FeedEntry.unit_id.in_(list(flt.unit_ids)))
        if flt.plan_year:
            query = query.where(FeedEntry.plan_year == flt.plan_year)
        with self._sessions() as session:
            return list(session.scalars(query.order_by(FeedEntry.position).limit(BATCH)))

    def Subscribe(self, request, context):  # noqa: N802 - name fixed by the .proto
        name = self._subscriber(context)
        if request.from_position < 0:
            context.abort(grpc.StatusCode.INVALID_ARGUMENT, "from_position 不能为负数")
        position = request.from_position
        log.info("subscriber %s from position %d", name, position)
        while context.is_active() and not self._stopping.is_set():
            rows = self._rows_after(position, request.filter)
            for row in rows:
                yield _to_event(row)
                position = row.position
            if len(rows) < BATCH:
                self._stopping.wait(self._poll)
        log.info("subscriber %s left at position %d", name, position)

    def GetProject(self, request, context):  # noqa: N802
        self._subscriber(context)
        summary = self._projects.get(request.project_id)
        if summary is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"外部事件流中没有项目 {request.project_id}")
        return _to_summary(summary)

    def ListProjects(self, request, context):  # noqa: N802
        self._subscriber(context)
        found = self._projects.list(request.unit_id or None, request.plan_year or None)
        return pb2.ListProjectsResponse(projects=[_to_summary(s) for s in found])


def _watch_database(sessions, health_servicer, stopping: threading.Event) -> None:
    """NOT_SERVING while the database cannot be read."""
    while not stopping.is_set():
        try:
            with sessions() as session:
                session.execute(text("SELECT 1"))
            status = health_pb2.HealthCheckResponse.SERVING
        except Exception:  # any failure to read means the feed cannot be served
            log.exception("the feed's database cannot be read")
            status = health_pb2.HealthCheckResponse.NOT_SERVING
        for service in ("", SERVICE_NAME):
            health_servicer.set(service, status)
        stopping.wait(5)


def build_server(settings: GrpcSettings, stopping: threading.Event):
    """(server, port), started."""
    sessions = sessionmaker(_engine(settings.database_url), expire_on_commit=False)
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=settings.workers),
                         maximum_concurrent_rpcs=settings.workers * 4)
    pb2_grpc.add_FeedServicer_to_server(
        FeedServicer(sessions, Tokens(settings.tokens_file), settings.poll_seconds, stopping), server)
    health_servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(
        (SERVICE_NAME, health_pb2.DESCRIPTOR.services_by_name["Health"].full_name, reflection.SERVICE_NAME), server)
    if settings.tls:
        credentials = grpc.ssl_server_credentials(
            [(settings.key_file.read_bytes(), settings.cert_file.read_bytes())])
        port = server.add_secure_port(settings.address, credentials)
    else:
        port = server.add_insecure_port(settings.address)
    if not port:
        raise SystemExit(f"cannot listen on {settings.address}")
    server.start()
    threading.Thread(target=_watch_database, args=(sessions, health_servicer, stopping), daemon=True).start()
    return server, port


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s feed-grpc %(name)s: %(message)s")
    settings = GrpcSettings.from_environ()
    stopping = threading.Event()
    server, port = build_server(settings, stopping)
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    log.info("listening on %s (%s)", settings.address, "TLS" if settings.tls else "plaintext")
    print(f"READY {port}", flush=True)
    try:
        stopping.wait()
    except KeyboardInterrupt:
        stopping.set()
    finally:
        server.stop(grace=2).wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
