"""Static HTML audit report of copy findings (`ita report --db FILE --out audit.html`).

One self-contained file (no scripts, no network) that travels: it names a Thai font stack,
its links to the reports' files are relative to the report's folder (or start with
--base-url), so the folder can be zipped and sent to a colleague. Order: pairs of reports
("B (2567) repeats 63 % of its text from A (2566)"), agencies ranked by copied share, one
section per agency (documents, statuses, findings), then every finding by kind, side by
side with the shared span(s) highlighted and links to the file and page.
"""
from __future__ import annotations

import html
import os
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Optional
from urllib.parse import quote

from pipeline import agencies
from pipeline.analyze import pairs, store
from pipeline.analyze.verify import locate_shared

KIND_LABEL = {
    "identical_file": "ไฟล์เดียวกันหลายที่ (identical file)",
    "cross_agency": "คัดลอกจากหน่วยงานอื่น (cross agency)",
    "same_agency_other_year": "ซ้ำรายงานปีก่อน (same agency, other year)",
    "within_report": "ข้อความซ้ำในรายงานเดียวกัน (within report)",
    "foreign_agency_name": "ชื่อหน่วยงานอื่นในรายงาน (foreign agency name)",
    "own_name_variant": "ชื่อหน่วยงานตนเองสะกดผิด (own name misspelled)",
    "generic_result": "ผลการดำเนินการไม่ระบุรายละเอียด (generic result)",
}
MAX_SHOWN = 400          # findings shown per section (the rest are counted)
THAI_FONTS = '"Sarabun","TH Sarabun New","Noto Sans Thai","Loma","Garuda",sans-serif'

CSS = """
body{font-family:%s;margin:24px;color:#222;line-height:1.5}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd}
h3{font-size:16px;margin:16px 0 4px}
.meta{color:#666;font-size:13px}
table.rank{border-collapse:collapse;font-size:14px} table.rank th,table.rank td{border:1px solid #ccc;padding:4px 8px}
table.rank th{background:#f3f3f3} td.num{text-align:right}
.bar{display:inline-block;height:10px;background:#c0392b;vertical-align:middle}
.finding{border:1px solid #ccc;border-radius:6px;margin:12px 0;padding:8px 10px}
.finding.boiler{border-style:dashed;background:#fafafa;color:#555}
.fh{font-size:13px;margin-bottom:6px} .kind{font-weight:bold}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#eee;margin-left:6px}
.tag.bp{background:#ddd} .tag.real{background:#f8d7da;color:#7b1d1d} .status-failed,.status-needs_ocr{color:#b00;font-weight:bold}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.side{border:1px solid #e3e3e3;padding:6px;border-radius:4px;font-size:14px;white-space:pre-wrap;word-break:break-word}
.src{font-size:12px;color:#555;margin-bottom:4px;white-space:normal}
mark{background:#ffe066;padding:0 1px} .foreign mark{background:#ffb3b3}
.shared{font-size:12px;color:#444;margin-top:4px} .pair{font-size:14px;margin:4px 0}
details summary{cursor:pointer;font-weight:bold;margin:8px 0}
""" % THAI_FONTS


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


class Links:
    """Links to the reports' files: relative to the report's folder, or base_url + the path
    relative to the folder that holds every report."""

    def __init__(self, out: Path, sources: list[str], base_url: Optional[str] = None):
        self.folder = out.resolve().parent
        self.base_url = base_url
        absolute = [str(Path(s).resolve()) for s in sources if s]
        self.root = os.path.commonpath(absolute) if absolute else str(self.folder)
        if absolute and len(absolute) == 1:
            self.root = str(Path(self.root).parent)

    def href(self, source: str) -> str:
        p = Path(source).resolve()
        if self.base_url:
            return self.base_url.rstrip("/") + "/" + quote(os.path.relpath(p, self.root).replace(os.sep, "/"))
        return quote(os.path.relpath(p, self.folder).replace(os.sep, "/"))

    def link(self, source: Optional[str], page=None, line=None, para=None) -> str:
        if not source:
            return "(ไม่ทราบแหล่งที่มา)"
        uri = self.href(source)
        where = []
        if page:
            where.append(f"หน้า {page}")
            if Path(source).suffix.lower() == ".pdf":
                uri += f"#page={int(page)}"
        if line:
            where.append(f"บรรทัด {line}")
        if para is not None and para != "":
            where.append(f"ย่อหน้า {para}")
        return f'<a href="{_e(uri)}">{_e(Path(source).name)}</a> {_e(", ".join(where))}'


def _highlight(text: Optional[str], spans: list[tuple[int, int]]) -> str:
    text = text or ""
    out, pos = [], 0
    for s, e in sorted(spans):
        s = max(s, pos)
        if e <= s:
            continue
        out.append(_e(text[pos:s]))
        out.append(f"<mark>{_e(text[s:e])}</mark>")
        pos = e
    out.append(_e(text[pos:]))
    return "".join(out)


def _field(f, side) -> str:
    fld, m = f.get(f"field_{side}"), f.get(f"measure_{side}")
    if fld == "paragraph" or not m:
        return "เนื้อหารายงาน" if fld == "paragraph" else (fld or "")
    return f"มาตรการ {m.split(':')[-1]} · {fld}"


def _who(f, side) -> str:
    return f'{_e(f.get("agency_" + side) or f.get("doc_" + side))} {_e(f.get("year_" + side) or "")}'.strip()


def _direction(f) -> str:
    if f["kind"] in ("cross_agency", "same_agency_other_year") and f.get("doc_b"):
        verb = "ซ้ำข้อความของ (repeats)" if f.get("order_basis") else "มีข้อความร่วมกับ (shares text with)"
        return f'<div class="shared">{_who(f, "b")} {verb} {_who(f, "a")}</div>'
    return ""


def _finding_html(f, own_pat, links: Links) -> str:
    kind, bp = f["kind"], bool(f["boilerplate"])
    head = (f'<div class="fh"><span class="kind">{_e(KIND_LABEL.get(kind, kind))}</span>'
            f'<span class="tag {"bp" if bp else "real"}">{"boilerplate" if bp else "evidence"}</span>'
            + (f'<span class="tag">similarity {f["similarity"]:.2f}</span>' if f.get("similarity") is not None else "")
            + (f'<span class="tag">{f["occurrences"]}×</span>' if f.get("occurrences") else "") + "</div>")
    if kind == "identical_file":
        body = "<ul>" + "".join(f"<li>{links.link(p)}</li>" for p in (f.get("paths") or [])) + "</ul>"
    elif f.get("passage_b"):
        sa, sb = locate_shared(f["text_a"], f["text_b"], own_pat.get(f["doc_a"]), own_pat.get(f["doc_b"]))
        side = []
        for s, spans in (("a", sa), ("b", sb)):
            src = (f'{_who(f, s)} · {_e(_field(f, s))}<br>'
                   f'{links.link(f.get("source_" + s), f.get("page_" + s), f.get("line_" + s), f.get("para_" + s))}')
            side.append(f'<div class="side"><div class="src">{src}</div>{_highlight(f["text_" + s], spans)}</div>')
        body = f'{_direction(f)}<div class="sides">{"".join(side)}</div>'
    else:
        text, name, spans = f.get("text_a") or "", f.get("shared_text") or "", []
        if kind in ("foreign_agency_name", "own_name_variant") and name:
            core = agencies.agency_core(name)
            i = text.find(name)
            spans = [(i, i + len(name))] if i >= 0 else ([(j, j + len(core))] if (j := text.find(core)) >= 0 else [])
        elif kind == "generic_result":
            spans = [(0, len(text))]
        src = (f'{_who(f, "a")} · {_e(_field(f, "a"))}<br>'
               f'{links.link(f.get("source_a"), f.get("page_a"), f.get("line_a"), f.get("para_a"))}')
        pages = ", ".join(map(str, f.get("pages") or []))
        extra = (f'<div class="shared">ชื่อที่พบ: <b>{_e(name)}</b> · {f.get("occurrences") or 1} ครั้ง'
                 f'{" · หน้า " + _e(pages) if pages else ""}</div>') if f.get("occurrences") else ""
        body = (f'<div class="side {"foreign" if "name" in kind else ""}">'
                f'<div class="src">{src}</div>{_highlight(text, spans)}</div>{extra}')
    return (f'<div class="finding {"boiler" if bp else ""}" data-kind="{_e(kind)}" '
            f'id="f-{_e(f["finding_id"])}">{head}{body}</div>')


def _pairs_html(prs: list[dict], links: Links) -> list[str]:
    parts = ['<h2 id="pairs">คู่รายงานที่มีข้อความร่วมกัน (pairs of reports)</h2>']
    if not prs:
        parts.append("<p>ไม่พบ</p>")
    for r in prs[:MAX_SHOWN]:
        parts.append(f'<div class="pair" data-kind="{_e(r["kind"])}"><b>{_e(r["headline"])}</b><br>'
                     f'{links.link(r["source_b"])} ← {links.link(r["source_a"])}</div>')
    return parts


def _agency_sections(con, fs, shares, links: Links) -> list[str]:
    docs = con.execute("""SELECT doc_id, agency, fiscal_year, source_path, status, error FROM documents
                          ORDER BY agency NULLS LAST, fiscal_year, source_path""").fetchall()
    by_doc = defaultdict(list)
    for f in fs:
        by_doc[f["doc_a"]].append(f)
        if f.get("doc_b") and f["doc_b"] != f["doc_a"]:
            by_doc[f["doc_b"]].append(f)
    agency_docs = defaultdict(list)
    for d in docs:
        agency_docs[d[1] or "(ไม่ทราบชื่อหน่วยงาน)"].append(d)
    rank = sorted(agency_docs, key=lambda a: (-max(shares.get(d[0], 0) for d in agency_docs[a]), a))
    parts = ['<h2 id="agencies">หน่วยงานเรียงตามสัดส่วนข้อความที่คัดลอก (agencies ranked by copied share)</h2>',
             '<table class="rank" id="rank"><tr><th>#</th><th>หน่วยงาน</th><th>ปี</th><th>สัดส่วนคัดลอก</th>'
             '<th>สถานะ</th><th>รายการ</th><th>ไฟล์</th></tr>']
    i = 0
    for a in rank:
        for d in agency_docs[a]:
            i += 1
            share = shares.get(d[0], 0.0)
            real = [f for f in by_doc[d[0]] if not f["boilerplate"]]
            parts.append(f'<tr data-doc="{_e(d[0])}"><td class="num">{i}</td><td><a href="#agency-{i}">{_e(a)}</a></td>'
                         f'<td>{_e(d[2] or "")}</td><td class="num share">{share * 100:.1f}% '
                         f'<span class="bar" style="width:{int(share * 80)}px"></span></td>'
                         f'<td class="status-{_e(d[4])}">{_e(d[4])}</td><td class="num">{len(real)}</td>'
                         f'<td>{links.link(d[3])}</td></tr>')
    parts.append("</table>")
    i = 0
    for a in rank:
        parts.append(f'<h3 class="agency">{_e(a)}</h3><ul>')
        for d in agency_docs[a]:
            i += 1
            counts = defaultdict(int)
            for f in by_doc[d[0]]:
                if not f["boilerplate"]:
                    counts[f["kind"]] += 1
            listed = ", ".join(f'<a href="#{k}">{_e(KIND_LABEL[k].split(" (")[0])}</a> {n}'
                               for k, n in sorted(counts.items(), key=lambda kv: store.KINDS.index(kv[0])))
            err = f' — {_e(d[5])}' if d[5] and d[4] in ("failed", "needs_ocr") else ""
            parts.append(f'<li id="agency-{i}">{links.link(d[3])} {_e(d[2] or "")} · '
                         f'<span class="status-{_e(d[4])}">{_e(d[4])}</span>{err} · '
                         f'{listed or "ไม่พบรายการ"}</li>')
        parts.append("</ul>")
    return parts


def write_report(con, out_path, base_url: Optional[str] = None) -> None:
    """Write the static HTML audit report of the findings in the database."""
    store.ensure_schema(con)
    out = Path(out_path)
    sources = [r[0] for r in con.execute("SELECT source_path FROM documents").fetchall()]
    sources += [p for (ps,) in con.execute("SELECT paths FROM copy_findings WHERE paths IS NOT NULL").fetchall()
                for p in ps]
    links = Links(out, sources, base_url)
    own_pat = {d: agencies.own_name_pattern(a) for d, a in con.execute("SELECT doc_id, agency FROM documents").fetchall()}
    fs = store.findings(con)
    shares = pairs.doc_shares(con)
    parts = [f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>ITA audit: copied text</title><style>{CSS}</style></head><body>
<h1>รายงานตรวจสอบข้อความคัดลอก (ITA audit: copied text)</h1>
<div class="meta">{len(own_pat)} รายงาน · {len(fs)} รายการ · สร้างเมื่อ {datetime.now():%Y-%m-%d %H:%M} ·
ข้อความมาตรฐานของ ITA/ป.ป.ช. (boilerplate) แสดงไว้ท้ายแต่ละหมวด ไม่ถูกซ่อน</div>"""]
    parts += _pairs_html(pairs.by_pair(con), links)
    parts += _agency_sections(con, fs, shares, links)
    by_kind = defaultdict(lambda: ([], []))
    for f in fs:
        by_kind[f["kind"]][1 if f["boilerplate"] else 0].append(f)
    for kind in store.KINDS:
        real, boiler = by_kind[kind]
        parts.append(f'<h2 id="{kind}">{_e(KIND_LABEL[kind])} — {len(real)}'
                     f'{f" (+{len(boiler)} boilerplate)" if boiler else ""}</h2>')
        if not real and not boiler:
            parts.append("<p>ไม่พบ</p>")
        parts += [_finding_html(f, own_pat, links) for f in real[:MAX_SHOWN]]
        if len(real) > MAX_SHOWN:
            parts.append(f"<p>… และอีก {len(real) - MAX_SHOWN} รายการ (ดูทั้งหมดด้วย <code>ita dupes</code>)</p>")
        if boiler:
            parts.append(f"<details><summary>ข้อความมาตรฐาน (boilerplate): {len(boiler)} รายการ</summary>")
            parts += [_finding_html(f, own_pat, links) for f in boiler[:MAX_SHOWN // 4]]
            if len(boiler) > MAX_SHOWN // 4:
                parts.append(f"<p>… และอีก {len(boiler) - MAX_SHOWN // 4} รายการ</p>")
            parts.append("</details>")
    parts.append("</body></html>\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(parts), encoding="utf-8")
