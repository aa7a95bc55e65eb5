"""Compatibility entry point: the copy analysis lives in pipeline.analyze (ingest and the
CLI call recompute, findings and ensure_schema through this module)."""
from pipeline.analyze import KINDS, MIN_CHARS, ensure_schema, findings, recompute

__all__ = ["KINDS", "MIN_CHARS", "ensure_schema", "findings", "recompute"]
