#!/usr/bin/env bash
# Samen benchmarks (outside CI; figures go to docs/performance.md).
# Uses a release build. Measures, in one run on this machine:
#   1. start-up: `samen serve --demo` on an empty database until /healthz answers;
#   2. load: wrk on /healthz and on a logged-in student list page; the ratio of the two;
#   3. import: a generated 100,000-row student CSV through `samen import students`.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x .build/release/samen ] || swift build -c release --product samen
BIN=$(pwd)/.build/release/samen
WORK=$(mktemp -d /tmp/samen-bench.XXXXXX)
PORT=${PORT:-18090}
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT

echo "== start-up with demo (3 runs, empty database each)"
for run in 1 2 3; do
  rm -rf "$WORK/data"
  start=$(date +%s.%N)
  (cd "$WORK" && LOG_LEVEL=warning exec "$BIN" serve --demo --data "$WORK/data" --port "$PORT" > "$WORK/serve.log" 2>&1) & PID=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.02; done
  end=$(date +%s.%N)
  printf 'run %d: ready in %.2f s\n' "$run" "$(echo "$end - $start" | bc)"
  kill $PID; wait $PID 2>/dev/null || true; PID=""
done

echo "== load (wrk, 2 threads, 32 connections, 8 s each, 3 interleaved rounds)"
(cd "$WORK" && LOG_LEVEL=warning exec "$BIN" serve --data "$WORK/data" --port "$PORT" > "$WORK/serve.log" 2>&1) & PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
TOKEN=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"coordinator","password":"demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
# The cookies a logged-in browser sends: the session, and the form token the first page set (without it every
# answer would make and set a new one, which no browser asks for).
CSRF=$(curl -sf -D - -o /dev/null -b "samen_session=$TOKEN" "http://127.0.0.1:$PORT/students" | sed -n 's/^set-cookie: samen_csrf=\([^;]*\);.*/\1/Ip' | tr -d '\r')
[ -n "$CSRF" ] || { echo "student page not reachable"; exit 1; }
COOKIE="samen_session=$TOKEN; samen_csrf=$CSRF"
# Interleaved rounds, so both endpoints see the same machine; the ratio is the median of the rounds.
ratios=()
for round in 1 2 3; do
  wrk -t2 -c32 -d8s --latency "http://127.0.0.1:$PORT/healthz" > "$WORK/health-$round.txt"
  wrk -t2 -c32 -d8s --latency -H "Cookie: $COOKIE" "http://127.0.0.1:$PORT/students" > "$WORK/students-$round.txt"
  h=$(awk '/Requests\/sec/ {print $2}' "$WORK/health-$round.txt"); s=$(awk '/Requests\/sec/ {print $2}' "$WORK/students-$round.txt")
  hp=$(awk '$1=="99%" {print $2}' "$WORK/health-$round.txt"); sp=$(awk '$1=="99%" {print $2}' "$WORK/students-$round.txt")
  r=$(echo "$s / $h" | bc -l); ratios+=("$r")
  printf 'round %d: /healthz %s req/s (p99 %s), /students %s req/s (p99 %s), ratio %.2f\n' "$round" "$h" "$hp" "$s" "$sp" "$r"
done
printf 'student list / healthz throughput, median of 3 rounds: %.2f\n' "$(printf '%s\n' "${ratios[@]}" | sort -g | sed -n 2p)"
kill $PID; wait $PID 2>/dev/null || true; PID=""

echo "== import of 100,000 students (with and without a guardian column)"
for kind in guardians plain; do
  python3 bench/gen_students.py 100000 "$WORK/students-$kind.csv" "$kind" >/dev/null
  rm -rf "$WORK/import"
  "$BIN" demo --data "$WORK/import" >/dev/null
  for label in first again; do
    start=$(date +%s.%N)
    "$BIN" import students "$WORK/students-$kind.csv" --school 12CC --data "$WORK/import" | head -1
    end=$(date +%s.%N)
    printf '%s, %s import: %.2f s, %.0f rows/s\n' "$kind" "$label" "$(echo "$end - $start" | bc)" "$(echo "100000 / ($end - $start)" | bc -l)"
  done
done
