#!/usr/bin/env bash
# Outage checks: under paced load, stop one server for a few seconds and bring it back, then
# verify that no decision was lost: every decision the load generator stored has its row in
# policy_validations. (A decision's events are stored in VIGIL_EVENTS before its row is written,
# so the row stands for both. The generator also counts the completed events it saw on its core
# NATS subscription; during a NATS outage it can miss some, which the stream still holds.)
# Not part of CI (about 40 s per scenario).
#
#   scripts/outage.sh                       all scenarios: postgres, redis, nats, nats-kill
#   scripts/outage.sh postgres nats-kill    some of them
#   OUTAGE_RATE=2000 OUTAGE_DURATION=20s OUTAGE_DOWN=3 scripts/outage.sh
#
# It builds release binaries, runs its own stack under .vigil/outage-stack and one `vigil run`,
# and exits non-zero when a scenario loses anything. Results: docs/architecture.md, "Failures".
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
export VIGIL_STACK_DIR=$repo/.vigil/outage-stack
rate=${OUTAGE_RATE:-2000} duration=${OUTAGE_DURATION:-20s} down_for=${OUTAGE_DOWN:-3}
scenarios=("$@"); [ ${#scenarios[@]} -gt 0 ] || scenarios=(postgres redis nats nats-kill)
out=$repo/.vigil/outage; mkdir -p "$out"
log() { printf '[outage] %s\n' "$*" >&2; }

log "building release (vigil, vigil-bench)"
swift build -c release --product vigil-bench >/dev/null
swift build -c release --product vigil >/dev/null
bin=$repo/.build/release

scripts/stack.sh down >/dev/null 2>&1 || true
rm -rf "$VIGIL_STACK_DIR"
scripts/stack.sh up
set -a; . "$VIGIL_STACK_DIR/env"; set +a
pg_port=${VIGIL_DATABASE_URL##*:}; pg_port=${pg_port%%/*}
sql() { psql -qtA -h 127.0.0.1 -p "$pg_port" -U postgres -d vigil -c "$1"; }
"$bin/vigil" migrate >/dev/null
"$bin/vigil-bench" policies | psql -q -h 127.0.0.1 -p "$pg_port" -U postgres -d vigil >/dev/null

"$bin/vigil" run --log-level warning >"$out/vigil.log" 2>&1 &
vigil_pid=$!
trap 'kill $vigil_pid 2>/dev/null; wait $vigil_pid 2>/dev/null; scripts/stack.sh down >/dev/null 2>&1' EXIT
for _ in $(seq 100); do curl -sf "http://$VIGIL_HTTP_ADDR/readyz" >/dev/null && break; sleep 0.2; done
curl -sf "http://$VIGIL_HTTP_ADDR/readyz" >/dev/null || { log "vigil did not become ready (see $out/vigil.log)"; exit 1; }

failed=0
printf '| outage | decisions stored | log rows added | lost | completed events the generator saw (core NATS) |\n|---|---|---|---|---|\n' >"$out/summary.md"
for scenario in "${scenarios[@]}"; do
    case "$scenario" in
        postgres) server=postgres kill= ;;
        redis) server=redis kill= ;;
        nats) server=nats kill= ;;
        nats-kill) server=nats kill=--kill ;;
        *) log "unknown scenario '$scenario' (postgres, redis, nats, nats-kill)"; exit 2 ;;
    esac
    before=$(sql "SELECT count(*) FROM policy_validations")
    log "$scenario: $rate decisions/s for $duration, $server down for ${down_for}s after 9 s"
    "$bin/vigil-bench" e2e --rate "$rate" --duration "$duration" >"$out/$scenario.txt" 2>"$out/$scenario.err" &
    bench_pid=$!
    sleep 9
    scripts/stack.sh stop "$server" $kill
    sleep "$down_for"
    scripts/stack.sh start "$server"
    wait $bench_pid || true
    sleep 3  # the last commits
    after=$(sql "SELECT count(*) FROM policy_validations")
    stored=$(sed -n 's/^published \([0-9,]*\) .*/\1/p' "$out/$scenario.txt" | tr -d ,)
    received=$(sed -n 's/^received \([0-9,]*\) events.*/\1/p' "$out/$scenario.txt" | tr -d ,)
    rows=$((after - before - 1))  # minus the generator's probe decision
    lost=$(( stored - rows ))
    [ "${stored:-0}" -gt 0 ] || { log "$scenario: the generator stored nothing (see $out/$scenario.err)"; lost=1; }
    printf '| %s | %s | %s | %s | %s |\n' "$scenario" "$stored" "$rows" "$lost" "$received" >>"$out/summary.md"
    if [ "$lost" -gt 0 ]; then failed=1; log "$scenario: LOST $lost"; else log "$scenario: nothing lost"; fi
done
cat "$out/summary.md"
curl -s "http://$VIGIL_HTTP_ADDR/metrics" | grep -E '^vigil_errors_total' || true
exit $failed
