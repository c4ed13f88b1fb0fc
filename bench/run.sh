#!/usr/bin/env bash
# Runs every Elevate benchmark on SQLite and on PostgreSQL and prints the results as markdown tables.
#
#   bench/run.sh [extra options for the bench tool, e.g. --runs 3]
#
# ELEVATE_BENCH_PROVIDERS ("sqlite postgres") and ELEVATE_BENCH_COMMANDS ("all", or e.g. "seed check-http activate")
# choose what runs; every selection starts from a freshly seeded database only if it includes seed or all.
# Installs what is missing (wrk, PostgreSQL) from apt, starts a throwaway PostgreSQL cluster on loopback with
# PostgreSQL's default durability settings (fsync and synchronous_commit on), builds Release, seeds each database
# (100k users, 5k groups, 1M eligible and 50k active assignments, a 1M+ event audit chain) and runs the benchmarks
# ("all" includes notify, which starts its own in-process SMTP sink and needs no seeded data, and ends with reviews).
# The machine should be otherwise idle: the figures are for a 2-core machine doing nothing else.
# Results are appended to bench/results/results.jsonl; the working data (several GB) is removed at exit unless
# ELEVATE_BENCH_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n==> %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need_apt=()
command -v wrk >/dev/null 2>&1 || need_apt+=(wrk)
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then need_apt+=(postgresql); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  log "Installing ${need_apt[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
pg_port=${ELEVATE_BENCH_PG_PORT:-55440}
# On disk, not tmpfs: commits must really reach the disk for the write figures to mean anything.
work=$(mktemp -d /var/tmp/elevate-bench.XXXXXX)
results=${ELEVATE_BENCH_RESULTS:-bench/results/results.jsonl}
mkdir -p "$(dirname "$results")"

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
  if [ -f "$work/pg/postmaster.pid" ]; then pg "$pg_bin/pg_ctl" -D "$work/pg" -m fast stop >/dev/null 2>&1; fi
  if [ "${ELEVATE_BENCH_KEEP:-0}" = 1 ]; then echo "Kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

log "Starting a throwaway PostgreSQL cluster on 127.0.0.1:$pg_port (default durability: fsync=on, synchronous_commit=on)"
pg "$pg_bin/initdb" -D "$work/pg" -U elevate --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
# Only memory is sized for the data set (shared_buffers); every durability setting is PostgreSQL's default.
pg "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w \
  -o "-c listen_addresses=127.0.0.1 -p $pg_port -k $work -c shared_buffers=1GB -c max_connections=200" start >/dev/null
pg "$pg_bin/psql" -h 127.0.0.1 -p "$pg_port" -U elevate -d postgres -Atc \
  "SELECT 'fsync=' || current_setting('fsync') || ', synchronous_commit=' || current_setting('synchronous_commit') || ', full_page_writes=' || current_setting('full_page_writes')"

log "Building Release"
dotnet build src/Elevate.Server -c Release -warnaserror -nologo -v q
dotnet build bench/Elevate.Bench -c Release -warnaserror -nologo -v q

bench() { dotnet bench/Elevate.Bench/bin/Release/net10.0/Elevate.Bench.dll "$@"; }

log "Versions"
dotnet --version
"$pg_bin/postgres" --version
wrk --version 2>&1 | head -n 1 || true
echo "$(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB"

mkdir -p "$work/sqlite"
declare -A connection=(
  [sqlite]="Data Source=$work/sqlite/elevate.db"
  [postgres]="Host=127.0.0.1;Port=$pg_port;Username=elevate;Database=elevate_bench"
)
for provider in ${ELEVATE_BENCH_PROVIDERS:-sqlite postgres}; do
  log "$provider"
  for command in ${ELEVATE_BENCH_COMMANDS:-all}; do
    bench "$command" --quiet-wait "${ELEVATE_BENCH_QUIET_WAIT:-300}" --provider "$provider" \
      --connection "${connection[$provider]}" --results "$results" "$@"
  done
done

log "Results ($results)"
bench report --results "$results"
