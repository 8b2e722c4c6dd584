# eegd: the two commands of the quick start are `make run` and `make test`.
SHELL := /bin/bash
JOBS ?= $(shell nproc)
PIPELINE ?= configs/pipelines/default.yaml
FUZZ_SECONDS ?= 20

.PHONY: deps build web run test test-release asan-build test-asan test-tsan test-fuzz bench docs clean

deps:
	@scripts/deps.sh

build: deps
	@cmake --preset release >/dev/null
	@$(call timed,cmake --build --preset release -j $(JOBS))
	@$(MAKE) --no-print-directory web

# The browser UI (web/dist, served by eegd at /); scripts/deps.sh ran npm ci.
web: deps
	@cd web && npm run --silent build

run: build
	@build/release/eegd serve --pipeline $(PIPELINE)

# Each suite prints how long it took: `make test` must stay under 30 minutes
# on 2 cores, and these lines show where the time goes.
timed = start=$$(date +%s); $(1); rc=$$?; echo "make $@: $$(( $$(date +%s) - start )) s"; exit $$rc

test: deps test-release test-asan test-fuzz test-tsan
	@echo "make test: all suites passed"

test-release: build
	@$(call timed,ctest --preset release -j $(JOBS))

# One clang tree for ASan+UBSan: the unit and integration tests, and the
# libFuzzer targets (scripts/run_fuzzers.sh runs them in test-fuzz).
asan-build: deps
	@cmake --preset asan >/dev/null
	@$(call timed,cmake --build --preset asan -j $(JOBS))

test-asan: asan-build
	@$(call timed,ctest --preset asan -j $(JOBS))

test-tsan: deps
	@cmake --preset tsan >/dev/null
	@$(call timed,cmake --build --preset tsan -j $(JOBS) --target eegd_core_tests eegd_daemon_unit_tests && ctest --preset tsan -j $(JOBS))

test-fuzz: asan-build
	@$(call timed,scripts/run_fuzzers.sh build/asan $(FUZZ_SECONDS))

bench: build
	@build/release/bench/eegd_bench --benchmark_counters_tabular=true

docs: build
	@build/release/eegd stages --markdown > docs/pipeline-reference.md

clean:
	rm -rf build
