# Two entry points do all set-up on a fresh machine (see README):
#   make demo   - build, install and run the main job on the built-in example data
#   make test   - build, install and run every check and test (this is what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export CARGO_TERM_COLOR := never

.PHONY: demo test setup build lint rust-test py-test docs bench hostile

# The virtual environment with the build tool only; `maturin develop` below installs the
# package with its runtime dependencies (numpy, polars) and nothing else.
$(VENV)/.runtime:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q 'maturin>=1.9,<2.0'
	touch $@

# Test, lint, docs and harness tools (requirements-test.txt), for `make test` only.
$(VENV)/.test-tools: requirements-test.txt $(VENV)/.runtime
	$(BIN)/python -m pip install -q -r requirements-test.txt
	touch $@

setup: $(VENV)/.test-tools

# Build the Rust extension once and install the package (editable) with its runtime
# dependencies; cargo makes a rebuild a no-op when nothing changed.
# Then compile the package's bytecode, as pip does when it installs a wheel: where
# PYTHONDONTWRITEBYTECODE is set, every process would otherwise compile it from source again.
build: $(VENV)/.runtime
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/maturin develop --release -q
	$(BIN)/python -m compileall -q python/fastmcnemar

demo: build
	$(BIN)/fastmcnemar demo

# The same checks run by .pre-commit-config.yaml (`pre-commit run --all-files`).
lint: setup
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -q -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps -q
	$(BIN)/python .ci/check_msrv.py
	$(BIN)/ruff check python tests benches .ci
	$(BIN)/ruff format --check python tests benches .ci

rust-test:
	cargo test -p fastmcnemar-core -q

# The API reference and topic pages, offline, failing on any warning (broken link,
# unresolved reference, bad docstring section).
docs: setup build
	NO_MKDOCS_2_WARNING=1 $(BIN)/python -m mkdocs build --strict --site-dir target/site

py-test: setup build
	$(BIN)/python -m mypy
	$(BIN)/python -m mypy.stubtest fastmcnemar._core --allowlist .stubtest-allowlist
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q

test: lint rust-test docs py-test

# The hostile-input and fault battery alone (it also runs in py-test); see docs/reliability.md.
hostile: build
	$(BIN)/python -m pytest -q tests/hostile

bench: build
	$(BIN)/python benches/run_all.py
