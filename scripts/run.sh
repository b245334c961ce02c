#!/usr/bin/env bash
# Vigil's main job on one machine: installs what is missing (Debian packages), starts NATS
# (JetStream), Redis and PostgreSQL 15 on loopback under .vigil/, builds Vigil, applies the
# migrations, starts `vigil run`, publishes sample decisions with `vigil demo` and shows what came
# back, then follows the log until Ctrl-C, which stops Vigil and the servers.
#
#   scripts/run.sh            run until Ctrl-C
#   scripts/run.sh --once     stop after the demo (for scripts and CI)
#   VIGIL_BUILD=release scripts/run.sh   use an optimized build
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"
once=false
[ "${1:-}" = "--once" ] && once=true

need_swift
scripts/stack.sh up
set -a; . .vigil/env; set +a

config=${VIGIL_BUILD:-debug}
echo "[run] building vigil ($config; the first build compiles the dependencies and takes a few minutes)"
swift build -c "$config" --product vigil --quiet
bin=$(swift build -c "$config" --show-bin-path)/vigil
[ -x "$bin" ] || { echo "[run] error: build failed" >&2; exit 1; }

"$bin" migrate
log=.vigil/logs/vigil.log
"$bin" run >>"$log" 2>&1 &
echo $! > .vigil/vigil.pid
stop() {
    trap - INT TERM EXIT
    echo; echo "[run] stopping"
    scripts/stack.sh down
}
trap stop INT TERM EXIT

if ! wait_http "http://$VIGIL_HTTP_ADDR/readyz" 30; then
    echo "[run] error: vigil did not become ready; last log lines:" >&2; tail -20 "$log" >&2; exit 1
fi
echo "[run] vigil is ready: http://$VIGIL_HTTP_ADDR/readyz, /metrics; log in $log"
"$bin" demo --count 6
echo
curl -s "http://$VIGIL_HTTP_ADDR/metrics" | grep -E '^vigil_(inputs|outputs|errors|violations)_total' || true
$once && exit 0
echo "[run] following $log (Ctrl-C stops vigil and the servers)"
tail -n 0 -f "$log" &
wait $!
