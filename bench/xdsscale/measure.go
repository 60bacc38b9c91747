package main

import (
	"fmt"
	"io"
	"net/http"
	"syscall"
	"time"
)

// probe sends requests through addr one after the other until one is answered by a new
// endpoint, and returns when that happened. Requests that fail count in failed.
func probe(addr string, deadline time.Time) (at time.Time, failed int, err error) {
	hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4}, Timeout: 5 * time.Second}
	defer hc.CloseIdleConnections()
	for time.Now().Before(deadline) {
		resp, err := hc.Get("http://" + addr + "/")
		if err != nil {
			failed++
			continue
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(b) == "new" {
			return time.Now(), failed, nil
		}
	}
	return time.Time{}, failed, fmt.Errorf("no request reached a new endpoint by %v", deadline)
}

// cpuTime is this process's user plus system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
