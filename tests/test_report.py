"""HTML audit report (pipeline/report.py), checked in headless Chromium.

Chromium is required (CI installs Debian `chromium`): a missing browser FAILS the test."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from pipeline import dupes, report
from tests.plant_corpus import generate, load

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "chromium")


def _chromium() -> str:
    for c in CHROMIUM_CANDIDATES:
        p = shutil.which(c) or (c if Path(c).exists() else None)
        if p:
            return p
    pytest.fail("headless Chromium not found (looked for /usr/bin/chromium): install Debian package "
                "`chromium` (make system-deps) to run the HTML report test", pytrace=False)


def _run_chromium(tmp_path: Path, url: str, *extra: str, timeout: int = 120) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    corpus = generate(16, seed=4, n_cross=3, n_within=2, n_resubmit=1)
    con = duckdb.connect()
    load(con, corpus)
    dupes.recompute(con)
    out = tmp / "audit.html"
    report.write_report(con, out)
    return corpus, con, out, tmp


def test_report_structure(audit):
    corpus, con, out, _ = audit
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "http://" not in page and "https://" not in page           # no network resources
    for kind in dupes.KINDS:
        assert f'id="{kind}"' in page
    # every planted foreign name is shown
    for _, core in corpus.truth["foreign"]:
        assert core in page
    # agencies ranked by copied share, descending
    shares = [float(x) for x in re.findall(r'<td class="num share">([\d.]+)%', page)]
    assert len(shares) == len(corpus.docs) and shares == sorted(shares, reverse=True) and shares[0] > 0
    assert "file://" in page


def test_report_renders_in_headless_chromium(audit):
    corpus, con, out, tmp = audit
    res = _run_chromium(tmp, out.as_uri(), "--dump-dom")
    assert res.returncode == 0, res.stderr[-2000:]
    dom = res.stdout
    assert "<table" in dom and 'id="rank"' in dom
    # the side-by-side findings with highlighted spans made it into the rendered DOM
    assert dom.count('class="sides"') >= len(corpus.truth["cross_agency"]) // 2
    marks = re.findall(r"<mark>(.*?)</mark>", dom, flags=re.S)
    assert len(marks) > 20
    # a highlighted span of a within-report finding is the pasted sentence
    within = dupes.findings(con, kind="within_report")[0]
    first_piece = within["shared_text"].split(" … ")[0][:20]
    assert any(first_piece.replace(" ", "") in html.unescape(m).replace(" ", "").replace("\n", "")
               for m in marks)


def test_report_screenshot_for_readme(audit):
    """Chromium takes a screenshot of the report; ITA_UPDATE_SCREENSHOT=1 copies it to
    docs/audit-report.png for the README (tests do not rewrite tracked files otherwise)."""
    _, _, out, tmp = audit
    shot = tmp / "audit-report.png"
    res = _run_chromium(tmp, out.as_uri(), f"--screenshot={shot}", "--window-size=1280,2000",
                        "--hide-scrollbars")
    assert res.returncode == 0, res.stderr[-2000:]
    assert shot.exists() and shot.stat().st_size > 10_000
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("ITA_UPDATE_SCREENSHOT") == "1":
        (ROOT / "docs").mkdir(exist_ok=True)
        shutil.copyfile(shot, ROOT / "docs" / "audit-report.png")
