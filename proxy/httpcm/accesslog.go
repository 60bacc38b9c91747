package httpcm

import (
	"time"

	"github.com/skiffmesh/skiff/proxy/accesslog"
)

// logSink is one configured access logger of a manager.
type logSink struct {
	format *accesslog.Format
	logger *accesslog.Logger
}

// openLog returns the server-wide logger of a path (one writer per file).
func (sh *Shared) openLog(path string) (*accesslog.Logger, error) {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if l, ok := sh.logs[path]; ok {
		return l, nil
	}
	l, err := accesslog.Open(path)
	if err != nil {
		return nil, err
	}
	if sh.logs == nil {
		sh.logs = map[string]*accesslog.Logger{}
	}
	sh.logs[path] = l
	return l, nil
}

// CloseLogs flushes and closes the access logs. Call it after the loops stopped.
func (sh *Shared) CloseLogs() {
	sh.mu.Lock()
	defer sh.mu.Unlock()
	for p, l := range sh.logs {
		_ = l.Close()
		delete(sh.logs, p)
	}
}

// writeAccessLogs renders the stream's line for every sink.
func (st *stream) writeAccessLogs() {
	d := st.d
	for _, s := range d.m.logs {
		line := s.format.Append(d.pools.logBuf[:0], (*logEntry)(st))
		d.pools.logBuf = line
		s.logger.Log(line)
	}
}

// logEntry is the stream as an access log entry.
type logEntry stream

func (e *logEntry) StartTime() time.Time { return e.start }

func (e *logEntry) RequestHeader(name string) ([]byte, bool) {
	switch name {
	case ":method":
		return e.req.Method(), true
	case ":path":
		return e.req.PathQuery(), true
	case ":authority":
		return e.req.Host(), true
	case ":scheme":
		return schemeHTTP, true
	}
	return e.hdrs.Get(name)
}

func (e *logEntry) ResponseHeader(name string) ([]byte, bool) {
	if !e.gotHead {
		return nil, false
	}
	return e.rhdrs.Get(name)
}

func (e *logEntry) Protocol() string {
	if e.req.Minor() == 0 {
		return "HTTP/1.0"
	}
	return "HTTP/1.1"
}

func (e *logEntry) ResponseCode() int           { return e.status }
func (e *logEntry) ResponseCodeDetails() string { return e.details }
func (e *logEntry) BytesReceived() int64        { return e.rxBytes }
func (e *logEntry) BytesSent() int64            { return e.txBytes }
func (e *logEntry) Duration() time.Duration     { return time.Since(e.start) }
func (e *logEntry) AppendUpstreamHost(b []byte) []byte {
	if e.lastHost == nil {
		return b
	}
	return e.lastHost.Addr().AppendTo(b)
}
func (e *logEntry) UpstreamCluster() string {
	if e.cluster == nil {
		return ""
	}
	return e.cluster.Name()
}
func (e *logEntry) AppendDownstreamRemote(b []byte) []byte { return e.d.remote.AppendTo(b) }
func (e *logEntry) AppendDownstreamLocal(b []byte) []byte  { return e.d.local.AppendTo(b) }
func (e *logEntry) RouteName() string {
	if e.rt == nil {
		return ""
	}
	return e.rt.Name
}

// ResponseFlags maps how the request ended to Envoy's response flags.
func (e *logEntry) ResponseFlags() string {
	switch e.details {
	case "":
		return "-"
	case "route_not_found":
		return "NR"
	case "cluster_not_found":
		return "NC"
	case "no_healthy_upstream", "loop_refused":
		return "UH"
	case "upstream_connect_failure":
		return "UF"
	case "upstream_overflow":
		return "UO"
	case "upstream_request_timeout", "upstream_per_try_timeout":
		return "UT"
	case "upstream_reset_before_response_started", "upstream_protocol_error":
		return "UC"
	case "downstream_reset":
		return "DC"
	case "fault_filter_abort":
		return "FI"
	case "request_body_invalid":
		return "DPE"
	}
	return "-"
}
