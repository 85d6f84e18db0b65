#!/usr/bin/env bash
# Build "Myeloma Desk.app" and a .dmg on macOS.
#
# NOT BUILT OR TESTED: written on a Linux machine without macOS. Read docs/installers.md
# ("macOS") before the first build, and test the .dmg on a clean Mac without network.
#
#   bash packaging/macos/build-macos.sh [--version VER] [--sign IDENTITY]
#
# Needs: macOS 11+, Python 3.11+ from python.org (universal2 or the Mac's architecture), Xcode
# command line tools (codesign, hdiutil). The .app is built for the architecture of the Python
# used; build once on Apple silicon and once on Intel if both are needed.
# Output: packaging/dist/Myeloma Desk.app and packaging/dist/myeloma-desk-<version>.dmg
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="$ROOT/packaging/build"
DIST="$ROOT/packaging/dist"
VENV="$BUILD/venv-macos"
APP="$DIST/Myeloma Desk.app"

version="" identity="-"   # "-" = ad-hoc signature (runs locally; Gatekeeper still warns)
while [ $# -gt 0 ]; do
  case "$1" in
    --version) version="$2"; shift 2 ;;
    --sign) identity="$2"; shift 2 ;;
    *) echo "build-macos.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ "$(uname)" = Darwin ] || { echo "build-macos.sh: run this on macOS" >&2; exit 1; }

# Clean build venv with a non-editable install plus PyInstaller (the `packaging` extra).
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
"$VENV/bin/python" -m pip install -q "$ROOT[packaging]"
rm -rf "$ROOT/build"  # setuptools' in-tree build/lib keeps modules deleted since the last build
"$VENV/bin/python" -m pip install -q --no-deps --force-reinstall "$ROOT"
[ -n "$version" ] || version="$("$VENV/bin/python" -c 'import myeloma_desk; print(myeloma_desk.__version__)')"

# Freeze: the spec makes the onedir app and, on macOS, wraps it in "Myeloma Desk.app" (BUNDLE).
"$VENV/bin/pyinstaller" --noconfirm --clean --distpath "$DIST" --workpath "$BUILD/pyinstaller" \
  "$ROOT/packaging/myeloma-desk.spec"
/usr/libexec/PlistBuddy -c "Set :CFBundleShortVersionString $version" "$APP/Contents/Info.plist"
/usr/libexec/PlistBuddy -c "Set :CFBundleVersion $version" "$APP/Contents/Info.plist"

# Smoke test of the frozen app before signing and packaging (offscreen: no window opens).
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/myeloma-desk" self-test --data-dir "$scratch/data"

# Sign (Info.plist changed above). With a Developer ID identity, also notarize before sharing:
#   xcrun notarytool submit myeloma-desk-VER.dmg --keychain-profile PROFILE --wait
#   xcrun stapler staple myeloma-desk-VER.dmg
codesign --force --deep --options runtime --sign "$identity" "$APP"
codesign --verify --deep --strict "$APP"

# The .dmg: the app plus a link to /Applications to drag it onto.
stage="$scratch/dmg"
mkdir -p "$stage"
cp -R "$APP" "$stage/"
ln -s /Applications "$stage/Applications"
dmg="$DIST/myeloma-desk-$version.dmg"
rm -f "$dmg"
hdiutil create -volname "Myeloma Desk $version" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
echo "$dmg"
