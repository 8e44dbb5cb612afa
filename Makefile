# Two commands matter: `make run` and `make test`. Everything else is a piece of them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
ARTIFACTS ?= test-artifacts

.PHONY: run test lint format typecheck contracts unit browser faults bench lock messages worker-ping clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

## make run: install, migrate, load demo data, serve on http://127.0.0.1:8000 with a worker and beat.
run: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho --procfile Procfile start

## make test: lint, import contracts, unit, integration and browser tests.
test: lint
	MENTORING_TEST_ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest -p no:cacheprovider

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check --fail-level WARNING

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

browser: $(STAMP)
	MENTORING_TEST_ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest -m browser

## make faults: the fault tests of reminders and the other outbox e-mails (they kill worker
## processes, restart a redis-server of their own, run two beats). PostgreSQL at DATABASE_URL,
## or the local one on 127.0.0.1.
faults: $(STAMP)
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} \
	MENTORING_TEST_ARTIFACTS=$(ARTIFACTS) $(BIN)/python -m pytest -p no:cacheprovider -m faults -s

## make bench: the benchmarks the README reports. Reminders and pages need PostgreSQL
## on 127.0.0.1 (they recreate databases of their own).
bench: $(STAMP)
	for shape in spread shortage stars exclusions; do for run in 1 2 3; do \
		$(BIN)/python bench/matching.py --shape $$shape --mentees 10000 --no-exact --no-greedy; \
	done; $(BIN)/python bench/matching.py --shape $$shape --mentees 10000; done
	for shape in spread shortage stars exclusions; do \
		$(BIN)/python bench/matching.py --shape $$shape --mentees 40000 --no-greedy; done
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/pages.py

## make messages: after changing user-facing text, refresh the catalogues in locale/ and
## compile them (needs GNU gettext: apt-get install gettext). Translate what is new; the
## test suite fails while any string is untranslated or a catalogue is not compiled.
messages: $(STAMP)
	$(BIN)/python manage.py makemessages -l de -l es -l fr -l nl --add-location file \
		--no-obsolete --ignore ".venv/*" --ignore "tests/*" --ignore "bench/*" \
		--ignore "var/*" --ignore "test-artifacts/*"
	$(BIN)/python manage.py compilemessages --ignore .venv

## make lock: re-pin every dependency after editing pyproject.toml.
lock:
	$(BIN)/pip-compile --quiet --strip-extras --extra dev --no-emit-index-url \
		--no-emit-find-links -o requirements.lock pyproject.toml

worker-ping: $(STAMP)
	$(BIN)/celery -A mentoring inspect ping --timeout 10

clean:
	rm -rf $(VENV) var $(ARTIFACTS)
