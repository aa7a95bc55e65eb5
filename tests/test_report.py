"""HTML audit report (pipeline/report.py), checked in headless Chromium.

Chromium is required (CI installs Debian `chromium`): a missing browser FAILS the test."""
from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

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


def _run_chromium(tmp_path: Path, url: str, *extra: str, timeout: int = 120, env=None) -> subprocess.CompletedProcess:
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-dev-shm-usage", "--no-proxy-server", "--host-resolver-rules=MAP * ~NOTFOUND",
           f"--user-data-dir={profile}", *extra, url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def audit(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    corpus = generate(16, seed=4, n_cross=3, n_within=2, n_resubmit=1)
    con = duckdb.connect()
    load(con, corpus)
    # the reports as files in a folder of their own, one problem document of each kind
    reports = tmp / "รายงาน ITA"
    reports.mkdir()
    for d in corpus.docs:
        f = reports / f"{d.agency}_{d.fiscal_year}.txt"
        f.write_text("\n".join(t for _, t in d.paragraphs), encoding="utf-8")
        con.execute("UPDATE documents SET source_path = ? WHERE doc_id = ?", [str(f), d.doc_id])
    for doc_id, status, error in (("bad", "failed", "truncated or corrupt PDF"),
                                  ("scan", "needs_ocr", "scanned pages without a text layer")):
        (reports / f"{doc_id}.pdf").write_bytes(b"%PDF-1.4")
        con.execute("INSERT INTO documents (doc_id, source_path, sha256, status, error) VALUES (?, ?, ?, ?, ?)",
                    [doc_id, str(reports / f"{doc_id}.pdf"), doc_id, status, error])
    dupes.recompute(con)
    out = tmp / "out" / "audit.html"
    report.write_report(con, out)
    return corpus, con, out, tmp


def _hrefs(page: str) -> list[str]:
    return [html.unescape(h) for h in re.findall(r'href="([^"#]+)(?:#[^"]*)?"', page)]


def test_report_structure(audit):
    corpus, con, out, _ = audit
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page
    assert "http://" not in page and "https://" not in page           # no network resources
    assert report.THAI_FONTS in page and '"Noto Sans Thai"' in report.THAI_FONTS
    for kind in dupes.KINDS:
        assert f'id="{kind}"' in page
    # every planted foreign name is shown
    for _, core in corpus.truth["foreign"]:
        assert core in page
    # agencies ranked by copied share, descending
    shares = [float(x) for x in re.findall(r'<td class="num share">([\d.]+)%', page)]
    assert len(shares) == len(corpus.docs) + 2 and shares == sorted(shares, reverse=True) and shares[0] > 0
    # pairs first, with who repeats whom
    assert page.index('id="pairs"') < page.index('id="agencies"') and " repeats " in page
    # per agency: its documents with their status; problem documents are visible
    assert 'class="status-failed">failed</span> — truncated or corrupt PDF' in page
    assert 'class="status-needs_ocr">needs_ocr</span>' in page


def test_report_links_travel_with_the_folder(audit, tmp_path):
    _, con, out, tmp = audit
    page = out.read_text(encoding="utf-8")
    assert "file://" not in page and str(tmp) not in page
    hrefs = _hrefs(page)
    assert len(hrefs) > 20 and all(h.startswith("../") for h in hrefs)
    moved = tmp_path / "sent to a colleague"                          # the whole folder, moved
    shutil.copytree(tmp, moved)
    assert all((moved / "out" / unquote(h)).exists() for h in hrefs)
    other = tmp_path / "base.html"
    report.write_report(con, other, base_url="https://intranet.example/ita/")
    based = _hrefs(other.read_text(encoding="utf-8"))
    assert based and all(h.startswith("https://intranet.example/ita/") for h in based)
    assert "https://intranet.example/ita/bad.pdf" in based    # the path under the folder of all reports


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


# Thai marks (above/below vowels, tone marks) have no advance in a Thai font: "ทิ่นิ่…" is as
# wide as "ทน…". Without a Thai font every code point is a box of its own: three times wider.
PLAIN, MARKED = "ทนปนทน", "ทิ่นิ่ปิ่นิ่ทิ่นิ่"


def _thai_width_ratio(tmp: Path, page_text: str, env=None) -> float:
    """Width of MARKED over PLAIN, rendered by Chromium in the report's font stack next to a
    Thai line of the report itself (a separate test page: the report has no scripts)."""
    probe = tmp / f"thai-probe-{abs(hash(str(env)))}.html"
    probe.write_text(f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8"><style>{report.CSS}
span{{white-space:pre;font-size:32px}}</style></head><body><h1>{html.escape(page_text)}</h1>
<span id="plain">{PLAIN}</span><br><span id="marked">{MARKED}</span><script>
const w = id => document.getElementById(id).getBoundingClientRect().width;
document.body.setAttribute("data-ratio", (w("marked") / w("plain")).toFixed(3));
</script></body></html>""", encoding="utf-8")
    res = _run_chromium(tmp, probe.as_uri(), "--dump-dom", env=env)
    assert res.returncode == 0, res.stderr[-2000:]
    m = re.search(r'data-ratio="([\d.]+)"', res.stdout)
    assert m, res.stdout[-2000:]
    return float(m.group(1))


def _latin_only_fonts(tmp: Path) -> dict:
    """An environment whose fontconfig sees one Latin font only: a machine without Thai fonts."""
    fonts = tmp / "latin-fonts"
    fonts.mkdir(exist_ok=True)
    latin = next(p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                             "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf") if Path(p).exists())
    shutil.copyfile(latin, fonts / Path(latin).name)
    conf = tmp / "latin-fonts.conf"
    conf.write_text(f"""<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig><dir>{fonts}</dir><cachedir>{tmp / "fc-cache"}</cachedir></fontconfig>""", encoding="utf-8")
    return dict(os.environ, FONTCONFIG_FILE=str(conf))


def test_thai_renders_as_glyphs(audit):
    """Fails on a machine without a Thai font (make test installs fonts-thai-tlwg)."""
    _, _, out, tmp = audit
    title = re.search(r"<h1>(.*?)</h1>", out.read_text(encoding="utf-8")).group(1)
    ratio = _thai_width_ratio(tmp, html.unescape(title))
    assert ratio < 1.3, f"Thai text renders as boxes (width ratio {ratio}): install fonts-thai-tlwg"


def test_thai_glyph_check_fails_without_a_thai_font(audit):
    """The check above is sensitive: with only a Latin font, Thai is boxes and the ratio is ~3."""
    _, _, out, tmp = audit
    assert _thai_width_ratio(tmp, "รายงานตรวจสอบ", env=_latin_only_fonts(tmp)) > 2.0


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
