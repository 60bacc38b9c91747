package dubbo

import (
	"strconv"
	"time"

	"github.com/skiffmesh/skiff/protocol/dubbo"
)

// Runtime keys (Envoy-style layered_runtime, static layer or admin layer)
// that override the Shared options. Each holds a positive integer; a value
// that is not one, or is out of range, is logged and ignored. They are read
// when a Manager is built (New), that is when a listener version is
// compiled: a change applies to listeners built after it, and connections
// keep the settings of the listener version they were accepted under.
const (
	// RuntimeConnsPerHost overrides Shared.ConnsPerHost (1..MaxConnsPerHost).
	RuntimeConnsPerHost = "skiff.dubbo.upstream_connections_per_host"
	// RuntimeRequestTimeout overrides Shared.RequestTimeout, in milliseconds.
	RuntimeRequestTimeout = "skiff.dubbo.request_timeout_ms"
	// RuntimeHeartbeatInterval overrides Shared.HeartbeatInterval, in
	// milliseconds.
	RuntimeHeartbeatInterval = "skiff.dubbo.heartbeat_interval_ms"
	// RuntimeHeartbeatMisses overrides Shared.HeartbeatMisses.
	RuntimeHeartbeatMisses = "skiff.dubbo.heartbeat_misses"
	// RuntimeMaxBodySize overrides Shared.MaxBodySize, in bytes (up to
	// 1 GiB).
	RuntimeMaxBodySize = "skiff.dubbo.max_body_bytes"
)

// MaxConnsPerHost bounds the connections per loop and provider host that
// RuntimeConnsPerHost may ask for.
const MaxConnsPerHost = 64

// settings are the options a Manager runs with, resolved once by New from
// the runtime keys, the Shared fields and the defaults, in that order.
type settings struct {
	connsPerHost      int
	requestTimeout    time.Duration
	heartbeatInterval time.Duration
	heartbeatMisses   int
	maxBody           uint32 // frames with a larger body are refused
}

// resolve returns the settings for a Manager built now. Any goroutine.
func (sh *Shared) resolve() settings {
	return settings{
		connsPerHost:      sh.runtimeInt(RuntimeConnsPerHost, MaxConnsPerHost, defaulted(sh.ConnsPerHost, DefaultConnsPerHost)),
		requestTimeout:    sh.runtimeMillis(RuntimeRequestTimeout, defaulted(sh.RequestTimeout, DefaultRequestTimeout)),
		heartbeatInterval: sh.runtimeMillis(RuntimeHeartbeatInterval, defaulted(sh.HeartbeatInterval, DefaultHeartbeatInterval)),
		heartbeatMisses:   sh.runtimeInt(RuntimeHeartbeatMisses, 1000, defaulted(sh.HeartbeatMisses, DefaultHeartbeatMisses)),
		maxBody:           uint32(sh.runtimeInt(RuntimeMaxBodySize, 1<<30, min(defaulted(sh.MaxBodySize, dubbo.DefaultMaxBodySize), 1<<30))),
	}
}

// runtimeInt returns key's value when it is an integer in 1..limit, else def.
func (sh *Shared) runtimeInt(key string, limit int64, def int) int {
	if sh.Runtime == nil {
		return def
	}
	v, ok := sh.Runtime(key)
	if !ok {
		return def
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 || n > limit {
		if sh.Logger != nil {
			sh.Logger.Warn("runtime: ignoring bad value", "key", key, "value", v, "want", "an integer from 1 to "+strconv.FormatInt(limit, 10))
		}
		return def
	}
	return int(n)
}

// runtimeMillis returns key's value in milliseconds (1 ms to 24 h), else def.
func (sh *Shared) runtimeMillis(key string, def time.Duration) time.Duration {
	const dayMs = 24 * 60 * 60 * 1000
	ms := sh.runtimeInt(key, dayMs, -1)
	if ms < 0 {
		return def
	}
	return time.Duration(ms) * time.Millisecond
}

// defaulted returns v, or def when v is not positive.
func defaulted[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}
