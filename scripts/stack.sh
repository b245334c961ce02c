#!/usr/bin/env bash
# Starts and stops a local Vigil stack — nats-server (JetStream), redis-server and PostgreSQL 15 —
# natively on loopback, all state under one folder (default .vigil/ in the repo).
#
#   scripts/stack.sh up      install what is missing, pick free ports, start, write .vigil/env
#   scripts/stack.sh down    stop what `up` started
#   scripts/stack.sh status  show what runs and where
#   scripts/stack.sh env     print the connection settings (KEY=value)
#   scripts/stack.sh stop nats|redis|postgres [--kill]   stop one server (outage tests)
#   scripts/stack.sh start nats|redis|postgres           start it again on its ports
#
# VIGIL_STACK_DIR overrides the folder, so two stacks can run side by side.
# VIGIL_NATS_SERVER runs another nats-server binary than Debian's (2.9.10), e.g. a newer release
# to compare with (docs/performance.md); the Debian package is still installed for the C client.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
dir=${VIGIL_STACK_DIR:-$repo/.vigil}
pg_bin=/usr/lib/postgresql/15/bin
nats_server=${VIGIL_NATS_SERVER:-nats-server}

log() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

install_missing() {
    local need=()
    command -v nats-server >/dev/null || need+=(nats-server)
    command -v redis-server >/dev/null || need+=(redis-server)
    [ -x "$pg_bin/postgres" ] || need+=(postgresql)
    [ -f /usr/include/nats/nats.h ] || need+=(libnats-dev)
    [ -f /usr/include/hiredis/hiredis.h ] || need+=(libhiredis-dev)
    [ -f /usr/include/postgresql/libpq-fe.h ] || need+=(libpq-dev)
    command -v pg_isready >/dev/null || need+=(postgresql-client)
    command -v setpriv >/dev/null || need+=(util-linux)
    command -v curl >/dev/null || need+=(curl)
    [ ${#need[@]} -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing packages: ${need[*]} (run as root or: sudo apt-get install ${need[*]})"
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq "${need[@]}" >/dev/null
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Picks a free loopback port at random in 20000-59999 that is not in the list given.
free_port() {
    local p taken=" $* "
    for _ in $(seq 200); do
        p=$((20000 + RANDOM % 40000))
        [[ $taken == *" $p "* ]] && continue
        port_free "$p" && { echo "$p"; return 0; }
    done
    die "no free loopback port found"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # what, command...
    local what=$1; shift
    for _ in $(seq 100); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    die "$what did not become ready (see $dir/logs)"
}

# PostgreSQL refuses to run as root and its user must reach the data folder; when the repo lives
# somewhere the postgres user cannot traverse (e.g. /root), the data goes to a folder it can.
pg_data_dir() {
    if [ "$(id -u)" -ne 0 ]; then echo "$dir/pg"; return; fi
    if runuser -u postgres -- test -x "$dir" 2>/dev/null; then echo "$dir/pg"; return; fi
    local alt=/var/tmp/vigil-pg-$(echo -n "$dir" | md5sum | cut -c1-12)
    echo "$alt"
}

as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

start_nats() { # port monitor-port
    command -v "$nats_server" >/dev/null || die "VIGIL_NATS_SERVER=$nats_server is not an executable"
    "$nats_server" -js -sd "$dir/nats" -a 127.0.0.1 -p "$1" -m "$2" >>"$dir/logs/nats.log" 2>&1 &
    echo $! >"$dir/nats.pid"
}

start_redis() { # port
    redis-server --port "$1" --bind 127.0.0.1 --save '' --appendonly yes --dir "$dir/redis" \
        --daemonize no >>"$dir/logs/redis.log" 2>&1 &
    echo $! >"$dir/redis.pid"
}

start_pg() {
    local port=$1 data; data=$(pg_data_dir)
    mkdir -p "$data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data" && chmod 700 "$data"
    if [ ! -f "$data/data/PG_VERSION" ]; then
        as_pg "$pg_bin/initdb" -D "$data/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/logs/initdb.log" 2>&1 \
            || die "initdb failed (see $dir/logs/initdb.log)"
    fi
    local cmd=("$pg_bin/postgres" -D "$data/data" -k "$data" -c listen_addresses=127.0.0.1 -p "$port"
        -c fsync=on -c max_connections=200 -c shared_buffers=256MB)
    if [ "$(id -u)" -eq 0 ]; then
        touch "$dir/logs/postgres.log"; chown postgres "$dir/logs/postgres.log"
        setpriv --reuid=postgres --regid=postgres --init-groups -- "${cmd[@]}" >>"$dir/logs/postgres.log" 2>&1 &
    else
        "${cmd[@]}" >>"$dir/logs/postgres.log" 2>&1 &
    fi
    echo $! >"$dir/postgres.pid"
    wait_for PostgreSQL "$pg_bin/pg_isready" -q -h 127.0.0.1 -p "$port"
    as_pg "$pg_bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -tc "SELECT 1 FROM pg_database WHERE datname='vigil'" | grep -q 1 \
        || as_pg "$pg_bin/createdb" -h 127.0.0.1 -p "$port" -U postgres vigil
}

up() {
    install_missing
    mkdir -p "$dir/logs" "$dir/nats" "$dir/redis"
    if alive "$dir/nats.pid" && alive "$dir/redis.pid" && alive "$dir/postgres.pid" && [ -f "$dir/env" ]; then
        log "already running ($dir/env)"; return 0
    fi
    down quiet
    local np nm rp pp hp
    np=$(free_port); nm=$(free_port "$np"); rp=$(free_port "$np" "$nm")
    pp=$(free_port "$np" "$nm" "$rp"); hp=$(free_port "$np" "$nm" "$rp" "$pp")

    start_nats "$np" "$nm"
    start_redis "$rp"
    start_pg "$pp"
    wait_for NATS curl -sf "http://127.0.0.1:$nm/healthz?js-enabled-only=true"
    wait_for Redis redis-cli -h 127.0.0.1 -p "$rp" ping

    cat >"$dir/env" <<EOF
VIGIL_NATS_URL=nats://127.0.0.1:$np
VIGIL_NATS_MONITOR_URL=http://127.0.0.1:$nm
VIGIL_REDIS_URL=redis://127.0.0.1:$rp/0
VIGIL_DATABASE_URL=postgresql://postgres@127.0.0.1:$pp/vigil
VIGIL_HTTP_ADDR=127.0.0.1:$hp
EOF
    log "up: NATS :$np, Redis :$rp, PostgreSQL :$pp, HTTP will be :$hp (settings in $dir/env)"
}

stop_pid() { # name pidfile signal
    local f=$2
    alive "$f" || { rm -f "$f"; return 0; }
    local pid; pid=$(cat "$f")
    kill "-$3" "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && { log "$1 did not stop; killing"; kill -KILL "$pid" 2>/dev/null || true; }
    rm -f "$f"
}

down() {
    stop_pid vigil "$dir/vigil.pid" TERM
    stop_pid nats "$dir/nats.pid" TERM
    stop_pid redis "$dir/redis.pid" TERM
    stop_pid postgres "$dir/postgres.pid" INT
    [ "${1:-}" = quiet ] || log "down"
}

# One server of a running stack, on the ports in its env file: for outage tests.
port_of() { # VARIABLE
    local line; line=$(grep "^$1=" "$dir/env") || die "no stack in $dir: run scripts/stack.sh up"
    line=${line##*:}; echo "${line%%/*}"
}

stop_server() { # nats|redis|postgres [--kill]
    local signal=TERM
    [ "$1" = postgres ] && signal=INT
    [ "${2:-}" = --kill ] && signal=KILL
    case "$1" in nats|redis|postgres) ;; *) die "unknown server '$1' (nats, redis or postgres)" ;; esac
    stop_pid "$1" "$dir/$1.pid" "$signal"
    log "$1 stopped ($signal)"
}

start_server() { # nats|redis|postgres
    case "$1" in
        nats) alive "$dir/nats.pid" || start_nats "$(port_of VIGIL_NATS_URL)" "$(port_of VIGIL_NATS_MONITOR_URL)"
              wait_for NATS curl -sf "http://127.0.0.1:$(port_of VIGIL_NATS_MONITOR_URL)/healthz?js-enabled-only=true" ;;
        redis) alive "$dir/redis.pid" || start_redis "$(port_of VIGIL_REDIS_URL)"
               wait_for Redis redis-cli -h 127.0.0.1 -p "$(port_of VIGIL_REDIS_URL)" ping ;;
        postgres) alive "$dir/postgres.pid" || start_pg "$(port_of VIGIL_DATABASE_URL)" ;;
        *) die "unknown server '$1' (nats, redis or postgres)" ;;
    esac
    log "$1 started"
}

status() {
    for s in nats redis postgres vigil; do
        if alive "$dir/$s.pid"; then echo "$s: running (pid $(cat "$dir/$s.pid"))"; else echo "$s: stopped"; fi
    done
    [ -f "$dir/env" ] && cat "$dir/env"
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    env) [ -f "$dir/env" ] && cat "$dir/env" || die "no stack in $dir: run scripts/stack.sh up" ;;
    stop) [ -n "${2:-}" ] || die "usage: $0 stop nats|redis|postgres [--kill]"; stop_server "$2" "${3:-}" ;;
    start) [ -n "${2:-}" ] || die "usage: $0 start nats|redis|postgres"; start_server "$2" ;;
    *) echo "usage: $0 up|down|status|env|stop SERVER [--kill]|start SERVER" >&2; exit 2 ;;
esac
