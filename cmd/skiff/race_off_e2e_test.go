//go:build !race

package main

// e2eRace says the tests were built with -race, so TestMain builds the binaries with it too.
const e2eRace = false
