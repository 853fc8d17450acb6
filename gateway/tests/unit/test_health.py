import contextlib
import time
from dataclasses import replace

from nameko.exceptions import UnknownService
from sqlalchemy.exc import OperationalError

from gateway import health

SERVICES = {"planning", "review", "approval", "funds", "acceptance", "security"}


def test_all_healthy_is_200(client, fakes):
    for fake in fakes.values():
        fake.answers["health"] = {"service": fake.service_name, "status": "ok", "database": "ok"}
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["broker"] == {"status": "ok"}
    assert body["database"] == {"status": "ok"}
    assert set(body["services"]) == SERVICES
    assert body["services"]["funds"]["service"] == "funds"


def test_one_service_down_is_503_and_says_which(client, fakes):
    fakes["review"].publish_error = UnknownService("review")
    fakes["funds"].answers["health"] = {"service": "funds", "status": "degraded", "database": "error"}
    response = client.get("/health")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "degraded"
    assert body["services"]["review"]["status"] == "unreachable"
    assert "not running" in body["services"]["review"]["error"]
    assert body["services"]["funds"]["status"] == "degraded"
    assert body["services"]["planning"]["status"] == "ok"


def test_silent_services_are_asked_concurrently_and_bounded(client, fakes, config):
    for name in ("planning", "approval", "security"):
        fakes[name].delays["health"] = 10
    started = time.monotonic()
    response = client.get("/health")
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    body = response.get_json()
    assert {n for n, s in body["services"].items() if s["status"] == "unreachable"} == {
        "planning", "approval", "security"}
    # Three silent services cost one timeout, not three.
    assert elapsed < 2 * config["HEALTH_TIMEOUT_SECONDS"] + 0.5


def test_broker_unreachable_is_503(client, service, fakes):
    # Port 1 on loopback: nothing listens there.
    service.settings = replace(service.settings, amqp_uri="amqp://guest:guest@127.0.0.1:1//")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["broker"]["status"] == "unreachable"



class _BrokenDatabase:
    @contextlib.contextmanager
    def read(self):
        raise OperationalError("SELECT 1", {}, Exception("unable to open database file"))
        yield


def test_gateway_database_unusable_is_503_and_names_only_the_kind_of_failure(caplog):
    status, body = health.check({}, "memory://", 0.3, _BrokenDatabase())
    assert status == 503 and body["status"] == "degraded"
    assert body["database"] == {"status": "error", "error": "OperationalError"}
    # The detail is for operators, in the log, not for whoever asks /health.
    assert "unable to open database file" in caplog.text
