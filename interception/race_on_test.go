//go:build race

package interception

// netnsRace says the tests were built with -race, so the end-to-end test builds skiff with it too.
const netnsRace = true
