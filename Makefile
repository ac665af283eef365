# The two set-up commands: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_WORKERS ?= auto
# localstripe, the Stripe stand-in (GPL: run only as a separate process), lives in its own virtualenv.
LOCALSTRIPE_VENV := .venv-localstripe
LOCALSTRIPE_PORT ?= 8420

.PHONY: run test serve demo migrate lint format bench-import clean localstripe

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

$(LOCALSTRIPE_VENV)/.requirements: requirements-localstripe.txt
	test -x $(LOCALSTRIPE_VENV)/bin/python || $(PYTHON) -m venv $(LOCALSTRIPE_VENV)
	$(LOCALSTRIPE_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-localstripe.txt
	touch $@

# Optional: without localstripe, `make run` offers no card payment and the tests that need it skip.
localstripe:
	@$(MAKE) --no-print-directory $(LOCALSTRIPE_VENV)/.requirements \
	  || echo "localstripe could not be installed into $(LOCALSTRIPE_VENV): card payments are off in make run, and their tests skip."

migrate: $(VENV)/.requirements
	$(PY) manage.py migrate --noinput

demo: migrate
	$(PY) manage.py load_demo_data

# The development server, with localstripe on 127.0.0.1:$(LOCALSTRIPE_PORT) standing in for Stripe (scripts/run-dev.sh).
run: demo localstripe
	@echo "Serving on http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	@HOST=$(HOST) PORT=$(PORT) PY=$(PY) LOCALSTRIPE_VENV=$(LOCALSTRIPE_VENV) LOCALSTRIPE_PORT=$(LOCALSTRIPE_PORT) \
	  bash scripts/run-dev.sh

# The production shape (scripts/serve.sh): debug off, migrate and collectstatic, then gunicorn
# (config/gunicorn.conf.py) and the django-tasks database worker; Ctrl-C stops both. Needs
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (README, "Production shape").
serve: $(VENV)/.requirements
	@PY=$(PY) bash scripts/serve.sh

test: $(VENV)/.requirements-dev localstripe
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
	rm -rf $(VENV) $(LOCALSTRIPE_VENV) db.sqlite3 db.sqlite3-* media staticfiles
