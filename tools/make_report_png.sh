#!/usr/bin/env bash
# Make docs/report-page1.png: render the demo report (docs/examples/report-demo-snapshot.json)
# to PDF with the real CLI, then rasterise page 1 with pdftoppm (Debian: poppler-utils).
#   bash tools/make_report_png.sh [PAGE-SIZE]      (A4 by default)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v pdftoppm >/dev/null || { echo "make_report_png: pdftoppm missing (apt-get install poppler-utils)" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# A private data dir: no settings of the developer's profile leak into the picture.
QT_QPA_PLATFORM=offscreen .venv/bin/myeloma-desk --data-dir "$work/home" report \
  docs/examples/report-demo-snapshot.json -o "$work/report.pdf" --page-size "${1:-A4}"
pdftoppm -f 1 -l 1 -r 80 -png -singlefile "$work/report.pdf" docs/report-page1
echo "wrote docs/report-page1.png"
