#!/usr/bin/env bash
# Runs the whole suite on this machine: six services, the gateway and the feed's gRPC server under supervisord.
#
#   ./scripts/run.sh            set everything up, start, print the URL and demo logins; Ctrl-C stops it all
#   ./scripts/run.sh --detach   the same, but return once the gateway's /health answers (suite keeps running)
#   ./scripts/run.sh status     what supervisord reports for each process
#   ./scripts/run.sh stop       stop everything started by --detach
#
# Environment: ITPM_DATA_DIR (default ./data), ITPM_GATEWAY_PORT (8080), ITPM_GATEWAY_HOST (127.0.0.1),
# ITPM_FEED_GRPC_PORT (50051, the external feed over gRPC),
# AMQP_URI (amqp://guest:guest@localhost:5672/), ITPM_SEED_DEMO (1: create demo projects on first start),
# ITPM_START_TIMEOUT (90 s for --detach), ITPM_DATABASE_URL_TEMPLATE (see deploy/localrun.py).
# Use the same ITPM_DATA_DIR for stop/status as for the start: each data folder is its own instance.
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# A relative ITPM_DATA_DIR is taken from where the command was typed; every later step sees it absolute.
ITPM_DATA_DIR="${ITPM_DATA_DIR:-$ITPM_ROOT/data}"
[[ "$ITPM_DATA_DIR" = /* ]] || ITPM_DATA_DIR="$PWD/$ITPM_DATA_DIR"
export ITPM_DATA_DIR
cd "$ITPM_ROOT"
export ITPM_GATEWAY_PORT="${ITPM_GATEWAY_PORT:-8080}"
export ITPM_GATEWAY_HOST="${ITPM_GATEWAY_HOST:-127.0.0.1}"
export AMQP_URI="${AMQP_URI:-amqp://guest:guest@localhost:5672/}"
ITPM_SEED_DEMO="${ITPM_SEED_DEMO:-1}"
# eventlet and pkg_resources announce their deprecations on every import; they are not ours to fix.
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"
ITPM_START_TIMEOUT="${ITPM_START_TIMEOUT:-90}"

CONF="$ITPM_DATA_DIR/supervisord.conf"
PIDFILE="$ITPM_DATA_DIR/supervisord.pid"
LOGS="$ITPM_DATA_DIR/logs"
PY="$ITPM_VENV/bin/python"
# The portal is reached on loopback when the gateway listens on all interfaces.
case "$ITPM_GATEWAY_HOST" in 0.0.0.0|::) URL_HOST=127.0.0.1 ;; *) URL_HOST=$ITPM_GATEWAY_HOST ;; esac
BASE_URL="http://$URL_HOST:$ITPM_GATEWAY_PORT"
PROGRAMS=(planning review approval funds acceptance security gateway feed-grpc)

supervisord_pid() {
    local pid
    [ -f "$PIDFILE" ] || return 1
    pid="$(cat "$PIDFILE" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

ctl() { "$ITPM_VENV/bin/supervisorctl" -c "$CONF" "$@"; }

gateway_healthy() {
    "$PY" - "$BASE_URL/health" <<'PY' 2>/dev/null
import sys, urllib.request
try:
    with urllib.request.urlopen(sys.argv[1], timeout=3) as r:
        sys.exit(0 if r.status == 200 else 1)
except Exception:
    sys.exit(1)
PY
}

print_logs() {
    local name
    for name in "${PROGRAMS[@]}" supervisord; do
        [ -f "$LOGS/$name.log" ] || continue
        printf '\n----- %s (last 40 lines of %s) -----\n' "$name" "$LOGS/$name.log" >&2
        tail -n 40 "$LOGS/$name.log" >&2
    done
}

wait_healthy() {
    local deadline=$((SECONDS + ITPM_START_TIMEOUT)) pid=$1
    log "waiting for $BASE_URL/health (up to ${ITPM_START_TIMEOUT}s)"
    while ((SECONDS < deadline)); do
        gateway_healthy && return 0
        kill -0 "$pid" 2>/dev/null || { warn "supervisord exited"; return 1; }
        sleep 1
    done
    return 1
}

stop_suite() {
    local pid i
    if ! pid="$(supervisord_pid)"; then
        echo "not running (data folder $ITPM_DATA_DIR)"
        return 0
    fi
    log "stopping the suite (supervisord pid $pid)"
    ctl shutdown >/dev/null 2>&1 || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 60; i++)); do
        kill -0 "$pid" 2>/dev/null || { echo "stopped"; return 0; }
        sleep 0.5
    done
    warn "supervisord $pid still running after 30 s; sending SIGKILL to its process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

# The demo users as gateway.seed defines them, so this list cannot drift from what login accepts.
demo_logins() {
    "$PY" - <<'PY' 2>/dev/null || echo "  Demo logins: see README.md (password Demo@2026)"
from gateway.seed import DEMO_PASSWORD, DEMO_USERS
print(f"  Demo logins (password for all: {DEMO_PASSWORD})")
for user in DEMO_USERS:
    print(f"    {user.username:<8} {user.unit_name}  ({user.role}, {user.name})")
print()
PY
}

print_banner() {
    cat <<EOF

  市级信息化项目管理系统 (Lianyungang municipal IT project management system) is running.

    Portal      $BASE_URL/
    Health      $BASE_URL/health
    API docs    $BASE_URL/api/openapi.json
    Data, logs  $ITPM_DATA_DIR  (logs/ holds one file per process)

EOF
    demo_logins
}

# Demo projects go through the gateway's API like any user's, so they need the running suite; they are
# created once per data folder. gateway.demo is optional: without it there are only the demo users.
seed_demo() {
    [ "$ITPM_SEED_DEMO" = 1 ] || return 0
    [ -f "$ITPM_DATA_DIR/.demo-seeded" ] && return 0
    "$PY" -c 'import importlib.util, sys; sys.exit(0 if importlib.util.find_spec("gateway.demo") else 1)' \
        2>/dev/null || return 0
    log "creating demo projects (python -m gateway.demo)"
    if "$PY" -m gateway.demo --base-url "$BASE_URL"; then
        touch "$ITPM_DATA_DIR/.demo-seeded"
    else
        warn "demo projects could not be created; the suite runs without them"
    fi
}

prepare() {
    local missing=() name
    for name in services/planning services/review services/approval services/funds services/acceptance \
        services/security gateway; do
        [ -f "$name/config.yaml" ] || missing+=("$name")
    done
    [ ${#missing[@]} -eq 0 ] || die "missing from this checkout: ${missing[*]}"

    if pid="$(supervisord_pid)"; then
        die "already running from $ITPM_DATA_DIR (supervisord pid $pid): $BASE_URL/
       stop it first with: ITPM_DATA_DIR=$ITPM_DATA_DIR ./scripts/run.sh stop"
    fi
    if port_open "$URL_HOST" "$ITPM_GATEWAY_PORT"; then
        die "port $ITPM_GATEWAY_PORT is taken by another program; choose another: ITPM_GATEWAY_PORT=8081 $0 $*"
    fi

    ensure_venv
    ensure_portal
    ensure_rabbitmq
    mkdir -p "$LOGS" "$ITPM_DATA_DIR/documents"

    log "identity keys ($ITPM_DATA_DIR/keys)"
    "$PY" deploy/localrun.py keys
    log "declaring the broker topology before any service publishes"
    "$PY" deploy/declare_topology.py >"$LOGS/topology.log" 2>&1 || { cat "$LOGS/topology.log" >&2; exit 1; }
    log "migrating the databases"
    "$PY" deploy/localrun.py migrate >"$LOGS/migrate.log" 2>&1 || { cat "$LOGS/migrate.log" >&2; exit 1; }
    log "seeding the demo users"
    "$PY" deploy/localrun.py seed >"$LOGS/seed.log" 2>&1 || { cat "$LOGS/seed.log" >&2; exit 1; }
    "$PY" deploy/localrun.py render >/dev/null
}

start_detached() {
    prepare
    log "starting supervisord ($CONF)"
    "$ITPM_VENV/bin/supervisord" -c "$CONF"
    local pid
    for _ in $(seq 50); do pid="$(supervisord_pid)" && break; sleep 0.1; done
    [ -n "${pid:-}" ] || { print_logs; die "supervisord did not start"; }
    if ! wait_healthy "$pid"; then
        ctl status >&2 || true
        print_logs
        stop_suite >&2
        die "the gateway did not answer $BASE_URL/health within ${ITPM_START_TIMEOUT}s (logs above and in $LOGS)"
    fi
    seed_demo
    print_banner
    echo "  Stop with:  ITPM_DATA_DIR=$ITPM_DATA_DIR ./scripts/run.sh stop"
}

start_foreground() {
    prepare
    log "starting supervisord in the foreground ($CONF); Ctrl-C stops everything"
    "$ITPM_VENV/bin/supervisord" -n -c "$CONF" &
    local pid=$!
    # supervisord stops its programs on TERM/INT; pass ours on, then wait for it to finish.
    trap 'kill -TERM "$pid" 2>/dev/null || true' INT TERM
    if wait_healthy "$pid"; then
        seed_demo
        print_banner
        echo "  Logs:  tail -f $LOGS/*.log"
    else
        ctl status >&2 || true
        print_logs
        warn "the gateway does not answer yet; supervisord keeps trying (logs in $LOGS)"
    fi
    local rc=0
    while kill -0 "$pid" 2>/dev/null; do
        wait "$pid" || rc=$?
    done
    return "$rc"
}

case "${1:-}" in
    "") start_foreground ;;
    --detach|-d) start_detached ;;
    stop) stop_suite ;;
    status)
        if supervisord_pid >/dev/null; then ctl status; else echo "not running (data folder $ITPM_DATA_DIR)"; exit 3; fi ;;
    -h|--help|help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown argument '$1' (try --help)" ;;
esac
