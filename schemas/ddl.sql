-- DuckDB schema of ita-measures. Names here are a contract: the CLI, the scorer and
-- users' SQL query them. Years (*_year) are Buddhist-era integers; dates are Gregorian.
CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR PRIMARY KEY,   -- first 16 hex of sha256 of the file's bytes
    source_path   VARCHAR NOT NULL,
    sha256        VARCHAR NOT NULL,
    format        VARCHAR,               -- txt | pdf | docx
    pages         INTEGER,
    status        VARCHAR NOT NULL,      -- ok | empty | failed | needs_ocr
    error         VARCHAR,
    warnings      VARCHAR[],
    agency        VARCHAR,
    agency_type   VARCHAR,
    district      VARCHAR,
    province      VARCHAR,
    fiscal_year   INTEGER,
    ita_score     DOUBLE,
    ita_score_year INTEGER,
    ita_grade     VARCHAR,
    title         VARCHAR,
    ingested_at   TIMESTAMP,
    source_path_bytes BLOB               -- the file name's raw bytes when it is not valid UTF-8
                                         -- (source_path then shows each undecodable byte as \xNN)
);

CREATE TABLE IF NOT EXISTS measures (
    measure_id    VARCHAR PRIMARY KEY,   -- doc_id:table_no:row_no
    doc_id        VARCHAR NOT NULL,
    table_no      INTEGER,
    row_no        INTEGER,
    page          INTEGER,
    line          INTEGER,
    tool          VARCHAR,
    indicator_no  INTEGER,
    indicator     VARCHAR,
    measure       VARCHAR,
    issue         VARCHAR,
    method        VARCHAR,
    owner         VARCHAR,
    period_text   VARCHAR,
    period_start  DATE,
    period_end    DATE,
    result        VARCHAR,
    outcome       VARCHAR,
    raw           JSON,                  -- original cells: header -> {text, page, bbox}
    section       VARCHAR                -- the section row above (กลยุทธ์ที่ 1…, ด้าน IIT)
);

CREATE TABLE IF NOT EXISTS measure_owners (
    measure_id    VARCHAR NOT NULL,
    doc_id        VARCHAR NOT NULL,
    unit          VARCHAR NOT NULL,
    unit_raw      VARCHAR
);

CREATE TABLE IF NOT EXISTS scores (
    doc_id        VARCHAR NOT NULL,
    year          INTEGER,
    tool          VARCHAR,
    indicator_no  INTEGER,
    indicator     VARCHAR,
    item_code     VARCHAR,
    score         DOUBLE,
    page          INTEGER
);

CREATE TABLE IF NOT EXISTS pages (
    doc_id        VARCHAR NOT NULL,
    page          INTEGER NOT NULL,
    chars         INTEGER,
    quality       DOUBLE,
    method        VARCHAR,               -- text | ocr | none
    ocr_confidence DOUBLE                -- mean Tesseract word confidence 0..100 (OCR'd pages)
);

-- Every report file seen, one row a path; documents has one row per content, so two files
-- with the same bytes share a doc_id (an identical_file finding lists their paths).
CREATE TABLE IF NOT EXISTS files (
    path          VARCHAR PRIMARY KEY,
    sha256        VARCHAR NOT NULL,
    doc_id        VARCHAR NOT NULL,
    size          BIGINT,
    mtime         TIMESTAMP,             -- the file's modification time when last seen
    first_seen    TIMESTAMP              -- when this path was first seen with these bytes
);

-- Databases made by earlier versions get the columns added since.
ALTER TABLE measures ADD COLUMN IF NOT EXISTS section VARCHAR;
ALTER TABLE pages ADD COLUMN IF NOT EXISTS ocr_confidence DOUBLE;
ALTER TABLE documents ADD COLUMN IF NOT EXISTS source_path_bytes BLOB;

CREATE OR REPLACE VIEW measures_by_agency AS
SELECT d.agency, d.agency_type, d.district, d.province, d.fiscal_year,
       d.source_path, m.*
FROM measures m JOIN documents d USING (doc_id);

-- Body paragraphs (for the copy-paste analysis and for reading a report by eye).
CREATE TABLE IF NOT EXISTS paragraphs (
    doc_id        VARCHAR,
    para_no       INTEGER,
    page          INTEGER,
    line          INTEGER,
    text          VARCHAR,
    role          VARCHAR                -- from the layout: body | heading | running (NULL: no hints)
);
ALTER TABLE paragraphs ADD COLUMN IF NOT EXISTS role VARCHAR;
