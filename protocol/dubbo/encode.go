package dubbo

import (
	"fmt"
	"maps"
	"slices"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// DefaultDubboVersion is the protocol version AppendRequest writes when none is given; from
// 2.0.2 on, servers answer with response attachments.
const DefaultDubboVersion = "2.0.2"

// Response kinds: the int that starts the body of an OK response.
const (
	ResponseWithException                = 0
	ResponseValue                        = 1
	ResponseNullValue                    = 2
	ResponseWithExceptionWithAttachments = 3
	ResponseValueWithAttachments         = 4
	ResponseNullValueWithAttachments     = 5
)

// Invocation is a whole call, for AppendRequest.
type Invocation struct {
	DubboVersion          string // default DefaultDubboVersion
	Path, Version, Method string
	ParamTypes            string // JVM descriptors; computed from Args when empty
	Args                  []any
	Attachments           map[string]any // path/interface/version are added when absent
}

// AppendRequest appends a request frame for inv (flag 0xc2 when twoWay, 0x82 otherwise),
// encoding the values with dubbo-go-hessian2 as a dubbo-go client does. inv is not modified.
// It allocates; it is for tests, benchmarks and tools, not the proxy's data path.
func AppendRequest(dst []byte, id uint64, twoWay bool, inv *Invocation) ([]byte, error) {
	types := inv.ParamTypes
	if types == "" {
		var err error
		if types, err = ParamTypes(inv.Args); err != nil {
			return dst, err
		}
	}
	version := inv.DubboVersion
	if version == "" {
		version = DefaultDubboVersion
	}
	enc := hessian.NewEncoder()
	for _, s := range [...]string{version, inv.Path, inv.Version, inv.Method, types} {
		enc.Encode(s)
	}
	for i, a := range inv.Args {
		if err := enc.Encode(a); err != nil {
			return dst, fmt.Errorf("dubbo: encode argument %d: %w", i, err)
		}
	}
	if err := encodeMap(enc, requestAttachments(inv)); err != nil {
		return dst, fmt.Errorf("dubbo: encode attachments: %w", err)
	}
	flag := byte(FlagRequest | SerializationHessian2)
	if twoWay {
		flag |= FlagTwoWay
	}
	return appendFrame(dst, flag, 0, id, enc.Buffer())
}

// requestAttachments returns a copy of inv's attachments with path, interface and version
// added when absent, as dubbo-go and Java clients send them.
func requestAttachments(inv *Invocation) map[string]any {
	m := make(map[string]any, len(inv.Attachments)+3)
	maps.Copy(m, inv.Attachments)
	for k, v := range map[string]string{"path": inv.Path, "interface": inv.Path, "version": inv.Version} {
		if _, ok := m[k]; !ok {
			m[k] = v
		}
	}
	return m
}

// AppendResponse appends an OK response (status 20) carrying value: kind 1 (value) or 2 (null
// value), or with attachments non-nil kind 4 or 5 followed by the attachments, which is what a
// Java server answers a client of Dubbo 2.0.2 or later. It allocates.
func AppendResponse(dst []byte, id uint64, value any, attachments map[string]any) ([]byte, error) {
	kind := int32(ResponseValue)
	if value == nil {
		kind = ResponseNullValue
	}
	if attachments != nil {
		kind += ResponseWithExceptionWithAttachments
	}
	enc := hessian.NewEncoder()
	enc.Encode(kind)
	if value != nil {
		if err := enc.Encode(value); err != nil {
			return dst, fmt.Errorf("dubbo: encode response value: %w", err)
		}
	}
	if attachments != nil {
		if err := encodeMap(enc, attachments); err != nil {
			return dst, fmt.Errorf("dubbo: encode response attachments: %w", err)
		}
	}
	return appendFrame(dst, SerializationHessian2, StatusOK, id, enc.Buffer())
}

// encodeMap encodes m as an untyped map ('H') with its keys in order, so that equal
// invocations give equal bytes (the library follows Go's random map order).
func encodeMap(enc *hessian.Encoder, m map[string]any) error {
	enc.Append([]byte{'H'})
	for _, k := range slices.Sorted(maps.Keys(m)) {
		enc.Encode(k)
		if err := enc.Encode(m[k]); err != nil {
			return fmt.Errorf("%q: %w", k, err)
		}
	}
	enc.Append([]byte{'Z'})
	return nil
}

// appendFrame appends a header and body, refusing a body over DefaultMaxBodySize.
func appendFrame(dst []byte, flag, status byte, id uint64, body []byte) ([]byte, error) {
	if len(body) > DefaultMaxBodySize {
		return dst, fmt.Errorf("dubbo: body of %d bytes: %w", len(body), ErrTooLarge)
	}
	dst = appendHeader(dst, flag, status, id, len(body))
	return append(dst, body...), nil
}
