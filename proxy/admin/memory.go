package admin

import (
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
)

// memory answers Envoy's /memory with the Go runtime's figures, named as Envoy names tcmalloc's:
//
//	allocated            live heap objects (HeapAlloc)
//	heap_size            heap memory obtained from the OS (HeapSys)
//	pageheap_unmapped    heap memory returned to the OS (HeapReleased)
//	pageheap_free        free heap memory not yet returned (HeapIdle - HeapReleased)
//	total_thread_cache   per-P allocation caches (MCacheInuse)
//	total_physical_bytes everything obtained from the OS minus what was returned (Sys - HeapReleased)
//
// and, beyond Envoy, resident_bytes (the process's RSS), heap_in_use (spans holding live objects,
// HeapInuse), stacks, runtime_metadata (the Go runtime's own structures) and num_gc. With ?gc (a Skiff extension,
// for benchmarks and tests) it first collects garbage and returns free memory to the OS, so the
// figures are those of live data. Values are decimal strings, as in Envoy.
func (a *Admin) memory(w http.ResponseWriter, r *http.Request) {
	if _, gc := r.URL.Query()["gc"]; gc {
		debug.FreeOSMemory() // runs a full collection first
	}
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	writeJSON(w, map[string]string{
		"allocated":            u(ms.HeapAlloc),
		"heap_size":            u(ms.HeapSys),
		"pageheap_unmapped":    u(ms.HeapReleased),
		"pageheap_free":        u(ms.HeapIdle - ms.HeapReleased),
		"total_thread_cache":   u(ms.MCacheInuse),
		"total_physical_bytes": u(ms.Sys - ms.HeapReleased),
		"resident_bytes":       u(residentBytes()),
		"heap_in_use":          u(ms.HeapInuse),
		"stacks":               u(ms.StackSys),
		"runtime_metadata":     u(ms.GCSys + ms.MSpanSys + ms.MCacheSys + ms.BuckHashSys + ms.OtherSys),
		"num_gc":               u(uint64(ms.NumGC)),
	})
}

// residentBytes reads the process's resident set size from /proc/self/statm; 0 where there is
// none.
func residentBytes() uint64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseUint(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * uint64(os.Getpagesize())
}
