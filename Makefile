# The two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= auto

.PHONY: run test serve demo migrate lint format bench-import clean

# The settings default to production (debug off, a secret key required); these development
# targets turn debug on explicitly. Set DJANGO_DEBUG yourself to override.
migrate demo run test: export DJANGO_DEBUG ?= true

$(VENV)/.requirements: requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.requirements-dev: requirements-dev.txt $(VENV)/.requirements
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

migrate: $(VENV)/.requirements
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_data

run: demo
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(VENV)/.requirements-dev
	@bash scripts/ensure-chromium.sh
	@bash scripts/ensure-pdf-deps.sh
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.requirements-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* media staticfiles
