#!/bin/sh
# test.sh: installs what is missing, builds fapilog with its GIR and API
# reference, and runs the whole test suite three ways: plainly, under
# AddressSanitizer + UndefinedBehaviorSanitizer, and under valgrind memcheck.
set -eu
cd "$(dirname "$0")/.."

./scripts/install-deps.sh

setup () {
  dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@"
  else
    meson setup "$dir" "$@"
  fi
}

echo "== build (GIR with --warn-all, gi-docgen reference) and test =="
setup build -Ddocumentation=true
ninja -C build
meson test -C build --print-errorlogs

echo "== AddressSanitizer + UndefinedBehaviorSanitizer =="
setup build-asan -Db_sanitize=address,undefined -Db_lundef=false -Dintrospection=false
ninja -C build-asan
# G_SLICE=always-malloc: GLib 2.74 otherwise keeps GVariants and other
# small blocks in slabs of its own, where the leak checker cannot see them.
# lsan.supp holds libsoup's own server-side leaks (as libsoup-server.supp
# does for valgrind); matching them needs whole allocation stacks, which
# through GLib's frames only the slow unwinder gives.
G_SLICE=always-malloc LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp" \
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:fast_unwind_on_malloc=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  meson test -C build-asan --print-errorlogs

echo "== valgrind memcheck =="
meson test -C build --setup=valgrind --print-errorlogs
