package dubbo

import (
	"bufio"
	"bytes"
	"testing"

	hessian "github.com/apache/dubbo-go-hessian2"
)

// This file wraps dubbo-go-hessian2's own frame codec, the oracle of the differential tests:
// what it writes must decode here the same way, and what this package writes must decode there.

// libRequest encodes a request with the library's codec, as a dubbo-go client does.
func libRequest(t testing.TB, id int64, twoWay bool, svc hessian.Service, args []any, att map[string]string) []byte {
	t.Helper()
	typ := hessian.PackageRequest
	if twoWay {
		typ = hessian.PackageRequest_TwoWay
	}
	h := hessian.DubboHeader{SerialID: SerializationHessian2, Type: typ, ID: id}
	f, err := hessian.NewHessianCodec(nil).Write(svc, h, hessian.NewRequest(args, att))
	if err != nil {
		t.Fatalf("library encode: %v", err)
	}
	return f
}

// libResponse encodes a response with the library's codec; ret is a value, an error or a
// *hessian.Response.
func libResponse(t testing.TB, id int64, status byte, ret any) []byte {
	t.Helper()
	h := hessian.DubboHeader{SerialID: SerializationHessian2, Type: hessian.PackageResponse, ID: id, ResponseStatus: status}
	f, err := hessian.NewHessianCodec(nil).Write(hessian.Service{}, h, ret)
	if err != nil {
		t.Fatalf("library encode: %v", err)
	}
	return f
}

// libRead decodes one frame with the library's codec into body (a []any of 7 for a request, a
// *hessian.Response for a response, nil for events).
func libRead(t testing.TB, frame []byte, body any) hessian.DubboHeader {
	t.Helper()
	c := hessian.NewHessianCodec(bufio.NewReaderSize(bytes.NewReader(frame), len(frame)))
	var h hessian.DubboHeader
	if err := c.ReadHeader(&h); err != nil {
		t.Fatalf("library read header: %v", err)
	}
	if err := c.ReadBody(body); err != nil {
		t.Fatalf("library read body: %v", err)
	}
	return h
}

// libAttachments decodes a request's attachments with the library's codec.
func libAttachments(t testing.TB, frame []byte) map[string]string {
	t.Helper()
	c := hessian.NewHessianCodec(bufio.NewReaderSize(bytes.NewReader(frame), len(frame)))
	var h hessian.DubboHeader
	if err := c.ReadHeader(&h); err != nil {
		t.Fatalf("library read header: %v", err)
	}
	m, err := c.ReadAttachments()
	if err != nil {
		t.Fatalf("library read attachments: %v", err)
	}
	return m
}

// mustFrame splits a single whole frame into header and body.
func mustFrame(t testing.TB, frame []byte) (Header, []byte) {
	t.Helper()
	f, h, err := NextFrame(frame, 0)
	if err != nil || len(f) != len(frame) {
		t.Fatalf("NextFrame: %d of %d bytes, %v", len(f), len(frame), err)
	}
	return h, f[HeaderSize:]
}
