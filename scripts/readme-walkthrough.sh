#!/usr/bin/env bash
# Runs the README's walkthrough, as written, against a freshly started Elevate on an empty SQLite database, then
# checks what it should have shown. Called by test.sh; runnable on its own.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/elevate-walkthrough.XXXXXX)
server_pid=""
cleanup() {
  set +e
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$work"
}
trap cleanup EXIT

port=8080
if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  echo "Port 8080 is taken; running the walkthrough on $port instead."
fi

dotnet build "$repo/src/Elevate.Server" -c Release >/dev/null

# The README's start command, from an empty folder (data goes to ./data there).
(cd "$work" && exec dotnet run --project "$repo/src/Elevate.Server" -c Release --no-build -- --urls "http://localhost:$port") >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 120); do
  curl -sf "http://localhost:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log"; echo "Elevate did not start." >&2; exit 1; }
  sleep 0.5
done
SECRET=$(grep -o 'elvsetup_[A-Za-z0-9_-]*' "$work/server.log" | head -n 1)
[ -n "$SECRET" ] || { cat "$work/server.log"; echo "No setup secret was printed." >&2; exit 1; }
export SECRET

# The shell blocks of the "Walkthrough" section, minus the line where a reader pastes the secret.
awk '/^## Walkthrough/{on=1; next} /^## /{on=0} on' "$repo/README.md" \
  | awk '/^```sh$/{inblock=1; next} /^```$/{inblock=0; next} inblock' \
  | grep -v '^SECRET=' \
  | sed "s#localhost:8080#localhost:$port#g" >"$work/walkthrough.sh"

cat >>"$work/walkthrough.sh" <<'CHECKS'

# What the walkthrough should have shown.
echo "--- checking the walkthrough's results"
test "$(echo "$ACTIVATION" | jq -r .status)" = provisioned
test "$(echo "$ACTIVATION" | jq -r .assignment.scope)" = /prod/payments
test "$(curl -s "$ELEVATE/check?principal=alice&role=Database%20Administrator&scope=/prod/payments" -H "Authorization: Bearer $ADMIN" | jq -r .allowed)" = false
test "$(curl -s "$ELEVATE/assignments/$ASSIGNMENT" -H "Authorization: Bearer $ADMIN" | jq -r .endReason)" = deactivated
grep -q 'assignment.activated' alice-audit.csv
grep -q 'INC-4411: payments database failover' alice-audit.csv
test "$(curl -s -X POST "$ELEVATE/audit/verify" -H "Authorization: Bearer $ADMIN" | jq -r .valid)" = true
echo "--- walkthrough OK"
CHECKS

(cd "$work" && bash -euo pipefail "$work/walkthrough.sh")
