"""`make bench`: throughput and memory figures (not part of `make test`).

  ingest  1,000 TXT documents (corpus/ replicated), 1 vs 2 workers: docs/s, speed-up, peak memory
  pdf     pages/s of our PDF pipeline against bare pdfplumber and pypdfium2 on the same pages, profile
  dupes   copy-paste candidates + verification at 10k / 30k / 100k passages, naive all-pairs at 10k
  stress  peak memory of parent and workers on a 300 MB TXT, a 100k-row TXT, a 20000 pt PDF page
  ocr     scans: seconds per page by stage at 150 / 200 / 300 dpi, gold score at each, 1 vs all workers
  engines the 1,000 documents by engine (local pool into DuckDB, local/dask/ray into Parquet shards), ita load

Run one part with `make bench ARGS=pdf`; `stress` runs only when named. Options after a part
go to it (`make bench ARGS="pdf --repeat 3"`).
"""
from __future__ import annotations

import importlib
import sys
import time

PARTS = {"ingest": "bench.ingest_bench", "pdf": "bench.pdf_bench", "dupes": "bench.dupes_bench",
         "stress": "bench.stress_bench", "ocr": "bench.ocr_bench", "engines": "bench.engines_bench"}


def main(argv: list[str]) -> int:
    opts = next((argv[i:] for i, w in enumerate(argv) if w.startswith("-")), [])
    names = argv[:len(argv) - len(opts)]
    wanted = names or [p for p in PARTS if p != "stress"]      # stress takes ~15 minutes: on request
    unknown = [w for w in wanted if w not in PARTS]
    if unknown:
        print(f"unknown bench part(s): {', '.join(unknown)}; choose from {', '.join(PARTS)}", file=sys.stderr)
        return 2
    for part in wanted:
        print(f"\n== {part} ==", flush=True)
        started = time.time()
        module = importlib.import_module(PARTS[part])
        module.main(opts) if opts else module.main()
        print(f"({part} took {time.time() - started:.0f} s)", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
