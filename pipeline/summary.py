"""The summary an ingest prints: counts, then one line per document that needs a person."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Optional

from pipeline.paths import quote_name


@dataclass
class Summary:
    statuses: Counter = field(default_factory=Counter)
    unchanged: int = 0
    duplicates: list[tuple[str, str]] = field(default_factory=list)   # (path, same content as path)
    pruned: int = 0
    measures: int = 0
    scores: int = 0
    warnings: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    failed_before: list[tuple[str, str]] = field(default_factory=list)  # unchanged files that failed earlier
    skipped_limits: int = 0                     # of those, failed by time or memory limit, not retried
    needs_ocr: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)     # links skipped, folders unreadable
    seconds: float = 0.0
    workers: int = 0
    worker_peak_mb: int = 0                     # largest resident size of a worker with its programs (sampled)
    ocr: bool = True
    findings: dict = field(default_factory=dict)
    db_documents: Optional[int] = None          # what the database holds after the run
    db_measures: Optional[int] = None

    @property
    def exit_code(self) -> int:
        """0 when every document is ok or empty; 1 when some failed (including unchanged
        files that failed in an earlier run), or need OCR although OCR was on (Tesseract
        missing); scans left unread on purpose with --no-ocr do not count."""
        return 1 if self.failed or self.failed_before or (self.needs_ocr and self.ocr) else 0

    def lines(self) -> list[str]:
        """The summary a person reads: what this run did, what the database now holds,
        then one line per file that needs attention. File names are quoted with control
        characters escaped, so every line below is one of these lines whatever the names hold."""
        done = sum(self.statuses.values())
        failed = len(self.failed) + len(self.failed_before)
        holds = (f" (database holds {self.db_documents} documents, {self.db_measures} measures)"
                 if self.db_documents is not None else "")
        out = [f"{done} new, {self.unchanged} unchanged, {failed} failed{holds}"
               + (f", {len(self.duplicates)} duplicate file(s) skipped" if self.duplicates else "")
               + (f", {self.pruned} pruned" if self.pruned else "")]
        if done:
            rate = f", {done / self.seconds:.1f}/s with {self.workers} worker(s)" if self.seconds and self.workers else ""
            out.append("  new: " + ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
                       + f"; measures {self.measures}, scores {self.scores}, warnings {self.warnings}"
                       + f"; {self.seconds:.1f} s{rate}")
        if self.findings:
            out.append("  copy findings: " + ", ".join(f"{k} {v}" for k, v in sorted(self.findings.items())))
        if self.skipped_limits:
            out.append(f"  {self.skipped_limits} document(s) that failed by time or memory limit in an earlier run "
                       "skipped (unchanged; --retry-failed, or a higher --timeout/--memory-mb, tries again)")
        out += [f"  NOTE {n}" for n in self.notes]
        for path, other in self.duplicates:
            out.append(f"  DUPLICATE {quote_name(path)}: same content as {quote_name(other)} (stored once)")
        for path, err in self.needs_ocr:
            out.append(f"  NEEDS OCR {quote_name(path)}: {_one_line(err)}")
        for path, err in self.failed:
            out.append(f"  FAILED {quote_name(path)}: {_one_line(err)}")
        for path, err in self.failed_before:
            out.append(f"  FAILED (unchanged since an earlier run) {quote_name(path)}: {_one_line(err)}")
        return out


def _one_line(text: str) -> str:
    return quote_name(text)[1:-1]
