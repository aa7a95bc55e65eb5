#!/usr/bin/env bash
# Render TXT reports as Word files (DOCX) with the merged cells a Word author makes, to test
# extractors/docx.py on files it did not write: TXT -> scripts/seed_to_html.py --word-merges
# (section rows spanning the row, tool/indicator cells merged down, equal owner/period cells
# merged, two-row headers with a parent spanning its sub-columns, shaded headers, numbered
# lists) -> LibreOffice Writer -> "MS Word 2007 XML" (w:gridSpan, w:vMerge, w:shd, w:numPr).
# Output: OUT_DIR/<stem>.docx, plus <stem>.gold.json when SRC_DIR has one (the gold scorer
# matches documents by stem).
# Usage: scripts/render_docx.sh SRC_DIR OUT_DIR   (needs libreoffice-writer)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:?usage: render_docx.sh SRC_DIR OUT_DIR}
out=${2:?usage: render_docx.sh SRC_DIR OUT_DIR}
py=${PYTHON:-$here/.venv/bin/python}
[ -x "$py" ] || py=python3
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-writer" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for txt in "$src"/*.txt; do
  stem=$(basename "$txt" .txt)
  "$py" "$here/scripts/seed_to_html.py" --word-merges "$txt" "$tmp/$stem.html"
  timeout 180 soffice --headless -env:UserInstallation=file://$tmp/profile \
      --infilter="HTML (StarWriter)" --convert-to "docx:MS Word 2007 XML" \
      --outdir "$tmp" "$tmp/$stem.html" >/dev/null 2>&1
  [ -s "$tmp/$stem.docx" ] || { echo "failed: $txt" >&2; exit 1; }
  cp "$tmp/$stem.docx" "$out/$stem.docx"
  [ ! -f "$src/$stem.gold.json" ] || cp "$src/$stem.gold.json" "$out/"
  echo "$out/$stem.docx"
done
