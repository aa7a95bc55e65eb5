#!/usr/bin/env bash
# Render the unseen TXT reports (tests/fixtures/unseen/*.txt) as PDFs in styles unlike the
# seed renderings, to test extractors/pdf.py on layouts it was not written against:
# other TLWG fonts and sizes, A4 landscape, tables with horizontal rules only or only an
# outer frame, and one long table broken across pages (rows cut by the page break).
# Output: tests/fixtures/unseen_pdf/<stem>.pdf + a copy of <stem>.gold.json (the gold
# scorer matches documents by stem). Same pipeline as render_seed_pdfs.sh:
# TXT -> scripts/seed_to_html.py (style options) -> LibreOffice Writer -> PDF.
# Tables without vertical rules get Word's default cell margins (0.19 cm, --padding 7):
# their columns are found from the white gutters between texts.
# Usage: scripts/render_variants.sh [SRC_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
src=${1:-$here/tests/fixtures/unseen}
out=${2:-$here/tests/fixtures/unseen_pdf}
py=${PYTHON:-$here/.venv/bin/python}
[ -x "$py" ] || py=python3
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-writer fonts-thai-tlwg" >&2; exit 1; }

# stem -> seed_to_html.py options (one style per file; unknown stems get the last line)
style() {
  case "$1" in
    u01_*) echo "--font Garuda --size 14" ;;                          # wide sans font, full grid
    u02_*) echo "--font Norasi --size 16 --borders hrules --padding 7" ;;   # horizontal rules only
    u03_*) echo "--font Loma --size 15 --landscape" ;;                # A4 landscape
    u04_*) echo "--font Kinnari --size 16 --borders outer --padding 7" ;;   # outer frame only
    u05_*) echo "--font Laksaman --size 16 --join" ;;                 # one long table, cut rows
    u06_*) echo "--font Norasi --size 15 --landscape --borders hrules" ;;  # LibreOffice's 4 px padding
    *)     echo "--font Kinnari --size 15" ;;
  esac
}

for f in Garuda Norasi Loma Kinnari Laksaman; do
  fc-list : family 2>/dev/null | grep -q "$f" || echo "warning: font $f not installed (fonts-thai-tlwg)" >&2
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for txt in "$src"/*.txt; do
  stem=$(basename "$txt" .txt)
  # shellcheck disable=SC2046
  "$py" "$here/scripts/seed_to_html.py" "$txt" "$tmp/$stem.html" $(style "$stem")
  timeout 180 soffice --headless -env:UserInstallation=file://$tmp/profile \
      --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export \
      --outdir "$tmp" "$tmp/$stem.html" >/dev/null 2>&1
  [ -s "$tmp/$stem.pdf" ] || { echo "failed: $txt" >&2; exit 1; }
  cp "$tmp/$stem.pdf" "$out/$stem.pdf"
  [ -f "$src/$stem.gold.json" ] && cp "$src/$stem.gold.json" "$out/$stem.gold.json"
  echo "$out/$stem.pdf  ($(style "$stem"))"
done
