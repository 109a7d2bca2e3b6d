# hipclinic: `make run` to try it, `make test` to check it. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
# Extra pytest arguments, e.g. make test ARGS="-k admin"; ARGS="-m perf" runs the benchmarks.
ARGS ?=

.PHONY: setup run serve test bench bench-reissue screenshots illustrations loadtest lint format \
	clean messages system-packages-run system-packages-test system-packages-loadtest

# Debian packages: what serving needs (WeasyPrint's libraries, npm, a fallback font), and
# what the tests add (poppler's pdftoppm, Chromium). Installed when missing and we are root
# or have passwordless sudo; otherwise one line says the exact apt-get command.
system-packages-run:
	@sh scripts/system-packages run

system-packages-test:
	@sh scripts/system-packages test

system-packages-loadtest:
	@sh scripts/system-packages loadtest

# The virtualenv is rebuilt only when requirements.txt changes, so a second run takes seconds.
# Serving installs requirements.txt only; tests, lint and benchmarks add requirements-dev.txt.
$(BIN)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(BIN)/.installed-dev: $(BIN)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# The app's CSS and JavaScript (Bootstrap, SortableJS) from the npm registry, pinned by
# package-lock.json and served by Django as static files; reinstalled only when the lock changes.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

# The translations (locale/<language>/LC_MESSAGES/django.po, committed) compiled for Django
# by GNU gettext's msgfmt, again only when a .po file changes. The .mo files are never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))
%.mo: %.po
	msgfmt --check-format -o $@ $<

setup: system-packages-run $(BIN)/.installed node_modules/.installed $(MO_FILES)
	$(BIN)/python manage.py bootstrap

# After changing a text a user reads: gather every marked string into the message files
# (then translate the new or changed entries; `make test` fails while one is missing).
messages: $(BIN)/.installed
	$(BIN)/python manage.py update_messages

# Patients' links, QR codes and emails point at SITE_URL: unless one is set, the address
# served here (a link to another port would reach nobody; `manage.py check` warns of a host).
run: export SITE_URL := $(or $(SITE_URL),http://$(HOST):$(PORT))
run: setup
	@echo "Serving on http://$(HOST):$(PORT)/  (log in with a demo account above; the admin is at /admin/)"
	$(BIN)/python manage.py schedule_reminders
	$(BIN)/python manage.py db_worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Production-style serving: DEBUG off, hashed static files collected and served by
# WhiteNoise, gunicorn in front, and one background-task worker (db_worker). Needs SECRET_KEY and ALLOWED_HOSTS (and usually
# DATABASE_URL); WORKERS defaults to 2. Database connections are kept 60 s between requests
# unless CONN_MAX_AGE says otherwise (so PostgreSQL's prepared statements are reused).
WORKERS ?= 2
serve: export CONN_MAX_AGE := $(or $(CONN_MAX_AGE),60)
serve: system-packages-run $(BIN)/.installed node_modules/.installed $(MO_FILES)
	DEBUG=0 $(BIN)/python manage.py migrate --no-input
	DEBUG=0 $(BIN)/python manage.py load_library
	DEBUG=0 $(BIN)/python manage.py load_measures
	DEBUG=0 $(BIN)/python manage.py collectstatic --no-input --verbosity 0
	DEBUG=0 $(BIN)/python manage.py schedule_reminders
	DEBUG=0 $(BIN)/python manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	DEBUG=0 $(BIN)/gunicorn hipclinic.wsgi --config hipclinic/gunicorn.conf.py --workers $(WORKERS) --bind $(HOST):$(PORT)

test: system-packages-test setup $(BIN)/.installed-dev
	$(BIN)/python manage.py check
	$(BIN)/pytest $(ARGS)

# Handout rendering and download figures, in a throw-away database (not part of `make test`).
bench: setup $(BIN)/.installed-dev
	$(BIN)/python manage.py bench_handouts
	@case "$$DATABASE_URL" in \
	  postgres*) $(BIN)/python manage.py bench_reissue ;; \
	  *) echo "bench_reissue skipped: it needs DATABASE_URL=postgres://... (make bench-reissue)" ;; \
	esac

# Re-issuing 1,000 handouts after a branding change, with one task worker and with two
# (issue 23 §4): a throw-away PostgreSQL database (test_<name>) beside DATABASE_URL's,
# by default the local server's.
bench-reissue: export DATABASE_URL := $(or $(DATABASE_URL),postgres://postgres@127.0.0.1:5432/test)
bench-reissue: system-packages-run $(BIN)/.installed-dev node_modules/.installed $(MO_FILES)
	$(BIN)/python manage.py bench_reissue $(ARGS)

# Refresh the README's pictures (docs/screenshots/) from the browser test that makes them.
screenshots: setup $(BIN)/.installed-dev
	HIPCLINIC_SCREENSHOTS=1 $(BIN)/pytest tests/e2e/test_programme_builder.py tests/e2e/test_builder_tablet.py tests/e2e/test_patient_link.py tests/e2e/test_pain_alerts.py -k "downloaded_handout or one_press or phone or pain_9"
	$(BIN)/python manage.py handout_pictures

# Redraw docs/illustrations.png and .html: every shipped exercise's figure, from exercises/data/library/.
illustrations: $(BIN)/.installed
	$(BIN)/python manage.py illustration_sheet

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf var node_modules

# Load figures, two runs side by side: a throw-away PostgreSQL database (hipclinic_loadtest
# on 127.0.0.1:5432) seeded with 2 clinics, 50 therapists, 5,000 patients, 10,000 programmes
# and 20,000 handouts, served by one gunicorn (2 workers); then a fresh one served by two
# gunicorns (1 worker each) sharing Redis and S3 storage on SeaweedFS, started on free ports
# and stopped after; locust drives both. LOADTEST_SECONDS=20 for a short run (default 60:
# about 6 minutes in all); LOADTEST_RUNS=single or scaleout for one.
loadtest: setup system-packages-loadtest $(BIN)/.installed-dev
	$(BIN)/python loadtest/run.py
