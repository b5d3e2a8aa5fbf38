# Two commands for a fresh machine with Python 3.11: `make run` and `make test`.
# Both install only from the hash-checked locks in requirements/ (README, "Installing").
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
ARTIFACTS ?= $(CURDIR)/test-artifacts
# torch is pinned exactly in pyproject.toml and installed apart from the hashed lock,
# so a GPU host can take a CUDA build of the same version:
#   make run TORCH_INDEX_URL=<PyTorch's CUDA wheel index for your CUDA version>
TORCH_INDEX_URL ?=
TORCH_PIP_ARGS := $(if $(TORCH_INDEX_URL),--index-url $(TORCH_INDEX_URL),)
# pip-compile options for `make lock`: the lock is resolved against torch's CPU build
# (found through pip's own configuration; LOCK_ARGS can add --find-links or an index).
LOCK_ARGS ?=
PIP_COMPILE := CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --generate-hashes \
	--unsafe-package torch --strip-extras --no-emit-index-url --no-emit-find-links \
	--no-emit-trusted-host $(LOCK_ARGS)

.PHONY: run test lint typecheck install install-test lock lock-check upgrade clean bench

$(BIN)/python:
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (found %s); set PYTHON=/path/to/python3.11" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

# One install recipe for both locks: the hashed set, then torch by its exact pin,
# then the project itself (no build isolation: its build backend is in the lock).
define install_lock
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(1)
	$(BIN)/python -m pip install --quiet $(TORCH_PIP_ARGS) "$$($(BIN)/python -m tools.lockfile torch)"
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
endef

# Stamps re-run the install whenever a lock changes.
$(VENV)/.installed: requirements/app.txt | $(BIN)/python
	$(call install_lock,requirements/app.txt)
	@touch $@

$(VENV)/.installed-test: requirements/test.txt | $(BIN)/python
	$(call install_lock,requirements/test.txt)
	@touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

run: install
	$(BIN)/python manage.py collectstatic --noinput -v0
	HOST=$(HOST) PORT=$(PORT) $(BIN)/python manage.py serve

lock-check: install-test
	$(BIN)/python -m tools.lockfile check

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy .

test: lock-check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	@mkdir -p $(ARTIFACTS)
	@echo "Browser screenshots and test artifacts: $(ARTIFACTS)"
	TEST_ARTIFACTS_DIR=$(ARTIFACTS) $(BIN)/pytest $(PYTEST_ARGS)

# Regenerate the locks from pyproject.toml, keeping every pin that still fits.
# The test lock is made first; the app lock starts from its pins, so the two agree.
# It needs only pip-tools from the current lock: the project itself may already ask
# for packages the old lock lacks, which is why it is being relocked.
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements/test.txt
	$(PIP_COMPILE) $(LOCK_UPGRADE) --extra test -o requirements/test.txt pyproject.toml
	cp requirements/test.txt requirements/app.txt
	$(PIP_COMPILE) -o requirements/app.txt pyproject.toml
	$(BIN)/python -m tools.lockfile stamp
	$(BIN)/python -m tools.lockfile check

# Move every pin to the newest version pyproject.toml allows, then run the suite.
upgrade:
	$(MAKE) lock LOCK_UPGRADE=--upgrade
	$(MAKE) test

bench: install-test
	$(BIN)/python bench/generation.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
