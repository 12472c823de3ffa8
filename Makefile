# Two entry points do all set-up on a fresh machine (see README):
#   make demo   - build, install and run the main job on the built-in example data
#   make test   - build, install and run every check and test (this is what CI runs)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export CARGO_TERM_COLOR := never

.PHONY: demo test setup build lint rust-test py-test bench hostile

# The virtual environment with the package (editable) and its test tools.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q maturin
	$(BIN)/python -m pip install -q -e '.[test,harness]'
	touch $@

setup: $(VENV)/.installed

# Rebuild the Rust extension in place (cargo makes this a no-op when nothing changed).
build: setup
	VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/maturin develop --release -q

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

py-test: build
	$(BIN)/python -m mypy
	$(BIN)/python -m mypy.stubtest fastmcnemar._core --allowlist .stubtest-allowlist
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q

test: lint rust-test py-test

# The hostile-input and fault battery alone (it also runs in py-test); see docs/reliability.md.
hostile: build
	$(BIN)/python -m pytest -q tests/hostile

bench: build
	$(BIN)/python benches/run_all.py
