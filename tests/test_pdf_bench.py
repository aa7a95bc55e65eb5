"""The PDF bench runs (its figures are for `make bench`, not asserted here): every reader
reads the same pages, the stage timers wrap the functions the pipeline really calls, and
the profile names our modules."""
import re

from bench import pdf_bench
from tests.conftest import CORPUS

PDF = CORPUS / "ita_measures_namyuen_hosp_corruption_risk_status_fy2567.pdf"
SCAN = CORPUS / "scanned_official_letter_phitsanulok_2568_imageonly.pdf"


def test_pdf_bench_reports_every_reader_stage_and_profile(capsys):
    assert pdf_bench.main([str(PDF), str(SCAN), "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert f"skipped (scan, 0 characters on 4 pages): {SCAN.name}" in out
    total = re.search(r"^TOTAL \(1 files\)\s+(\d+)((?:\s+[\d.]+){5})$", out, flags=re.M)
    assert total and int(total.group(1)) == 2
    ours, extract, plumber, pdfium, ratio = map(float, total.group(2).split())
    assert min(ours, extract, plumber, pdfium) > 0 and abs(ratio - ours / plumber) < 0.02
    stages = dict((label.strip(), float(ms)) for ms, label in
                  re.findall(r"^\s*([\d.]+)\s+[\d.]+%\s+(.+)$", out.split("stages of ours")[1].split("profile of")[0],
                             flags=re.M))
    for label in ("characters: pdfium text page, per-character calls", "tables: rule grids, text grids, cell text",
                  "Thai repair (in cells and paragraphs)", "segment (header block, rows, facts)"):
        assert stages[label] > 0, label               # each timer saw its function called
    assert "extractors/pdf_chars.py:" in out.split("profile of ours")[1]


def test_timers_are_removed_after_the_stages():
    before = [getattr(__import__(m, fromlist=[a]), a) for m, a, _ in pdf_bench.STAGES]
    with pdf_bench.timed_stages():
        pass
    assert [getattr(__import__(m, fromlist=[a]), a) for m, a, _ in pdf_bench.STAGES] == before
