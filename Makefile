# doku-checkout: a boring Makefile. `make` (or `make help`) lists the targets.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

BIN      := bin/doku-checkout
FUZZTIME ?= 30s
# How long `make test` runs each fuzz target.
TEST_FUZZTIME ?= 5s

# fuzz runs every fuzz target in the repository for $(1), one target per
# `go test -fuzz` call (go test fuzzes one target at a time). Targets are
# found by grepping the test files, so new ones are picked up.
define fuzz
	@dirs=$$(grep -rl --include='*_test.go' '^func Fuzz' . | xargs -r -n1 dirname | sort -u); \
	if [ -z "$$dirs" ]; then echo "no fuzz targets found"; exit 1; fi; \
	for dir in $$dirs; do \
		for name in $$(grep -h '^func Fuzz' $$dir/*_test.go | sed -E 's/^func (Fuzz[A-Za-z0-9_]*).*/\1/'); do \
			echo "go test -run=NONE -fuzz='^$$name\$$' -fuzztime=$(1) $$dir"; \
			go test -run=NONE -fuzz="^$$name\$$" -fuzztime=$(1) $$dir; \
		done; \
	done
endef

.PHONY: help build generate run lint check test fuzz bench bench-micro

help: ## list the targets
	@echo "Targets:"
	@awk -F ':.*## ' '/^[a-z-]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

build: ## build bin/doku-checkout
	go build -o $(BIN) .

generate: ## regenerate the templ views (*_templ.go)
	go tool templ generate

run: build ## serve the app on 127.0.0.1:8080 with the embedded DOKU sandbox on :8081 (offline)
	./$(BIN)

lint: ## gofmt check and go vet
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go vet ./...

check: ## fast loop while developing: vet, then the tests without race detector, browser or slow end-to-end runs (-short)
	go vet ./...
	go test -short ./...

test: ## everything: installs what it needs (scripts/test-deps), generated code, gofmt, build, vet, race tests, browser walk, short fuzzing
	scripts/test-deps
	go tool templ generate
	@git rev-parse --git-dir >/dev/null 2>&1 || { echo "make test compares generated code with git: run it in a git checkout"; exit 1; }
	@diff=$$(git status --porcelain -- '*_templ.go'); if [ -n "$$diff" ]; then \
		echo "$$diff"; \
		echo "generated templ code differs from the committed *_templ.go: run make generate and commit"; \
		exit 1; fi
	@out=$$(gofmt -l .); if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi
	go build ./...
	go vet ./...
	go test -race -count=1 ./...
	$(call fuzz,$(TEST_FUZZTIME))

fuzz: ## run every fuzz target for FUZZTIME each (default 30s)
	$(call fuzz,$(FUZZTIME))

bench: ## end-to-end benchmark (go run ./bench), again with DOKU in its own process, then the back office's order list and CSV at 100,000 orders
	go run ./bench
	go run ./bench -doku external -out bench/results-external.json
	go test -run '^$$' -bench 'AdminOrders100k' -benchtime 20x ./handlers

bench-micro: ## Go micro-benchmarks in every package
	go test -run=NONE -bench=. -benchmem ./...
