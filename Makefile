# Two commands do all set-up on a fresh machine:
#   make demo   build the bundled example articles into the embedded store and summarise
#   make test   run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test bench clean setup

setup: $(STAMP)

$(STAMP): pyproject.toml scripts/install-system-deps.sh
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m compileall -q kg    # as pip does for an installed package
	./scripts/install-system-deps.sh
	touch $(STAMP)

demo: $(STAMP)
	rm -rf demo-store
	$(BIN)/kg build examples/articles --store demo-store
	$(BIN)/kg stats --store demo-store
	$(BIN)/kg query operations-by-actor --store demo-store

test: $(STAMP)
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) demo-store build *.egg-info
