# The README's two commands are `make demo` and `make test`; both set everything up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
OUT ?= out

.PHONY: demo test lint bench docs clean fuzz

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	rm -rf $(OUT)
	$(BIN)/copydesk migrate fixtures/demo $(wildcard ../shared/seeds) --out $(OUT) --report $(OUT)/report.json; \
	  code=$$?; echo "report: $(OUT)/report.json (exit $$code)"; test $$code -le 1
	@echo "--- copydesk lint $(OUT) (what is left needs a human; see the report)"
	@$(BIN)/copydesk lint $(OUT) || echo "(lint exit $$?: the findings above need a human)"

test: $(STAMP)
	$(BIN)/python -m pytest

# The fuzz suite with the long hypothesis profile (tests/fuzz/conftest.py): minutes, random.
fuzz: $(STAMP)
	COPYDESK_FUZZ_PROFILE=long $(BIN)/python -m pytest tests/fuzz --hypothesis-show-statistics

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy

docs: $(STAMP)
	$(BIN)/python -m copydesk.packs
	$(BIN)/python -m copydesk.ruletable
	$(BIN)/copydesk rules --markdown > docs/rules.md
	$(BIN)/python -m copydesk.configdocs > docs/configuration.md

# Three reports (they always exit 0 and print PASS/FAIL against the targets themselves).
bench: $(STAMP)
	$(BIN)/python bench/bench_lint.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_migrate.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_images.py
	$(BIN)/python bench/bench_links.py
	$(BIN)/python bench/bench_fix.py

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache build dist
