"""The `ita` command.

  ita ingest PATH... --db FILE          load reports (folders or files) into DuckDB
  ita query "SQL" --db FILE             run SQL, print a table / csv / json
  ita show FILE_OR_DOC_ID --db FILE     one document's rows and warnings, to check by eye
  ita dupes --db FILE                   ranked copy-paste findings
  ita report --db FILE --out audit.html static HTML audit report

Exit codes: 0 all documents ok or empty; 1 some documents failed; 2 usage or environment error.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_DB = "data/ita.duckdb"


def _print_frame(df, fmt: str) -> None:
    if fmt == "csv":
        df.to_csv(sys.stdout, index=False)
    elif fmt == "json":
        print(df.to_json(orient="records", force_ascii=False, date_format="iso", indent=1))
    else:
        import pandas as pd
        with pd.option_context("display.max_rows", 500, "display.max_columns", 50, "display.width", 200,
                               "display.max_colwidth", 60):
            print(df.to_string(index=False) if len(df) else "(no rows)")


def _open_read_only(db: str):
    from pipeline import load
    if not Path(db).exists():
        raise SystemExit(_usage_error(f"no database at {db}: run `ita ingest FOLDER --db {db}` first"))
    return load.connect(db, read_only=True)


def _usage_error(msg: str) -> int:
    print(f"ita: {msg}", file=sys.stderr)
    return 2


def cmd_ingest(a) -> int:
    from pipeline.ingest import ingest
    kwargs = dict(prune=a.prune, progress=not a.no_progress and sys.stderr.isatty() or a.progress,
                  dupes=not a.no_dupes, ocr=not a.no_ocr)
    for opt in ("workers", "timeout", "memory_mb"):
        if getattr(a, opt, None) is not None:
            kwargs[opt] = getattr(a, opt)
    try:
        summary = ingest(a.paths, a.db, **kwargs)
    except (FileNotFoundError, ValueError) as e:   # missing input; bad --workers/--memory-mb
        return _usage_error(str(e))
    for line in summary.lines():
        print(line)
    return summary.exit_code


def cmd_query(a) -> int:
    import duckdb
    con = _open_read_only(a.db)
    try:
        df = con.execute(a.sql).fetchdf()
    except duckdb.Error as e:
        return _usage_error(f"query failed: {e}")
    _print_frame(df, a.format)
    return 0


def cmd_show(a) -> int:
    con = _open_read_only(a.db)
    key = a.document
    row = con.execute("select * from documents where doc_id = ? or source_path = ? or source_path like ? "
                      "order by ingested_at desc limit 1",
                      [key, str(Path(key).resolve()), f"%/{Path(key).name}"]).fetchdf()
    if row.empty:
        return _usage_error(f"no document matches {key!r} (give a doc_id or a file path)")
    doc = row.iloc[0]
    print(f"{doc.source_path}\n  doc_id {doc.doc_id}  status {doc.status}  format {doc.format}  pages {doc.pages}")
    if doc.error:
        print(f"  error: {doc.error}")
    for f in ("agency", "agency_type", "district", "province", "fiscal_year", "ita_score", "ita_score_year", "ita_grade"):
        print(f"  {f}: {doc[f]}")
    measures = con.execute("select table_no, row_no, page, line, tool, indicator_no, measure, method, owner, "
                           "period_text, period_start, period_end, result, outcome, issue "
                           "from measures where doc_id = ? order by table_no, row_no", [doc.doc_id]).fetchdf()
    print(f"\nmeasures ({len(measures)}):")
    for m in measures.itertuples():
        print(f"- table {m.table_no} row {m.row_no} (page {m.page}, line {m.line}) tool {m.tool} indicator {m.indicator_no}")
        for f in ("measure", "issue", "method", "owner", "period_text", "result", "outcome"):
            v = getattr(m, f)
            if v:
                print(f"    {f}: " + str(v).replace("\n", "\n      "))
        if m.period_text:
            print(f"    period: {m.period_start} .. {m.period_end}")
    scores = con.execute("select tool, indicator_no, item_code, score, year from scores where doc_id = ?",
                         [doc.doc_id]).fetchdf()
    if len(scores):
        print(f"\nscores ({len(scores)}):")
        _print_frame(scores, "table")
    warnings = list(doc.warnings) if doc.warnings is not None else []
    print(f"\nwarnings ({len(warnings)}):")
    for w in warnings:
        print(f"  - {w}")
    return 0


def _findings_db(db: str, recompute: bool = False):
    """The database with copy findings computed (now, if it has none yet or when asked)."""
    from pipeline import dupes, load
    if not Path(db).exists():
        raise SystemExit(_usage_error(f"no database at {db}: run `ita ingest FOLDER --db {db}` first"))
    con = load.connect(db)
    dupes.ensure_schema(con)
    if recompute or not con.execute("select count(*) from copy_findings").fetchone()[0]:
        dupes.recompute(con, None)
    return con


def cmd_dupes(a) -> int:
    from pipeline.analyze import commands
    return commands.dupes(a, _findings_db(a.db, a.recompute), _print_frame)


def cmd_report(a) -> int:
    from pipeline.analyze import commands
    return commands.report(a, _findings_db(a.db))


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ita", description="Thai ITA measure reports -> DuckDB")
    sub = p.add_subparsers(dest="command", required=True)

    s = sub.add_parser("ingest", help="load reports (PDF, TXT) from folders or files")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--db", default=DEFAULT_DB)
    s.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    s.add_argument("--workers", type=int, help="parallel worker processes (default: number of CPUs)")
    s.add_argument("--timeout", type=float, help="seconds allowed per document")
    s.add_argument("--memory-mb", type=int, dest="memory_mb", help="memory limit per worker, MB")
    s.add_argument("--no-progress", action="store_true")
    s.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    s.add_argument("--no-dupes", action="store_true", help="skip recomputing copy-paste findings")
    s.add_argument("--no-ocr", action="store_true", help="do not OCR scanned PDFs (they get status needs_ocr)")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("query", help="run SQL against the database")
    s.add_argument("sql")
    s.add_argument("--db", default=DEFAULT_DB)
    s.add_argument("--format", choices=("table", "csv", "json"), default="table")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("show", help="one document's extracted rows and warnings")
    s.add_argument("document", metavar="FILE_OR_DOC_ID")
    s.add_argument("--db", default=DEFAULT_DB)
    s.set_defaults(func=cmd_show)

    from pipeline.analyze.commands import add_dupes_arguments, add_report_arguments
    s = sub.add_parser("dupes", help="ranked copy-paste findings")
    s.add_argument("--db", default=DEFAULT_DB)
    add_dupes_arguments(s)
    s.set_defaults(func=cmd_dupes)

    s = sub.add_parser("report", help="write a static HTML audit report")
    s.add_argument("--db", default=DEFAULT_DB)
    add_report_arguments(s)
    s.set_defaults(func=cmd_report)
    return p


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    a = build_parser().parse_args(argv)
    from pipeline.load import DatabaseBusy
    try:
        return a.func(a)
    except DatabaseBusy as e:
        return _usage_error(str(e))
    except KeyboardInterrupt:
        print("ita: interrupted; documents written so far are kept, run the same command again to continue",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
