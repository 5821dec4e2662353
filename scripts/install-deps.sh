#!/bin/sh
# install-deps.sh: installs what building and testing fapilog needs on
# Debian 12 (bookworm). Safe to run again: it installs only what is missing.
set -eu

packages="
  gcc libc6-dev pkg-config meson ninja-build
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsoup-3.0-dev zlib1g-dev
  libglib2.0-bin
  glib-networking
  gobject-introspection libgirepository1.0-dev gi-docgen
  python3-gi gjs
  valac
  valgrind
"

missing=""
for p in $packages; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing="$missing $p"
  fi
done

if [ -n "$missing" ]; then
  if [ "$(id -u)" -eq 0 ]; then
    sudo=""
  elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "install-deps.sh: need root (or sudo) to install:$missing" >&2
    exit 1
  fi
  echo "Installing:$missing"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends $missing
fi
