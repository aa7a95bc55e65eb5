-- Copy findings (pipeline/dupes.py). Loaded after schemas/ddl.sql. Names are a contract.
-- (paragraphs, written by the loader and read by dupes.recompute, is defined in ddl.sql)

-- One row per compared text: a field of a measure row or a body paragraph.
CREATE TABLE IF NOT EXISTS passages (
    passage_id    VARCHAR NOT NULL,      -- measure_id:field | doc_id:p:para_no
    doc_id        VARCHAR NOT NULL,
    measure_id    VARCHAR,               -- NULL for body paragraphs
    field         VARCHAR NOT NULL,      -- measure | method | issue | result | outcome | paragraph
    para_no       INTEGER,               -- body paragraphs only
    page          INTEGER,
    line          INTEGER,
    text          VARCHAR,               -- as stored in measures / paragraphs
    norm_chars    INTEGER                -- length of the normalized text that is compared
);

-- kind: within_report | cross_agency | same_agency_other_year | foreign_agency_name | generic_result
-- doc_b / measure_b / field_b are NULL where they do not apply; for foreign_agency_name
-- shared_text is the foreign name as written. boilerplate = the shared text is standard
-- ITA/NACC wording (reference list or found in many agencies' reports): ranked last, kept.
CREATE TABLE IF NOT EXISTS copy_findings (
    finding_id    VARCHAR NOT NULL,      -- 16 hex, stable across recomputes
    kind          VARCHAR NOT NULL,
    doc_a         VARCHAR NOT NULL,
    doc_b         VARCHAR,
    measure_a     VARCHAR,
    measure_b     VARCHAR,
    field_a       VARCHAR,
    field_b       VARCHAR,
    similarity    DOUBLE,                -- share of the smaller passage covered by shared spans (0..1)
    shared_text   VARCHAR,               -- copied span(s) as written in passage a, joined by " … "
    boilerplate   BOOLEAN NOT NULL DEFAULT FALSE,
    passage_a     VARCHAR,               -- passages.passage_id (provenance: page, line, paragraph)
    passage_b     VARCHAR
);
