package loadgen

import (
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1)
	}
	thousand := make([]int64, 1000)
	for i := range thousand {
		thousand[i] = int64(i + 1)
	}
	tests := []struct {
		name   string
		sorted []int64
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"single", []int64{7}, 99, 7},
		{"median of two is the lower", []int64{1, 2}, 50, 1},
		{"p50 of 1..100", hundred, 50, 50},
		{"p90 of 1..100", hundred, 90, 90},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 is the max", hundred, 100, 100},
		{"p99.9 of 1..1000 has no float drift", thousand, 99.9, 999},
		{"p99.9 of 1..100 rounds up", hundred, 99.9, 100},
		{"tiny p is the min", hundred, 0.001, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("Percentile(p=%g) = %d, want %d", tt.p, got, tt.want)
			}
		})
	}
}

func TestSamplesPercentilesSorts(t *testing.T) {
	s := NewSamples(8)
	for _, v := range []int64{5, 1, 4, 2, 3} {
		s.Add(v)
	}
	got := s.Percentiles()
	want := Percentiles{P50: 3, P90: 5, P99: 5, P999: 5, Max: 5}
	if got != want {
		t.Errorf("Percentiles = %+v, want %+v", got, want)
	}
}

func TestSamplesAddDoesNotAllocateWithinCapacity(t *testing.T) {
	s := NewSamples(1000)
	allocs := testing.AllocsPerRun(500, func() { s.Add(42) })
	if allocs != 0 {
		t.Errorf("Add allocates %v times per call", allocs)
	}
}

func TestConfigValidate(t *testing.T) {
	good := Config{Addr: "127.0.0.1:1", Mode: Open, Conns: 1, Rate: 10, Size: 64, Duration: time.Second}
	tests := []struct {
		name    string
		mutate  func(*Config)
		wantErr bool
	}{
		{"valid open", func(*Config) {}, false},
		{"valid closed without rate", func(c *Config) { c.Mode, c.Rate = Closed, 0 }, false},
		{"no addr", func(c *Config) { c.Addr = "" }, true},
		{"bad mode", func(c *Config) { c.Mode = "x" }, true},
		{"no conns", func(c *Config) { c.Conns = 0 }, true},
		{"open without rate", func(c *Config) { c.Rate = 0 }, true},
		{"no size", func(c *Config) { c.Size = 0 }, true},
		{"no duration", func(c *Config) { c.Duration = 0 }, true},
		{"negative spin", func(c *Config) { c.Spin = -1 }, true},
		{"valid http without size", func(c *Config) { c.Protocol, c.Path, c.Size = HTTP, "/16", 0 }, false},
		{"http without path", func(c *Config) { c.Protocol, c.Path = HTTP, "" }, true},
		{"http path with space", func(c *Config) { c.Protocol, c.Path = HTTP, "/a b" }, true},
		{"bad protocol", func(c *Config) { c.Protocol = "ftp" }, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := good
			tt.mutate(&c)
			if err := c.Validate(); (err != nil) != tt.wantErr {
				t.Errorf("Validate() = %v, wantErr %v", err, tt.wantErr)
			}
		})
	}
}
