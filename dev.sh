#!/usr/bin/env bash
# Myeloma Desk developer entry point: the two Quick start commands and a few more.
#   bash dev.sh app     install what is missing, then open the app (demo patients available)
#   bash dev.sh test    install what is missing, then run lint, types, contracts and every test
#   bash dev.sh bench   run the benchmarks in benchmarks/ and print their figures
# It creates .venv (Python 3.11+), installs the package with its test extras, and installs the
# few Debian libraries Qt needs headless when they are missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

VENV=.venv
PY="$VENV/bin/python"

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "dev.sh: need root (or sudo) to run: $*" >&2; return 1; fi
}

# Debian packages: Qt's offscreen/xcb needs (see docs/development.md), a font, and the tools
# the tests use (poppler-utils for PDF pages, desktop-file-utils to validate the desktop entry,
# dpkg-dev for the .deb build; postgresql for the server store's tests, which start a throwaway
# cluster of their own with its initdb/pg_ctl and never use a system service).
DEB_PKGS=(libegl1 libgl1 libxkbcommon0 libfontconfig1 libfreetype6 libdbus-1-3 libx11-6
          libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0
          libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-xinerama0 fonts-dejavu-core
          poppler-utils python3-venv binutils desktop-file-utils postgresql)

ensure_system() {
  command -v dpkg-query >/dev/null || return 0   # not Debian: the user installs Qt's libs
  local missing=() pkg glib=libglib2.0-0
  dpkg-query -W -f='${Status}' libglib2.0-0t64 2>/dev/null | grep -q "ok installed" && glib=libglib2.0-0t64
  for pkg in "${DEB_PKGS[@]}" "$glib"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "dev.sh: installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}" || as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      --no-install-recommends "${missing[@]/libglib2.0-0/libglib2.0-0t64}"
  fi
}

pick_python() {
  local cand
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
      echo "$cand"; return 0
    fi
  done
  echo "dev.sh: Python 3.11 or newer is required" >&2; return 1
}

ensure_venv() {
  if [ ! -x "$PY" ]; then
    "$(pick_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed" want
  want=$(cat pyproject.toml setup.py | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    "$PY" -m pip install -q --disable-pip-version-check --upgrade pip
    "$PY" -m pip install -q --disable-pip-version-check -e ".[test]"
    echo "$want" > "$stamp"
  fi
}

cmd=${1:-}
shift || true
case "$cmd" in
  app)
    ensure_system; ensure_venv
    if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ] && [ "$(uname)" = Linux ]; then
      echo "dev.sh: no display (DISPLAY/WAYLAND_DISPLAY unset): starting the app offscreen,"
      echo "        visiting every section and exiting. On a desktop this opens the window."
      QT_QPA_PLATFORM=offscreen exec "$VENV/bin/myeloma-desk" --check-start "$@"
    fi
    exec "$VENV/bin/myeloma-desk" "$@"
    ;;
  test)
    ensure_system; ensure_venv
    export QT_QPA_PLATFORM=offscreen
    echo "== ruff";        "$VENV/bin/ruff" check . && "$VENV/bin/ruff" format --check .
    echo "== mypy";        "$VENV/bin/mypy"  # myeloma_desk and tools: [tool.mypy] files
    echo "== import contracts"; "$VENV/bin/lint-imports"
    echo "== pytest";      "$PY" -m pytest "$@"
    ;;
  bench)
    ensure_system; ensure_venv
    export QT_QPA_PLATFORM=offscreen
    for script in benchmarks/bench_*.py; do echo "== $script"; "$PY" "$script" "$@"; done
    ;;
  *)
    sed -n '2,8p' "$0"; exit 2 ;;
esac
