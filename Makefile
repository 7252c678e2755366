# The two commands of the README: `make run` and `make test`. Everything else supports them.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CATALOGS := $(wildcard app/translations/*/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)
HOST ?= 127.0.0.1
PORT ?= 5000
# the address printed on scorecards' verification URLs and in e-mails
BASE_URL ?= http://$(HOST):$(PORT)
export FLASK_APP := wsgi

.PHONY: run test install lint translations extract-messages bench clean check-host

run: install check-host
	@mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo seed
	@echo ""
	@echo "  CareProcure is serving at http://$(HOST):$(PORT)/  (Ctrl-C stops all three processes)"
	@echo "  Logs: this terminal, each line prefixed by its process:"
	@echo "    web.1        gunicorn, the web server (access log and errors)"
	@echo "    scheduler.1  reminders and nightly jobs (flask scheduler run)"
	@echo "    worker.1     queued long work: scorecard ZIPs, large imports (flask worker run)"
	@echo ""
	PATH="$(abspath $(BIN)):$$PATH" BIND=$(HOST):$(PORT) BASE_URL=$(BASE_URL) \
	  $(BIN)/honcho start --no-colour --procfile Procfile --app-root .

# The development configuration on an address other machines reach serves the demo logins
# to anyone on the network: say so loudly (production runs behind an HTTPS reverse proxy).
check-host:
	@case "$(HOST)" in 127.*|localhost|::1|"[::1]") ;; *) \
	  if [ "$${FLASK_CONFIG:-development}" = "development" ]; then \
	    echo "" >&2; \
	    echo "  WARNING: serving the development configuration on $(HOST), reachable from other" >&2; \
	    echo "  machines: anyone who reaches it can sign in with the demo logins. Use" >&2; \
	    echo "  HOST=127.0.0.1, or FLASK_CONFIG=production behind an HTTPS reverse proxy." >&2; \
	    echo "" >&2; \
	  fi ;; \
	esac

# The suite starts hundreds of Python processes (its workers, the CLI, gunicorn, the scheduler):
# they keep their compiled bytecode, and pytest its rewritten tests, even where the environment
# sets PYTHONDONTWRITEBYTECODE (an empty value turns it off); that saves each a fresh compile.
test: install
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -m pytest -n auto $(PYTEST_ARGS)

install: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

# Catalogs are compiled by the build, never committed as binaries that could drift.
%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --statistics -i $< -o $@

extract-messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 -k pgettext:1c,2 --no-location --sort-output \
		--project CareProcure -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

lint: $(STAMP)
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.import_households
	$(BIN)/python -m bench.scorecards
	$(BIN)/python -m bench.photo_hashes

clean:
	rm -rf $(VENV) $(COMPILED) *.egg-info
