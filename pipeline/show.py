"""`ita show`: one document's facts, measure rows, scores and warnings, to check by eye.

Which document: the exact path first (as given, made absolute, or with links resolved),
then a doc_id, then a path suffix or a bare file name that matches exactly one document.
Nothing from the argument is used as a LIKE pattern (a "%" or "_" is just a character)."""
from __future__ import annotations

import os
from pathlib import Path, PurePath
from pipeline.paths import display_path
from pipeline.termout import Result, plain, print_lines, print_result

DOC_FIELDS = ("agency", "agency_type", "district", "province", "fiscal_year", "ita_score", "ita_score_year",
              "ita_grade")
MEASURE_TEXT = ("measure", "issue", "method", "owner", "period_text", "result", "outcome")
MAX_CANDIDATES = 10


class NotFound(Exception):
    """No document, or several: the message lists what to give instead."""


def _as_given(key: str) -> list[str]:
    out = [key, os.path.abspath(key)]
    try:
        out.append(str(Path(key).resolve()))
    except (OSError, RuntimeError):
        pass
    return [display_path(p) for p in out]          # as stored: undecodable name bytes as \xNN


def find_document(con, key: str) -> str:
    """The doc_id that `key` names; NotFound when none or several."""
    docs = con.execute("select doc_id, source_path from documents order by source_path").fetchall()
    exact = set(_as_given(key))
    for doc_id, path in docs:
        if path in exact:
            return doc_id
    for doc_id, _ in docs:
        if doc_id == key:
            return doc_id
    parts = PurePath(key).parts
    if not parts:
        raise NotFound("give a file path or a doc_id")
    matches = [(d, p) for d, p in docs if PurePath(p).parts[-len(parts):] == parts]
    if len(matches) == 1:
        return matches[0][0]
    if not matches:
        raise NotFound(f"no document matches {key!r} (give a doc_id or a file path; "
                       "`ita query \"select doc_id, source_path from documents\"` lists them)")
    listed = "; ".join(f"{p} ({d})" for d, p in matches[:MAX_CANDIDATES])
    more = f"; and {len(matches) - MAX_CANDIDATES} more" if len(matches) > MAX_CANDIDATES else ""
    raise NotFound(f"{len(matches)} documents match {key!r}: {listed}{more}. Give the full path or the doc_id")


def show_document(con, doc_id: str, *, wide: bool = False) -> None:
    cur = con.execute("select * from documents where doc_id = ?", [doc_id])
    cols = [d[0] for d in cur.description]
    doc = dict(zip(cols, cur.fetchone()))
    lines = [str(doc["source_path"]),
             f"  doc_id {doc['doc_id']}  status {doc['status']}  format {doc['format']}"
             + (f"  pages {doc['pages']}" if doc["pages"] is not None else "")]
    if doc["error"]:
        lines.append(f"  error: {doc['error']}")
    lines += [f"  {f}: {plain(doc[f])}" for f in DOC_FIELDS]
    print_lines(lines)
    measures = con.execute("select table_no, row_no, page, line, tool, indicator_no, section, measure, issue, method, "
                           "owner, period_text, period_start, period_end, result, outcome "
                           "from measures where doc_id = ? order by table_no, row_no", [doc_id])
    mcols = [d[0] for d in measures.description]
    rows = [dict(zip(mcols, r)) for r in measures.fetchall()]
    lines = ["", f"measures ({len(rows)}):"]
    for m in rows:
        where = f"page {m['page']}, line {m['line']}" if m["page"] is not None else f"line {plain(m['line'])}"
        lines.append(f"- table {m['table_no']} row {m['row_no']} ({where})"
                     + (f" tool {m['tool']}" if m["tool"] else "")
                     + (f" indicator {m['indicator_no']}" if m["indicator_no"] is not None else ""))
        for f in MEASURE_TEXT:
            if m[f]:
                lines += [f"    {f}: " + str(m[f]).split("\n")[0]] + [f"      {x}" for x in str(m[f]).split("\n")[1:]]
        if m["period_text"]:
            lines.append(f"    period: {plain(m['period_start'])} .. {plain(m['period_end'])}")
    print_lines(lines)
    scores = Result.from_cursor(con.execute("select tool, indicator_no, item_code, score, year from scores "
                                            "where doc_id = ? order by tool, indicator_no, item_code", [doc_id]))
    if scores.rows:
        print_lines(["", f"scores ({len(scores.rows)}):"])
        print_result(scores, "table", wide=wide)
    warnings = list(doc["warnings"] or [])
    print_lines(["", f"warnings ({len(warnings)}):"] + [f"  - {w}" for w in warnings])

