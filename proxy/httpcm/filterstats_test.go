package httpcm

import filterstats "github.com/skiffmesh/skiff/filters/stats"

// The HTTP connection manager gives filters/stats what it asks for.
var (
	_ filterstats.Sink    = counterMaker{}
	_ filterstats.Outcome = (*stream)(nil)
)
