package config

import (
	"time"

	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// validator is implemented by the generated Envoy messages (protoc-gen-validate rules).
type validator interface{ Validate() error }

// validate runs the protoc-gen-validate rules Envoy applies to a message. It runs after the
// translator's own checks, which give better messages, and catches the value constraints they
// do not repeat.
// path names the message's field.
func validate(probs *problems, path string, m validator) {
	if err := m.Validate(); err != nil {
		probs.add(path, err)
	}
}

// duration reads a google.protobuf.Duration that must be valid and at least lowest.
func duration(probs *problems, path string, d *durationpb.Duration, lowest time.Duration) (time.Duration, bool) {
	if err := d.CheckValid(); err != nil {
		probs.addf(path, "%v", err)
		return 0, false
	}
	v := d.AsDuration()
	if v < lowest {
		probs.addf(path, "%v is less than %v", v, lowest)
		return 0, false
	}
	return v, true
}

// bufferLimit reads per_connection_buffer_limit_bytes: DefaultBufferLimit when unset, and never 0
// (Skiff always bounds per-connection buffers).
func bufferLimit(probs *problems, v *wrapperspb.UInt32Value) uint32 {
	if v == nil {
		return DefaultBufferLimit
	}
	if v.GetValue() == 0 {
		probs.addf("per_connection_buffer_limit_bytes", "0 (unlimited) is %w", ErrUnsupported)
		return DefaultBufferLimit
	}
	return v.GetValue()
}
