#!/usr/bin/env bash
# What consent checks and the audit trail cost a student page (issue 5's speed
# target: no more than 20% on the page's median time). Release build, outside CI.
# One demo database; interleaved rounds of the same server with and without the
# audit trail (`samen bench-serve --without-audit`); wrk with one connection,
# so the median is one request's time, audit commit (full sync) included.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x .build/release/samen ] || swift build -c release --product samen
BIN=$(pwd)/.build/release/samen
WORK=$(mktemp -d /tmp/samen-audit.XXXXXX)
PORT=${PORT:-18091}
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null; rm -rf "$WORK"' EXIT
"$BIN" demo --data "$WORK/data" > /dev/null

start() {
  (cd "$WORK" && LOG_LEVEL=warning exec "$BIN" bench-serve --data "$WORK/data" --port "$PORT" "$@" > "$WORK/serve.log" 2>&1) & PID=$!
  until curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null; do sleep 0.05; done
}
stop() { kill $PID; wait $PID 2>/dev/null || true; PID=""; }
token() {
  curl -s -X POST "http://127.0.0.1:$PORT/api/v1/session" -H 'content-type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"demo\"}" | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'
}
median() { # wrk's 50% latency in ms
  awk '$1=="50%" { v=$2; if (v ~ /us$/) { sub(/us/,"",v); v=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v) } else if (v ~ /s$/) { sub(/s/,"",v); v=v*1000 } print v }' "$1"
}
measure() { # name cookie path
  wrk -t1 -c1 -d8s --latency -H "Cookie: samen_session=$2" "http://127.0.0.1:$PORT$3" > "$WORK/$1.txt"
  awk '/Requests\/sec/ {print $2}' "$WORK/$1.txt" > "$WORK/$1.rps"
  median "$WORK/$1.txt"
}

start
YW=$(token youthworker); CO=$(token coordinator)
STUDENT=$(curl -s -H "Authorization: Bearer $YW" "http://127.0.0.1:$PORT/api/v1/students" | python3 -c 'import sys,json;print(json.load(sys.stdin)["items"][0]["id"])')
stop
echo "== the student page of a consented student ($STUDENT), wrk 1 connection, 8 s per measurement"
ratios=()
for round in 1 2 3; do
  start
  with=$(measure "with-$round" "$CO" "/students/$STUDENT")
  worker=$(measure "worker-$round" "$YW" "/students/$STUDENT")
  stop
  start --without-audit
  without=$(measure "without-$round" "$CO" "/students/$STUDENT")
  stop
  r=$(echo "$with / $without" | bc -l); ratios+=("$r")
  printf 'round %d: coordinator with audit %.2f ms, without %.2f ms (ratio %.2f); youth-care worker (consent checks and audit) %.2f ms\n' \
    "$round" "$with" "$without" "$r" "$worker"
done
printf 'median time with ÷ without the audit trail, median of 3 rounds: %.2f\n' "$(printf '%s\n' "${ratios[@]}" | sort -g | sed -n 2p)"
