# Suzhi: `make demo` and `make test` are all a new machine needs (plus the packages in the README).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
PG_SERVER ?= $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/)
PYTEST_ARGS ?=

.PHONY: install demo serve test test-pg lint messages clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e ".[dev,rq]"
	@touch $@

# The logins are printed last, once the server listens, after its start-up lines.
DEMO_LOGINS := var/demo-logins.txt
demo: install
	DEBUG=1 $(BIN)/suzhi migrate --noinput
	DEBUG=1 $(BIN)/suzhi demo --logins-file $(DEMO_LOGINS) --url http://$(HOST):$(PORT)/
	@$(BIN)/python scripts/when_listening.py $(HOST) $(PORT) $(DEMO_LOGINS) & \
	  DEBUG=1 exec $(BIN)/suzhi runserver $(HOST):$(PORT)

test: install
	SUZHI_TESTING=1 DATABASE_URL= $(BIN)/pytest $(PYTEST_ARGS)

# A fresh database named test_suzhi on the PostgreSQL server of DATABASE_URL (or the local default).
test-pg: install
	@PG_URL="$$($(BIN)/python scripts/pg_url.py '$(PG_SERVER)')" && \
	  $(BIN)/python scripts/pg_url.py --check '$(PG_SERVER)' && \
	  SUZHI_TESTING=1 DATABASE_URL="$$PG_URL" $(BIN)/pytest --create-db $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check src tests bench
	DEBUG=1 $(BIN)/mypy src

messages: install
	cd src/suzhi && DEBUG=1 ../../$(BIN)/suzhi makemessages -l zh_Hans -l en --no-obsolete && \
	  DEBUG=1 ../../$(BIN)/suzhi compilemessages

clean:
	rm -rf $(VENV) var .pytest_cache
