# Mizan — every task people and CI run. `make help` lists them.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

CARGO ?= cargo
NPM ?= npm
APP := $(CARGO) run --quiet -p example-app --

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z0-9_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: setup
setup: ## Install what is missing (Debian packages, npm packages); idempotent
	@bash build/setup.sh

.PHONY: codegen
codegen: codegen-app ## Regenerate the TypeScript client and the runtime's protocol constants
	MIZAN_BLESS=1 $(CARGO) test --quiet -p mizan --lib codegen::protocol

.PHONY: codegen-app
codegen-app: ## Regenerate the example app's TypeScript client only
	$(APP) codegen

.PHONY: codegen-check
codegen-check: ## Fail if generated TypeScript is stale
	$(APP) codegen --check

.PHONY: frontend
frontend: setup ## Bundle the example app's frontend (client + SSR bundles)
	$(NPM) run --silent build -w example-app/frontend

.PHONY: dev
dev: setup codegen-app frontend ## Run the example app's dev server on http://127.0.0.1:8000
	MIZAN_DEV=1 $(CARGO) run -p example-app

.PHONY: build
build: setup ## One self-contained release binary of the example app (target/release/example-app)
	$(MAKE) -C example-app build

.PHONY: mizan
mizan: ## Build the `mizan` command-line tool (target/debug/mizan; `mizan new <dir>` creates an app)
	$(CARGO) build --workspace --bins

.PHONY: test
test: setup test-rust test-js test-v8 test-e2e ## Run every test
	@echo "make test: all suites passed"

# `cargo test --workspace` also builds target/debug/example-app; the steps below reuse that
# binary instead of `cargo run -p ...`, whose different feature resolution would rebuild the
# dependency tree (the JavaScript engine included) a second time on a clean machine.
BIN := target/debug/example-app

.PHONY: test-rust
test-rust: frontend ## Rust unit and integration tests, formatting, codegen staleness
	$(CARGO) fmt --all --check
	$(CARGO) test --workspace
	$(BIN) codegen --check

.PHONY: test-js
test-js: setup ## The @mizan/react Vitest suite, TypeScript checks, the SSR web globals against Node
	$(NPM) test -w js
	node --test ssr-runtime/tests/env/
	$(NPM) run --silent typecheck -w js
	$(NPM) run --silent build -w js
	node build/check-package.mjs
	$(NPM) run --silent typecheck -w example-app/frontend
	$(NPM) run --silent check:ssr -w example-app/frontend

.PHONY: test-v8
test-v8: ## Type-check the V8 engine path offline
	DOCS_RS=1 $(CARGO) check -p mizan-ssr --no-default-features --features v8

.PHONY: test-e2e
test-e2e: frontend ## End-to-end tests: the real server driven by headless Chromium
	$(CARGO) test --workspace --no-run --quiet
	$(NPM) test -w tests

.PHONY: services
services: ## Start PostgreSQL and Redis if they are not running
	@bash build/services.sh

.PHONY: clean
clean: ## Remove build outputs
	$(CARGO) clean
	rm -rf example-app/frontend/dist js/dist

.PHONY: bench
bench: frontend ## Benchmarks (release build): RPC vs bare actix, SSR render time, page throughput, channel fan-out
	bash build/bench-rpc.sh
	bash build/bench-pages.sh
	bash build/bench-channels.sh
