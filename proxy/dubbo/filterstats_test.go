package dubbo

import filterstats "github.com/skiffmesh/skiff/filters/stats"

// The Dubbo connection manager gives filters/stats what it asks for.
var (
	_ filterstats.Sink    = counterMaker{}
	_ filterstats.Outcome = (*call)(nil)
)
