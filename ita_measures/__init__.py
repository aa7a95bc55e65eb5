"""Python API of ita-measures: the same stages the `ita` command runs.

    from ita_measures import extract, segment, ingest, connect

    doc = extract("report.docx")            # ExtractedDocument: paragraphs and tables (PDF, DOCX, TXT)
    seg = segment(doc)                      # SegmentedDocument: facts, measure rows, scores
    summary = ingest(["reports/"], "data/ita.duckdb")   # a folder into DuckDB, as `ita ingest`
    ingest_dataset(["reports/"], "ds/", engine="dask")  # Parquet shards on a cluster, as `ita ingest --out`
    load_dataset("ds/", "data/ita.duckdb")              # ... into DuckDB, as `ita load`
    con = connect("data/ita.duckdb", read_only=True)    # a DuckDB connection to query

Records are plain dataclasses (pipeline.records); see README.md, "Python API".
"""
from extractors import extract
from pipeline.cli import _version
from pipeline.dataset_ingest import ingest_dataset
from pipeline.dataset_load import load_dataset
from pipeline.ingest import Summary, ingest
from pipeline.load import connect
from pipeline.process import process_file
from pipeline.records import (Cell, DocumentFacts, ExtractedDocument, MeasureRow, Paragraph, ScoreRow,
                              SegmentedDocument, Table, document_from_dict, document_to_dict)
from pipeline.segment import segment

__all__ = ["extract", "segment", "process_file", "ingest", "ingest_dataset", "load_dataset", "connect", "Summary", "Cell", "Paragraph", "Table",
           "ExtractedDocument", "SegmentedDocument", "MeasureRow", "ScoreRow", "DocumentFacts",
           "document_to_dict", "document_from_dict", "__version__"]

__version__ = _version()
