"""The `ita` command.

  ita ingest PATH...                 load reports (PDF, DOCX, TXT; folders or files) into DuckDB
  ita query "SQL"                    run read-only SQL, print a table / csv / json / markdown
  ita show FILE_OR_DOC_ID            one document's rows and warnings, to check by eye
  ita ingest PATH... --out DATASET   the same as Parquet shards (--engine dask|ray: on a cluster)
  ita load DATASET                   a dataset of Parquet shards into DuckDB
  ita export --out DIR               measures, documents, scores, findings as xlsx / csv / parquet
  ita dupes                          ranked copy-paste findings
  ita report --out audit.html        static HTML audit report
  ita extract FILE [--json]          what the extractor read from one file (before segmentation)
  ita debug FILE --page N --out PNG  one PDF page with the rules, cells and spans it saw drawn on it

The database commands take --db FILE (default $ITA_DB, else data/ita.duckdb).
Exit codes: 0 all documents ok or empty; 1 some documents failed; 2 usage or environment
error (one line on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

DEFAULT_DB = "data/ita.duckdb"
DB_HELP = "DuckDB database file (default: $ITA_DB if set, else data/ita.duckdb)"
EPILOG = ("Exit codes: 0 all documents ok or empty; 1 some documents failed (listed in the summary); "
          "2 usage or environment error.")


class UsageError(Exception):
    """A user mistake: printed as one line, exit code 2."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str):                 # one line, not usage + error
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("ita-measures")
    except PackageNotFoundError:
        return "unknown"


def _db(a) -> str:
    return a.db or os.environ.get("ITA_DB") or DEFAULT_DB


def cmd_ingest(a) -> int:
    from pipeline.ingest import ingest
    from pipeline.query import check_db_path
    from pipeline.termout import print_lines
    if a.out or a.engine != "local":               # a dataset of Parquet shards (pipeline.dataset_ingest)
        return cmd_ingest_dataset(a)
    check_db_path(_db(a), must_exist=False)
    kwargs = dict(prune=a.prune, progress=not a.no_progress and sys.stderr.isatty() or a.progress,
                  dupes=not a.no_dupes, ocr=not a.no_ocr, retry_failed=a.retry_failed)
    for opt in ("workers", "timeout", "memory_mb"):
        if getattr(a, opt, None) is not None:
            kwargs[opt] = getattr(a, opt)
    try:
        summary = ingest(a.paths, _db(a), **kwargs)
    except (FileNotFoundError, ValueError) as e:   # missing input, no reports; bad --workers/--memory-mb
        raise UsageError(str(e)) from None
    print_lines(summary.lines())
    return summary.exit_code


def cmd_ingest_dataset(a) -> int:
    from pipeline.dataset import DatasetBusy
    from pipeline.dataset_ingest import EngineError, ingest_dataset
    from pipeline.termout import print_lines
    if not a.out:
        raise UsageError(f"--engine {a.engine} writes a dataset of Parquet shards: give --out DATASET/ "
                         "(then `ita load DATASET --db FILE`)")
    if a.db:
        raise UsageError("give --out DATASET or --db FILE, not both (`ita load DATASET --db FILE` loads a dataset)")
    kwargs = {k: getattr(a, k) for k in ("workers", "timeout", "memory_mb") if getattr(a, k) is not None}
    try:
        summary = ingest_dataset(a.paths, a.out, engine=a.engine, scheduler=a.scheduler, prune=a.prune,
                                 progress=not a.no_progress and sys.stderr.isatty() or a.progress,
                                 ocr=not a.no_ocr, dupes=not a.no_dupes, retry_failed=a.retry_failed, **kwargs)
    except (FileNotFoundError, ValueError, EngineError, DatasetBusy) as e:
        raise UsageError(str(e)) from None
    print_lines(summary.lines())
    return summary.exit_code


def cmd_load(a) -> int:
    from pipeline.dataset_load import load_dataset
    from pipeline.query import check_db_path
    from pipeline.termout import print_lines
    check_db_path(_db(a), must_exist=False)
    try:
        summary = load_dataset(a.dataset, _db(a), dupes=not a.no_dupes)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    print_lines(summary.lines())
    return 0


def cmd_query(a) -> int:
    from pipeline.query import QueryRefused, check_db_path, run_query
    from pipeline.termout import print_result
    db = _db(a)
    if a.snapshot:                                  # a consistent copy of a database in use (pipeline.snapshot)
        from pipeline import snapshot, tmp
        check_db_path(db, must_exist=True)
        db = snapshot.snapshot(db, tmp.run_dir())
    try:
        res = run_query(db, a.sql, allow_files=a.allow_files)
    except QueryRefused as e:
        raise UsageError(str(e)) from None
    if res.columns:
        print_result(res, a.format, wide=a.wide)
    return 0


def cmd_show(a) -> int:
    from pipeline.query import open_read_only
    from pipeline.show import NotFound, find_document, show_document
    con = open_read_only(_db(a))
    try:
        doc_id = find_document(con, a.document)
    except NotFound as e:
        raise UsageError(str(e)) from None
    show_document(con, doc_id, wide=a.wide)
    return 0


def cmd_export(a) -> int:
    from pipeline.export import TABLES, ExportError, export
    from pipeline.query import open_read_only
    from pipeline.termout import print_lines
    con = open_read_only(_db(a))
    try:
        written = export(con, a.out, a.format, a.table or TABLES)
    except ExportError as e:
        raise UsageError(str(e)) from None
    print_lines(f"wrote {path} ({n} rows)" if n or Path(path).exists() else path for path, n in written)
    return 0


def _findings_db(db: str, recompute: bool = False):
    """The database with copy findings computed (now, if it has none yet or when asked)."""
    from pipeline import dupes, load
    from pipeline.query import check_db_path
    check_db_path(db, must_exist=True)
    con = load.connect(db)
    dupes.ensure_schema(con)
    if recompute or not con.execute("select count(*) from copy_findings").fetchone()[0]:
        dupes.recompute(con, None)
    return con


def cmd_dupes(a) -> int:
    from pipeline.analyze import commands
    return commands.dupes(a, _findings_db(_db(a), a.recompute))


def cmd_report(a) -> int:
    from pipeline.analyze import commands
    out = Path(a.out)
    if out.is_dir():
        raise UsageError(f"--out {a.out} is a folder: give a file name, e.g. --out {out / 'audit.html'}")
    if not out.parent.is_dir():
        raise UsageError(f"--out {a.out}: folder {out.parent} does not exist")
    return commands.report(a, _findings_db(_db(a)))


def _input_file(path: str) -> str:
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{path}: no such file")
    if p.is_dir():
        raise UsageError(f"{path} is a folder: give one report file")
    return path


def cmd_extract(a) -> int:
    from pipeline.extract_view import ViewError, json_text, parse_pages, read_document, select_pages, text_view
    from pipeline.records import ExtractionError
    from pipeline.termout import print_lines
    try:
        span = parse_pages(a.pages) if a.pages is not None else None
    except ValueError as e:
        raise UsageError(str(e)) from None
    try:
        doc = read_document(_input_file(a.file), ocr=not a.no_ocr)
        if a.json:
            sys.stdout.write(json_text(select_pages(doc, *span) if span else doc) + "\n")
        else:
            print_lines(text_view(doc, span))
    except (ExtractionError, ViewError) as e:
        raise UsageError(f"{a.file}: {e}") from None
    return 0


def cmd_debug(a) -> int:
    from extractors import sniff
    from extractors.pdf_debug import DebugError, read_page_view, summary
    from extractors.pdf_debug_draw import PictureTooLarge, draw_page
    from pipeline.records import ExtractionError
    from pipeline.termout import print_lines
    out = Path(a.out)
    if out.is_dir() or not out.parent.is_dir():
        raise UsageError(f"--out {a.out}: " + ("is a folder, give a file name such as page.png" if out.is_dir()
                                               else f"folder {out.parent} does not exist"))
    if not 0 < a.scale <= 10:
        raise UsageError(f"--scale {a.scale:g}: give a number above 0 and at most 10 (1 = 72 dpi)")
    try:
        kind = sniff(_input_file(a.file))
        if kind != "pdf":
            raise UsageError(f"{a.file}: ita debug draws PDF pages; this is a {kind.upper()} file "
                             "(`ita extract` shows what any file reads as)")
        view = read_page_view(a.file, a.page)
        img = draw_page(view, a.scale)
    except (ExtractionError, DebugError, PictureTooLarge) as e:
        raise UsageError(f"{a.file}: {e}") from None
    img.save(out, format="PNG")
    print_lines(summary(view) + [f"wrote {out} ({img.width} x {img.height} px)"])
    return 0


def _wide(s) -> None:
    s.add_argument("--wide", action="store_true", help="show every cell whole (tables are cut to the terminal's width)")


def build_parser() -> argparse.ArgumentParser:
    from pipeline.engines import ENGINES
    from pipeline.export import FORMATS as EXPORT_FORMATS, TABLES
    from pipeline.termout import FORMATS
    common = Parser(add_help=False)
    common.add_argument("--db", metavar="FILE", help=DB_HELP)
    p = Parser(prog="ita", description="Thai ITA measure reports (PDF, DOCX, TXT) -> DuckDB", epilog=EPILOG)
    p.add_argument("--version", action="version", version=f"ita {_version()}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", parents=[common], help="load reports (PDF, DOCX, TXT) from folders or files",
                       description="Load reports into the database. Folders are searched recursively for "
                       ".pdf, .docx and .txt files; .doc, .xlsx, images and other office files found there get "
                       "status failed with 'unsupported file type'. Unchanged files are skipped.", epilog=EPILOG)
    s.add_argument("paths", nargs="+", metavar="PATH", help="report files or folders of reports")
    s.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    s.add_argument("--workers", type=int, metavar="N", help="parallel worker processes (default: number of CPUs)")
    s.add_argument("--timeout", type=float, metavar="SECONDS", help="time allowed per document (default: 120), plus ITA_OCR_SECONDS_PER_PAGE "
                   "(default: 20) for each page it will OCR")
    s.add_argument("--memory-mb", type=int, dest="memory_mb", metavar="MB", help="memory limit per worker (default: 2048)")
    s.add_argument("--no-progress", action="store_true", help="no progress bar")
    s.add_argument("--progress", action="store_true", help="show the progress bar even when not on a terminal")
    s.add_argument("--no-dupes", action="store_true", help="skip recomputing copy-paste findings (with --out: "
                   "no MinHash signatures in the tasks)")
    s.add_argument("--no-ocr", action="store_true", help="do not OCR scanned PDFs (they get status needs_ocr)")
    s.add_argument("--retry-failed", action="store_true", help="read again unchanged files that failed by time or memory limit")
    s.add_argument("--engine", choices=ENGINES, default="local",
                   help="where documents are read: local worker processes (default), or a Dask or Ray cluster")
    s.add_argument("--scheduler", metavar="ADDRESS", help="a running cluster: Dask scheduler (tcp://HOST:8786) or "
                   "Ray address (HOST:6379); default: a local cluster for the run")
    s.add_argument("--out", metavar="DATASET", help="write a dataset of Parquet shards to this folder instead of "
                   "--db (needed by --engine dask and ray; load it with `ita load`)")
    s.set_defaults(func=cmd_ingest)

    s = sub.add_parser("load", parents=[common], help="load a dataset of Parquet shards into the database",
                       description="Load the dataset that `ita ingest --out DATASET` wrote into one DuckDB file, "
                       "then compute the copy findings. Documents already loaded are skipped; a document's rows "
                       "are replaced as a whole.", epilog=EPILOG)
    s.add_argument("dataset", metavar="DATASET", help="the dataset folder")
    s.add_argument("--no-dupes", action="store_true", help="skip recomputing copy-paste findings")
    s.set_defaults(func=cmd_load)

    s = sub.add_parser("query", parents=[common], help="run read-only SQL against the database",
                       description="Run SQL on a read-only connection that cannot read or write files, attach "
                       "databases or install extensions.")
    s.add_argument("sql", metavar="SQL", help="SQL statement(s); the rows of the last one are printed")
    s.add_argument("--format", choices=FORMATS, default="table", help="output format (default: table)")
    _wide(s)
    s.add_argument("--allow-files", action="store_true", help="allow file access, for COPY (...) TO 'file' exports")
    s.add_argument("--snapshot", action="store_true", help="query a consistent copy (works while an ingest runs)")
    s.set_defaults(func=cmd_query)

    s = sub.add_parser("show", parents=[common], help="one document's extracted rows and warnings",
                       description="FILE_OR_DOC_ID: the file's path (exact), its doc_id, or a file name or path "
                       "ending that matches one document (several matches are listed).")
    s.add_argument("document", metavar="FILE_OR_DOC_ID", help="which document")
    _wide(s)
    s.set_defaults(func=cmd_show)

    s = sub.add_parser("export", parents=[common], help="write tables as xlsx, csv or parquet files",
                       description="Write one file per table to DIR: measures (with agency, year, file and "
                       "provenance), documents, scores, findings.")
    s.add_argument("--out", required=True, metavar="DIR", help="folder for the files (created if missing)")
    s.add_argument("--format", choices=EXPORT_FORMATS, default="xlsx", help="file format (default: xlsx)")
    s.add_argument("--table", action="append", choices=TABLES, help="only this table (repeatable; default: all)")
    s.set_defaults(func=cmd_export)

    from pipeline.analyze.commands import add_dupes_arguments, add_report_arguments
    s = sub.add_parser("dupes", parents=[common], help="ranked copy-paste findings")
    add_dupes_arguments(s)
    _wide(s)
    s.set_defaults(func=cmd_dupes)

    s = sub.add_parser("report", parents=[common], help="write a static HTML audit report")
    add_report_arguments(s)
    s.set_defaults(func=cmd_report)

    s = sub.add_parser("extract", help="what the extractor read from one file (before segmentation)",
                       description="Print the extracted document: pages, paragraphs (role, box, font size) "
                       "and tables with their spans, as read before segmentation; no database is used.")
    s.add_argument("file", metavar="FILE", help="a report file (PDF, DOCX or TXT)")
    s.add_argument("--json", action="store_true", help="the document as JSON (the records, spans and boxes)")
    s.add_argument("--pages", metavar="N-M", help="only blocks on these PDF pages (e.g. 3, 2-5, 4-)")
    s.add_argument("--no-ocr", action="store_true", help="do not OCR pages without a text layer")
    s.set_defaults(func=cmd_extract)

    s = sub.add_parser("debug", help="one PDF page with the rules, cells and spans the extractor saw",
                       description="Render one PDF page and draw on it what the extractor saw: ruling lines "
                       "(dashed ones apart), fills, the cells of rule and text grids, merged cells with their "
                       "span, covered slots, paragraphs, running headers/footers and tables that continue "
                       "over a page break; a summary goes to stdout.")
    s.add_argument("file", metavar="FILE", help="a PDF file")
    s.add_argument("--page", type=int, required=True, metavar="N", help="page number, from 1")
    s.add_argument("--out", required=True, metavar="PNG", help="picture to write (PNG)")
    s.add_argument("--scale", type=float, default=2.0, metavar="S",
                   help="pixels per PDF point (default: 2, i.e. 144 dpi)")
    s.set_defaults(func=cmd_debug)
    return p


def _error(msg: str) -> int:
    from pipeline.termout import safe_text
    print(f"ita: {safe_text(msg, newlines=False)}", file=sys.stderr)
    return 2


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("PYTHAINLP_OFFLINE", "1")
    import duckdb
    from pipeline.load import DatabaseBusy
    from pipeline.query import DbError
    try:
        a = build_parser().parse_args(argv)
        code = a.func(a)
        sys.stdout.flush()
        return code
    except (UsageError, DbError, DatabaseBusy) as e:
        return _error(str(e))
    except duckdb.Error as e:
        return _error(f"database error: {(str(e).strip().splitlines() or [type(e).__name__])[0]}")
    except BrokenPipeError:                        # `ita … | head`: the reader left
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())      # no second error when Python flushes at exit
        return _error("output closed before the end (e.g. by `head`); the rest was not printed")
    except IsADirectoryError as e:
        return _error(f"{e.filename} is a folder, a file name was expected")
    except PermissionError as e:
        return _error(f"permission denied: {e.filename}")
    except KeyboardInterrupt:
        print("ita: interrupted; documents written so far are kept, run the same command again to continue",
              file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
