"""Copy-paste findings: the tell-tale signs of a paper exercise (README, "Copy-paste findings").

  textkey     the text passages are compared on, and the way back to the text as written
  roles       body text vs titles, headings, running headers, signatures (only body is compared)
  minhash     MinHash signatures (rensa), a helper process for large inputs
  candidates  shingles, content-defined chunks, LSH candidate pairs
  verify      exact shared spans of candidate pairs
  boilerplate standard wording: the reference texts in schemas/ and text many agencies share
  direction   which of two reports is the earlier
  names       foreign agency names, own-name variants (pipeline.agencies does the names)
  generic     result cells that say nothing
  files       every file seen; byte-identical files under several paths
  compute     all of the above into copy_findings
  store       the tables: passages, copy_findings, ranked listing
  pairs       findings grouped by pair of documents, with each one's share
  commands    `ita dupes` and `ita report`

Imported lazily: `ita --help` and `ita query` need none of numpy, rensa or pandas.
"""
_EXPORTS = {"recompute": "compute", "MIN_CHARS": "compute", "KINDS": "store",
            "ensure_schema": "store", "findings": "store"}
__all__ = sorted(_EXPORTS)


def __getattr__(name):
    if name in _EXPORTS:
        import importlib
        return getattr(importlib.import_module(f"pipeline.analyze.{_EXPORTS[name]}"), name)
    raise AttributeError(name)
