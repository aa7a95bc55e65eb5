"""Static HTML audit report of copy findings (`ita report --db FILE --out audit.html`).

One self-contained file (no scripts, no network): agencies ranked by the share of their
compared text that is copied (real copying, not boilerplate), then each finding side by
side with the shared span(s) highlighted and links to the source file and page.
"""
from __future__ import annotations

import html
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Optional

from pipeline import dupes

COPY_KINDS = ("cross_agency", "same_agency_other_year", "within_report")
KIND_LABEL = {
    "cross_agency": "คัดลอกจากหน่วยงานอื่น (cross agency)",
    "same_agency_other_year": "ซ้ำรายงานปีก่อน (same agency, other year)",
    "within_report": "ข้อความซ้ำในรายงานเดียวกัน (within report)",
    "foreign_agency_name": "ชื่อหน่วยงานอื่นในรายงาน (foreign agency name)",
    "generic_result": "ผลการดำเนินการไม่ระบุรายละเอียด (generic result)",
}
MAX_SHOWN = 400          # findings shown per section (the rest are counted)

CSS = """
body{font-family:"Noto Sans Thai","Sarabun","Tahoma",sans-serif;margin:24px;color:#222;line-height:1.5}
h1{font-size:22px;margin:0 0 4px} h2{font-size:18px;margin:28px 0 8px;border-bottom:2px solid #ddd}
.meta{color:#666;font-size:13px}
table.rank{border-collapse:collapse;font-size:14px} table.rank th,table.rank td{border:1px solid #ccc;padding:4px 8px}
table.rank th{background:#f3f3f3} td.num{text-align:right}
.bar{display:inline-block;height:10px;background:#c0392b;vertical-align:middle}
.finding{border:1px solid #ccc;border-radius:6px;margin:12px 0;padding:8px 10px}
.finding.boiler{border-style:dashed;background:#fafafa;color:#555}
.fh{font-size:13px;margin-bottom:6px} .kind{font-weight:bold}
.tag{display:inline-block;font-size:11px;padding:0 6px;border-radius:8px;background:#eee;margin-left:6px}
.tag.bp{background:#ddd} .tag.real{background:#f8d7da;color:#7b1d1d}
.sides{display:grid;grid-template-columns:1fr 1fr;gap:10px}
.side{border:1px solid #e3e3e3;padding:6px;border-radius:4px;font-size:14px;white-space:pre-wrap;word-break:break-word}
.src{font-size:12px;color:#555;margin-bottom:4px;white-space:normal}
mark{background:#ffe066;padding:0 1px} .foreign mark{background:#ffb3b3}
.shared{font-size:12px;color:#444;margin-top:4px}
details summary{cursor:pointer;font-weight:bold;margin:8px 0}
"""


def _e(x) -> str:
    return html.escape("" if x is None else str(x))


def _link(source: Optional[str], page, line, para) -> str:
    if not source:
        return "(ไม่ทราบแหล่งที่มา)"
    p = Path(source)
    try:
        uri = (p if p.is_absolute() else Path.cwd() / p).resolve().as_uri()
    except ValueError:
        uri = source
    where = []
    if page:
        where.append(f"หน้า {page}")
        if p.suffix.lower() == ".pdf":
            uri += f"#page={int(page)}"
    if line:
        where.append(f"บรรทัด {line}")
    if para is not None and para != "":
        where.append(f"ย่อหน้า {para}")
    return f'<a href="{_e(uri)}">{_e(p.name)}</a> {_e(", ".join(where))}'


def _highlight(text: Optional[str], spans: list[tuple[int, int]]) -> str:
    text = text or ""
    out, pos = [], 0
    for s, e in sorted(spans):
        if s < pos:
            s = pos
        if e <= s:
            continue
        out.append(_e(text[pos:s]))
        out.append(f"<mark>{_e(text[s:e])}</mark>")
        pos = e
    out.append(_e(text[pos:]))
    return "".join(out)


def _field(f, side) -> str:
    fld = f.get(f"field_{side}")
    m = f.get(f"measure_{side}")
    if fld == "paragraph" or not m:
        return "เนื้อหารายงาน" if fld == "paragraph" else (fld or "")
    return f"มาตรการ {m.split(':')[-1]} · {fld}"


def _agency_rows(con) -> list[dict]:
    docs = con.execute("""
        SELECT d.doc_id, d.agency, d.fiscal_year, d.source_path,
               coalesce(sum(p.norm_chars) FILTER (WHERE p.norm_chars >= ?), 0) AS chars
        FROM documents d LEFT JOIN passages p USING (doc_id)
        GROUP BY ALL""", [dupes.MIN_CHARS]).fetchall()
    copied = defaultdict(set)
    for pa, da, pb, db in con.execute(f"""
            SELECT passage_a, doc_a, passage_b, doc_b FROM copy_findings
            WHERE NOT boilerplate AND kind IN ({','.join("'" + k + "'" for k in COPY_KINDS)})""").fetchall():
        copied[da].add(pa)
        if db:
            copied[db].add(pb)
    pchars = dict(con.execute("SELECT passage_id, norm_chars FROM passages").fetchall())
    counts = defaultdict(lambda: defaultdict(int))
    for d, k, n in con.execute("""SELECT doc_a, kind, count(*) FROM copy_findings WHERE NOT boilerplate
                                   GROUP BY ALL""").fetchall():
        counts[d][k] += n
    for d, k, n in con.execute("""SELECT doc_b, kind, count(*) FROM copy_findings
                                   WHERE NOT boilerplate AND doc_b IS NOT NULL GROUP BY ALL""").fetchall():
        counts[d][k] += n
    nres = dict(con.execute("""SELECT doc_id, count(*) FROM passages WHERE field = 'result'
                               GROUP BY doc_id""").fetchall())
    rows = []
    for doc_id, agency, year, source, chars in docs:
        cp = sum(pchars.get(p) or 0 for p in copied.get(doc_id, ()))
        share = min(1.0, cp / chars) if chars else 0.0
        rows.append(dict(doc_id=doc_id, agency=agency, year=year, source=source, share=share,
                         counts=counts.get(doc_id, {}), results=nres.get(doc_id, 0)))
    rows.sort(key=lambda r: (-r["share"], -sum(r["counts"].values()), r["agency"] or ""))
    return rows


def _finding_html(f, agencies) -> str:
    kind = f["kind"]
    bp = bool(f["boilerplate"])
    head = (f'<div class="fh"><span class="kind">{_e(KIND_LABEL.get(kind, kind))}</span>'
            f'<span class="tag {"bp" if bp else "real"}">{"boilerplate" if bp else "copy"}</span>'
            f'<span class="tag">similarity {f["similarity"]:.2f}</span></div>')
    if f.get("passage_b"):
        sa, sb = dupes.locate_shared(f["text_a"], f["text_b"], agencies.get(f["doc_a"]),
                                     agencies.get(f["doc_b"]))
        side = []
        for s, spans in (("a", sa), ("b", sb)):
            src = (f'{_e(f.get("agency_" + s))} {_e(f.get("year_" + s) or "")} · {_e(_field(f, s))}<br>'
                   f'{_link(f.get("source_" + s), f.get("page_" + s), f.get("line_" + s), f.get("para_" + s))}')
            side.append(f'<div class="side"><div class="src">{src}</div>{_highlight(f["text_" + s], spans)}</div>')
        body = f'<div class="sides">{"".join(side)}</div>'
    else:
        text = f.get("text_a") or ""
        spans = []
        name = f.get("shared_text") or ""
        if kind == "foreign_agency_name" and name:
            i = text.replace("\n", " ").find(name)
            if i < 0:
                core = dupes.agency_core(name)
                i = text.find(core)
                spans = [(i, i + len(core))] if i >= 0 else []
            else:
                spans = [(i, i + len(name))]
        elif kind == "generic_result":
            spans = [(0, len(text))]
        src = (f'{_e(f.get("agency_a"))} {_e(f.get("year_a") or "")} · {_e(_field(f, "a"))}<br>'
               f'{_link(f.get("source_a"), f.get("page_a"), f.get("line_a"), f.get("para_a"))}')
        extra = f'<div class="shared">ชื่อที่พบ: <b>{_e(name)}</b></div>' if kind == "foreign_agency_name" else ""
        body = (f'<div class="side {"foreign" if kind == "foreign_agency_name" else ""}">'
                f'<div class="src">{src}</div>{_highlight(text, spans)}</div>{extra}')
    return (f'<div class="finding {"boiler" if bp else ""}" data-kind="{_e(kind)}" '
            f'id="f-{_e(f["finding_id"])}">{head}{body}</div>')


def write_report(con, out_path) -> None:
    """Write the static HTML audit report of the findings in the database."""
    dupes.ensure_schema(con)
    out = Path(out_path)
    agencies = dict(con.execute("SELECT doc_id, agency FROM documents").fetchall())
    rows = _agency_rows(con)
    fs = dupes.findings(con)
    n_docs = len(rows)
    parts = [f"""<!DOCTYPE html><html lang="th"><head><meta charset="utf-8">
<title>ITA audit: copied text</title><style>{CSS}</style></head><body>
<h1>รายงานตรวจสอบข้อความคัดลอก (ITA audit: copied text)</h1>
<div class="meta">{n_docs} รายงาน · {len(fs)} รายการ · สร้างเมื่อ {datetime.now():%Y-%m-%d %H:%M} ·
ข้อความมาตรฐานของ ITA/ป.ป.ช. (boilerplate) แสดงไว้ท้ายแต่ละหมวด ไม่ถูกซ่อน</div>
<h2 id="agencies">หน่วยงานเรียงตามสัดส่วนข้อความที่คัดลอก (agencies ranked by copied share)</h2>
<table class="rank" id="rank"><tr><th>#</th><th>หน่วยงาน</th><th>ปี</th><th>สัดส่วนคัดลอก</th>
<th>ข้ามหน่วยงาน</th><th>ปีก่อน</th><th>ในรายงาน</th><th>ชื่อหน่วยงานอื่น</th><th>ผลไม่ระบุ</th><th>ไฟล์</th></tr>"""]
    for i, r in enumerate(rows, 1):
        c = r["counts"]
        gen = c.get("generic_result", 0)
        gen_txt = f"{gen} / {r['results']}" if r["results"] else str(gen)
        parts.append(
            f'<tr data-doc="{_e(r["doc_id"])}"><td class="num">{i}</td><td>{_e(r["agency"])}</td>'
            f'<td>{_e(r["year"] or "")}</td>'
            f'<td class="num share">{r["share"] * 100:.1f}% <span class="bar" style="width:{int(r["share"] * 80)}px"></span></td>'
            f'<td class="num">{c.get("cross_agency", 0)}</td><td class="num">{c.get("same_agency_other_year", 0)}</td>'
            f'<td class="num">{c.get("within_report", 0)}</td><td class="num">{c.get("foreign_agency_name", 0)}</td>'
            f'<td class="num">{gen_txt}</td>'
            f'<td>{_link(r["source"], None, None, None)}</td></tr>')
    parts.append("</table>")
    by_kind = defaultdict(lambda: ([], []))
    for f in fs:
        by_kind[f["kind"]][1 if f["boilerplate"] else 0].append(f)
    for kind in ("cross_agency", "same_agency_other_year", "within_report", "foreign_agency_name",
                 "generic_result"):
        real, boiler = by_kind[kind]
        parts.append(f'<h2 id="{kind}">{_e(KIND_LABEL[kind])} — {len(real)}'
                     f'{f" (+{len(boiler)} boilerplate)" if boiler else ""}</h2>')
        if not real and not boiler:
            parts.append("<p>ไม่พบ</p>")
        for f in real[:MAX_SHOWN]:
            parts.append(_finding_html(f, agencies))
        if len(real) > MAX_SHOWN:
            parts.append(f"<p>… และอีก {len(real) - MAX_SHOWN} รายการ (ดูทั้งหมดด้วย <code>ita dupes</code>)</p>")
        if boiler:
            parts.append(f"<details><summary>ข้อความมาตรฐาน (boilerplate): {len(boiler)} รายการ</summary>")
            for f in boiler[:MAX_SHOWN // 4]:
                parts.append(_finding_html(f, agencies))
            if len(boiler) > MAX_SHOWN // 4:
                parts.append(f"<p>… และอีก {len(boiler) - MAX_SHOWN // 4} รายการ</p>")
            parts.append("</details>")
    parts.append("</body></html>\n")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(parts), encoding="utf-8")
