# Outpost: make run (set up, build and open the desktop app), make test (set up and run every test).
SHELL := /bin/bash
GO ?= go
WAILS_VERSION := v2.13.0
GOBIN := $(shell $(GO) env GOPATH)/bin
BIN := build/bin/outpost
FRONTEND_SRC := $(shell find frontend/src frontend/index.html frontend/vite.config.ts frontend/package.json -type f 2>/dev/null)

.PHONY: run serve build dist dist-check types types-check test test-go test-frontend test-e2e fuzz fuzz-short chaos chaos-short chaos-random chaos-random-short chaos-mail chaos-mail-short spray spray-short bench setup-build setup-test setup-dist wails-cli clean

## run: install what is missing, build, and open the desktop app on the default data directory
run: build
	./$(BIN)

## serve: build and run the headless peer, serving the UI on http://127.0.0.1:7480
serve: build
	./$(BIN) serve

## build: the release binary in build/bin/outpost
build: setup-build frontend/dist/index.html
	$(GO) build -tags desktop,production -trimpath -ldflags "-w -s" -o $(BIN) .

setup-build:
	@.ci/setup build

## dist: installers in build/dist: Windows setup.exe and portable .zip, Debian .deb, Linux tarball,
## SHA256SUMS; versioned by `git describe` (see README "Install"; macOS: build/darwin/build.sh on a Mac)
dist: setup-build setup-dist wails-cli frontend/dist/index.html
	build/dist.sh

## dist-check: smoke test of build/dist (checksums, the unpacked .deb's version and serve, the Windows
## binary and installer under wine)
dist-check: setup-dist
	build/dist-check.sh

setup-dist:
	@.ci/setup dist

## wails-cli: the pinned Wails CLI (for `wails dev`)
wails-cli:
	@test -x $(GOBIN)/wails && $(GOBIN)/wails version 2>/dev/null | grep -q $(WAILS_VERSION) || \
		$(GO) install github.com/wailsapp/wails/v2/cmd/wails@$(WAILS_VERSION)

frontend/node_modules/.package-lock.json: frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund
	@touch $@

frontend/dist/index.html: frontend/node_modules/.package-lock.json $(FRONTEND_SRC)
	cd frontend && npm run build

## types: regenerate frontend/src/lib/api/gen, the TypeScript types of what the bound services take and
## return, from the Go types (Wails's model generator, run by app/typesgen)
types:
	@$(call typesgen,$(TYPES_DIR))

## types-check: fail when frontend/src/lib/api/gen is not what `make types` writes
types-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && $(call typesgen,$$tmp/gen) && \
	if ! diff -ru $(TYPES_DIR) "$$tmp/gen"; then echo "frontend API types are stale: run make types" >&2; exit 1; fi

TYPES_DIR := frontend/src/lib/api/gen
# typesgen DIR: the generator logs what it converts; that is shown only when it fails.
typesgen = log=$$(mktemp) && { $(GO) run -tags bindings ./app/typesgen $(1) >"$$log" 2>&1 || { cat "$$log" >&2; rm -f "$$log"; exit 1; }; } && rm -f "$$log"

## test: install what tests need, then vet, the API types' staleness check, Go tests, frontend checks
## and unit tests, browser tests
test: setup-test types-check test-go test-frontend test-e2e

setup-test:
	@.ci/setup test

test-go: frontend/dist/index.html
	$(GO) vet ./...
	$(GO) test -count=1 ./...

test-frontend: frontend/node_modules/.package-lock.json
	cd frontend && npm run check && npm test

test-e2e: frontend/dist/index.html
	@if [ -d frontend/e2e ]; then \
		$(GO) build -o build/bin/outpost-headless . && \
		$(GO) build -o build/bin/mailserver ./backend/mail/mailtest/mailserver && \
		cd frontend && OUTPOST_BIN=../build/bin/outpost-headless npm run e2e; \
	fi

## fuzz: every fuzz target for 10 minutes (FUZZTIME=...); fuzz-short: 20 s each, as CI runs it
fuzz:
	FUZZTIME=$${FUZZTIME:-10m} .ci/fuzz

fuzz-short:
	FUZZTIME=20s FUZZMINIMIZE=0 .ci/fuzz

## chaos: three real `outpost serve` peers under 100 cycles of kill -9, SIGSTOP/SIGCONT and restarts while
## they take writes, then three more behind a proxy between their gossip ports under 100 partitions and
## 25 rounds of 30% loss with 100 ms delay, then three of a build with a shiftable clock
## (-tags chaos) 30 min ahead and 10 min behind and one 2 h ahead (refused without a storm), then one peer whose
## disk fills (a 150 MB tmpfs, as root): refused in words, no crash; every acknowledged write must reach every peer and
## their state hashes must agree (CYCLES=..., PARTITIONS=..., SEED=...); then chaos-random; chaos-short: 10 of
## each and chaos-random-short, as CI runs it
chaos: chaos-random frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) build -tags chaos -o build/bin/outpost-chaos .
	$(GO) run ./.ci/chaos -bin build/bin/outpost-headless -cycles $${CYCLES:-100} -partitions $${PARTITIONS:-100} -chaos-bin build/bin/outpost-chaos -disk-full $${SEED:+-seed $$SEED}

chaos-short: chaos-random-short frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) build -tags chaos -o build/bin/outpost-chaos .
	$(GO) run ./.ci/chaos -bin build/bin/outpost-headless -cycles 10 -partitions 10 -chaos-bin build/bin/outpost-chaos -disk-full

## chaos-random: 1,000 seeded random histories of five real replicas in one process (concurrent edits,
## partitions, restarts, crashes, then a full heal): every acknowledged write in every log, equal state
## hashes and records; prints the seed and steps of any failure (RUNS=..., SEED=first seed; replay one:
## go test ./sync/replica -run 'TestSeededRandomHistories$$' -v -seed N); chaos-random-short: 100
chaos-random:
	$(call random_histories,$${RUNS:-1000})

chaos-random-short:
	$(call random_histories,100)

# random_histories RUNS: the replicas' directories go to tmpfs where there is one (their commits are synced).
random_histories = env OUTPOST_RUNS=$(1) $${SEED:+OUTPOST_SEED=$$SEED} \
	OUTPOST_RANDOM_DIR=$$(test -d /dev/shm -a -w /dev/shm && echo /dev/shm) \
	$(GO) test -count=1 -timeout 40m -run 'TestSeededRandomHistories$$' -v ./sync/replica

## chaos-mail: 1,000 mails to a real mailbox (dovecot) handled by two of three real peers, the handlers
## killed -9 100 times meanwhile; every mail must be exactly one ticket or comment on all three
## (MAILS=..., CYCLES=..., SEED=...); chaos-mail-short: 100 mails and 10 kills, as CI runs it
chaos-mail: setup-test frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) run ./.ci/chaos -bin build/bin/outpost-headless -mails $${MAILS:-1000} -cycles $${CYCLES:-100} $${SEED:+-seed $$SEED}

chaos-mail-short: setup-test frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) run ./.ci/chaos -bin build/bin/outpost-headless -mails 100 -cycles 10

## spray: a hostile insider (a gossip node holding the team key) sends a real peer 1,000,000 garbage and
## forged messages while a genuine peer edits; prints the target's CPU and memory and fails if it kept anything
## the flood carried (MESSAGES=..., SEED=..., RATE=messages/s, default 10000, 0 unpaced); spray-short: 50,000 messages, as CI runs it
spray: frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) run ./.ci/spray -bin build/bin/outpost-headless -messages $${MESSAGES:-1000000} $${SEED:+-seed $$SEED} $${RATE:+-rate $$RATE}

spray-short: frontend/dist/index.html
	$(GO) build -o build/bin/outpost-headless .
	$(GO) run ./.ci/spray -bin build/bin/outpost-headless -messages 50000

## bench: Go benchmarks of every package plus end-to-end figures (10k and 100k tickets, cold start
## under Xvfb), printed as one table with goals and written to build/bench.json; datasets are kept in build/bench-data
bench: setup-test build
	$(GO) build -o build/bin/outpost-headless .
	$(GO) run ./.ci/bench -out build/bench.json | tee build/bench.txt

clean:
	rm -rf build/bin frontend/dist/assets frontend/dist/index.html
