#!/usr/bin/env bash
# Build the Myeloma Desk .deb: freeze the app with PyInstaller (packaging/myeloma-desk.spec) in
# a clean build venv, smoke-test the frozen app, and package it with dpkg-deb.
#
#   bash packaging/linux/build-deb.sh [--version VER] [--repackage] [--no-self-test] [--out DIR] [--xz]
#   bash packaging/linux/build-deb.sh --print-control [--version VER]
#
#   --version VER    Debian package version (default: myeloma_desk.__version__). The upgrade
#                    test uses it to make a "newer" package from the same code.
#   --repackage      reuse the frozen app from the last build (packaging/dist/myeloma-desk);
#                    only make a new .deb (seconds instead of minutes)
#   --no-self-test   skip running the frozen `myeloma-desk self-test` before packaging
#   --out DIR        where the .deb goes (default: packaging/dist)
#   --xz             compress with xz: about a quarter smaller, but 1.5 min more on 2 cores
#                    (for a release download; the default gzip keeps CI's two builds fast)
#   --print-control  print the DEBIAN/control file that would be written, and stop
#
# Layout installed: /opt/myeloma-desk/ (the frozen app), /usr/bin/myeloma-desk (launcher),
# /usr/share/applications/myeloma-desk.desktop, hicolor icons, /usr/share/doc/myeloma-desk/.
# The build venv is packaging/build/venv (the project installed non-editable plus the
# `packaging` extra), so the developer's .venv is never touched. See docs/installers.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PKG=myeloma-desk
BUILD="$ROOT/packaging/build"
DIST="$ROOT/packaging/dist"
VENV="$BUILD/venv"
FROZEN="$DIST/$PKG"

version="" repackage=0 self_test=1 out="$DIST" print_control=0 compress=(-Zgzip -z6)
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --repackage) repackage=1; shift ;;
    --no-self-test) self_test=0; shift ;;
    --out) out="$2"; shift 2 ;;
    --print-control) print_control=1; shift ;;
    --xz) compress=(-Zxz -z6); shift ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "build-deb.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

log() { echo "build-deb.sh: $*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    log "need root (or sudo) to run: $*"; return 1; fi
}

# Debian tools the build needs: dpkg-deb (dpkg), objdump (binutils, PyInstaller and the spec's
# library pruning read ELF headers with it), dpkg-architecture (dpkg-dev), desktop-file-validate.
ensure_tools() {
  local missing=()
  command -v objdump >/dev/null || missing+=(binutils)
  command -v dpkg-architecture >/dev/null || missing+=(dpkg-dev)
  command -v desktop-file-validate >/dev/null || missing+=(desktop-file-utils)
  command -v dpkg-deb >/dev/null || { log "dpkg-deb not found: build on Debian/Ubuntu"; exit 1; }
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "${missing[@]}"
  fi
}

pick_python() {
  local cand
  for cand in python3.11 python3.12 python3.13 python3; do
    if command -v "$cand" >/dev/null &&
       "$cand" -c 'import sys, sysconfig; sys.exit(sys.version_info < (3, 11) or not sysconfig.get_config_var("Py_ENABLE_SHARED"))'; then
      echo "$cand"; return 0
    fi
  done
  log "need Python 3.11+ built with --enable-shared (PyInstaller bundles libpython)"; return 1
}

# The build venv: dependencies reinstalled only when pyproject.toml/setup.py change; the project
# itself is reinstalled (non-editable) on every build so the bundle has the current code. It is
# built from a fresh copy of the tracked sources: setuptools' in-tree build/lib would otherwise
# keep modules deleted since the last build, and they would be frozen into the bundle.
copy_sources() {
  local src="$BUILD/src"
  rm -rf "$src"; mkdir -p "$src"
  if git -C "$ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    (cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
       xargs -0 cp --parents --no-dereference -t "$src" 2>/dev/null || true)
  else
    (cd "$ROOT" && tar --exclude=./packaging/build --exclude=./packaging/dist --exclude=./.venv \
       -cf - . | tar -xf - -C "$src")
  fi
  echo "$src"
}

ensure_venv() {
  [ -x "$VENV/bin/python" ] || "$(pick_python)" -m venv "$VENV"
  local src stamp="$VENV/.installed" want
  src="$(copy_sources)"
  want=$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" | sha256sum | cut -c1-16)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "installing build dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check "$src[packaging]"
    echo "$want" > "$stamp"
  fi
  log "installing the project (non-editable) into the build venv"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps --force-reinstall \
    "$src"
}

app_version() {
  if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import myeloma_desk' 2>/dev/null; then
    "$VENV/bin/python" -c 'import myeloma_desk; print(myeloma_desk.__version__)'
  else
    sed -n 's/^__version__ = "\(.*\)"/\1/p' "$ROOT/myeloma_desk/__init__.py"
  fi
}

deb_arch() { dpkg --print-architecture; }

depends() {
  # Column 2 of system-libs.txt (the libraries the bundle takes from the system), in order.
  grep -v '^#' "$HERE/system-libs.txt" | awk 'NF { $1=""; sub(/^ /, ""); print }' |
    awk '!seen[$0]++' | paste -sd, - | sed 's/,/, /g'
}

# The newest glibc symbol version any bundled ELF file needs: the bundle's floor (the build
# host's glibc), declared so dpkg refuses older systems instead of the app failing at start.
glibc_floor() {
  [ -d "$FROZEN" ] || return 0
  { find "$FROZEN" -type f \( -name '*.so*' -o -perm -u+x \) -exec objdump -T {} + 2>/dev/null || true; } |
    grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -uV | tail -n 1
}

control() {  # control VERSION INSTALLED_SIZE_KB [GLIBC_FLOOR]
  local libc=""
  [ -z "${3:-}" ] || libc="libc6 (>= $3), "
  cat <<CONTROL
Package: $PKG
Version: $1
Architecture: $(deb_arch)
Maintainer: Myeloma Desk maintainers <maintainers@myeloma-desk.invalid>
Installed-Size: $2
Depends: $libc$(depends)
Section: science
Priority: optional
Description: offline reference for plasma cell neoplasms
 Myeloma Desk helps clinicians diagnose, stage and treat plasma cell neoplasms
 without a network connection: a criteria engine (IMWG diagnosis, ISS and
 related staging), a treatment-evidence database built from the NCI PDQ
 summary, a local patient store and printable reports.
 .
 The application is a self-contained PyInstaller bundle under /opt/myeloma-desk.
CONTROL
}

if [ -z "$version" ]; then version="$(app_version)"; fi
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
  log "invalid Debian version: $version"; exit 2
fi

if [ "$print_control" = 1 ]; then control "$version" 0; exit 0; fi

ensure_tools
desktop-file-validate "$HERE/$PKG.desktop"

if [ "$repackage" = 1 ]; then
  [ -x "$FROZEN/$PKG" ] || { log "--repackage: no frozen app at $FROZEN; build once first"; exit 1; }
  log "reusing the frozen app in $FROZEN"
else
  ensure_venv
  log "freezing with PyInstaller"
  start=$(date +%s)
  "$VENV/bin/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath "$DIST" --workpath "$BUILD/pyinstaller" "$ROOT/packaging/myeloma-desk.spec"
  log "frozen in $(( $(date +%s) - start )) s: $(du -sh "$FROZEN" | cut -f1) in $FROZEN"
fi

# Smoke-test the frozen app before packaging it (offscreen, private data folder).
smoke_home="$(mktemp -d)"
trap 'rm -rf "$smoke_home"' EXIT
QT_QPA_PLATFORM=offscreen "$FROZEN/$PKG" --version
if [ "$self_test" = 1 ]; then
  QT_QPA_PLATFORM=offscreen "$FROZEN/$PKG" self-test --data-dir "$smoke_home"
fi

# Stage the package tree.
stage="$BUILD/deb/${PKG}_${version}_$(deb_arch)"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
  "$stage/usr/share/icons/hicolor/scalable/apps" "$stage/usr/share/icons/hicolor/256x256/apps" \
  "$stage/usr/share/icons/hicolor/48x48/apps" "$stage/usr/share/doc/$PKG"
cp -a "$FROZEN" "$stage/opt/$PKG"
install -m 0755 "$HERE/$PKG.sh" "$stage/usr/bin/$PKG"
install -m 0644 "$HERE/$PKG.desktop" "$stage/usr/share/applications/$PKG.desktop"
install -m 0644 "$ROOT/resources/icons/$PKG.svg" "$stage/usr/share/icons/hicolor/scalable/apps/$PKG.svg"
install -m 0644 "$ROOT/resources/icons/$PKG-256.png" "$stage/usr/share/icons/hicolor/256x256/apps/$PKG.png"
install -m 0644 "$ROOT/resources/icons/$PKG-48.png" "$stage/usr/share/icons/hicolor/48x48/apps/$PKG.png"
install -m 0644 "$HERE/copyright" "$stage/usr/share/doc/$PKG/copyright"
"$VENV/bin/python" "$ROOT/packaging/collect_licenses.py" "$stage/usr/share/doc/$PKG/licenses" >&2
# No maintainer scripts: the desktop database and icon cache are refreshed by the dpkg triggers
# of desktop-file-utils and hicolor-icon-theme, and the app writes nothing under /opt.
chmod -R u+rwX,go+rX,go-w "$stage"
size_kb=$(du -sk --exclude=DEBIAN "$stage" | cut -f1)
control "$version" "$size_kb" "$(glibc_floor)" > "$stage/DEBIAN/control"
# md5sums lets `dpkg --verify myeloma-desk` detect damaged or altered installed files.
(cd "$stage" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z |
   xargs -0 md5sum) > "$stage/DEBIAN/md5sums"

mkdir -p "$out"
deb="$out/${PKG}_${version}_$(deb_arch).deb"
dpkg-deb --root-owner-group "${compress[@]}" --build "$stage" "$deb" >/dev/null
log "built $deb ($(du -h "$deb" | cut -f1), installed size $((size_kb / 1024)) MB)"
echo "$deb"
