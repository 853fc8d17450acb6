# shellcheck shell=bash
# Shared helpers for scripts/run.sh, scripts/test.sh and .ci/run. Source it; it defines functions only
# (plus a few read-only variables) and changes no shell options of the caller.
#
# The one server the suite needs is RabbitMQ; the tests also need PostgreSQL. Each ensure_* helper first
# looks at what already answers, then starts the machine's own server, then (as root, on Debian/Ubuntu)
# installs the Debian package, and only when none of that is possible stops with a plain instruction.

ITPM_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ITPM_VENV="${ITPM_VENV:-$ITPM_ROOT/.venv}"
ITPM_PYTHON="${ITPM_PYTHON:-python3.11}"

# The suite's own packages, in install order (libs/common first: the others depend on it).
ITPM_PACKAGES=(libs/common services/planning services/review services/approval services/funds
               services/acceptance services/security gateway)

log()  { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
warn() { printf '\033[1;33mwarning:\033[0m %s\n' "$*" >&2; }
die()  { printf '\033[1;31merror:\033[0m %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

# apt_install PKG...: install Debian packages when we may (root + apt-get), else return 1.
_APT_UPDATED=
apt_install() {
    is_root && command -v apt-get >/dev/null 2>&1 || return 1
    if [ -z "$_APT_UPDATED" ]; then
        log "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq || return 1
        _APT_UPDATED=1
    fi
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@"
}

# port_open HOST PORT: true when something accepts a TCP connection there within 2 s.
port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# wait_for_port HOST PORT SECONDS [WHAT]
wait_for_port() {
    local host=$1 port=$2 seconds=${3:-60} what=${4:-"$1:$2"} i
    for ((i = 0; i < seconds; i++)); do
        port_open "$host" "$port" && return 0
        sleep 1
    done
    warn "$what did not answer on $host:$port within ${seconds}s"
    return 1
}

# url_host_port URL DEFAULT_PORT: prints "host port" of a URL (amqp://, postgresql://, http://).
url_host_port() {
    "$ITPM_PYTHON" - "$1" "$2" <<'PY'
import sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1])
print(u.hostname or "localhost", u.port or int(sys.argv[2]))
PY
}

is_local_host() {
    case "$1" in localhost|127.*|::1|0.0.0.0|"$(hostname 2>/dev/null)") return 0 ;; *) return 1 ;; esac
}

# --------------------------------------------------------------------------------------------------
# Python and the virtual environment
# --------------------------------------------------------------------------------------------------

ensure_python() {
    if ! command -v "$ITPM_PYTHON" >/dev/null 2>&1; then
        apt_install python3.11 python3.11-venv ||
            die "Python 3.11 is needed and '$ITPM_PYTHON' is not on PATH.
       On Debian 12 / Ubuntu 23.04+: sudo apt-get install python3.11 python3.11-venv
       (or point ITPM_PYTHON at a python3.11 executable)."
    fi
    local version
    version="$("$ITPM_PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
    [ "$version" = "3.11" ] || die "$ITPM_PYTHON is Python $version; the suite is pinned to Python 3.11."
    # Debian splits ensurepip out of the interpreter package; venv creation fails without it.
    if ! "$ITPM_PYTHON" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        apt_install python3.11-venv ||
            die "Python's venv module is missing: sudo apt-get install python3.11-venv"
    fi
}

# The stamp records what the venv was built from; an unchanged lock and unchanged pyproject files
# mean nothing to reinstall, which keeps repeated runs of run.sh / test.sh quick.
_venv_fingerprint() {
    local pkg
    {
        "$ITPM_VENV/bin/python" -V 2>&1
        cat "$ITPM_ROOT/requirements.lock"
        for pkg in "${ITPM_PACKAGES[@]}"; do
            if [ -f "$ITPM_ROOT/$pkg/pyproject.toml" ]; then
                echo "== $pkg"
                cat "$ITPM_ROOT/$pkg/pyproject.toml"
            fi
        done
    } | sha256sum | cut -d' ' -f1
}

ensure_venv() {
    ensure_python
    if [ ! -x "$ITPM_VENV/bin/python" ]; then
        log "creating virtual environment $ITPM_VENV"
        "$ITPM_PYTHON" -m venv "$ITPM_VENV" || die "could not create $ITPM_VENV"
    fi
    local stamp="$ITPM_VENV/.itpm-installed" want
    want="$(_venv_fingerprint)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        return 0
    fi
    log "installing pinned dependencies (requirements.lock)"
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$ITPM_VENV/bin/pip" install -q -r "$ITPM_ROOT/requirements.lock" ||
        die "pip could not install requirements.lock"
    local pkg editable=()
    for pkg in "${ITPM_PACKAGES[@]}"; do
        if [ -f "$ITPM_ROOT/$pkg/pyproject.toml" ]; then
            editable+=(-e "$ITPM_ROOT/$pkg")
        else
            warn "$pkg/pyproject.toml is missing: that package is not installed"
        fi
    done
    log "installing the suite's packages (editable)"
    # --no-deps: every third-party dependency comes from the lock above, never from a package's ranges.
    # --no-build-isolation: build with the pinned setuptools already in the venv, no extra download.
    PIP_DISABLE_PIP_VERSION_CHECK=1 "$ITPM_VENV/bin/pip" install -q --no-deps --no-build-isolation \
        "${editable[@]}" || die "pip could not install the suite's packages"
    echo "$want" >"$stamp"
}

# --------------------------------------------------------------------------------------------------
# RabbitMQ
# --------------------------------------------------------------------------------------------------

# A node of our own, for a user who is not root: the Debian wrapper /usr/sbin/rabbitmq-server only
# runs as root or as the rabbitmq user, so we call the real scripts with every path in our data folder.
ITPM_RABBITMQ_HOME="${ITPM_RABBITMQ_HOME:-$ITPM_ROOT/data/rabbitmq}"
_RABBIT_PRIVATE=

_rabbit_private_env() {
    export RABBITMQ_NODENAME="${RABBITMQ_NODENAME:-itpm@localhost}"
    export RABBITMQ_MNESIA_BASE="$ITPM_RABBITMQ_HOME/mnesia"
    export RABBITMQ_LOG_BASE="$ITPM_RABBITMQ_HOME/log"
    export RABBITMQ_ENABLED_PLUGINS_FILE="$ITPM_RABBITMQ_HOME/enabled_plugins"
    export RABBITMQ_CONFIG_FILE="$ITPM_RABBITMQ_HOME/rabbitmq"
    export RABBITMQ_PID_FILE="$ITPM_RABBITMQ_HOME/rabbitmq.pid"
    # Our own env file: the system's /etc/rabbitmq/rabbitmq-env.conf would rename the node back to the
    # system node's name. The distribution port follows the AMQP port, as RabbitMQ's default does.
    export RABBITMQ_CONF_ENV_FILE="$ITPM_RABBITMQ_HOME/rabbitmq-env.conf"
    export RABBITMQ_DIST_PORT=$((${_RABBIT_PORT:-5672} + 20000))
    export ERL_EPMD_ADDRESS=127.0.0.1
    export ERL_CRASH_DUMP="$ITPM_RABBITMQ_HOME/log/erl_crash.dump"
    mkdir -p "$RABBITMQ_MNESIA_BASE" "$RABBITMQ_LOG_BASE"
    : >>"$RABBITMQ_CONF_ENV_FILE"
    [ -f "$RABBITMQ_ENABLED_PLUGINS_FILE" ] || echo '[rabbitmq_management].' >"$RABBITMQ_ENABLED_PLUGINS_FILE"
    local mgmt_port
    read -r _ mgmt_port <<<"$(url_host_port "${ITPM_RABBIT_CTL_URI:-http://localhost:15672}" 15672)"
    printf '%s\n' "listeners.tcp.default = 127.0.0.1:${_RABBIT_PORT:-5672}" \
        "management.tcp.ip = 127.0.0.1" "management.tcp.port = $mgmt_port" >"$RABBITMQ_CONFIG_FILE.conf"
}

# rabbit_cmd rabbitmqctl|rabbitmq-plugins ARGS...: the right CLI for the node we use.
rabbit_cmd() {
    local tool=$1
    shift
    if [ -n "$_RABBIT_PRIVATE" ]; then
        _rabbit_private_env
        "/usr/lib/rabbitmq/bin/$tool" -n "$RABBITMQ_NODENAME" "$@"
    else
        "$tool" "$@"
    fi
}

_rabbit_await_startup() {
    local i
    # Right after -detached the node may not have registered with epmd yet: rabbitmqctl then exits 69.
    for ((i = 0; i < 60; i++)); do
        rabbit_cmd rabbitmqctl await_startup --timeout 10 >/dev/null 2>&1 && return 0
        sleep 2
    done
    return 1
}

_rabbit_instructions() {
    cat >&2 <<EOF

RabbitMQ is the one server this suite needs, and nothing answers at $1:$2.
Do one of these, then run the command again:
  - install and start it:   sudo apt-get install -y rabbitmq-server && sudo service rabbitmq-server start
  - or run it in Docker:    docker run -d --name itpm-rabbitmq -p 5672:5672 -p 15672:15672 rabbitmq:3.13-management
  - or use another broker:  export AMQP_URI=amqp://user:password@host:5672/
EOF
}

# ensure_rabbitmq: make sure a broker answers at AMQP_URI (default amqp://guest:guest@localhost:5672/).
ensure_rabbitmq() {
    export AMQP_URI="${AMQP_URI:-amqp://guest:guest@localhost:5672/}"
    local host port
    read -r host port <<<"$(url_host_port "$AMQP_URI" 5672)"
    _RABBIT_PORT=$port
    if port_open "$host" "$port"; then
        # Someone's broker answers. If it is the node we started ourselves, remember so that the
        # management plugin is enabled on the right node.
        [ -f "$ITPM_RABBITMQ_HOME/rabbitmq.pid" ] && ! is_root && _RABBIT_PRIVATE=1
        return 0
    fi
    if ! is_local_host "$host"; then
        _rabbit_instructions "$host" "$port"
        die "no broker at AMQP_URI=$AMQP_URI (not this machine, so it is not started from here)"
    fi
    if ! command -v rabbitmq-server >/dev/null 2>&1 && [ ! -x /usr/sbin/rabbitmq-server ]; then
        if apt_install rabbitmq-server; then
            # The package's post-install may already have started the node (where an init system runs).
            wait_for_port "$host" "$port" 20 RabbitMQ 2>/dev/null && return 0
        else
            _rabbit_instructions "$host" "$port"
            die "rabbitmq-server is not installed, and installing it needs root (apt-get)"
        fi
    fi
    export PATH="$PATH:/usr/sbin:/usr/lib/rabbitmq/bin"
    if is_root; then
        if timeout 30 rabbitmqctl -q status >/dev/null 2>&1; then
            _rabbit_instructions "$host" "$port"
            die "this machine's RabbitMQ node is running but does not listen on port $port;
       set AMQP_URI to the port it listens on (rabbitmqctl status, 'Listeners')"
        fi
        log "starting the machine's RabbitMQ node (rabbitmq-server -detached)"
        rabbitmq-server -detached || warn "rabbitmq-server -detached exited $?"
    else
        _RABBIT_PRIVATE=1
        _rabbit_private_env
        log "starting a RabbitMQ node of our own ($RABBITMQ_NODENAME, data in $ITPM_RABBITMQ_HOME)"
        /usr/lib/rabbitmq/bin/rabbitmq-server -detached || warn "rabbitmq-server -detached exited $?"
    fi
    if ! _rabbit_await_startup || ! wait_for_port "$host" "$port" 60 RabbitMQ; then
        _rabbit_instructions "$host" "$port"
        die "RabbitMQ did not start; its logs are under ${RABBITMQ_LOG_BASE:-/var/log/rabbitmq}"
    fi
    log "RabbitMQ answers on $host:$port"
}

# ensure_management_plugin: nameko's pytest fixtures make a throw-away vhost per test through the
# management API (:15672), so the tests need the plugin; the running suite does not.
ensure_management_plugin() {
    local api="${ITPM_RABBIT_CTL_URI:-http://guest:guest@localhost:15672}" host port
    read -r host port <<<"$(url_host_port "$api" 15672)"
    port_open "$host" "$port" && return 0
    if ! is_local_host "$host"; then
        die "the RabbitMQ management API does not answer at $host:$port.
       Enable it on that broker: rabbitmq-plugins enable rabbitmq_management"
    fi
    export PATH="$PATH:/usr/sbin:/usr/lib/rabbitmq/bin"
    log "enabling rabbitmq_management"
    if ! { is_root || [ -n "$_RABBIT_PRIVATE" ]; } ||
        ! rabbit_cmd rabbitmq-plugins enable rabbitmq_management >/dev/null; then
        die "could not enable RabbitMQ's management plugin. Run as root:
       rabbitmq-plugins enable rabbitmq_management"
    fi
    wait_for_port "$host" "$port" 60 "RabbitMQ management API" ||
        die "the management API did not come up on $host:$port"
}

# --------------------------------------------------------------------------------------------------
# PostgreSQL (tests only; the running suite uses SQLite unless DATABASE_URL says otherwise)
# --------------------------------------------------------------------------------------------------

_pg_instructions() {
    cat >&2 <<EOF

The integration tests need PostgreSQL at ITPM_TEST_PG_URL=$ITPM_TEST_PG_URL.
Do one of these, then run the command again:
  - install and start it:  sudo apt-get install -y postgresql &&
                           sudo pg_ctlcluster --skip-systemctl-redirect \$(ls /etc/postgresql) main start
  - or run it in Docker:   docker run -d --name itpm-pg -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16
  - or use another server: export ITPM_TEST_PG_URL=postgresql://user:password@host:5432/postgres
EOF
}

_pg_start_cluster() {
    local version
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
    [ -n "$version" ] || return 1
    local status
    status="$(pg_lsclusters -h 2>/dev/null | awk -v v="$version" '$1 == v && $2 == "main" {print $3, $4}')"
    if [ "${status#* }" = online ]; then
        _pg_instructions
        die "PostgreSQL $version/main is running on port ${status%% *}, not where ITPM_TEST_PG_URL points"
    fi
    log "starting PostgreSQL $version/main"
    pg_ctlcluster --skip-systemctl-redirect "$version" main start
}

# A fresh Debian cluster asks for a password over TCP; the default test URL has none. Only on a cluster
# this script itself installed do we let the postgres role in from loopback without one.
_pg_trust_loopback() {
    local version hba
    version="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n1)"
    hba="/etc/postgresql/$version/main/pg_hba.conf"
    [ -f "$hba" ] || return 0
    grep -q '# itpm: test access' "$hba" && return 0
    log "allowing the postgres role from loopback without a password (test cluster installed by us)"
    {
        echo '# itpm: test access from scripts/lib.sh (a cluster it installed for the test suite)'
        echo 'host all postgres 127.0.0.1/32 trust'
        echo 'host all postgres ::1/128 trust'
        cat "$hba"
    } >"$hba.itpm" && cat "$hba.itpm" >"$hba" && rm -f "$hba.itpm"
    pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
}

ensure_postgres() {
    export ITPM_TEST_PG_URL="${ITPM_TEST_PG_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
    local host port installed=
    read -r host port <<<"$(url_host_port "$ITPM_TEST_PG_URL" 5432)"
    port_open "$host" "$port" && return 0
    if ! is_local_host "$host"; then
        _pg_instructions
        die "no PostgreSQL at $host:$port (not this machine, so it is not started from here)"
    fi
    if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        if apt_install postgresql; then
            installed=1
        else
            _pg_instructions
            die "PostgreSQL is not installed, and installing it needs root (apt-get)"
        fi
    fi
    port_open "$host" "$port" || _pg_start_cluster || true
    if ! wait_for_port "$host" "$port" 60 PostgreSQL; then
        _pg_instructions
        die "PostgreSQL did not start (as root: pg_ctlcluster --skip-systemctl-redirect <version> main start)"
    fi
    [ -n "$installed" ] && _pg_trust_loopback
    log "PostgreSQL answers on $host:$port"
}

# --------------------------------------------------------------------------------------------------
# The portal (gateway/portal: Vue 3, built by Vite into dist/, served by the gateway) and its browser tests
# --------------------------------------------------------------------------------------------------

ITPM_PORTAL="$ITPM_ROOT/gateway/portal"

# Node.js 20.19 or newer (Vite 7) with npm; installs Debian's packages as root when there is no node at all.
ensure_node() {
    if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
        apt_install nodejs npm || return 1
    fi
    node -e 'const [a, b] = process.versions.node.split(".").map(Number);
             process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null || {
        warn "Node.js $(node --version 2>/dev/null) is too old to build the portal (20.19 or newer is needed)"
        return 1
    }
}

# npm ci from the committed package-lock.json when node_modules is missing or older than the lock.
ensure_portal_packages() {
    local stamp="$ITPM_PORTAL/node_modules/.package-lock.json"
    if [ -f "$stamp" ] && [ ! "$ITPM_PORTAL/package-lock.json" -nt "$stamp" ]; then
        return 0
    fi
    log "installing the portal's npm packages (npm ci)"
    (cd "$ITPM_PORTAL" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
}

# True when dist/ is missing or older than any of its sources.
portal_stale() {
    local index="$ITPM_PORTAL/dist/index.html"
    [ -f "$index" ] || return 0
    [ -n "$(find "$ITPM_PORTAL/src" "$ITPM_PORTAL/index.html" "$ITPM_PORTAL/vite.config.js" \
        "$ITPM_PORTAL/package.json" "$ITPM_PORTAL/package-lock.json" -newer "$index" -print -quit)" ]
}

# ensure_portal [strict]: build the portal when needed. Without strict, a machine that cannot build it
# (no Node.js, no npm registry) still runs the suite: the gateway then serves the built files it has, or a
# plain landing page.
ensure_portal() {
    local strict=${1:-}
    portal_stale || return 0
    if ! ensure_node || ! ensure_portal_packages; then
        [ -n "$strict" ] && die "the portal cannot be built: Node.js 20.19+ and npm (with the npm registry) are needed"
        warn "the portal could not be built; the gateway serves $( [ -f "$ITPM_PORTAL/dist/index.html" ] &&
            echo 'the previous build' || echo 'a plain landing page')"
        return 0
    fi
    log "building the portal (vite build → gateway/portal/dist)"
    if ! (cd "$ITPM_PORTAL" && npx --no-install vite build --logLevel warn); then
        [ -n "$strict" ] && die "vite build failed"
        warn "vite build failed; the gateway serves the previous build or a plain landing page"
    fi
}

# The browser tests drive Debian's Chromium (test tools cannot download browsers here); CJK fonts make the
# screenshots readable.
ensure_browser_tools() {
    ensure_node || die "the browser tests need Node.js 20.19+ and npm"
    ensure_portal_packages || die "npm ci failed in gateway/portal"
    if [ ! -x /usr/bin/chromium ]; then
        apt_install chromium fonts-wqy-microhei ||
            die "the browser tests need Debian's Chromium: sudo apt-get install chromium fonts-wqy-microhei"
    fi
}
