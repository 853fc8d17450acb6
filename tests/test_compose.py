"""docker-compose.yml, the Dockerfiles and the Kubernetes manifests, checked without a Docker engine.

No machine of ours runs Docker, so these files would rot unnoticed. The checks that matter most: every
service's environment in compose (and in Kubernetes) holds exactly the keys its config.yaml reads, so a
new config key without a deployment value fails here, and every Dockerfile starts the right class.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = REPO / "docker-compose.yml"
K8S = REPO / "deploy" / "k8s"

# compose/k8s name -> (folder, package, nameko class); the table of docs/conventions.md.
SERVICES = {
    "planning": ("services/planning", "planning", "PlanningService"),
    "review": ("services/review", "review", "ReviewService"),
    "approval": ("services/approval", "approval", "ApprovalService"),
    "funds": ("services/funds", "funds", "FundsService"),
    "acceptance": ("services/acceptance", "acceptance", "AcceptanceService"),
    "security": ("services/security", "security", "SecurityService"),
    "gateway": ("gateway", "gateway", "GatewayService"),
}
DOMAIN_SERVICES = [name for name in SERVICES if name != "gateway"]
HEALTH_CONDITIONS = {"service_healthy", "service_completed_successfully"}

# nameko's ${VAR} / ${VAR:default} (nameko.cli.main.ENV_VAR_MATCHER).
ENV_REF = re.compile(r"\$\{([^}:\s]+)(?::[^}]*)?\}")


def _strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(key)
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def config_path(name: str) -> Path:
    path = REPO / SERVICES[name][0] / "config.yaml"
    assert path.is_file(), f"{path.relative_to(REPO)} is missing"
    return path


def config_env_keys(name: str) -> set[str]:
    """The environment variables a service's config.yaml reads (comments excluded: YAML drops them)."""
    data = yaml.safe_load(config_path(name).read_text(encoding="utf-8"))
    keys = {match.group(1) for text in _strings(data) for match in ENV_REF.finditer(text)}
    assert keys, f"{config_path(name)} reads no environment variable at all"
    return keys


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def k8s_docs() -> list[tuple[Path, dict]]:
    docs = []
    for path in sorted(K8S.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            assert isinstance(doc, dict) and doc.get("kind"), f"{path.name}: an empty or kind-less document"
            docs.append((path, doc))
    return docs


def _service(compose: dict, name: str) -> dict:
    services = compose.get("services") or {}
    assert name in services, f"docker-compose.yml has no service {name!r}"
    return services[name]


def _environment(service: dict) -> dict:
    env = service.get("environment")
    if isinstance(env, list):  # the KEY=value list form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    assert isinstance(env, dict) and env, "no environment"
    return env


def _dockerfile_cmd(path: Path) -> str:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("CMD ")]
    assert len(lines) == 1, f"{path}: expected one CMD line, found {len(lines)}"
    cmd = json.loads(lines[0][4:])  # exec form, so that signals reach nameko
    return " ".join(cmd)


# ---------------------------------------------------------------------------------------------- compose


@pytest.mark.parametrize("name", SERVICES)
def test_service_is_built_from_its_dockerfile(compose, name):
    service = _service(compose, name)
    build = service.get("build")
    assert isinstance(build, dict), f"{name}: build must name a context and a dockerfile"
    context = (REPO / build["context"]).resolve()
    assert context == REPO, f"{name}: the build context must be the repository root (libs/common is shared)"
    dockerfile = context / build["dockerfile"]
    assert dockerfile == REPO / SERVICES[name][0] / "Dockerfile", f"{name}: builds from {build['dockerfile']}"
    assert dockerfile.is_file(), f"{dockerfile.relative_to(REPO)} is missing"


@pytest.mark.parametrize("name", SERVICES)
def test_service_environment_is_what_its_config_reads(compose, name):
    env = _environment(_service(compose, name))
    reads = config_env_keys(name)
    assert set(env) == reads, (
        f"{name}: compose sets {sorted(set(env) - reads)} that config.yaml does not read, and misses "
        f"{sorted(reads - set(env))} that it reads")


@pytest.mark.parametrize("name", SERVICES)
def test_service_points_at_its_own_database_on_postgres(compose, name):
    url = _environment(_service(compose, name))["DATABASE_URL"]
    assert re.fullmatch(rf"postgresql://[^@/]+@postgres:5432/{name}", url), url


@pytest.mark.parametrize("name", SERVICES)
def test_service_has_a_healthcheck(compose, name):
    check = _service(compose, name).get("healthcheck") or {}
    test = check.get("test")
    assert test and test[0] in ("CMD", "CMD-SHELL"), f"{name}: no healthcheck"
    command = " ".join(test[1:])
    assert "deploy/healthcheck.py" in command
    if name == "gateway":
        assert "--http" in command and "/health" in command
    else:
        assert command.endswith(f" {name}"), f"{name}: the healthcheck asks another service: {command}"
    assert (REPO / "deploy" / "healthcheck.py").is_file()


@pytest.mark.parametrize("name", ["rabbitmq", "postgres"])
def test_infrastructure_is_present_with_healthchecks(compose, name):
    service = _service(compose, name)
    expected = {"rabbitmq": "rabbitmq:3.13-management", "postgres": "postgres:16"}[name]
    assert service.get("image") == expected
    assert (service.get("healthcheck") or {}).get("test"), f"{name}: no healthcheck"


def test_every_dependency_waits_for_health_or_completion(compose):
    for name, service in compose["services"].items():
        depends = service.get("depends_on")
        if depends is None:
            continue
        assert isinstance(depends, dict), f"{name}: depends_on must be a mapping with conditions"
        for dependency, spec in depends.items():
            assert dependency in compose["services"], f"{name} depends on unknown {dependency}"
            condition = (spec or {}).get("condition")
            assert condition in HEALTH_CONDITIONS, f"{name} -> {dependency}: condition {condition!r}"


@pytest.mark.parametrize("name", SERVICES)
def test_service_starts_after_broker_database_keys_and_topology(compose, name):
    depends = _service(compose, name).get("depends_on") or {}
    expected = {"rabbitmq": "service_healthy", "postgres": "service_healthy",
                "keys": "service_completed_successfully", "topology": "service_completed_successfully"}
    if name == "gateway":
        expected.update({other: "service_healthy" for other in DOMAIN_SERVICES})
    got = {dep: (spec or {}).get("condition") for dep, spec in depends.items()}
    assert got == expected


def test_one_shots_declare_topology_and_generate_keys(compose):
    topology = _service(compose, "topology")
    assert "declare_topology.py" in " ".join(topology["command"])
    assert topology["depends_on"] == {"rabbitmq": {"condition": "service_healthy"}}
    # The retry queues' TTLs are declared by the one-shot and re-declared by each service: equal or the
    # broker refuses the second declaration.
    delays = _environment(topology)["EVENT_RETRY_DELAYS_MS"]
    for name in SERVICES:
        env = _environment(_service(compose, name))
        if "EVENT_RETRY_DELAYS_MS" in env:
            assert env["EVENT_RETRY_DELAYS_MS"] == delays, name
    keys = _service(compose, "keys")
    assert "generate_keys.py" in " ".join(keys["command"])
    for one_shot in (topology, keys):
        dockerfile = REPO / one_shot["build"]["dockerfile"]
        assert dockerfile.is_file(), dockerfile
    assert (REPO / "deploy" / "declare_topology.py").is_file()
    assert (REPO / "deploy" / "generate_keys.py").is_file()


def test_postgres_creates_one_database_per_service(compose):
    mounts = [v for v in _service(compose, "postgres").get("volumes", []) if "docker-entrypoint-initdb.d" in v]
    assert mounts, "postgres mounts no init script"
    script = REPO / mounts[0].split(":", 1)[0]
    assert script.is_file() and script.parent == REPO / "deploy" / "postgres", script
    loop = re.search(r"^for db in (.+); do$", script.read_text(encoding="utf-8"), re.MULTILINE)
    assert loop, f"{script}: no 'for db in ...' loop"
    assert set(loop.group(1).split()) == set(SERVICES)


def test_feed_grpc_runs_the_gateway_image_as_a_plain_process(compose):
    # Not under nameko: grpcio starves eventlet's loop (gateway/gateway/feed/grpc_server.py).
    for name in ("feed-grpc", "feed-grpc-credentials"):
        service = _service(compose, name)
        assert service["build"] == {"context": ".", "dockerfile": "gateway/Dockerfile"}, name
        assert service["image"] == _service(compose, "gateway")["image"], name
    service = _service(compose, "feed-grpc")
    assert service["command"] == ["python", "-m", "gateway.feed.grpc_server"]
    assert "gateway.feed.grpc_tls cert" in " ".join(_service(compose, "feed-grpc-credentials")["command"])
    assert service["depends_on"] == {"postgres": {"condition": "service_healthy"},
                                     "gateway": {"condition": "service_healthy"},
                                     "feed-grpc-credentials": {"condition": "service_completed_successfully"}}


def test_feed_grpc_environment_is_what_the_server_reads_with_tls_on(compose):
    from gateway.feed.grpc_config import ENVIRONMENT

    env = _environment(_service(compose, "feed-grpc"))
    assert set(env) == set(ENVIRONMENT)
    assert re.fullmatch(r"postgresql://[^@/]+@postgres:5432/gateway", env["DATABASE_URL"]), env["DATABASE_URL"]
    assert env["FEED_GRPC_TLS_CERT_FILE"] and env["FEED_GRPC_TLS_KEY_FILE"] and env["FEED_GRPC_TOKENS_FILE"]
    assert env["FEED_GRPC_ALLOW_PLAINTEXT"] == "off"
    port = env["FEED_GRPC_ADDRESS"].rsplit(":", 1)[1]
    assert f"{port}:{port}" in _service(compose, "feed-grpc")["ports"]
    check = " ".join(_service(compose, "feed-grpc")["healthcheck"]["test"])
    assert "gateway.feed.grpc_tail" in check and "--check-health" in check and f"127.0.0.1:{port}" in check


def test_the_gateway_image_compiles_the_feed_contract():
    text = (REPO / "gateway" / "Dockerfile").read_text(encoding="utf-8")
    assert "COPY libs/common/itpm_common/proto /app/proto" in text
    assert re.search(r"^RUN python -m gateway\.feed\.grpc_build$", text, re.M)
    assert (REPO / "libs" / "common" / "itpm_common" / "proto" / "feed.proto").is_file()


# ---------------------------------------------------------------------------------------------- Dockerfiles


@pytest.mark.parametrize("name", SERVICES)
def test_dockerfile_migrates_then_runs_the_right_class(name):
    folder, package, cls = SERVICES[name]
    path = REPO / folder / "Dockerfile"
    assert path.is_file(), f"{folder}/Dockerfile is missing"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.11-slim\b", text, re.MULTILINE)
    assert "libs/common" in text, "the image must install the shared library"
    users = re.findall(r"^USER\s+(\S+)", text, re.MULTILINE)
    assert users and users[-1] not in ("root", "0"), "the image must run as a non-root user"
    cmd = _dockerfile_cmd(path)
    run = f"nameko run --config config.yaml {package}.service:{cls}"
    assert run in cmd, f"CMD does not start {package}.service:{cls}: {cmd}"
    assert f"python -m {package}.migrate" in cmd and cmd.index(f"{package}.migrate") < cmd.index(run)
    # The class named in the CMD is the one the service module defines.
    service_py = REPO / folder / package / "service.py"
    assert service_py.is_file(), f"{service_py.relative_to(REPO)} is missing"
    assert re.search(rf"^class {cls}\b", service_py.read_text(encoding="utf-8"), re.MULTILINE)


@pytest.mark.parametrize("name", SERVICES)
def test_config_substitutions_are_unquoted(name):
    # nameko leaves ${VAR} inside a quoted YAML string as it is (notes/stack.md, trap 9).
    for number, line in enumerate(config_path(name).read_text(encoding="utf-8").splitlines(), 1):
        code = line.split(" #", 1)[0]
        assert not re.search(r"""["']\$\{""", code), f"{name}/config.yaml:{number}: quoted ${{...}}"


# ---------------------------------------------------------------------------------------------- Kubernetes


def test_k8s_manifests_name_every_service(k8s_docs):
    deployments = {doc["metadata"]["name"] for _, doc in k8s_docs if doc["kind"] == "Deployment"}
    assert deployments == set(SERVICES) | {"feed-grpc"}
    services = {doc["metadata"]["name"] for _, doc in k8s_docs if doc["kind"] == "Service"}
    assert "gateway" in services
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    on_disk = {p.name for p in K8S.glob("*.yaml")} - {"kustomization.yaml"}
    assert listed == on_disk, "kustomization.yaml and the manifests on disk disagree"


@pytest.mark.parametrize("name", SERVICES)
def test_k8s_environment_is_what_the_config_reads(k8s_docs, name):
    configmaps = {doc["metadata"]["name"]: doc.get("data") or {} for _, doc in k8s_docs if doc["kind"] == "ConfigMap"}
    deployment = next(doc for _, doc in k8s_docs if doc["kind"] == "Deployment" and doc["metadata"]["name"] == name)
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    keys = {item["name"] for item in container.get("env", [])}
    for source in container.get("envFrom", []):
        keys |= set(configmaps[source["configMapRef"]["name"]])
    reads = config_env_keys(name)
    assert keys == reads, f"{name}: extra {sorted(keys - reads)}, missing {sorted(reads - keys)}"
    assert container["image"].startswith(f"itpm/{name}:")


def test_the_gateway_image_carries_the_built_portal():
    text = (REPO / "gateway" / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM node:\S+ AS portal$", text, re.M), "the portal is built in its own stage"
    assert "npm ci" in text and "package-lock.json" in text, "from the locked npm packages"
    assert "COPY --from=portal /portal/dist /app/portal/dist" in text
    ignored = (REPO / ".dockerignore").read_text(encoding="utf-8").split()
    assert "**/node_modules" in ignored and "gateway/portal/dist" in ignored, "host builds stay out of the context"


def test_k8s_feed_grpc_reads_what_the_server_reads_with_tls_on(k8s_docs):
    from gateway.feed.grpc_config import ENVIRONMENT

    deployment = next(doc for _, doc in k8s_docs if doc["kind"] == "Deployment"
                      and doc["metadata"]["name"] == "feed-grpc")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    env = {item["name"]: item.get("value") for item in container["env"]}
    assert set(env) == set(ENVIRONMENT)
    assert env["FEED_GRPC_ALLOW_PLAINTEXT"] == "off" and env["FEED_GRPC_TLS_CERT_FILE"]
    assert container["command"] == ["python", "-m", "gateway.feed.grpc_server"]
    assert container["image"].startswith("itpm/gateway:")
