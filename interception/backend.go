package interception

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Backend is the iptables variant whose commands are used: the nf_tables one, the legacy
// (x_tables) one, or, on systems without the variant names, plain iptables.
type Backend string

// Backends.
const (
	BackendNFT     Backend = "nft"
	BackendLegacy  Backend = "legacy"
	BackendDefault Backend = ""
)

// ErrNoIPTables is returned when no iptables command can be run.
var ErrNoIPTables = errors.New("interception: iptables not found (install iptables, nft or legacy variant, in the image)")

// String returns "nft", "legacy" or "default".
func (b Backend) String() string {
	if b == BackendDefault {
		return "default"
	}
	return string(b)
}

// Command returns the name of an iptables tool of the backend for family f; tool is "save" or
// "restore" ("iptables-nft-save", "ip6tables-legacy-restore", "iptables-save").
func (b Backend) Command(f Family, tool string) string {
	if b == BackendDefault {
		return f.iptables() + "-" + tool
	}
	return f.iptables() + "-" + string(b) + "-" + tool
}

// probe is what one backend's iptables-save showed.
type probe struct {
	backend Backend
	ok      bool  // every save ran
	err     error // the first failure other than a missing program
	rules   int
	skiff   bool
}

// DetectBackend finds the iptables backend in use in the current network namespace, so the two
// are never mixed: the one holding Skiff's chains, else the one holding more rules, else the one
// the plain iptables command uses. Systems without the variant commands get BackendDefault.
// It runs only iptables-save and iptables --version.
func DetectBackend(ctx context.Context, r Runner, families []Family) (Backend, error) {
	nft := probeBackend(ctx, r, BackendNFT, families)
	legacy := probeBackend(ctx, r, BackendLegacy, families)
	switch {
	case nft.ok && legacy.ok:
		return choose(ctx, r, nft, legacy), nil
	case nft.ok:
		return BackendNFT, nil
	case legacy.ok:
		return BackendLegacy, nil
	}
	def := probeBackend(ctx, r, BackendDefault, families)
	switch {
	case def.ok:
		return BackendDefault, nil
	case nft.err != nil:
		return "", fmt.Errorf("interception: detect iptables backend: %w", nft.err)
	case legacy.err != nil:
		return "", fmt.Errorf("interception: detect iptables backend: %w", legacy.err)
	case def.err != nil:
		return "", fmt.Errorf("interception: detect iptables backend: %w", def.err)
	}
	return "", ErrNoIPTables
}

// choose picks between two working backends.
func choose(ctx context.Context, r Runner, nft, legacy probe) Backend {
	switch {
	case nft.skiff != legacy.skiff:
		return pick(nft.skiff, BackendNFT, BackendLegacy)
	case nft.rules != legacy.rules:
		return pick(nft.rules > legacy.rules, BackendNFT, BackendLegacy)
	}
	out, err := r.Run(ctx, nil, "iptables", "--version")
	if err == nil && strings.Contains(string(out), "legacy") {
		return BackendLegacy
	}
	return BackendNFT
}

func pick(first bool, a, b Backend) Backend {
	if first {
		return a
	}
	return b
}

// probeBackend runs the backend's iptables-save for each family.
func probeBackend(ctx context.Context, r Runner, b Backend, families []Family) probe {
	p := probe{backend: b, ok: true}
	for _, f := range families {
		out, err := r.Run(ctx, nil, b.Command(f, "save"))
		if err != nil {
			p.ok = false
			if !notFound(err) && p.err == nil {
				p.err = err
			}
			continue
		}
		s := ParseSaved(string(out))
		p.rules += s.Rules
		p.skiff = p.skiff || s.Installed()
	}
	return p
}
