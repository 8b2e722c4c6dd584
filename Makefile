# eegd: the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PIPELINE ?= configs/pipelines/default.yaml
FUZZ_SECONDS ?= 20

.PHONY: deps build web run test test-release test-asan test-tsan test-fuzz bench docs clean

deps:
	@scripts/deps.sh

build: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)
	@$(MAKE) --no-print-directory web

# The browser UI (web/dist, served by eegd at /); scripts/deps.sh ran npm ci.
web: deps
	@cd web && npm run --silent build

run: build
	@build/release/eegd serve --pipeline $(PIPELINE)

test: deps test-release test-asan test-tsan test-fuzz
	@echo "make test: all suites passed"

test-release: build
	@ctest --preset release -j $(JOBS)

test-asan: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)
	@ctest --preset asan -j $(JOBS)

test-tsan: deps
	@cmake --preset tsan >/dev/null
	@cmake --build --preset tsan -j $(JOBS) --target eegd_core_tests eegd_daemon_unit_tests
	@ctest --preset tsan -j $(JOBS)

test-fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	@scripts/run_fuzzers.sh build/fuzz $(FUZZ_SECONDS)

bench: build
	@build/release/bench/eegd_bench --benchmark_counters_tabular=true

docs: build
	@build/release/eegd stages --markdown > docs/pipeline-reference.md

clean:
	rm -rf build
