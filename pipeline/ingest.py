"""Ingest a folder (or files) of reports into DuckDB: discover files, skip those already
loaded with the same bytes, process the rest, write each in its own transaction, then
recompute the copy-paste findings. Prints a progress bar and returns a summary."""
from __future__ import annotations

import hashlib
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Optional

from extractors import SUPPORTED_SUFFIXES
from pipeline import load
from pipeline.process import process_file
from pipeline.records import ExtractionError, SourceFile


@dataclass
class Summary:
    statuses: Counter = field(default_factory=Counter)
    unchanged: int = 0
    pruned: int = 0
    measures: int = 0
    scores: int = 0
    warnings: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    findings: dict = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.statuses.get("failed") else 0

    def lines(self) -> list[str]:
        done = sum(self.statuses.values())
        out = [f"ingested {done} document(s) in {self.seconds:.1f} s"
               + (f", {self.unchanged} unchanged (skipped)" if self.unchanged else "")
               + (f", {self.pruned} pruned" if self.pruned else ""),
               "  by status: " + (", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items())) or "none"),
               f"  measures {self.measures}, scores {self.scores}, warnings {self.warnings}"]
        if self.findings:
            out.append("  copy findings: " + ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())))
        for path, err in self.failed:
            out.append(f"  FAILED {path}: {err}")
        return out


def discover(paths: Iterable[str]) -> list[Path]:
    """Report files under the given folders (recursively) or named directly, sorted."""
    found: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            found += [f for f in p.rglob("*") if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES]
        elif p.is_file():
            found.append(p)
        else:
            raise FileNotFoundError(f"no such file or folder: {p}")
    return sorted({f.resolve() for f in found})


def source_file(path: Path) -> SourceFile:
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return SourceFile(str(path), h.hexdigest(), size)


def ingest(paths: Iterable[str], db: str, *, prune: bool = False, progress: bool = True,
           dupes: bool = True, ocr: bool = True) -> Summary:
    started = time.time()
    summary = Summary()
    files = discover(paths)
    con = load.connect(db)
    try:
        known = load.known_files(con)
        todo = []
        for path in files:
            src = source_file(path)
            if known.get(src.path, (None, None))[0] == src.sha256 and known[src.path][1] != "failed":
                summary.unchanged += 1
            else:
                todo.append(src)
        if prune:
            present = {str(f) for f in files}
            for gone in [p for p in known if p not in present]:
                doc_id = con.execute("select doc_id from documents where source_path = ?", [gone]).fetchone()[0]
                load.delete_document(con, doc_id, gone)
                summary.pruned += 1
        bar = _progress(len(todo), progress)
        changed = []
        for src in todo:
            try:
                seg = process_file(src.path, ocr=ocr)
            except ExtractionError as e:
                load.write_document(con, src, status="failed", error=str(e))
                summary.failed.append((src.path, str(e)))
                summary.statuses["failed"] += 1
            except Exception as e:  # a bug on one file must not stop the folder
                err = f"internal error while reading ({type(e).__name__}: {e}); please report it"
                load.write_document(con, src, status="failed", error=err)
                summary.failed.append((src.path, err))
                summary.statuses["failed"] += 1
            else:
                load.write_document(con, src, seg)
                summary.statuses[seg.status] += 1
                summary.measures += len(seg.measures)
                summary.scores += len(seg.scores)
                summary.warnings += len(seg.warnings)
                if seg.status == "needs_ocr" and seg.extracted.error:
                    summary.failed.append((src.path, seg.extracted.error))
            changed.append(src.doc_id)
            bar.update(1, failed=summary.statuses["failed"])
        bar.close()
        if dupes and (changed or summary.pruned):
            summary.findings = _recompute_findings(con, changed)
    finally:
        con.close()
    summary.seconds = time.time() - started
    return summary


def _recompute_findings(con, changed: list[str]) -> dict:
    try:
        from pipeline import dupes
    except ImportError:
        return {}
    dupes.ensure_schema(con)
    return dupes.recompute(con, changed)


class _progress:
    """A tqdm bar on stderr (files done, failed, rate), or nothing when not wanted."""

    def __init__(self, total: int, enabled: bool):
        self.bar = None
        if enabled and total:
            from tqdm import tqdm
            self.bar = tqdm(total=total, unit="doc", file=sys.stderr, dynamic_ncols=True, desc="ingest")

    def update(self, n: int, failed: int = 0) -> None:
        if self.bar:
            self.bar.set_postfix(failed=failed, refresh=False)
            self.bar.update(n)

    def close(self) -> None:
        if self.bar:
            self.bar.close()
