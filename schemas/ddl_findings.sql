-- Copy findings (pipeline/analyze). Loaded after schemas/ddl.sql. Names are a contract.
-- (paragraphs, written by the loader and read by the analysis, is defined in ddl.sql)

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
    norm_chars    INTEGER,               -- length of the normalized text that is compared
    role          VARCHAR                -- body | title | heading | running: only body is compared
);
ALTER TABLE passages ADD COLUMN IF NOT EXISTS role VARCHAR;

-- kind: identical_file | cross_agency | same_agency_other_year | within_report |
--       foreign_agency_name | own_name_variant | generic_result
-- doc_b / measure_b / field_b are NULL where they do not apply. For two documents doc_a is
-- the earlier (order_basis says by what). For names shared_text is the name as written,
-- occurrences and pages say how often and where; for identical_file paths lists the files.
-- boilerplate = the shared text is standard ITA/NACC wording (reference list or found in
-- many agencies' reports): ranked last, kept.
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
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS priority INTEGER;       -- rank: 0 first
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS shared_chars INTEGER;   -- normalized chars shared
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS informative_chars INTEGER;  -- ... outside standard wording
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS spans_a INTEGER[];      -- shared spans [s, e, s, e, …] (normalized)
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS spans_b INTEGER[];
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS order_basis VARCHAR;    -- fiscal_year | report_date | file_date
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS occurrences INTEGER;    -- names: how often in the document
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS pages INTEGER[];        -- names: on which pages
ALTER TABLE copy_findings ADD COLUMN IF NOT EXISTS paths VARCHAR[];        -- identical_file: every path
