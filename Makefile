# convscope — two commands do everything on a fresh Debian 12 machine with Swift:
#   make run    install missing system packages, build release, open the explorer on resnet50
#   make test   same setup, then the whole test suite (unit tests, end-to-end scripts, sanitizers, bounded fuzzing
#               and a bounded monkey test); make fuzz and make soak run the long campaigns
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libncursesw5-dev ncurses-term libpng-dev libjpeg62-turbo-dev tmux pkg-config
MODEL ?= resnet50
BIN := .build/release/convscope
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build build-debug lint unit-tests plain-unit-tests asan-build e2e-tests gemm-paths-test bench clean tsan-tests \
  fuzz-build fuzz-smoke fuzz-one fuzz soak gemm-emulation-test

## Install the system packages that are missing (apt-get update only when something is).
deps:
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build -c release --product convscope

run: build
	$(BIN) $(MODEL)

## The committed .swift-format style, strictly (warnings fail the build), and ARCHITECTURE.md's import rules.
lint:
	$(SWIFT) format lint --strict -r Sources Tests
	bash scripts/check_architecture.sh

## The exactness tests once per CONVSCOPE_GEMM path the CPU has (automatic, avx512, avx2, openblas).
gemm-paths-test: build
	$(SWIFT) build -c release --build-tests --scratch-path .build-tests
	bash scripts/test_gemm_paths.sh $(BIN)

## CGEMM's AVX-512 path on any x86-64 CPU: compiled over scalar stand-ins of its intrinsics (Tests/CGEMMEmulation)
## and checked against a plain loop under ASan and UBSan, so a machine without AVX-512 still tests that path.
CLANG ?= clang
gemm-emulation-test:
	@if [ "$$(uname -m)" != x86_64 ]; then echo "gemm-emulation-test: x86-64 only, skipped"; exit 0; fi; \
	mkdir -p .build-emulation && \
	$(CLANG) -O1 -g -fuse-ld=lld -fsanitize=address,undefined -fno-sanitize-recover=undefined \
	  -DCGEMM_EMULATE_AVX512 -I Sources/CGEMM/include -I Tests/CGEMMEmulation \
	  -o .build-emulation/avx512_emulated_test Tests/CGEMMEmulation/avx512_emulated_test.c Sources/CGEMM/cgemm.c -lm && \
	.build-emulation/avx512_emulated_test

e2e-tests: build
	bash Tests/e2e/run_all.sh $(BIN)

## Sanitizers, each in its own build folder so the release build stays valid. One AddressSanitizer build serves the
## unit tests and the libFuzzer targets: everything is compiled with ASan (LeakSanitizer on) and libFuzzer's coverage
## (-sanitize-coverage as -sanitize=fuzzer sets it), and libFuzzer comes from its no-main archive, so the xctest keeps
## its own main and convscope-fuzz starts libFuzzer through LLVMFuzzerRunDriver. UBSan instruments the C targets
## (swiftc has no -sanitize=undefined; Swift traps on its own) and the ASan runtime carries UBSan's handlers. lld
## links: gold stops with an internal error on the instrumented objects.
FUZZER_LIB = $(shell ls $$(dirname $$(readlink -f $$(command -v swiftc)))/../lib/clang/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a | tail -1)
SAN_FLAGS = -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
  -Xswiftc -DFUZZING -Xswiftc -use-ld=lld -Xlinker $(FUZZER_LIB) -Xlinker -lstdc++ \
  -Xcc -fsanitize=fuzzer-no-link,address,undefined -Xcc -fno-sanitize-recover=undefined
FUZZ_BIN := .build-asan/release/convscope-fuzz
FUZZ_TARGETS := safetensors npy image theme keys
SAN_ENV := ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

asan-build: deps
	$(SWIFT) build -c release --build-tests --scratch-path .build-asan $(SAN_FLAGS)
fuzz-build: asan-build

## The unit tests under AddressSanitizer + LeakSanitizer (+ UBSan in the C targets): the one unit-test run of make test.
## Tests/Sanitizers/lsan.supp lists XCTest's own leaks (why there); the explorer fuzz tests run a quarter of their
## events (each costs ~4× under ASan; the keys fuzz target covers reduce and render too).
unit-tests: asan-build
	env $(SAN_ENV) ASAN_OPTIONS=detect_leaks=1:malloc_context_size=12 CONVSCOPE_FUZZ_EVENTS_PERCENT=25 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/Tests/Sanitizers/lsan.supp \
	  $(SWIFT) test -c release --skip-build --disable-swift-testing --scratch-path .build-asan $(SAN_FLAGS)

## The same tests without sanitizers (faster to iterate on; make test runs the ASan build above instead).
plain-unit-tests: deps
	$(SWIFT) build -c release --build-tests --scratch-path .build-tests
	$(SWIFT) test -c release --skip-build --disable-swift-testing --scratch-path .build-tests

## The live-run, worker and cancellation tests under ThreadSanitizer.
TSAN_FILTER := LiveRunTests|RunGuardTests|ExplorerAppTests|ExecutorTests.testCancel|ExecutorTests.testConcurrentCancel
tsan-tests: deps
	$(SWIFT) build -c release --build-tests --scratch-path .build-tsan -Xswiftc -sanitize=thread -Xcc -fsanitize=thread
	TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 $(SWIFT) test -c release --skip-build --disable-swift-testing \
	  --scratch-path .build-tsan -Xswiftc -sanitize=thread --filter '$(TSAN_FILTER)'

## Each fuzz target for FUZZ_SECONDS (12 s: about a minute in all), from its committed seed corpus; any crash,
## leak (LeakSanitizer), timeout (-timeout) or memory blow-up (-rss_limit_mb) fails. Findings go to .build-asan/fuzz.
## Every target keeps leak detection (the keys target builds its explorer state before the first input: main.swift).
FUZZ_SECONDS ?= 12
FUZZ_RUN = mkdir -p .build-asan/fuzz/$$t && cp -n Tests/Fuzz/Corpus/$$t/* .build-asan/fuzz/$$t/ && \
  env $(SAN_ENV) \
  $(FUZZ_BIN) $$t -max_total_time=$(1) -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
  -artifact_prefix=.build-asan/fuzz/$$t- -print_final_stats=1 .build-asan/fuzz/$$t 2>&1 | \
  tee .build-asan/fuzz/$$t.log | grep -E '^(stat::number_of_executed_units|==|SUMMARY|.*ERROR)' | sed "s/^/$$t: /" ; \
  test $${PIPESTATUS[0]} -eq 0 || { echo "fuzz $$t failed: see .build-asan/fuzz/$$t.log"; exit 1; }
## The targets run side by side, one per core (each libFuzzer process is single-threaded, so each still gets a whole
## core for its FUZZ_SECONDS): 3 rounds of 12 s instead of 5 on 2 cores. Any target's failure fails the stage.
FUZZ_LANES ?= $(shell nproc)
fuzz-smoke: fuzz-build
	@printf '%s\n' $(FUZZ_TARGETS) | xargs -P $(FUZZ_LANES) -I{} $(MAKE) -s --no-print-directory fuzz-one FUZZ_TARGET={}
fuzz-one:
	@t=$(FUZZ_TARGET); echo "== fuzz $$t ($(FUZZ_SECONDS) s)"; $(call FUZZ_RUN,$(FUZZ_SECONDS))

## The long campaign: FUZZ_HOURS (default 1) per target; the corpus grows in .build-asan/fuzz.
## FUZZ_TIME (seconds) overrides it; FUZZ_TARGETS picks targets (make -o asan-build … to skip the build step).
FUZZ_HOURS ?= 1
FUZZ_TIME ?= $$(($(FUZZ_HOURS) * 3600))
fuzz: fuzz-build
	@for t in $(FUZZ_TARGETS); do echo "== fuzz $$t ($(FUZZ_TIME) s)"; $(call FUZZ_RUN,$(FUZZ_TIME)); done

## The explorer monkey test under tmux: random keys, mouse reports and resizes while runs start and cancel.
## (make test runs a bounded version through run_all.sh: 1,000 events.)
soak: build
	bash Tests/e2e/monkey_tmux.sh $(BIN) 10000

## The release build the e2e scripts use runs beside the ASan unit tests (XCTest runs one test at a time and leaves
## most of a core idle): about a minute and a half of the 25 saved. Its output is in .build/release.log, shown if it
## fails; the stages after the unit tests then run in order.
test: deps lint gemm-emulation-test
	@mkdir -p .build; ( $(MAKE) -s --no-print-directory build > .build/release.log 2>&1; echo $$? > .build/release.status ) & \
	$(MAKE) --no-print-directory unit-tests; status=$$?; wait; \
	if [ "$$(cat .build/release.status)" != 0 ]; then cat .build/release.log; echo "release build failed"; exit 1; fi; \
	exit $$status
	$(MAKE) --no-print-directory e2e-tests tsan-tests fuzz-smoke

bench: build
	$(BIN) bench --ops

clean:
	rm -rf .build .build-tests .build-asan .build-tsan .build-emulation
