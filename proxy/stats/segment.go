package stats

// Segment is one dot-separated piece of a stat name. A tag segment (Tag != "") is part of the dotted
// name like any other and, on Prometheus output, becomes the label Tag="Value" instead of a part of
// the metric name (Envoy's tag extraction, done when the name is built).
//
// A plain segment's Value is split on '.' into several plain segments and empty pieces are dropped;
// a tag segment's Value is kept whole, dots included.
type Segment struct{ Tag, Value string }

// S returns a plain segment. S("a.b") names the two segments "a" and "b".
func S(value string) Segment { return Segment{Value: value} }

// T returns a tag segment whose value is kept whole even if it contains dots, as cluster names like
// "outbound|80||a.b.svc" do. An empty tag makes it a plain segment.
func T(tag, value string) Segment { return Segment{Tag: tag, Value: value} }
