// Package stats is Skiff's stats store: counters, gauges and histograms named as Envoy names them,
// owned by a Store instance (there are no package-level stores).
//
// # Names
//
// A stat name is a sequence of segments. Every distinct segment string is stored once in the store's
// symbol table and a name is a short string of varint symbol ids, so millions of per-host series
// cost a few bytes of name each. Symbols are reference-counted and freed when no stat or scope uses
// them. A tag segment (see T) is part of the dotted name like any other segment and becomes a label
// on Prometheus output.
//
// # Values and goroutines
//
// A store has one shard per event loop plus a shared slot (shard index Shared). Values live in
// per-shard slabs of fixed-size chunks indexed by the stat's slot, so an update is one uncontended
// atomic add on memory only its loop writes: no lock, no map lookup, no allocation. Readers sum the
// shards. The loop with index i must be the only writer to shard i; Shared may be written from any
// goroutine.
//
// Creating stats (Scope.Counter and friends) takes the store's lock: do it when a listener,
// cluster or host is set up and keep the returned pointer; never look stats up per request.
// Scope.Release frees every stat of a scope and its children; stale pointers stay safe to use and
// their updates are discarded.
//
// # Rendering
//
// WriteText, WriteJSON and WritePrometheus serve the admin endpoints /stats, /stats?format=json and
// /stats/prometheus. They may run on any goroutine while the loops keep writing. On Prometheus
// output, tag segments become labels and Envoy's default response code rules apply to the last
// segment: upstream_rq_2xx is upstream_rq_xx{envoy_response_code_class="2"}, upstream_rq_503 is
// upstream_rq{envoy_response_code="503"} (prom_codes.go).
//
// # Series kept outside the store
//
// Values that belong to objects with their own lifetime and come in the hundreds of thousands,
// such as per-upstream-host counters, need no name, slot or table entry here: their owner keeps
// them in plain atomics (Durations for a latency histogram) and registers a Source, which
// WritePrometheus calls after the store's own families.
package stats
