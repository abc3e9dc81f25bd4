#!/usr/bin/env bash
# Evaluation-line benchmarks (outside CI; figures go to docs/performance.md). Release build, SQLite,
# the demo region plus a generated wave of 20,000 respondents × 60 items:
#   1. scoring and the full report (`samen bench-wave --report`, in-process, and the API over HTTP),
#      against the peer of reading the same answers with the sqlite3 shell;
#   2. sending responses under wrk: each request a complete response by another invited teacher,
#      against /healthz in the same run; afterwards every 200 must be a stored, completed response.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
[ -x .build/release/samen ] || swift build -c release --product samen
BIN=$(pwd)/.build/release/samen
WORK=$(mktemp -d /tmp/samen-bench-eval.XXXXXX)
PORT=${PORT:-18092}
RESPONDENTS=${RESPONDENTS:-20000}
ITEMS=${ITEMS:-60}
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
DATA="$WORK/data"
DB="$DATA/samen.sqlite"

echo "== generating the demo and a wave of $RESPONDENTS × $ITEMS"
"$BIN" demo --data "$DATA" >/dev/null
"$BIN" bench-wave --data "$DATA" --respondents "$RESPONDENTS" --items "$ITEMS" --submitters 8000 --tokens "$WORK/tokens.txt" | tee "$WORK/made.txt"
REPORT=$(awk '/^report-wave/ {print $2}' "$WORK/made.txt"); SUBMIT=$(awk '/^submit-wave/ {print $2}' "$WORK/made.txt")

echo "== scoring and the full report (in-process, 3 runs)"
"$BIN" bench-wave --data "$DATA" --report "$REPORT"
echo "== peer: the sqlite3 shell reading the same answers (3 runs)"
for run in 1 2 3; do
  start=$(date +%s.%N)
  sqlite3 "$DB" "SELECT r.school_type, r.link_key, r.answers, i.school_id FROM wave_responses r JOIN wave_invitations i ON i.id = r.invitation_id WHERE r.wave_id = '$REPORT' AND r.complete = 1" > /dev/null
  end=$(date +%s.%N)
  printf 'sqlite3 read run %d: %.3f s\n' "$run" "$(echo "$end - $start" | bc)"
done

(cd "$WORK" && LOG_LEVEL=warning exec "$BIN" serve --data "$DATA" --port "$PORT" > "$WORK/serve.log" 2>&1) & PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
TOKEN=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"researcher","password":"demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
echo "== the report over HTTP (GET /api/v1/waves/…/report, 3 runs)"
for run in 1 2 3; do
  curl -s -o /dev/null -w "api report run $run: %{time_total} s, status %{http_code}\n" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/waves/$REPORT/report"
done

echo "== sending responses (wrk, 2 threads, 8 connections, 8 s) against /healthz, 2 interleaved rounds"
for round in 1 2; do
  wrk -t2 -c8 -d8s --latency "http://127.0.0.1:$PORT/healthz" > "$WORK/health-$round.txt"
  before=$(sqlite3 "$DB" "SELECT COUNT(*) FROM wave_invitations WHERE wave_id = '$SUBMIT' AND completed_at IS NOT NULL")
  # Each round starts further down the list of teachers, so no round sends for someone who already sent.
  TOKENS="$WORK/tokens.txt" ITEMS="$ITEMS" THREADS=2 START=$(( (round - 1) * 4000 )) SUBMIT_PATH="/waves/$SUBMIT/respond" \
    wrk -t2 -c8 -d8s --latency -s bench/submit.lua "http://127.0.0.1:$PORT" > "$WORK/submit-$round.txt"
  after=$(sqlite3 "$DB" "SELECT COUNT(*) FROM wave_invitations WHERE wave_id = '$SUBMIT' AND completed_at IS NOT NULL")
  h=$(awk '/Requests\/sec/ {print $2}' "$WORK/health-$round.txt"); s=$(awk '/Requests\/sec/ {print $2}' "$WORK/submit-$round.txt")
  sp=$(awk '$1=="99%" {print $2}' "$WORK/submit-$round.txt"); s50=$(awk '$1=="50%" {print $2}' "$WORK/submit-$round.txt")
  requests=$(awk '/requests in/ {print $1}' "$WORK/submit-$round.txt"); bad=$(awk '/Non-2xx/ {print $5}' "$WORK/submit-$round.txt")
  printf 'round %d: /healthz %s req/s; responses sent %s/s (median %s, p99 %s), %s requests, %s not 2xx, %d stored as completed\n' \
    "$round" "$h" "$s" "$s50" "$sp" "$requests" "${bad:-0}" "$((after - before))"
done
