"""OCR path: seconds per page, what dominates, and accuracy by resolution.

  * stages of ``ocr_page.read_page`` on the committed scans (tests/fixtures/scans, made by
    scripts/make_scans.py from real reports and the seed renderings), one process: render,
    level (skew), rules + grid, OCR (Tesseract), digits, assignment (cells, paragraphs,
    repair), at 150 / 200 / 300 dpi;
  * accuracy at each dpi: the scans ingested through ``ita ingest`` with ITA_OCR_DPI set,
    scored with the shared scorer against tests/gold;
  * throughput of ``ita ingest`` at the default dpi with 1 worker and with all workers.

``make bench ARGS=ocr``; ITA_BENCH_OCR_PAGES limits the pages timed per dpi (default 12).
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCANS = ROOT / "tests" / "fixtures" / "scans"
GOLD = ROOT / "tests" / "gold"
DPIS = (150, 200, 300)


def _stage_times(dpi: int, pages: int) -> tuple[dict, int]:
    """Seconds per stage over the first ``pages`` pages of the scans (round robin)."""
    import pypdfium2 as pdfium

    from extractors import ocr_page

    docs = [pdfium.PdfDocument(str(p)) for p in sorted(SCANS.glob("*.pdf"))]
    todo = [(d, i) for i in range(max(len(d) for d in docs)) for d in docs if i < len(d)][:pages]
    ocr_page.read_page(docs[0][0], 1, dpi=dpi)          # engine and word list loaded once, not timed
    total: dict = {}
    for d, i in todo:
        t: dict = {}
        ocr_page.read_page(d[i], i + 1, dpi=dpi, timings=t)
        for k, v in t.items():
            total[k] = total.get(k, 0.0) + v
    return total, len(todo)


def _ingest(folder: Path, db: Path, workers: int, dpi: int) -> float:
    env = {**os.environ, "ITA_OCR_DPI": str(dpi)}
    exe = Path(sys.executable).with_name("ita")
    started = time.time()
    subprocess.run([str(exe), "ingest", str(folder), "--db", str(db), "--no-progress", "--no-dupes",
                    "--workers", str(workers), "--timeout", "0"], env=env, check=False, capture_output=True)
    return time.time() - started


def _score(db: Path) -> str:
    out = subprocess.run([sys.executable, str(ROOT / "tests" / "score_gold.py"), "--db", str(db), "--gold", str(GOLD)],
                         capture_output=True, text=True).stdout.strip().splitlines()
    return "\n".join("    " + line for line in out)


def main() -> None:
    from extractors import ocr_page

    ok, msg = ocr_page.ocr_available()
    if not ok:
        print(f"OCR unavailable: {msg}")
        return
    print(f"engine: {msg}; load average at start {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    pages = int(os.environ.get("ITA_BENCH_OCR_PAGES", "12"))
    n_pages = sum(len(__import__("pypdfium2").PdfDocument(str(p))) for p in SCANS.glob("*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "scans"
        folder.mkdir()
        for p in SCANS.glob("*.pdf"):
            (folder / p.name).write_bytes(p.read_bytes())
        for dpi in DPIS:
            t, n = _stage_times(dpi, pages)
            per = sum(t.values()) / max(1, n)
            parts = ", ".join(f"{k} {v / n:.2f}" for k, v in sorted(t.items(), key=lambda kv: -kv[1]))
            print(f"{dpi} dpi: {per:.2f} s/page on one core ({n} pages): {parts}", flush=True)
            db = Path(tmp) / f"scans_{dpi}.duckdb"
            secs = _ingest(folder, db, os.cpu_count() or 1, dpi)
            print(f"  ita ingest, {n_pages} pages, {os.cpu_count()} workers: {secs:.1f} s "
                  f"({secs / n_pages:.2f} s/page); gold:\n{_score(db)}", flush=True)
        db = Path(tmp) / "scans_1w.duckdb"
        secs = _ingest(folder, db, 1, ocr_page.DEFAULT_DPI)
        print(f"default {ocr_page.DEFAULT_DPI} dpi, 1 worker: {secs:.1f} s ({secs / n_pages:.2f} s/page)")


if __name__ == "__main__":
    main()
