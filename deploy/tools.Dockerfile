# Deploy-time tools for docker-compose's one-shot services: `keys` (generates the identity key pair) and
# `topology` (declares every queue before any service publishes). It holds every service package because
# deploy/declare_topology.py reads each one's topology module (the event types it consumes).
# Build from the repository root:  docker build -f deploy/tools.Dockerfile -t itpm/tools .
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PYTHONWARNINGS=ignore \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

COPY requirements.lock /app/requirements.lock
COPY libs/common/pyproject.toml /src/libs/common/pyproject.toml
COPY libs/common/itpm_common /src/libs/common/itpm_common
COPY services/planning/pyproject.toml /src/services/planning/pyproject.toml
COPY services/planning/planning /src/services/planning/planning
COPY services/review/pyproject.toml /src/services/review/pyproject.toml
COPY services/review/review /src/services/review/review
COPY services/approval/pyproject.toml /src/services/approval/pyproject.toml
COPY services/approval/approval /src/services/approval/approval
COPY services/funds/pyproject.toml /src/services/funds/pyproject.toml
COPY services/funds/funds /src/services/funds/funds
COPY services/acceptance/pyproject.toml /src/services/acceptance/pyproject.toml
COPY services/acceptance/acceptance /src/services/acceptance/acceptance
COPY services/security/pyproject.toml /src/services/security/pyproject.toml
COPY services/security/security /src/services/security/security
COPY gateway/pyproject.toml /src/gateway/pyproject.toml
COPY gateway/gateway /src/gateway/gateway
RUN pip install -c /app/requirements.lock setuptools /src/libs/common /src/services/planning \
        /src/services/review /src/services/approval /src/services/funds /src/services/acceptance \
        /src/services/security /src/gateway \
    && rm -rf /src

COPY deploy/declare_topology.py deploy/generate_keys.py /app/deploy/

# The key folders are volumes; created here so that new volumes take the non-root owner (the same uid
# as the services and the gateway, which read them).
RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin itpm \
    && mkdir -p /var/lib/itpm/keys/private /var/lib/itpm/keys/public \
    && chown -R 10001 /var/lib/itpm
USER 10001

CMD ["python", "/app/deploy/declare_topology.py"]
