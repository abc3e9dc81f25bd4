#!/usr/bin/env bash
# Signals-and-tiers benchmarks (outside CI; figures go to docs/performance.md).
# Release build, a generated large school on SQLite (2,500 students, 5 school
# years, 150,000 incidents, 1,000,000 absence rows):
#   1. the coordinator dashboard: wrk median latency, against the same SQL run
#      in the sqlite3 shell on the same file (printed by `samen dashboard-sql`);
#   2. recording incidents through the API under wrk (coordinator: each one is
#      complete at once, so the incident rules run for the student every time);
#   3. evaluating all decision rules for the school (`samen rules run`).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v sqlite3 >/dev/null || { apt-get update -qq && apt-get install -y -qq sqlite3 >/dev/null; }
[ -x .build/release/samen ] || swift build -c release --product samen
BIN=$(pwd)/.build/release/samen
WORK=$(mktemp -d /tmp/samen-bench-signals.XXXXXX)
PORT=${PORT:-18091}
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
DATA="$WORK/data"

echo "== generating the school"
"$BIN" migrate --data "$DATA" >/dev/null
"$BIN" bench-school --data "$DATA" --students "${STUDENTS:-2500}" --years "${YEARS:-5}" --incidents "${INCIDENTS:-150000}" --absences "${ABSENCES:-1000000}"
DB="$DATA/samen.sqlite"
echo "database: $(du -h "$DB" | cut -f1), $(sqlite3 "$DB" 'select count(*) from incidents') incidents, $(sqlite3 "$DB" 'select count(*) from absences') absence rows"

echo "== all decision rules for the school (3 runs; the first raises the signals)"
for run in 1 2 3; do "$BIN" rules run --school 99ZZ --data "$DATA"; done

(cd "$WORK" && LOG_LEVEL=warning exec "$BIN" serve --data "$DATA" --port "$PORT" > "$WORK/serve.log" 2>&1) & PID=$!
until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
TOKEN=$(curl -s -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'content-type: application/json' \
  -d '{"username":"bench","password":"bench"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
SCHOOL=$(sqlite3 "$DB" "select id from schools where code = '99ZZ'")
URL="http://127.0.0.1:$PORT/schools/$SCHOOL/dashboard"
curl -sf -o /dev/null -b "samen_session=$TOKEN" "$URL" || { echo "dashboard not reachable"; exit 1; }

echo "== dashboard: server (wrk, 1 connection, 10 s) against the sqlite3 shell (same SQL, 20 runs), 3 interleaved rounds"
"$BIN" dashboard-sql --school 99ZZ --data "$DATA" > "$WORK/dashboard.sql"
for i in $(seq 20); do cat "$WORK/dashboard.sql"; done > "$WORK/dashboard20.sql"
for round in 1 2 3; do
  wrk -t1 -c1 -d10s --latency -H "Cookie: samen_session=$TOKEN" "$URL" > "$WORK/dash-$round.txt"
  median=$(awk '$1=="50%" {print $2}' "$WORK/dash-$round.txt")
  start=$(date +%s.%N); sqlite3 "$DB" < "$WORK/dashboard20.sql" > /dev/null; end=$(date +%s.%N)
  shell=$(echo "($end - $start) * 1000 / 20" | bc -l)
  printf 'round %d: dashboard median %s (%s req/s); sqlite3 shell %.1f ms per dashboard\n' "$round" "$median" \
    "$(awk '/Requests\/sec/ {print $2}' "$WORK/dash-$round.txt")" "$shell"
done

echo "== recording incidents through the API (wrk, 2 threads, 16 connections, 10 s)"
BEHAVIOUR=$(sqlite3 "$DB" "select id from labels where school_id = '$SCHOOL' and kind = 'behaviour' limit 1")
LOCATION=$(sqlite3 "$DB" "select id from labels where school_id = '$SCHOOL' and kind = 'location' limit 1")
sqlite3 "$DB" "select id from students where school_id = '$SCHOOL' limit 500" > "$WORK/students.txt"
TODAY=$(date +%F)
STUDENTS="$WORK/students.txt" TOKEN="$TOKEN" DATE="$TODAY" BEHAVIOUR="$BEHAVIOUR" LOCATION="$LOCATION" \
  wrk -t2 -c16 -d10s --latency -s bench/incident.lua "http://127.0.0.1:$PORT" | tee "$WORK/post.txt" | grep -E "Requests/sec|  50%|  99%|non-2xx"
echo "incidents now: $(sqlite3 "$DB" "select count(*) from incidents where school_id = '$SCHOOL'")"
