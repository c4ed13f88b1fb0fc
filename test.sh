#!/usr/bin/env bash
# Runs every Elevate test: formatting, the domain's unit tests, the integration tests on SQLite and PostgreSQL, and
# the browser tests in headless Chromium.
# On a fresh Debian machine it installs what is missing (PostgreSQL and Chromium from apt), starts a throwaway
# PostgreSQL cluster on loopback for the PostgreSQL tests, and stops it again whatever happens.
set -euo pipefail
cd "$(dirname "$0")"

log() { printf '\n==> %s\n' "$*"; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v jq >/dev/null 2>&1 || need_apt+=(jq)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt+=(postgresql); fi
# npm installs axe-core, which the browser tests inject into every portal page to check its accessibility.
command -v npm >/dev/null 2>&1 || need_apt+=(nodejs npm)
# The browser tests drive Debian's Chromium through Playwright (whose driver ships in its NuGet package); Playwright
# never downloads a browser. Chromium's recommended packages are desktop services a headless browser does not use, so
# only the browser and a font set for page text come along.
need_browser=()
[ -x /usr/bin/chromium ] || need_browser+=(chromium)
dpkg -s fonts-liberation >/dev/null 2>&1 || need_browser+=(fonts-liberation)
if [ ${#need_apt[@]} -gt 0 ] || [ ${#need_browser[@]} -gt 0 ]; then
  as_root apt-get update -qq
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "Installing ${need_apt[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
if [ ${#need_browser[@]} -gt 0 ]; then
  log "Installing ${need_browser[*]}"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${need_browser[@]}" >/dev/null
fi
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
work=$(mktemp -d /tmp/elevate-test.XXXXXX)
pg_port=${ELEVATE_TEST_PG_PORT:-55432}
server_pid=""

# initdb and postgres refuse to run as root; run them as the unprivileged postgres user when we are root.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
  chown postgres "$work"
  pg() { runuser -u postgres -- "$@"; }
else
  pg() { "$@"; }
fi

cleanup() {
  set +e
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  if [ -f "$work/pg/postmaster.pid" ]; then pg "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1; fi
  rm -rf "$work"
}
trap cleanup EXIT

log "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$pg_port"
pg "$pg_bin/initdb" -D "$work/pg" -U elevate --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" start >/dev/null
export ELEVATE_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=elevate;Database=postgres;Pooling=true;Maximum Pool Size=50"

log "Restoring tools and packages"
dotnet tool restore >/dev/null
dotnet restore Elevate.slnx >/dev/null

log "Checking formatting (dotnet format --verify-no-changes)"
dotnet format Elevate.slnx --verify-no-changes --no-restore

log "Building (warnings are errors)"
dotnet build Elevate.slnx --no-restore -c Release -warnaserror >/dev/null

log "Domain tests (no I/O)"
dotnet test tests/Elevate.Core.Tests --no-build -c Release --logger "console;verbosity=minimal"

log "Integration tests on SQLite and PostgreSQL"
dotnet test tests/Elevate.Server.Tests --no-build -c Release --logger "console;verbosity=minimal"

log "Installing the browser tests' JavaScript (axe-core, from the lock file)"
(cd tests/Elevate.Browser.Tests && npm ci --no-audit --no-fund >/dev/null)

log "Browser tests (headless Chromium)"
dotnet test tests/Elevate.Browser.Tests --no-build -c Release --logger "console;verbosity=minimal"

log "README walkthrough against a freshly started server"
./scripts/readme-walkthrough.sh

log "All tests passed"
