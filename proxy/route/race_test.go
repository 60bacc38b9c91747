//go:build race

package route

// raceEnabled is set when the race detector is on; allocation counts are not meaningful then.
const raceEnabled = true
