"""Render the gold reports in the table layouts real agencies publish, by producers other than the
project's own (Chromium print-to-PDF, python-docx -> LibreOffice), with the gold each rendering
must be read as.

For every PLAN entry: tests/fixtures/layouts/<stem>__<layout>.pdf and <stem>__<layout>.gold.json
(the scorer matches gold by file stem), plus the producer's input: html/<stem>__<layout>.html
(Chromium) or <stem>__<layout>.docx (LibreOffice; DOCX test material with the same gold).
Negatives (neg_*.pdf, no measures table) have no gold file. See README "Layout fixtures".

Usage: .venv/bin/python scripts/make_layouts.py [--out DIR] [--only TEXT] [--preview DIR]
"""
import argparse
import json
import shutil
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from layouts.build import build_doc                      # noqa: E402
from layouts.designs import DESIGNS                      # noqa: E402
from layouts.docx_render import render_docx              # noqa: E402
from layouts.html_render import render_html              # noqa: E402
from layouts.producers import chromium_pdf, libreoffice_pdfs, missing_fonts, pdf_pages, previews  # noqa: E402
from layouts.source import load_sources                  # noqa: E402
from layouts.spec import Cell, Doc, Para, Row, Table     # noqa: E402

PLAN = json.loads((ROOT / "scripts" / "layouts" / "plan.json").read_text(encoding="utf-8"))["plan"]

PRODUCER_TAG = {"chromium": "chromium", "libreoffice": "docx"}


def fixture_name(stem: str, design: str, producer: str) -> str:
    return f"{stem}__{design}_{PRODUCER_TAG[producer]}"


def gold_file(report, name: str, design_key: str, d, producer: str, font: str, size: float,
              measures: list[dict], notes: list[str]) -> dict:
    src = report.gold
    out = {}
    for k, v in src.items():
        if k == "source":
            v = f"{name}.pdf"
        elif k == "measures":
            v = [dict(m, line=None) for m in measures]
        elif k == "scores":
            v = v if d.scores else []
        out[k] = v
    orientation = {"all": "A4 landscape", "table": "portrait and landscape pages", "no": "A4 portrait"}[d.landscape]
    out["notes"] = [f"layout {design_key}: {d.describe} ({orientation})",
                    f"producer {producer}, font {font} {size:g} pt; source gold {Path(src['source']).stem}.gold.json",
                    "line: null (a line of the source TXT means nothing in this rendering)", *notes]
    return out


def negative_doc(spec: dict) -> Doc:
    rows = [Row([Cell(t, bold=r == 0, align="center" if r == 0 else None, shade="D9D9D9" if r == 0 else None)
                 for t in row], "header" if r == 0 else "body") for r, row in enumerate(spec["rows"])]
    blocks = ([Para(t, "center", True) for t in spec["title"]] + [Para(t, "justify") for t in spec["body"]]
              + [Table(rows, spec["widths"], "grid", 1, True)] + [Para(t, "center") for t in spec["closing"]])
    return Doc(blocks, spec["font"], spec["size"])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "tests" / "fixtures" / "layouts")
    ap.add_argument("--only", help="render only fixtures whose name contains this")
    ap.add_argument("--preview", type=Path, help="also write every page as PNG here")
    a = ap.parse_args()
    reports = load_sources(ROOT)
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "html").mkdir(exist_ok=True)
    jobs = []            # (name, producer, Doc)
    for job in PLAN:
        design_key, producer, font, size = job["layout"], job["producer"], job["font"], job["size"]
        report, name = reports[job["report"]], fixture_name(job["report"], design_key, producer)
        if a.only and a.only not in name:
            continue
        design = replace(DESIGNS[design_key], **job.get("overrides", {}))
        doc, measures = build_doc(report, design, font, size)
        gold = gold_file(report, name, design_key, design, producer, font, size, measures, doc.notes)
        (a.out / f"{name}.gold.json").write_text(json.dumps(gold, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        jobs.append((name, producer, doc))
    negatives = json.loads((ROOT / "scripts" / "layouts" / "negatives.json").read_text(encoding="utf-8"))
    for name, spec in negatives.items():
        if not name.startswith("_") and not (a.only and a.only not in name):
            jobs.append((name, spec["producer"], negative_doc(spec)))
    missing = missing_fonts({doc.font for *_, doc in jobs})
    if missing:
        print(f"fonts not installed: {', '.join(missing)} (apt-get install fonts-thai-tlwg fonts-noto-core)",
              file=sys.stderr)
        return 2
    docx = []
    for name, producer, doc in jobs:
        if producer == "chromium":
            html = a.out / "html" / f"{name}.html"
            html.write_text(render_html(doc), encoding="utf-8")
            chromium_pdf(html, a.out / f"{name}.pdf")
        else:
            render_docx(doc, a.out / f"{name}.docx")
            docx.append(a.out / f"{name}.docx")
    if docx:
        with tempfile.TemporaryDirectory() as tmp:
            libreoffice_pdfs(docx, Path(tmp))
            for f in docx:
                shutil.move(Path(tmp) / f"{f.stem}.pdf", a.out / f"{f.stem}.pdf")
    for name, producer, _ in jobs:
        pages = pdf_pages(a.out / f"{name}.pdf")
        shape = "".join("L" if w > h else "P" for w, h, _ in pages)
        print(f"{name}.pdf  {producer:<11} pages {len(pages):>2} {shape:<6} chars/page min {min(c for *_, c in pages)}")
        if a.preview:
            previews(a.out / f"{name}.pdf", a.preview)
    return 0


if __name__ == "__main__":
    sys.exit(main())
