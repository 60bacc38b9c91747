package main

import (
	"testing"
)

func TestQuoteAll(t *testing.T) {
	got := quoteAll([]string{"-skiff", "./bin/skiff", "-report", "my docs/b.md", "it's", ""})
	want := []string{"-skiff", "./bin/skiff", "-report", "'my docs/b.md'", `'it'\''s'`, "''"}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("arg %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestRunBenchRejectsBadFlags(t *testing.T) {
	tests := map[string][]string{
		"unknown flag":      {"-nope"},
		"stray argument":    {"extra"},
		"zero reps":         {"-reps", "0"},
		"same cpu twice":    {"-client-cpu", "1", "-backend-cpu", "1"},
		"unknown placement": {"-placements", "moon"},
		"unknown scenario":  {"-scenarios", "tcp-echo,grpc"},
		"bad http size":     {"-http-sizes", "16,x"},
		"zero http size":    {"-scenarios", "http", "-http-sizes", "0"},
		"bad dubbo rate":    {"-scenarios", "dubbo", "-dubbo-rates", "1000,x"},
		"zero dubbo rate":   {"-scenarios", "dubbo", "-dubbo-rates", "0"},
		"zero dubbo window": {"-scenarios", "dubbo", "-dubbo-window", "0"},
		"zero dubbo conns":  {"-scenarios", "dubbo", "-dubbo-conns", "0"},
	}
	for name, args := range tests {
		t.Run(name, func(t *testing.T) {
			if err := runBench(args); err == nil {
				t.Errorf("runBench(%q) succeeded", args)
			}
		})
	}
}
