# Skiff's build. GNU make; every target runs without root.
#
#   make build   bin/skiff and bin/demo-upstream
#   make run     the demo: demo-upstream in the background, Skiff in the foreground (Ctrl-C stops both)
#   make test    gofmt check, go vet, go test -race, the dubbo-go interop tests
#   make fuzz    every Fuzz* target for FUZZTIME each
#   make bench   the benchmark scenarios; writes docs/benchmarks.md
#   make bench-memory  memory at 100,000 and 500,000 endpoints, host stats on/off; writes docs/benchmarks.md
#   make clean   removes build output

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c

GO        ?= go
BIN       := bin
BOOTSTRAP ?= examples/bootstrap.yaml
FUZZTIME  ?= 30s
TESTFLAGS ?= -race -count=1 -timeout 5m

.PHONY: fuzz-short all build run test test-interop fmt-check vet fuzz bench bench-xds bench-memory clean

all: build

# Skiff is built static (CGO_ENABLED=0): no libc to map, about 2 MB less RSS, and the binary
# runs in a scratch or distroless container. Tests keep cgo (the race detector needs it).
build:
	CGO_ENABLED=0 $(GO) build -o $(BIN)/skiff ./cmd/skiff
	$(GO) build -o $(BIN)/demo-upstream ./examples/demo-upstream

run: build
	@echo "Starting demo-upstream (echo 127.0.0.1:10001, http 127.0.0.1:10002) and Skiff ($(BOOTSTRAP))."
	@echo "From another terminal:"
	@echo "  echo hello | nc -q1 127.0.0.1 10000"
	@echo "  bash -c 'exec 3<>/dev/tcp/127.0.0.1/10000; echo hello >&3; head -n1 <&3'   # without nc"
	@echo "  curl http://127.0.0.1:10080/                                   # HTTP as plain TCP"
	@echo "  curl -i http://127.0.0.1:10081/hello                           # HTTP routed per request"
	@echo "  curl http://127.0.0.1:10081/skiff                              # answered by Skiff (direct_response)"
	@echo "  curl -i -H 'x-envoy-fault-abort-request: 503' http://127.0.0.1:10081/   # fault filter"
	@echo "  curl -s http://127.0.0.1:15000/stats/prometheus | grep -E 'envoy_(tcp|http)_downstream'"
	@echo "Ctrl-C stops both."
	@$(BIN)/demo-upstream -echo 127.0.0.1:10001 -http 127.0.0.1:10002 & upstream=$$!; \
	trap 'kill $$upstream 2>/dev/null || true; wait $$upstream 2>/dev/null || true' EXIT INT TERM; \
	$(BIN)/skiff proxy -c $(BOOTSTRAP)

test: fmt-check vet
	$(GO) test $(TESTFLAGS) ./...
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory test-interop

# Dubbo proxying against real dubbo-go consumers and providers. The tests are their own module
# (proxy/dubbo/interop, with its own go.mod) so that dubbo-go stays out of Skiff's dependencies;
# `go test ./...` above does not enter it. They build cmd/skiff with -race themselves; the tests
# run without it because dubbo-go's transport has data races of its own.
INTEROPFLAGS ?= -count=1 -timeout 5m
test-interop:
	cd proxy/dubbo/interop && $(GO) vet ./... && $(GO) test $(INTEROPFLAGS) ./...

# The decoders that face the network are fuzzed briefly on every test run
# (their seed corpora already run in go test); `make fuzz` runs everything longer.
# Budgets are exec counts, not durations: a time budget that ends while the
# fuzzer minimises a new input fails with "context deadline exceeded".
FUZZSCALE ?= 1
fuzz-short:
	@for t in protocol/http:FuzzParseRequest:200000 protocol/http:FuzzParseResponse:200000 \
		protocol/http:FuzzChunked:200000 proxy/route:FuzzMatch:50000 proxy/config:FuzzParseTranslate:200 \
		protocol/dubbo:FuzzParseHeader:50000 protocol/dubbo:FuzzRequestHead:100000 protocol/dubbo:FuzzDecode:100000 \
		protocol/dubbo:FuzzValues:50000 proxy/dubbo:FuzzConsumerStream:1000 proxy/dubbo:FuzzProviderStream:1000 \
		proxy/config:FuzzTranslateLoadAssignment:20000 proxy/xds:FuzzResourceName:50000 \
		proxy/server:FuzzParseClientHello:50000 proxy/server:FuzzSniffHTTP:50000; do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; n=$$(( $${rest#*:} * $(FUZZSCALE) )); \
		echo "== fuzz $$pkg $$name ($${n} execs)"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $${n}x ./$$pkg </dev/null || exit 1; \
	done

# Fails listing the files gofmt would change (testdata is left alone).
fmt-check:
	@files=$$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 -r gofmt -l); \
	if [ -n "$$files" ]; then echo "gofmt needed on:"; echo "$$files"; exit 1; fi

vet:
	$(GO) vet ./...

# Runs each Fuzz* target found by `go test -list` for FUZZTIME, one after the other.
fuzz:
	@$(GO) test -list '^Fuzz' ./... \
	| awk '/^Fuzz/ { names[n++] = $$1; next } /^ok/ { for (i = 0; i < n; i++) print $$2, names[i]; n = 0 }' \
	| while read -r pkg name; do \
		echo "== $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) "$$pkg" </dev/null; \
	done

bench: build
	$(GO) run ./bench/cmd/skiffbench -skiff ./$(BIN)/skiff -report docs/benchmarks.md

# Memory at scale: 1,000 clusters with 100,000 and 500,000 endpoints, host stats on and off (~5 min).
bench-memory: build
	$(GO) run ./bench/memory/cmd/skiffmem -skiff ./$(BIN)/skiff -report docs/benchmarks.md

# xDS at scale: 1,000 EDS clusters / 100,000 endpoints, then 1% of them changed (docs/xds.md).
bench-xds: build
	$(GO) run ./bench/xdsscale -skiff ./$(BIN)/skiff

clean:
	rm -rf $(BIN) *.test *.prof *.pprof cpu.out mem.out coverage.out
