package xds

// startInitTimers starts the initial_fetch_timeout of LDS and CDS: startup does not wait longer
// than that for the first response of each.
func (c *Client) startInitTimers() {
	cfg := c.opts.Config
	if cfg.CDS && cfg.CDSInitialFetchTimeout > 0 {
		c.after(cfg.CDSInitialFetchTimeout, func() {
			if !c.types[ClusterType].received {
				c.log.Warn("no clusters from the control plane within initial_fetch_timeout")
			}
			c.cdsTimedOut = true
		})
	}
	if cfg.LDS && cfg.LDSInitialFetchTimeout > 0 {
		c.after(cfg.LDSInitialFetchTimeout, func() {
			if !c.types[ListenerType].received {
				c.log.Warn("no listeners from the control plane within initial_fetch_timeout")
			}
			c.ldsTimedOut = true
		})
	}
}

// checkInitialized closes Initialized once CDS and LDS have answered (or timed out) and nothing
// they brought is still warming.
func (c *Client) checkInitialized() {
	if c.initDone {
		return
	}
	cds, lds := c.types[ClusterType], c.types[ListenerType]
	if cds.enabled && !cds.received && !c.cdsTimedOut {
		return
	}
	if lds.enabled && !lds.received && !c.ldsTimedOut {
		return
	}
	if c.res.anyWarming() {
		return
	}
	c.initDone = true
	close(c.initialized)
	c.log.Info("initial xDS configuration installed",
		"clusters", len(c.res.clusters), "listeners", len(c.res.listeners))
}
