#!/usr/bin/env bash
# Region benchmarks (outside CI; figures go to docs/performance.md). Release build.
#   1. the synthetic region (120 schools, 60,000 students, 5 school years, 3,000,000 incidents, 20,000,000 absence
#      rows, 50,000 survey responses) generated and loaded into PostgreSQL and SQLite, timed;
#   2. the region dashboard on PostgreSQL: its median under wrk with one connection, against its own statements run
#      in psql (`samen region-sql`), in interleaved rounds;
#   3. incident writes through nginx to two instances against one instance alone, on the same database.
# SIZE=small runs a tenth of it (a quick look). Needs about 8 GB of disk for the CSV files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DEBIAN_FRONTEND=noninteractive
for tool in wrk sqlite3 nginx; do command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { apt-get update -qq && apt-get install -y -qq "$tool" >/dev/null; }; done
[ -x .build/release/samen ] || swift build -c release --product samen
BIN=$ROOT/.build/release/samen
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /tmp/samen-bench-region.XXXXXX)
chmod 755 "$WORK"
PGPORT=${PGPORT:-55480}
URL="postgres://postgres@127.0.0.1:$PGPORT/samen?sslmode=disable"
PIDS=()
pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -s stop 2>/dev/null || true
  # KEEP=1 leaves PostgreSQL running with the region in it, to look further.
  if [ "${KEEP:-0}" = 1 ]; then echo "kept: $URL (data in $WORK/pg)"; return; fi
  [ -f "$WORK/pg/postmaster.pid" ] && pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT
if [ "${SIZE:-full}" = small ]; then
  ARGS=(--schools 12 --students 6000 --incidents 300000 --absences 2000000 --responses 5000)
else
  ARGS=()
fi

echo "== PostgreSQL on 127.0.0.1:$PGPORT"
mkdir -p "$WORK/pg"; [ "$(id -u)" = 0 ] && chown postgres "$WORK/pg"
pg "$PG_BIN/initdb" -D "$WORK/pg" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
pg "$PG_BIN/pg_ctl" -D "$WORK/pg" -l "$WORK/pg/log" -w -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c shared_buffers=1GB -c max_connections=200" start >/dev/null
pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres samen

echo "== generating and loading the synthetic region"
for engine in ${ENGINES:-postgres sqlite}; do
  start=$(date +%s.%N)
  if [ "$engine" = postgres ]; then DATABASE_URL="$URL" "$BIN" migrate >/dev/null; else "$BIN" migrate --data "$WORK/sqlite" >/dev/null; fi
  "$BIN" bench-region --csv "$WORK/csv-$engine" --engine "$engine" "${ARGS[@]}" > "$WORK/tables-$engine.txt" 2> "$WORK/gen-$engine.txt"
  mv "$WORK/tables-$engine.txt" "$WORK/csv-$engine/tables.txt"
  generated=$(date +%s.%N)
  if [ "$engine" = postgres ]; then
    python3 bench/region_load.py postgres "$WORK/csv-$engine" "$URL" "$PG_BIN/psql" > "$WORK/load-$engine.txt"
  else
    python3 bench/region_load.py sqlite "$WORK/csv-$engine" "$WORK/sqlite/samen.sqlite" > "$WORK/load-$engine.txt"
  fi
  end=$(date +%s.%N)
  rm -rf "$WORK/csv-$engine"
  printf '%s: generated in %.0f s, loaded in %.0f s, together %.0f s\n' "$engine" "$(echo "$generated - $start" | bc)" "$(echo "$end - $generated" | bc)" "$(echo "$end - $start" | bc)"
done
pg "$PG_BIN/psql" "$URL" -Atc "SELECT 'rows: ' || (SELECT COUNT(*) FROM students) || ' students, ' || (SELECT COUNT(*) FROM incidents) || ' incidents, ' || (SELECT COUNT(*) FROM absences) || ' absence rows, ' || (SELECT COUNT(*) FROM wave_personal_links) || ' survey responses'"

echo "== the region dashboard on PostgreSQL: wrk (1 connection, 15 s) against psql with the same statements, 3 rounds"
A_PORT=18181; B_PORT=18182; LB_PORT=18188
(cd "$WORK" && DATABASE_URL="$URL" LOG_LEVEL=warning SAMEN_JOBS=off exec "$BIN" serve --port "$A_PORT" > "$WORK/a.log" 2>&1) & PIDS+=($!)
until curl -sf "http://127.0.0.1:$A_PORT/healthz" >/dev/null; do sleep 0.1; done
TOKEN=$(curl -s -X POST "http://127.0.0.1:$A_PORT/api/v1/session" -H 'content-type: application/json' -d '{"username":"region","password":"demo"}' \
  | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
DATABASE_URL="$URL" "$BIN" region-sql > "$WORK/region.sql"
curl -sf -o /dev/null -b "samen_session=$TOKEN" "http://127.0.0.1:$A_PORT/region"
for round in 1 2 3; do
  wrk -t1 -c1 -d15s --timeout 30s --latency -H "Cookie: samen_session=$TOKEN" "http://127.0.0.1:$A_PORT/region" > "$WORK/region-$round.txt"
  median=$(awk '$1=="50%" {print $2}' "$WORK/region-$round.txt")
  start=$(date +%s.%N); for i in 1 2 3 4 5; do pg "$PG_BIN/psql" "$URL" -q -o /dev/null -f "$WORK/region.sql"; done; end=$(date +%s.%N)
  printf 'round %d: dashboard median %s; psql %.0f ms per run of the same statements\n' "$round" "$median" "$(echo "($end - $start) * 1000 / 5" | bc -l)"
done

echo "== incident writes: one instance, then two behind nginx (wrk, 2 threads, 16 connections, 10 s)"
(cd "$WORK" && DATABASE_URL="$URL" LOG_LEVEL=warning SAMEN_JOBS=off exec "$BIN" serve --port "$B_PORT" > "$WORK/b.log" 2>&1) & PIDS+=($!)
until curl -sf "http://127.0.0.1:$B_PORT/healthz" >/dev/null; do sleep 0.1; done
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"; chmod 1777 "$WORK/nginx/tmp"
sed -e "s|@A@|127.0.0.1:$A_PORT|; s|@B@|127.0.0.1:$B_PORT|; s|@LISTEN@|127.0.0.1:$LB_PORT|; s|@PREFIX@|$WORK/nginx|g" docs/nginx.conf.example > "$WORK/nginx/nginx.conf"
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
COORD=$(curl -s -X POST "http://127.0.0.1:$A_PORT/api/v1/session" -H 'content-type: application/json' -d '{"username":"coordinator001","password":"demo"}' \
  | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
SCHOOL=$(pg "$PG_BIN/psql" "$URL" -Atc "SELECT id FROM schools WHERE code = 'R001'")
BEHAVIOUR=$(pg "$PG_BIN/psql" "$URL" -Atc "SELECT id FROM labels WHERE school_id = '$SCHOOL' AND kind = 'behaviour' LIMIT 1")
LOCATION=$(pg "$PG_BIN/psql" "$URL" -Atc "SELECT id FROM labels WHERE school_id = '$SCHOOL' AND kind = 'location' LIMIT 1")
pg "$PG_BIN/psql" "$URL" -Atc "SELECT id FROM students WHERE school_id = '$SCHOOL' AND left_on IS NULL LIMIT 300" > "$WORK/students.txt"
export STUDENTS="$WORK/students.txt" TOKEN="$COORD" DATE="$(date +%F)" BEHAVIOUR LOCATION
# Where the machine's cores went during a round: CPU seconds per second (1.00 = one core busy) of the instances,
# PostgreSQL's processes, nginx and wrk, read from /proc before and after.
TICKS=$(getconf CLK_TCK)
cpu() { # the CPU ticks so far of every process whose command line matches $1
  local total=0 pid
  for pid in $(pgrep -f "$1"); do
    [ -r "/proc/$pid/stat" ] && total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat" 2>/dev/null || echo 0)))
  done
  echo "$total"
}
GROUPS_=("samen serve" "postgres" "nginx")
measure() { # $1: the URL; prints the requests per second, then the cores each group used, wrk's last (from bash's times)
  local before=() after=() out i wrk_cpu
  for i in "${!GROUPS_[@]}"; do before[$i]=$(cpu "${GROUPS_[$i]}"); done
  wrk_cpu=$( { wrk -t2 -c16 -d10s -s bench/incident.lua "$1" > "$WORK/wrk.txt"; times; } | tail -1 \
    | awk '{ t = 0; for (f = 1; f <= 2; f++) { split($f, p, "m"); t += p[1] * 60 + p[2] } printf "%.2f", t / 10 }')
  for i in "${!GROUPS_[@]}"; do after[$i]=$(cpu "${GROUPS_[$i]}"); done
  out=$(awk '/Requests\/sec/ {print $2}' "$WORK/wrk.txt")
  for i in "${!GROUPS_[@]}"; do out="$out $(echo "scale=2; (${after[$i]} - ${before[$i]}) / $TICKS / 10" | bc)"; done
  echo "$out $wrk_cpu"
}
echo "(cores used: samen instances, PostgreSQL, nginx, wrk; the machine has $(nproc))"
for round in 1 2; do
  read -r one c1 p1 n1 w1 <<< "$(measure "http://127.0.0.1:$A_PORT")"
  read -r two c2 p2 n2 w2 <<< "$(measure "http://127.0.0.1:$LB_PORT")"
  printf 'round %d: one instance %s incidents/s (cores %s %s %s %s), two behind nginx %s incidents/s (cores %s %s %s %s), ratio %.2f\n' \
    "$round" "$one" "$c1" "$p1" "$n1" "$w1" "$two" "$c2" "$p2" "$n2" "$w2" "$(echo "$two / $one" | bc -l)"
done
