# factdesk. `make run` serves the app; `make test` runs every test.
GO      ?= go
BIN     := bin/factdesk
FUZZTIME ?= 2m
# Short fuzz runs in `make test` are bounded by a count of inputs, not by
# time: Go 1.26's fuzz coordinator can report "context deadline exceeded" as
# a failure when a time limit ends mid-input (go.dev/issue/75804).
FUZZSHORT ?= 3000x
FUZZSHORT_FAST ?= 100000x

.PHONY: run build test generate check-generated lint bench fuzz clean

run: build
	./$(BIN) serve

build:
	CGO_ENABLED=0 $(GO) build -o $(BIN) ./cmd/factdesk

generate:
	$(GO) tool templ generate

# Generated templ files are committed; fail when they are stale.
check-generated:
	@$(GO) tool templ generate >/dev/null 2>&1
	@if [ -n "$$(git status --porcelain -- 'views/*_templ.go')" ]; then \
		echo "views/*_templ.go are stale: run 'make generate' and commit the result"; \
		git status --short -- 'views/*_templ.go'; exit 1; fi

lint:
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

# Short fuzz runs keep the invariants checked on every test run; `make fuzz`
# runs them longer (FUZZTIME each).
test: check-generated lint
	CGO_ENABLED=0 $(GO) build ./...
	$(GO) test -count=1 ./...
	$(GO) test -run='^$$' -fuzz='^FuzzSegment$$' -fuzztime=$(FUZZSHORT_FAST) -fuzzminimizetime=2s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzExtract$$' -fuzztime=$(FUZZSHORT_FAST) -fuzzminimizetime=2s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzByteOffsets$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZSHORT_FAST) -fuzzminimizetime=2s ./ingest/
	# Hostile input: export writers and query-string parsing.
	$(GO) test -run='^$$' -fuzz='^FuzzWriters$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./export/
	$(GO) test -run='^$$' -fuzz='^FuzzParseCursor$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./db/
	$(GO) test -run='^$$' -fuzz='^FuzzParseStatuses$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./db/
	$(GO) test -run='^$$' -fuzz='^FuzzQueueQuery$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./handlers/

fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzSegment$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzExtract$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzByteOffsets$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./extract/
	$(GO) test -run='^$$' -fuzz='^FuzzParse$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./ingest/
	# Hostile input: export writers and query-string parsing.
	$(GO) test -run='^$$' -fuzz='^FuzzWriters$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./export/
	$(GO) test -run='^$$' -fuzz='^FuzzParseCursor$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./db/
	$(GO) test -run='^$$' -fuzz='^FuzzParseStatuses$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./db/
	$(GO) test -run='^$$' -fuzz='^FuzzQueueQuery$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./handlers/

bench:
	$(GO) test -run='^$$' -bench=. -benchmem ./extract/ ./db/ ./views/
	# Performance at scale (BENCHMARKS.md): the app on 10,000 generated
	# articles under 32 clients; writes bench/results.json.
	$(MAKE) build
	CGO_ENABLED=0 $(GO) build -o bin/loadgen ./cmd/loadgen
	CGO_ENABLED=0 $(GO) build -o bin/benchrun ./cmd/benchrun
	./bin/benchrun $(BENCHFLAGS)

clean:
	rm -rf bin

# Nothing lost: the concurrency and crash tests at full size. `make test`
# runs them smaller (2,000 changes; 3 SIGKILLs).
.PHONY: stress crash
STRESS_CHANGES ?= 10000
CRASH_ITERATIONS ?= 20

stress:
	FACTDESK_STRESS_CHANGES=$(STRESS_CHANGES) $(GO) test -count=1 -timeout=20m -run='^TestConcurrentReviewers$$' -v ./web/

crash:
	FACTDESK_CRASH_ITERATIONS=$(CRASH_ITERATIONS) $(GO) test -count=1 -timeout=20m -run='^TestCrashKeepsAcknowledgedWrites$$' -v ./cmd/factdesk/

# Export and API: short fuzz runs of claim anchoring and of API request
# bodies through the router, as extra prerequisites of test and fuzz.
.PHONY: fuzz-api-short fuzz-api
test: fuzz-api-short
fuzz: fuzz-api
fuzz-api-short:
	$(GO) test -run='^$$' -fuzz='^FuzzAnchor$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./anchor/
	$(GO) test -run='^$$' -fuzz='^FuzzAPIRequests$$' -fuzztime=$(FUZZSHORT) -fuzzminimizetime=2s ./web/
fuzz-api:
	$(GO) test -run='^$$' -fuzz='^FuzzAnchor$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./anchor/
	$(GO) test -run='^$$' -fuzz='^FuzzAPIRequests$$' -fuzztime=$(FUZZTIME) -fuzzminimizetime=10s ./web/

# Claim extraction: `make train` fits the scoring model and rewrites
# extract/model_gen.go; `make eval` measures the extractor on the labelled
# news corpus and the CheckThat! dev-test set.
.PHONY: train eval
train:
	$(GO) run ./cmd/cwtrain
	gofmt -l extract/model_gen.go

eval:
	$(GO) run ./cmd/cweval
