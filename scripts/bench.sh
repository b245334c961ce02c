#!/usr/bin/env bash
# Runs Vigil's benchmarks on this machine: starts the local stack, builds release, installs the
# benchmark policy mix, starts `vigil run` tuned for throughput, then runs
#   1. vigil-bench eval          in-process evaluation, one thread, no servers
#   2. vigil-bench e2e           paced at 5,000/s (latency target) and at max rate (throughput)
#   3. vigil-bench validate-rr   request-reply latency, 1 and 8 requesters
#   4. vigil-bench pit           feature writes paced at 5,000/s and at max rate: write → violation
#                                event and write → breaker-trip latency (it resets what it trips)
#   5. vigil-bench echo + e2e    the same e2e runs with `vigil run` replaced by an echo that only
#                                pulls, publishes a minimal event and acks: the floor this machine's
#                                NATS path sets, whatever Vigil does
# and stops everything it started. Results go to stdout and .vigil/bench/*.txt.
#
#   scripts/bench.sh                  everything with defaults (about 7 minutes after the build)
#   BENCH_DURATION=10s scripts/bench.sh   shorter e2e runs
#   BENCH_ONLY=eval scripts/bench.sh      one benchmark (eval | e2e | rr | pit | floor)
#   VIGIL_BENCH_SET="decisions.workers=2" scripts/bench.sh   extra `vigil run --set` overrides
#     (workers=2 crashed vigil with heap corruption in these runs; see docs/performance.md)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$repo"
need_swift

duration=${BENCH_DURATION:-30s}
only=${BENCH_ONLY:-all}
out=.vigil/bench
want() { [ "$only" = all ] || [ "$only" = "$1" ]; }

echo "[bench] building release (vigil, vigil-bench)"
# One product per call: given several --product flags, SwiftPM builds only the last.
swift build -c release --product vigil-bench --quiet
swift build -c release --product vigil --quiet
bin=$(swift build -c release --show-bin-path)
mkdir -p "$out"

if want eval; then
    echo "[bench] eval"
    "$bin/vigil-bench" eval | tee "$out/eval.txt"
fi
[ "$only" = eval ] && exit 0

# A stack of its own, started empty: a decision backlog left in JetStream by an earlier run would
# be redelivered and counted as latency.
export VIGIL_STACK_DIR=$repo/.vigil/bench-stack
scripts/stack.sh down >/dev/null 2>&1 || true
rm -rf "$VIGIL_STACK_DIR"
scripts/stack.sh up
set -a; . "$VIGIL_STACK_DIR/env"; set +a
stop() {
    trap - INT TERM EXIT
    echo "[bench] stopping vigil and the stack"
    if [ -f "$VIGIL_STACK_DIR/echo.pid" ]; then
        kill "$(cat "$VIGIL_STACK_DIR/echo.pid")" 2>/dev/null || true
        rm -f "$VIGIL_STACK_DIR/echo.pid"
    fi
    scripts/stack.sh down
}
trap stop INT TERM EXIT

"$bin/vigil" migrate
pg_port=${VIGIL_DATABASE_URL##*:}; pg_port=${pg_port%%/*}
"$bin/vigil-bench" policies | psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d vigil >/dev/null

extra=()
for kv in ${VIGIL_BENCH_SET:-}; do extra+=(--set "$kv"); done
log=$VIGIL_STACK_DIR/logs/vigil.log
"$bin/vigil" run --log-level warning --set decisions.batch_size=512 \
    --set decisions.max_ack_pending=50000 --set pit.batch_size=512 --set pit.max_ack_pending=50000 "${extra[@]}" >>"$log" 2>&1 &
echo $! > "$VIGIL_STACK_DIR/vigil.pid"
if ! wait_http "http://$VIGIL_HTTP_ADDR/readyz" 30; then
    echo "[bench] error: vigil did not become ready; last log lines:" >&2; tail -20 "$log" >&2; exit 1
fi

if want e2e; then
    # Two input shapes: the state inline (20 positions in every decision) and from the Redis snapshot.
    for state in inline stored; do
        flag=(); [ "$state" = stored ] && flag=(--stored-state)
        echo "[bench] e2e ($state state) paced at 5,000/s for $duration"
        "$bin/vigil-bench" e2e "${flag[@]}" --rate 5000 --duration "$duration" 2>/dev/null | tee "$out/e2e-5000-$state.txt"
        echo "[bench] e2e ($state state) at max rate for $duration"
        "$bin/vigil-bench" e2e "${flag[@]}" --rate 0 --duration "$duration" 2>/dev/null | tee "$out/e2e-max-$state.txt"
    done
fi
if want rr; then
    echo "[bench] validate-rr"
    "$bin/vigil-bench" validate-rr 2>/dev/null | tee "$out/rr.txt"
fi
if want pit; then
    echo "[bench] pit paced at 5,000/s for $duration"
    "$bin/vigil-bench" pit --rate 5000 --duration "$duration" 2>/dev/null | tee "$out/pit-5000.txt"
    echo "[bench] pit at max rate for $duration"
    "$bin/vigil-bench" pit --rate 0 --duration "$duration" 2>/dev/null | tee "$out/pit-max.txt"
fi
echo "[bench] vigil metrics after the runs:"
curl -s "http://$VIGIL_HTTP_ADDR/metrics" | grep -E '^vigil_(inputs|outputs|errors)_total' || true

if want floor; then
    # Vigil goes away; the echo answers on the same streams (fresh decisions only).
    kill "$(cat "$VIGIL_STACK_DIR/vigil.pid")" 2>/dev/null || true
    while kill -0 "$(cat "$VIGIL_STACK_DIR/vigil.pid")" 2>/dev/null; do sleep 0.1; done
    "$bin/vigil-bench" echo --duration 60m >"$VIGIL_STACK_DIR/logs/echo.log" 2>&1 &
    echo $! > "$VIGIL_STACK_DIR/echo.pid"
    # Its consumer delivers only new decisions: wait until it exists before the probe is sent.
    for _ in $(seq 100); do grep -q "echo: answering" "$VIGIL_STACK_DIR/logs/echo.log" && break; sleep 0.1; done
    grep -q "echo: answering" "$VIGIL_STACK_DIR/logs/echo.log" \
        || { echo "[bench] error: the echo did not start; its log:" >&2; cat "$VIGIL_STACK_DIR/logs/echo.log" >&2; exit 1; }
    echo "[bench] floor: e2e paced at 5,000/s against the echo for $duration"
    "$bin/vigil-bench" e2e --rate 5000 --duration "$duration" 2>/dev/null | tee "$out/floor-5000.txt"
    echo "[bench] floor: e2e at max rate against the echo for $duration"
    "$bin/vigil-bench" e2e --rate 0 --duration "$duration" 2>/dev/null | tee "$out/floor-max.txt"
    kill "$(cat "$VIGIL_STACK_DIR/echo.pid")" 2>/dev/null || true
    rm -f "$VIGIL_STACK_DIR/echo.pid"
fi
