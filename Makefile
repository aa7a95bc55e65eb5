# ita-measures. Two commands on a fresh machine: `make ingest`, then `make test`.
PYTHON  ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
REPORTS ?= corpus
DB      ?= data/ita.duckdb
ARGS    ?=

# No network at run time: pythainlp reads only what ships with it, from a local data dir.
export PYTHAINLP_OFFLINE := 1
export PYTHAINLP_DATA    := $(CURDIR)/.pythainlp-data

.PHONY: ingest test bench install system-deps clean pdf-renderings report

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

ingest: install
	-@bash scripts/system-deps.sh ocr --quiet
	@mkdir -p "$(dir $(DB))"
	$(BIN)/ita ingest "$(REPORTS)" --db "$(DB)" $(ARGS)

test: install
	-@bash scripts/system-deps.sh all
	$(BIN)/python -m pytest -q $(ARGS)

bench: install
	$(BIN)/python -m bench.run $(ARGS)

report: install
	$(BIN)/ita report --db "$(DB)" --out audit.html

pdf-renderings:
	bash scripts/render_seed_pdfs.sh

clean:
	rm -rf $(VENV) data/*.duckdb data/*.duckdb.wal .pytest_cache .hypothesis
