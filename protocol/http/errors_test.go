package http

import (
	"errors"
	"fmt"
	"testing"
)

func TestStatusCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, 0},
		{ErrNeedMore, 0},
		{errors.New("other"), 0},
		{ErrBareLF, 400},
		{ErrHeadTooLarge, 431},
		{ErrTooManyHeaders, 431},
		{ErrBodyTooLarge, 413},
		{ErrUnsupportedTransferEncoding, 501},
		{ErrVersionNotSupported, 505},
		{fmt.Errorf("downstream: %w", ErrInvalidTarget), 400},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.err), func(t *testing.T) {
			if got := StatusCode(tt.err); got != tt.want {
				t.Errorf("StatusCode = %d, want %d", got, tt.want)
			}
		})
	}
}

func TestErrorsDistinct(t *testing.T) {
	seen := map[string]string{}
	for name, err := range errorNames() {
		if other, dup := seen[err.Error()]; dup {
			t.Errorf("%s and %s share the message %q", name, other, err)
		}
		seen[err.Error()] = name
		if StatusCode(err) == 0 {
			t.Errorf("%s has no status", name)
		}
	}
}
