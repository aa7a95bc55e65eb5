#!/usr/bin/env bash
# Installs the Debian packages the project uses when they are missing:
#   tesseract-ocr + tesseract-ocr-tha  (OCR of scanned PDFs; without them scans get status needs_ocr)
#   chromium                           (the headless-browser test of the HTML audit report)
# Needs root and apt-get; elsewhere it prints what to install and exits 0.
set -u
quiet=${1:-}
need=()
command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx tha || need+=(tesseract-ocr tesseract-ocr-tha)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  [ "$quiet" = --quiet ] || echo "optional system packages missing: ${need[*]} (install them with your package manager)" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "could not install ${need[*]}: scanned PDFs will get status needs_ocr" >&2
exit 0
