# Carnet: `make run` installs what is needed and opens the app; `make test` installs what
# is needed and runs every check. Both work on a fresh Debian/Ubuntu with Python 3.11+.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP     := $(VENV)/.dev-installed
PIP := $(BIN)/python -m pip --disable-pip-version-check -q

.PHONY: run test lint typecheck imports pytest tus-node bench mutants screenshots translations translations-update system-deps clean

$(RUNTIME_STAMP): requirements.txt pyproject.toml
	scripts/install-system-deps.sh runtime
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -r requirements.txt
	$(PIP) install --no-deps --no-build-isolation -e .
	touch $@

$(DEV_STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(PIP) install -r requirements-dev.txt
	touch $@

run: $(RUNTIME_STAMP) translations
	$(BIN)/carnet

# The GUI's translations: .ts sources (edited by translators) compiled to the .qm files
# Qt loads, with the lrelease that PySide6-Essentials ships. `translations-update` first
# collects new strings from ui/ into the .ts files (lupdate).
LANGS := fr es ar
TS := $(foreach l,$(LANGS),resources/translations/carnet_$(l).ts)
# English needs only its plural forms ("1 minute", "5 minutes"): the source says "minute(s)".
EN_TS := resources/translations/carnet_en.ts
QM := $(TS:.ts=.qm) $(EN_TS:.ts=.qm)
translations: $(QM)
resources/translations/%.qm: resources/translations/%.ts $(RUNTIME_STAMP)
	$(BIN)/pyside6-lrelease -silent $< -qm $@
translations-update: $(RUNTIME_STAMP)
	$(BIN)/pyside6-lupdate -silent -no-obsolete -tr-function-alias tr+=_t -locations none $$(find ui -name '*.py' | sort) -ts $(TS)
	$(BIN)/pyside6-lupdate -silent -no-obsolete -pluralonly -tr-function-alias tr+=_t -locations none $$(find ui -name '*.py' | sort) -ts $(EN_TS)

# Every window in English, French and Arabic, offscreen, into docs/screenshots/.
screenshots: $(DEV_STAMP) translations
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m scripts.screenshots docs/screenshots

lint: $(DEV_STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy crypto app sync ui

imports: $(DEV_STAMP)
	$(BIN)/lint-imports

# The Node reference tus server (@tus/server + @tus/s3-store) for the client's
# interoperability tests, from the pinned package-lock.json (Node and npm from Debian).
TUS_NODE := tests/interop/tus-node
$(TUS_NODE)/node_modules/.installed: $(TUS_NODE)/package.json $(TUS_NODE)/package-lock.json
	scripts/install-system-deps.sh test
	cd $(TUS_NODE) && npm ci --ignore-scripts --no-audit --no-fund --silent
	touch $@
tus-node: $(TUS_NODE)/node_modules/.installed

# The tests run in parallel (pytest-xdist), one worker per core; each worker is its own
# process with its own QApplication, and every test has its own HOME, vault and buses.
# PYTEST_JOBS=0 runs them serially, in this process; PYTEST_ARGS passes more options.
PYTEST_JOBS ?= auto
PYTEST_ARGS ?=
pytest: $(DEV_STAMP) translations
	scripts/install-system-deps.sh test
	$(MAKE) tus-node
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n $(PYTEST_JOBS) --dist worksteal $(PYTEST_ARGS)

test: lint typecheck imports pytest

bench: $(DEV_STAMP)
	scripts/install-system-deps.sh bench
	$(BIN)/python -m tests.bench

# Not part of `make test`: breaks each security check in turn (tests/mutation/catalogue.toml)
# in a scratch copy of the tree and expects its tests to fail. JOBS=N runs N at a time.
JOBS ?= 2
mutants: $(DEV_STAMP)
	scripts/install-system-deps.sh test
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m tests.mutation.run --jobs $(JOBS)

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .hypothesis build *.egg-info
