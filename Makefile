# The two commands a newcomer needs: `make lab` and `make test`. Both create .venv first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.nbteach-installed
# Jupyter refuses to run as root unless told to; add the flag only when we are root.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
LAB_ARGS ?=
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg

.PHONY: lab test test-fast notebooks bench venv clean slides site

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

# JupyterLab on the notebooks, bound to 127.0.0.1; the server makes a random token and
# prints the URL that carries it.
lab: $(STAMP)
	cd notebooks && ../$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 $(ROOT_FLAG) $(LAB_ARGS) \
		$(if $(wildcard notebooks/00_start_here.ipynb),00_start_here.ipynb,)

# Every test: pytest over tests/ and nbval (strict: outputs must match) over notebooks/.
test: $(STAMP)
	NBTEACH_QUICK=1 $(BIN)/python -m pytest -p no:cacheprovider $(NBVAL) tests notebooks

# Re-execute every notebook in place, keeping outputs and widget state.
notebooks: $(STAMP)
	$(BIN)/python -m nbteach.tools.execute_notebooks notebooks

# reveal.js slides of every notebook into slides/, and a static site of them into site/:
# from the stored outputs, with every script copied in (fetched once with npm, checksummed).
slides: $(STAMP)
	$(BIN)/python -m nbteach.tools.slides --fetch notebooks slides

site: $(STAMP)
	$(BIN)/python -m nbteach.tools.site --fetch notebooks site

bench: $(STAMP)
	$(BIN)/python -m nbteach.bench

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis site slides
