# mirrorsim — the two commands a user needs on a fresh machine:
#   make sim    build (cached) and run the default regression, print a summary
#   make test   the whole test suite
# Both install what is missing first (apt packages as root, npm packages).

SHELL := /bin/bash
.DEFAULT_GOAL := help

APT_PACKAGES := verilator libzmq3-dev cppzmq-dev nlohmann-json3-dev zlib1g-dev ccache gtkwave lcov chromium xvfb xauth
NODE_STAMP   := node_modules/.mirrorsim-installed
TS_STAMP     := build/ts/.built
TS_SOURCES   := $(shell find src bench test -name '*.ts' 2>/dev/null) tsconfig.json

# Knobs (see README): forwarded to the host as MIRRORSIM_* variables.
SEED     ?=
SEEDS    ?=
OPS      ?=
TEST     ?=
NAME     ?=
N        ?=
WAVES    ?=
COVERAGE ?=
SHARD    ?=
FAULTS   ?=
PAGE_BYTES ?=
FRAMES   ?=
WAVES_FROM ?=
WAVES_TO   ?=
WAVES_LAST ?=
REPORT_DIR ?=
DIRS     ?=
JOBS     ?=
PROFILE  ?=
SANITIZE ?=
export MIRRORSIM_SEED     := $(SEED)
export MIRRORSIM_SEEDS    := $(SEEDS)
export MIRRORSIM_OPS      := $(OPS)
export MIRRORSIM_TEST     := $(TEST)
export MIRRORSIM_N        := $(N)
export MIRRORSIM_WAVES    := $(WAVES)
export MIRRORSIM_COVERAGE := $(COVERAGE)
export MIRRORSIM_FAULTS   := $(FAULTS)
export MIRRORSIM_PAGE_BYTES := $(PAGE_BYTES)
export MIRRORSIM_FRAMES   := $(FRAMES)
export MIRRORSIM_WAVES_FROM := $(WAVES_FROM)
export MIRRORSIM_WAVES_TO   := $(WAVES_TO)
export MIRRORSIM_WAVES_LAST := $(WAVES_LAST)
export MIRRORSIM_SHARD    := $(SHARD)
export MIRRORSIM_REPORT_DIR := $(REPORT_DIR)
export MIRRORSIM_DIRS     := $(DIRS)
export MIRRORSIM_JOBS     := $(JOBS)
export MIRRORSIM_PROFILE  := $(PROFILE)
export MIRRORSIM_SANITIZE := $(SANITIZE)

VITEST_ARGS := $(TEST) $(if $(NAME),-t '$(NAME)') $(if $(SHARD),--shard=$(SHARD))

.PHONY: help deps sim campaign fuzz test lint bench bench-scale bench-verilator typecheck clean waves merge-reports coverage coverage-report

help:
	@echo "make sim      two-node regression, summary and reports (SEED= SEEDS= OPS= TEST=scenario FAULTS=mix PAGE_BYTES= FRAMES= WAVES=1 COVERAGE=1 SHARD=i/n JOBS=n REPORT_DIR=)"
	@echo "make campaign the fault campaign: every scenario under every fault, one table; resumable (SEED= SEEDS= OPS= JOBS= FAULTS=)"
	@echo "make fuzz     random and mutated messages to a running bridge: crashes, hangs, state changes (N= SEED=)"
	@echo "make merge-reports DIRS='dir …'  merge the report directories of make sim shards into build/reports/merged"
	@echo "make coverage the regression and the directed suites with code and functional coverage; fails below a required goal (SEED= SEEDS= OPS=)"
	@echo "make coverage-report DIRS='dir …'  merge the coverage of several build/coverage directories (shards, machines) into one report"
	@echo "make test     run the test suite (TEST=file NAME='test name' SEED= WAVES=1 COVERAGE=1 SHARD=1/2 PROFILE=1)"
	@echo "make waves    replay one seed with waveforms and a GTKWave save file (TEST=scenario|test file SEED= [NAME=] [WAVES_FROM=ns WAVES_TO=ns])"
	@echo "make lint     verilator --lint-only -Wall on the RTL, and the TypeScript type check"
	@echo "make bench    benchmark the bridge (prints a table, writes build/bench/bench.json)"
	@echo "make bench-scale  host and simulator peak memory and cost per operation at 1k, 10k, 100k operations (SEED=)"
	@echo "make bench-verilator  Verilator/compiler options on the two-node model: build time and speed of each (SEED= OPS=)"
	@echo "make deps     install missing apt and npm packages"

# apt packages: installed when missing if we are root; otherwise say exactly what to run.
deps: $(NODE_STAMP)
	@missing=""; \
	for pkg in $(APT_PACKAGES); do dpkg -s $$pkg >/dev/null 2>&1 || missing="$$missing $$pkg"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "mirrorsim: installing$$missing"; \
	    DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	  else \
	    echo "mirrorsim: missing packages:$$missing"; \
	    echo "  install them with: sudo apt-get install$$missing"; exit 1; \
	  fi; \
	fi

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(TS_STAMP): $(TS_SOURCES) $(NODE_STAMP)
	npx tsc -p tsconfig.json
	@touch $@

typecheck: $(NODE_STAMP)
	npx tsc -p tsconfig.json --noEmit

sim: deps $(TS_STAMP)
	node build/ts/src/cli/sim.js

# The sign-off fault campaign (src/cli/campaign.ts): SEEDS= (default 1000) OPS= JOBS= FAULTS= (default all).
campaign: deps $(TS_STAMP)
	node build/ts/src/cli/campaign.js

# The bridge under bad input (src/fuzz/): N= messages (default 1,000,000), SEED=.
fuzz: deps $(TS_STAMP)
	node build/ts/src/cli/fuzz.js

merge-reports: deps $(TS_STAMP)
	node build/ts/src/cli/merge-reports.js

# The suites whose stimulus is the real design's (not the mutants'): their
# coverage joins the regression's.
COVERAGE_SUITES := test/mirror/directed.test.ts test/mirror/partner-messages.test.ts test/mirror/link-fault-messages.test.ts \
  test/mirror/queue-full.test.ts test/mirror/failover.test.ts test/mirror/failover-sweep.test.ts test/rtl

# A coverage campaign: the regression and the directed suites run side by
# side (a regression is one simulator process, the suites use the other
# core; the suites' output goes to build/coverage/directed.log), every step
# runs even when one fails (a failing seed still has coverage to count), and
# the status is the worst of them. A coverage model runs about ten times
# slower (toggle coverage), so its regression is the default seeds and
# scenarios at COVERAGE_OPS operations per node unless OPS= says otherwise.
COVERAGE_OPS ?= 300
coverage: deps $(TS_STAMP)
	rm -rf build/coverage
	mkdir -p build/coverage
	@status=0; \
	MIRRORSIM_COVERAGE=1 npx vitest run --maxWorkers=1 $(COVERAGE_SUITES) > build/coverage/directed.log 2>&1 & suites=$$!; \
	MIRRORSIM_COVERAGE=1 MIRRORSIM_JOBS=1 MIRRORSIM_REPORT_DIR=build/coverage/sim MIRRORSIM_OPS=$(or $(OPS),$(COVERAGE_OPS)) node build/ts/src/cli/sim.js || status=1; \
	echo "mirrorsim: waiting for the directed suites (build/coverage/directed.log)"; \
	wait $$suites || { status=1; echo "mirrorsim: the directed suites failed: see build/coverage/directed.log"; }; \
	tail -n 6 build/coverage/directed.log; \
	MIRRORSIM_DIRS=build/coverage MIRRORSIM_REPORT_DIR=build/coverage node build/ts/src/cli/coverage.js || status=1; \
	exit $$status

coverage-report: deps $(TS_STAMP)
	node build/ts/src/cli/coverage.js

test: deps
	npx vitest run $(VITEST_ARGS)

# A failing seed again, with waves: its logic is in src/cli/waves.ts.
waves: deps $(TS_STAMP)
	MIRRORSIM_NAME='$(NAME)' node build/ts/src/cli/waves.js

lint: deps typecheck
	verilator --lint-only -Wall --top-module mirror_top -f rtl/mirror_top.f
	verilator --lint-only -Wall --top-module mirror_top -GPageBytes=4096 -f rtl/mirror_top.f
	verilator --lint-only -Wall --top-module fixture_top $(addprefix test/fixtures/rtl/,$(addsuffix .sv,counter fifo wide_reg ram sim_control fixture_top))
	verilator --lint-only -Wall --top-module fifo test/fixtures/rtl/fifo.sv
	verilator --lint-only -Wall --top-module crash_top test/fixtures/rtl/crash_top.sv

bench: deps $(TS_STAMP)
	node build/ts/bench/run.js

# Memory and cost per operation at 1k, 10k and 100k operations (several minutes).
bench-scale: deps $(TS_STAMP)
	node build/ts/bench/scale.js

# Verilator and compiler options on the two-node model: cold builds and replay speed (about 15 minutes).
bench-verilator: deps $(TS_STAMP)
	node build/ts/bench/verilator-options.js

clean:
	rm -rf build
