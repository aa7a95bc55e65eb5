"""PDF speed: our whole PDF pipeline against bare pdfplumber and pypdfium2, same pages, same run.

    make bench ARGS=pdf                      (or: .venv/bin/python -m bench.pdf_bench [PDF ...])
    options: --repeat N (best of N, default 2), --no-profile, --profile-out FILE (pstats dump)

For every PDF with a text layer in corpus/, tests/fixtures/seed_pdf, tests/fixtures/unseen_pdf
and tests/fixtures/layouts (scans skipped: under 100 characters a page, they go to OCR):

  ours        pipeline.process.process_file(path, ocr=False): extract + segment, as `ita ingest`
  extract     extractors.pdf.extract_pdf(path, ocr=False): the extraction alone
  pdfplumber  page.extract_text() + page.extract_tables() for every page
  pdfium      pypdfium2's bare character read: the page's text and every character's box (the floor)

Each file is read by each reader in turn, best of --repeat (the first read warms the OS cache
and lazy imports; on a busy machine the best of two drops most outliers); the word
list is loaded once per process (printed apart), but the caches of Thai segmentation are
cleared before every read of ours, so each file costs what a file never seen costs. Prints
ms/page and pages/second of each and the ratio ours/pdfplumber (target <= 1.0). Then where
ours spends its time: wall-clock time per stage (no profiler overhead), and cProfile over the
same pages: the top functions by own time, and own time by module.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import glob
import importlib
import io
import os
import pstats
import sys
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("PYTHAINLP_DATA", str(ROOT / ".pythainlp-data"))

FOLDERS = ("corpus", "tests/fixtures/seed_pdf", "tests/fixtures/unseen_pdf", "tests/fixtures/layouts")
SCAN_CHARS = 100                 # fewer characters a page than this: a scan (OCR's work, not timed here)
TARGET = 1.0                     # ours / pdfplumber, issue 8


def default_pdfs() -> list[str]:
    return sorted(p for f in FOLDERS for p in glob.glob(str(ROOT / f / "*.pdf")))


def text_layer(path: str) -> tuple[int, int]:
    """(pages, characters of the text layer)."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        chars = 0
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            chars += max(0, tp.count_chars())
            tp.close()
            page.close()
        return len(doc), chars
    finally:
        doc.close()


# ---------------------------------------------------------------- the readers
def read_pdfplumber(path: str) -> None:
    import pdfplumber
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()


def read_pdfium(path: str) -> None:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(path)
    try:
        for i in range(len(doc)):
            page = doc[i]
            tp = page.get_textpage()
            n = tp.count_chars()
            tp.get_text_range(0, n)
            for k in range(n):
                tp.get_charbox(k, loose=True)
            tp.close()
            page.close()
    finally:
        doc.close()


def cold_caches() -> None:
    """Clear our modules' lru caches but the one-off loads (maxsize 1: the word list)."""
    for name, mod in list(sys.modules.items()):
        if not name.startswith(("extractors", "pipeline")):
            continue
        for f in list(vars(mod).values()):
            info = getattr(f, "cache_info", None)
            if info is not None and getattr(f, "__module__", None) == name and info().maxsize != 1:
                f.cache_clear()


def read_ours(path: str) -> None:
    from pipeline.process import process_file
    cold_caches()
    process_file(path, ocr=False)


def read_extract(path: str) -> None:
    from extractors.pdf import extract_pdf
    cold_caches()
    extract_pdf(path, ocr=False)


READERS = (("ours", read_ours), ("extract", read_extract), ("pdfplumber", read_pdfplumber), ("pdfium", read_pdfium))


def best_of(f, path: str, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        f(path)
        best = min(best, time.perf_counter() - t0)
    return best


# ---------------------------------------------------------------- stages
# (module, function, what it does); indented ones run inside the one above them
STAGES = (
    ("extractors.pdf", "document_em", "document em: samples up to 12 pages (loads them a second time)"),
    ("extractors.pdf_chars", "page_chars", "characters: pdfium text page, per-character calls"),
    ("extractors.pdf_chars", "drop_doubled_clusters", "  Skia's doubled clusters"),
    ("extractors.pdf_graphics", "page_graphics", "path and image objects -> rule pieces, fills"),
    ("extractors.pdf_graphics", "merge_rules", "rule pieces -> rules"),
    ("extractors.pdf", "page_tables", "tables: rule grids, text grids, cell text"),
    ("extractors.pdf", "_paragraph_blocks", "paragraphs: lines, text"),
    ("extractors.thai_repair", "repair_text", "  Thai repair (in cells and paragraphs)"),
    ("extractors.pdf", "text_quality", "page text quality"),
    ("extractors.pdf", "assemble", "pages -> document: running text, continued tables"),
    ("pipeline.process", "segment", "segment (header block, rows, facts)"),
)


@contextmanager
def timed_stages():
    """Wrap each stage's function where its callers look it up; yields {label: seconds}
    (the outermost call counts when a stage calls itself)."""
    spent: dict[str, float] = defaultdict(float)
    saved = []
    for mod_name, attr, label in STAGES:
        mod = importlib.import_module(mod_name)
        f = getattr(mod, attr)
        depth = [0]

        def wrapper(*args, _f=f, _label=label, _depth=depth, **kw):
            _depth[0] += 1
            t0 = time.perf_counter()
            try:
                return _f(*args, **kw)
            finally:
                _depth[0] -= 1
                if not _depth[0]:
                    spent[_label] += time.perf_counter() - t0
        saved.append((mod, attr, f))
        setattr(mod, attr, functools.wraps(f)(wrapper))
    try:
        yield spent
    finally:
        for mod, attr, f in saved:
            setattr(mod, attr, f)


def stages(paths: list[str], pages: int) -> None:
    with timed_stages() as spent:
        t0 = time.perf_counter()
        for p in paths:
            read_ours(p)
        total = time.perf_counter() - t0
    print(f"\nstages of ours (wall clock, {pages} pages, {1000 * total / pages:.1f} ms/page in all)")
    print(f"{'ms/page':>8} {'share':>6}  stage")
    top = 0.0
    for _, _, label in STAGES:
        print(f"{1000 * spent[label] / pages:8.1f} {spent[label] / total:6.1%}  {label}")
        top += 0 if label.startswith(" ") else spent[label]
    print(f"{1000 * (total - top) / pages:8.1f} {(total - top) / total:6.1%}  the rest (loading pages, orchestration)")


# ---------------------------------------------------------------- the profile
def _module(filename: str) -> str:
    p = Path(filename)
    try:
        return str(p.resolve().relative_to(ROOT))
    except ValueError:
        pass
    parts = p.parts
    if "site-packages" in parts:
        return parts[parts.index("site-packages") + 1].removesuffix(".py")
    return filename if filename.startswith("<") else p.name


def profile(paths: list[str], pages: int, top: int = 25, out_file: str | None = None) -> None:
    prof = cProfile.Profile()
    prof.enable()
    for p in paths:
        read_ours(p)
    prof.disable()
    if out_file:
        prof.dump_stats(out_file)
    stats = pstats.Stats(prof, stream=io.StringIO())
    # the profiler's own cost falls on small functions: read their ms as shares, not as times
    total = sum(v[2] for v in stats.stats.values())
    print(f"\nprofile of ours (cProfile, {pages} pages, {1000 * total / pages:.1f} ms/page under the profiler)")
    print(f"{'own ms/page':>11} {'share':>6} {'cum ms/page':>11} {'calls/page':>10}  function")
    rows = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:top]
    for (file, line, name), (cc, nc, tt, ct, _) in rows:
        print(f"{1000 * tt / pages:11.2f} {tt / total:6.1%} {1000 * ct / pages:11.2f} {nc / pages:10.0f}  "
              f"{_module(file)}:{line}({name})")
    by_module: dict[str, float] = defaultdict(float)
    for (file, _, _), (_, _, tt, _, _) in stats.stats.items():
        by_module[_module(file)] += tt
    print(f"\n{'own ms/page':>11} {'share':>6}  module (own time summed)")
    for mod, tt in sorted(by_module.items(), key=lambda kv: -kv[1])[:15]:
        print(f"{1000 * tt / pages:11.2f} {tt / total:6.1%}  {mod}")


# ---------------------------------------------------------------- the run
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdfs", nargs="*")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--no-profile", action="store_true")
    ap.add_argument("--profile-out", metavar="FILE")
    a = ap.parse_args([] if argv is None else argv)
    files = []
    for p in a.pdfs or default_pdfs():
        n, chars = text_layer(p)
        if chars < SCAN_CHARS * n:
            print(f"skipped (scan, {chars} characters on {n} pages): {Path(p).name}")
            continue
        files.append((p, n))
    t0 = time.perf_counter()
    read_ours(files[0][0])                   # the Thai word list and the models, once
    print(f"first document incl. one-off loads (word list, segmenter): {1000 * (time.perf_counter() - t0):.0f} ms")
    names = [n for n, _ in READERS]
    tot = dict.fromkeys(names, 0.0)
    pages = 0
    print(f"\n{'file':56} {'pages':>5} " + " ".join(f"{n:>10}" for n in names) + f" {'ours/plb':>8}  (ms/page)")
    for p, n in files:
        t = {name: best_of(f, p, a.repeat) for name, f in READERS}
        for k, v in t.items():
            tot[k] += v
        pages += n
        print(f"{Path(p).name[:56]:56} {n:5d} " + " ".join(f"{1000 * t[k] / n:10.1f}" for k in names)
              + f" {t['ours'] / t['pdfplumber']:8.2f}")
    print(f"{'TOTAL (' + str(len(files)) + ' files)':56} {pages:5d} "
          + " ".join(f"{1000 * tot[k] / pages:10.1f}" for k in names)
          + f" {tot['ours'] / tot['pdfplumber']:8.2f}")
    print("pages/second: " + ", ".join(f"{k} {pages / tot[k]:.1f}" for k in names))
    ratio = tot["ours"] / tot["pdfplumber"]
    print(f"ratio ours/pdfplumber {ratio:.2f} (target <= {TARGET:.1f}: {'met' if ratio <= TARGET else 'NOT met'}); "
          f"ours/pdfium floor {tot['ours'] / tot['pdfium']:.1f}x; extract/pdfplumber "
          f"{tot['extract'] / tot['pdfplumber']:.2f}")
    if hasattr(os, "getloadavg"):
        print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    stages([p for p, _ in files], pages)
    if not a.no_profile:
        profile([p for p, _ in files], pages, out_file=a.profile_out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
