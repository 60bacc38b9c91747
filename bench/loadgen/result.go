package loadgen

import "time"

// Result is what one run measured, inside the measured window only.
type Result struct {
	Mode Mode `json:"mode"`
	// Requests completed whose (scheduled) send time fell in the window.
	Requests int64 `json:"requests"`
	// Window is the length of the measured window.
	Window time.Duration `json:"window_ns"`
	// Unfinished counts requests scheduled in the window that had no
	// complete response when the drain deadline passed.
	Unfinished int `json:"unfinished"`
	// Latency is from the scheduled send time (Open) or the actual send
	// time (Closed) to the last byte of the response.
	Latency Percentiles `json:"latency"`
	// SendLag is how late requests left compared with their schedule,
	// counted only when the connection was free at the scheduled time, so
	// it measures the generator's timer, not the server (Open only).
	SendLag Percentiles `json:"send_lag"`
}

// Throughput is the completed request rate in requests per second.
func (r Result) Throughput() float64 {
	if r.Window <= 0 {
		return 0
	}
	return float64(r.Requests) / r.Window.Seconds()
}
