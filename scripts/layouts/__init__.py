"""Layout fixtures: report content -> producer-neutral documents -> Chromium / LibreOffice PDFs with gold (scripts/make_layouts.py)."""
