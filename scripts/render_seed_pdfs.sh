#!/usr/bin/env bash
# Render the TXT seed reports as PDFs: tests/fixtures/seed_pdf/<stem>.pdf for every seeds/<stem>.txt
# (same stem: the gold scorer matches documents by file stem).
# TXT -> HTML (scripts/seed_to_html.py: paragraphs -> <p>, tab lines -> bordered tables,
# cell markup kept) -> LibreOffice Writer -> PDF, TLWG "Laksaman" (TH Sarabun clone) 14pt, A4.
# Needs: libreoffice-writer, fonts-thai-tlwg. Usage: scripts/render_seed_pdfs.sh [SEEDS_DIR] [OUT_DIR]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seeds=${1:-$here/../shared/seeds}
out=${2:-$here/tests/fixtures/seed_pdf}
py=${PYTHON:-$here/.venv/bin/python}
[ -x "$py" ] || py=python3
command -v soffice >/dev/null || { echo "soffice not found: apt-get install libreoffice-writer fonts-thai-tlwg" >&2; exit 1; }
fc-list : family 2>/dev/null | grep -c Laksaman >/dev/null || echo "warning: font Laksaman not installed (fonts-thai-tlwg); LibreOffice will substitute" >&2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"
for txt in "$seeds"/*.txt; do
  stem=$(basename "$txt" .txt)
  "$py" "$here/scripts/seed_to_html.py" "$txt" "$tmp/$stem.html"
  # own profile dir: does not clash with a running LibreOffice; bounded in time
  timeout 180 soffice --headless -env:UserInstallation=file://$tmp/profile \
      --infilter="HTML (StarWriter)" --convert-to pdf:writer_pdf_Export \
      --outdir "$tmp" "$tmp/$stem.html" >/dev/null 2>&1
  [ -s "$tmp/$stem.pdf" ] || { echo "failed: $txt" >&2; exit 1; }
  cp "$tmp/$stem.pdf" "$out/$stem.pdf"
  echo "$out/$stem.pdf"
done
