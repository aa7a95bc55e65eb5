-- Tables `ita load` fills from a dataset of Parquet shards (pipeline/dataset_load.py).

-- MinHash signatures of a passage's content-defined segments, computed in the ingest's
-- tasks (pipeline/analyze/signatures.py): NUM_PERM little-endian uint32 per segment.
-- recompute uses a row only while key_hash equals the hash of its own comparison text.
CREATE TABLE IF NOT EXISTS passage_minhash (
    passage_id    VARCHAR NOT NULL,
    doc_id        VARCHAR NOT NULL,
    key_hash      BIGINT NOT NULL,
    minhash       BLOB NOT NULL
);

-- Documents loaded whose copy findings are not recomputed yet (a load interrupted before
-- its recompute leaves them here; the next load does them).
CREATE TABLE IF NOT EXISTS pending_findings (
    doc_id        VARCHAR PRIMARY KEY
);
