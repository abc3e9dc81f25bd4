#!/usr/bin/env bash
# Runs every Samen test: unit and server tests on SQLite, the server tests
# again on a real PostgreSQL started here on 127.0.0.1, the browser tests
# (Selenium driving Debian's headless Chromium) against a running
# `samen serve --demo`, the crash-safety test (SIGKILL mid-stream, on SQLite
# and PostgreSQL) and schemathesis over the served OpenAPI document.
# Installs what it needs when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
export DEBIAN_FRONTEND=noninteractive

say() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

# --- what the tests need -----------------------------------------------------
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
missing=()
[ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
[ -x /usr/sbin/nginx ] || command -v nginx >/dev/null || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing ${missing[*]} from Debian"
  as_root apt-get update -qq
  as_root apt-get install -y -qq "${missing[@]}" >/dev/null
  PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
fi
if ! python3 -c 'import selenium, pytest, schemathesis' 2>/dev/null; then
  say "installing selenium, pytest and schemathesis from PyPI"
  python3 -m pip install -q --disable-pip-version-check selenium pytest schemathesis
fi

# --- build ---------------------------------------------------------------------
say "building"
swift build --build-tests 2>&1 | grep -vE '^\[|^Compiling|^Write|^Building' || true
swift build --build-tests >/dev/null

# --- unit and server tests on SQLite -----------------------------------------
say "tests on SQLite"
swift test --skip-build

# --- server tests on PostgreSQL ------------------------------------------------
WORK=$(mktemp -d /tmp/samen-test.XXXXXX)
PGDATA="$WORK/pg"
SERVER_PID=""
MULTI_PIDS=()
NGINX_CONF=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  for pid in "${MULTI_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "$NGINX_CONF" ] && { "$NGINX" -c "$NGINX_CONF" -s stop 2>/dev/null || true; }
  if [ -f "$PGDATA/postmaster.pid" ]; then
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true
    else "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast stop >/dev/null 2>&1 || true; fi
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
PGPORT=${SAMEN_TEST_PGPORT:-55432}
mkdir -p "$PGDATA"
[ "$(id -u)" = 0 ] && chown -R postgres "$WORK"
chmod 755 "$WORK"
say "starting PostgreSQL on 127.0.0.1:$PGPORT"
pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --auth=trust -E UTF8 --no-locale >/dev/null
pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/log" -w -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k /tmp -c fsync=off -c max_connections=400" start >/dev/null
pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres samen_test
say "server tests on PostgreSQL"
SAMEN_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/samen_test?sslmode=disable" swift test --skip-build --filter SamenServerTests

say "the samen command on PostgreSQL: migrate, demo, import, rules, audit"
pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres samen_cli
export_url="postgres://postgres@127.0.0.1:$PGPORT/samen_cli?sslmode=disable"
BIN="$ROOT/.build/debug/samen"
DATABASE_URL="$export_url" "$BIN" migrate
DATABASE_URL="$export_url" "$BIN" demo | tail -2
printf 'leerlingnummer;roepnaam;achternaam;geboortedatum;groep\n990001;Test;Persoon;01-02-2016;5a\n' > "$WORK/one.csv"
DATABASE_URL="$export_url" "$BIN" import students "$WORK/one.csv" --school 10AA
DATABASE_URL="$export_url" "$BIN" import students "$WORK/one.csv" --school 10AA | grep -q "0 nieuw, 0 gewijzigd, 1 ongewijzigd"
# The demo raised its signals when it loaded: a second evaluation raises nothing new.
DATABASE_URL="$export_url" "$BIN" rules run --school 10AA | tee "$WORK/rules.txt"
grep -q "10AA OBS De Regenboog: 0 nieuwe signalen" "$WORK/rules.txt"
DATABASE_URL="$export_url" "$BIN" audit verify | grep -q "de keten is heel"
# Operations on PostgreSQL: a student's export, retention's dry run, pg_dump and pg_restore through samen.
DATABASE_URL="$export_url" "$BIN" export student 990001 --school 10AA --output "$WORK/export.txt" >/dev/null
grep -q "Leerlingnummer: 990001" "$WORK/export.txt"
DATABASE_URL="$export_url" "$BIN" retention run --dry-run | grep -q "Proefrun"
DATABASE_URL="$export_url" "$BIN" backup "$WORK/samen.pgdump" | grep -q "Reservekopie geschreven"
DATABASE_URL="$export_url" "$BIN" restore "$WORK/samen.pgdump" | grep -q "Teruggezet"
DATABASE_URL="$export_url" "$BIN" audit verify | grep -q "de keten is heel"

# --- browser tests, crash safety, hostile input -----------------------------------
say "browser tests (headless Chromium) against samen serve --demo; SIGKILL mid-stream on SQLite and PostgreSQL"
PORT=${SAMEN_TEST_PORT:-18080}
(cd "$WORK" && SAMEN_JOBS=off exec "$BIN" serve --demo --data "$WORK/data" --port "$PORT" > "$WORK/serve.log" 2>&1) &
SERVER_PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres samen_crash
SAMEN_URL="http://127.0.0.1:$PORT" SAMEN_BIN="$BIN" SAMEN_CRASH_DATABASE_URL="postgres://postgres@127.0.0.1:$PGPORT/samen_crash?sslmode=disable" \
  python3 -m pytest -q -p no:cacheprovider e2e

say "two instances on one PostgreSQL database behind nginx: a browser session, an incident round trip, each nightly job once"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
pg "$PG_BIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres samen_multi
MULTI_URL="postgres://postgres@127.0.0.1:$PGPORT/samen_multi?sslmode=disable"
A_PORT=${SAMEN_TEST_A_PORT:-18081}; B_PORT=${SAMEN_TEST_B_PORT:-18082}; LB_PORT=${SAMEN_TEST_LB_PORT:-18088}
# The first instance loads the demo; the second starts on the same database once it has.
# Both trust nginx on loopback to name the client (SAMEN_TRUSTED_PROXIES), as docs/deploy.md sets them up.
(cd "$WORK" && DATABASE_URL="$MULTI_URL" SAMEN_JOBS=any-hour SAMEN_TRUSTED_PROXIES=127.0.0.1 exec "$BIN" serve --demo --port "$A_PORT" > "$WORK/a.log" 2>&1) & MULTI_PIDS+=($!)
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$A_PORT/healthz" >/dev/null && break; sleep 0.2; done
(cd "$WORK" && DATABASE_URL="$MULTI_URL" SAMEN_JOBS=any-hour SAMEN_TRUSTED_PROXIES=127.0.0.1 exec "$BIN" serve --port "$B_PORT" > "$WORK/b.log" 2>&1) & MULTI_PIDS+=($!)
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$B_PORT/healthz" >/dev/null && break; sleep 0.2; done
mkdir -p "$WORK/nginx/logs" "$WORK/nginx/tmp"; chmod 1777 "$WORK/nginx/tmp"
NGINX_CONF="$WORK/nginx/nginx.conf"
sed -e "s|@A@|127.0.0.1:$A_PORT|; s|@B@|127.0.0.1:$B_PORT|; s|@LISTEN@|127.0.0.1:$LB_PORT|; s|@PREFIX@|$WORK/nginx|g" docs/nginx.conf.example > "$NGINX_CONF"
"$NGINX" -p "$WORK/nginx" -c "$NGINX_CONF"
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$LB_PORT/healthz" >/dev/null && break; sleep 0.1; done
SAMEN_LB_URL="http://127.0.0.1:$LB_PORT" SAMEN_INSTANCE_URLS="http://127.0.0.1:$A_PORT,http://127.0.0.1:$B_PORT" \
  SAMEN_MULTI_DATABASE_URL="$MULTI_URL" SAMEN_PSQL="$PG_BIN/psql" python3 -m pytest -q -p no:cacheprovider e2e/test_multi_instance.py

say "schemathesis over every API operation, logged in: no 5xx, every response as the OpenAPI document says"
SAMEN_URL="http://127.0.0.1:$PORT" FUZZ_SECONDS=${SAMEN_FUZZ_SECONDS:-60} python3 e2e/fuzz_api.py

# Every page the browser opened and every request the fuzzer sent left an audit entry; the chain must still be whole.
"$BIN" audit verify --data "$WORK/data"
