# convscope — two commands do everything on a fresh Debian 12 machine with Swift:
#   make run    install missing system packages, build release, open the explorer on resnet50
#   make test   same setup, then the whole test suite (unit tests + end-to-end scripts)
SHELL := /bin/bash
SWIFT ?= swift
APT_PACKAGES := libopenblas-dev libncursesw5-dev ncurses-term libpng-dev libjpeg62-turbo-dev tmux pkg-config
MODEL ?= resnet50
BIN := .build/release/convscope
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test deps build build-debug lint unit-tests e2e-tests gemm-paths-test bench clean

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

## Tests build in their own folder (testability flags differ), so `make run` and `make test` never rebuild each other.
unit-tests: deps
	$(SWIFT) build -c release --build-tests --scratch-path .build-tests
	$(SWIFT) test -c release --skip-build --disable-swift-testing --scratch-path .build-tests

## The exactness tests once per CONVSCOPE_GEMM path the CPU has (automatic, avx512, avx2, openblas).
gemm-paths-test: build
	$(SWIFT) build -c release --build-tests --scratch-path .build-tests
	bash scripts/test_gemm_paths.sh $(BIN)

e2e-tests: build
	bash Tests/e2e/run_all.sh $(BIN)

test: lint unit-tests e2e-tests

bench: build
	$(BIN) bench --ops

clean:
	rm -rf .build
