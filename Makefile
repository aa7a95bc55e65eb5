# ita-measures. Two commands on a fresh machine: `make ingest`, then `make test`.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
REPORTS ?= corpus
DB      ?= data/ita.duckdb
ARGS    ?=
# Paths reach the recipes as environment variables ("$$REPORTS"), so quotes, spaces and
# Thai in them need no escaping on the make command line.
export REPORTS DB

# No network at run time: pythainlp reads only what ships with it, from a local data dir.
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_DATA    := $(CURDIR)/.pythainlp-data

.PHONY: ingest test bench install system-deps clean pdf-renderings docx-renderings report readme

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	@mkdir -p $(PYTHAINLP_DATA)
	touch $@

install: $(VENV)/.installed

# Tesseract (OCR of scanned PDFs; `make ingest`) and Chromium (HTML report test; `make test`)
# come from Debian, installed when missing and we are root; otherwise scans get status needs_ocr.
system-deps:
	@bash scripts/system-deps.sh

# `ita ingest` exits 1 when some documents failed (the summary lists them): the run itself
# finished, so `make ingest` succeeds; usage and environment errors (exit 2) fail it.
ingest: install
	-@bash scripts/system-deps.sh ocr --quiet
	@rc=0; $(BIN)/ita ingest "$$REPORTS" --db "$$DB" $(ARGS) || rc=$$?; \
	if [ $$rc -eq 1 ]; then echo "make ingest: finished; the documents listed as FAILED / NEEDS OCR above need a look"; \
	else exit $$rc; fi

test: install
	-@bash scripts/system-deps.sh all
	$(BIN)/python -m pytest -q $(ARGS)

bench: install
	$(BIN)/python -m bench.run $(ARGS)

report: install
	$(BIN)/ita report --db "$$DB" --out audit.html

# README.md's command reference, generated from `ita --help` (tests/test_readme.py checks it)
readme: install
	$(BIN)/python scripts/cli_reference.py --write

pdf-renderings:
	bash scripts/render_seed_pdfs.sh

docx-renderings:
	bash scripts/render_docx.sh corpus tests/fixtures/seed_docx
	bash scripts/render_docx.sh tests/fixtures/unseen tests/fixtures/unseen_docx

clean:
	rm -rf $(VENV) data/*.duckdb data/*.duckdb.wal .pytest_cache .hypothesis
