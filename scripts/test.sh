#!/usr/bin/env bash
# Runs the test suite: unit, integration (real RabbitMQ + PostgreSQL), end-to-end and the repository checks.
#
#   ./scripts/test.sh                      everything
#   ./scripts/test.sh tests/test_compose.py -k env     only these paths / options (passed on to pytest)
#
# An argument that names an existing path (or a test id, path::name) replaces the default selection; give
# options that take a path in their --option=value form (--ignore=tests/e2e) so they stay options.
#
# Environment: AMQP_URI (default amqp://guest:guest@localhost:5672/), ITPM_RABBIT_CTL_URI (default
# http://guest:guest@localhost:15672), ITPM_TEST_PG_URL (default postgresql://postgres@127.0.0.1:5432/postgres).
set -euo pipefail

source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ITPM_ROOT"

ensure_venv
ensure_portal strict
ensure_browser_tools
ensure_rabbitmq
ensure_management_plugin
ensure_postgres

export AMQP_URI ITPM_TEST_PG_URL
export ITPM_RABBIT_CTL_URI="${ITPM_RABBIT_CTL_URI:-http://guest:guest@localhost:15672}"
export PYTHONWARNINGS="${PYTHONWARNINGS:-ignore}"

# Arguments that name a path (or a test id) replace the default selection; other arguments are options.
selection=()
for arg in "$@"; do
    case "$arg" in
        -*) ;;
        *) if [ -e "${arg%%::*}" ]; then selection+=("$arg"); fi ;;
    esac
done
if [ ${#selection[@]} -eq 0 ]; then
    # A service without a tests/ folder is not skipped silently: tests/test_architecture.py requires one.
    shopt -s nullglob
    selection=(libs/common/tests services/*/tests)
    [ -d gateway/tests ] && selection+=(gateway/tests)
    selection+=(tests)
    shopt -u nullglob
    set -- "${selection[@]}" "$@"
fi

log "pytest $*"
exec "$ITPM_VENV/bin/pytest" -q -p no:cacheprovider \
    --amqp-uri "$AMQP_URI" --rabbit-ctl-uri "$ITPM_RABBIT_CTL_URI" "$@"
