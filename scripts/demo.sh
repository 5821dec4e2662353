#!/bin/sh
# demo.sh: installs what is missing, builds fapilog and shows its main job:
# lines from a program become structured JSON entries, delivered
# asynchronously, with a drain report at the end.
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh
meson setup build-demo --buildtype=release -Dtests=false -Dintrospection=false >/dev/null 2>&1 \
  || meson setup --reconfigure build-demo --buildtype=release -Dtests=false -Dintrospection=false >/dev/null
ninja -C build-demo >/dev/null

cat="build-demo/tools/fapilog-cat"

echo "== plain lines become JSON entries (stdout_json), drain summary on stderr =="
printf 'service starting\nlistening on :8080\n' |
  FAPILOG_CORE__SINKS=stdout_json FAPILOG_SERVICE=demo \
  "$cat" --logger web --field host=web-01 --stats

echo
echo "== JSON lines keep their types; a bad line is logged, not lost =="
printf '%s\n' '{"message":"user login","user_id":"u-1","attempt":3,"admin":false}' \
              'not json at all' |
  FAPILOG_CORE__SINKS=stdout_json "$cat" --json --level warning

echo
echo "== the same entries for a human (stdout_pretty) =="
printf 'cache warmed\n' |
  FAPILOG_CORE__SINKS=stdout_pretty "$cat" --logger cache --field items=1200
