package route

import (
	"bytes"
	"cmp"
	"fmt"
	"slices"
)

// maxLowerHost is the longest host name lowered on the stack; longer ones allocate.
const maxLowerHost = 256

// domainIndex selects a virtual host by the request's host, in Envoy's order: exact domains,
// then suffix wildcards (`*.example.com`, `*-bar.example.com`) longest first, then prefix
// wildcards (`example.*`) longest first, then `*`. A wildcard matches at least one character.
type domainIndex struct {
	exact    map[string]*VirtualHost
	suffixes []wildcardGroup // by length, longest first
	prefixes []wildcardGroup // by length, longest first
	any      *VirtualHost    // the `*` domain
	// ignorePort strips the port from the host before matching (ignore_port_in_host_matching).
	ignorePort bool
	// header is vhost_header: the lower-case header to read instead of the authority.
	header string
}

// wildcardGroup holds the wildcard domains of one length, keyed by their fixed part.
type wildcardGroup struct {
	n     int
	hosts map[string]*VirtualHost
}

// find returns the virtual host for a request, or nil. It does not allocate for hosts up to
// maxLowerHost bytes.
func (d *domainIndex) find(r Request) *VirtualHost {
	host := r.Authority()
	if d.header != "" {
		host, _ = r.Header(d.header)
	}
	if d.ignorePort {
		if i := portStart(host); i >= 0 {
			host = host[:i]
		}
	}
	var buf [maxLowerHost]byte
	if hasUpper(host) {
		host = appendLower(buf[:0], host)
	}
	return d.lookup(host)
}

// lookup finds the virtual host for a lower-case host.
func (d *domainIndex) lookup(host []byte) *VirtualHost {
	if v, ok := d.exact[string(host)]; ok {
		return v
	}
	for _, g := range d.suffixes {
		if g.n < len(host) {
			if v, ok := g.hosts[string(host[len(host)-g.n:])]; ok {
				return v
			}
		}
	}
	for _, g := range d.prefixes {
		if g.n < len(host) {
			if v, ok := g.hosts[string(host[:g.n])]; ok {
				return v
			}
		}
	}
	return d.any
}

// portStart returns the index of the ':' that starts the port of a host, or -1 (Envoy's
// HeaderUtility::getPortStart: the last ':', unless it is inside an IPv6 literal).
func portStart(host []byte) int {
	i := bytes.LastIndexByte(host, ':')
	if i < 0 {
		return -1
	}
	if j := bytes.LastIndexByte(host, ']'); j > i {
		return -1
	}
	return i
}

// add enters the lower-case domain of v; it returns an error for a duplicate.
func (d *domainIndex) add(domain string, v *VirtualHost) error {
	switch {
	case domain == "*":
		if d.any != nil {
			return fmt.Errorf("domain %q is also in virtual host %q: only one virtual host may have it", domain, d.any.Name)
		}
		d.any = v
		return nil
	case domain != "" && domain[0] == '*':
		return addWildcard(&d.suffixes, domain[1:], domain, v)
	case domain != "" && domain[len(domain)-1] == '*':
		return addWildcard(&d.prefixes, domain[:len(domain)-1], domain, v)
	}
	if other, dup := d.exact[domain]; dup {
		return duplicateDomain(domain, other)
	}
	d.exact[domain] = v
	return nil
}

// addWildcard enters the fixed part of a wildcard domain into groups, kept longest first.
func addWildcard(groups *[]wildcardGroup, fixed, domain string, v *VirtualHost) error {
	i := slices.IndexFunc(*groups, func(g wildcardGroup) bool { return g.n == len(fixed) })
	if i < 0 {
		*groups = append(*groups, wildcardGroup{n: len(fixed), hosts: make(map[string]*VirtualHost)})
		slices.SortFunc(*groups, func(a, b wildcardGroup) int { return cmp.Compare(b.n, a.n) })
		i = slices.IndexFunc(*groups, func(g wildcardGroup) bool { return g.n == len(fixed) })
	}
	g := (*groups)[i]
	if other, dup := g.hosts[fixed]; dup {
		return duplicateDomain(domain, other)
	}
	g.hosts[fixed] = v
	return nil
}

// duplicateDomain is the error for a domain listed twice.
func duplicateDomain(domain string, other *VirtualHost) error {
	return fmt.Errorf("domain %q is also in virtual host %q: domains must be unique", domain, other.Name)
}
