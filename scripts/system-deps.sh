#!/usr/bin/env bash
# Installs the Debian packages the project uses when they are missing:
#   tesseract-ocr + tesseract-ocr-tha  (OCR of scanned PDFs; without them scans get status needs_ocr)
#   chromium + fonts-thai-tlwg         (the test that renders the HTML audit report: Thai must
#                                        render as glyphs, not boxes)
# Usage: system-deps.sh [ocr|all] [--quiet]   (default: all)
# Needs root and apt-get; elsewhere it says what to install and exits 0.
set -u
what=all quiet=
for arg in "$@"; do
  case "$arg" in
    ocr|all) what=$arg ;;
    --quiet) quiet=1 ;;
  esac
done
need=()
{ command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -qx tha; } \
  || need+=(tesseract-ocr tesseract-ocr-tha)
[ "$what" = all ] && ! command -v chromium >/dev/null 2>&1 && need+=(chromium)
[ "$what" = all ] && ! fc-list :lang=th 2>/dev/null | grep -q . && need+=(fonts-thai-tlwg)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  [ -n "$quiet" ] || echo "optional system packages missing: ${need[*]} (install them with your package manager)" >&2
  exit 0
fi
echo "installing system packages: ${need[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null 2>&1 || true
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1 \
  || echo "could not install ${need[*]}: scanned PDFs will get status needs_ocr" >&2
exit 0
