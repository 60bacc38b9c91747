package config

import (
	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/config/accesslog/v3"
	corev3 "github.com/envoyproxy/go-control-plane/envoy/config/core/v3"
	filev3 "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/file/v3"
	streamv3 "github.com/envoyproxy/go-control-plane/envoy/extensions/access_loggers/stream/v3"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/anypb"
)

// AccessLog is a translated access logger: where lines go and their format
// (empty: Envoy's default format).
type AccessLog struct {
	// Path is the file, or /dev/stdout, /dev/stderr.
	Path string
	// Format is the text format with %OPERATOR% commands; empty means the default.
	Format string
}

// translateAccessLogs translates access_log entries at path.
func translateAccessLogs(probs *problems, path string, logs []*accesslogv3.AccessLog) []AccessLog {
	var out []AccessLog
	for i, l := range logs {
		lpath := index(path, i)
		if l.GetFilter() != nil {
			probs.addf(joinPath(lpath, "filter"), "%w", ErrUnsupported)
			continue
		}
		tc := l.GetTypedConfig()
		if tc == nil {
			probs.addf(joinPath(lpath, "typed_config"), "required")
			continue
		}
		msg, err := anypb.UnmarshalNew(tc, proto.UnmarshalOptions{})
		if err != nil {
			probs.addf(joinPath(lpath, "typed_config"), "%v", err)
			continue
		}
		tpath := joinPath(lpath, "typed_config")
		var a AccessLog
		var lf *corev3.SubstitutionFormatString
		switch m := msg.(type) {
		case *filev3.FileAccessLog:
			a.Path, lf = m.GetPath(), m.GetLogFormat()
			if m.GetFormat() != "" {
				a.Format = m.GetFormat()
			}
			if a.Path == "" {
				probs.addf(joinPath(tpath, "path"), "required")
			}
		case *streamv3.StdoutAccessLog:
			a.Path, lf = "/dev/stdout", m.GetLogFormat()
		case *streamv3.StderrAccessLog:
			a.Path, lf = "/dev/stderr", m.GetLogFormat()
		default:
			probs.addf(tpath, "%s %w", msg.ProtoReflect().Descriptor().FullName(), ErrUnsupported)
			continue
		}
		if lf != nil {
			switch {
			case lf.GetTextFormat() != "":
				a.Format = lf.GetTextFormat()
			case lf.GetTextFormatSource().GetInlineString() != "":
				a.Format = lf.GetTextFormatSource().GetInlineString()
			default:
				probs.addf(joinPath(tpath, "log_format"), "only text_format or text_format_source.inline_string %w", ErrUnsupported)
			}
		}
		out = append(out, a)
	}
	return out
}
