package fieldcheck

import (
	"errors"
	"testing"
)

func TestFieldError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  FieldError
		want string
	}{
		{"resource and path", FieldError{Resource: `listener "a"`, Path: "x.y", Err: ErrUnsupported}, `listener "a": x.y: not supported`},
		{"path only", FieldError{Path: "x", Err: errors.New("bad")}, "x: bad"},
		{"resource only", FieldError{Resource: "r", Err: errors.New("bad")}, "r: bad"},
		{"neither", FieldError{Err: errors.New("bad")}, "bad"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.err.Error(); got != tc.want {
				t.Errorf("Error() = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	p := NewProblems(func(path string, err error) error { return &FieldError{Resource: "r", Path: path, Err: err} })
	if p.Err() != nil || len(p.Errs()) != 0 {
		t.Fatalf("new Problems has errors: %v", p.Err())
	}
	if got := p.NonEmpty("a", "v"); got != "v" || len(p.Errs()) != 0 {
		t.Fatalf("NonEmpty(a, v) = %q with %d errors", got, len(p.Errs()))
	}
	p.NonEmpty("b", "")
	p.Addf("c", "%d is odd", 3)
	p.Add("d", ErrUnsupported)
	want := "r: b: must not be empty\nr: c: 3 is odd\nr: d: not supported"
	if err := p.Err(); err == nil || err.Error() != want {
		t.Fatalf("Err() = %v, want %q", err, want)
	}
	if !errors.Is(p.Err(), ErrUnsupported) {
		t.Error("errors.Is(Err(), ErrUnsupported) = false")
	}
	var fe *FieldError
	if !errors.As(p.Errs()[1], &fe) || fe.Path != "c" {
		t.Errorf("Errs()[1] = %#v, want a *FieldError at c", p.Errs()[1])
	}
}

func TestJoin(t *testing.T) {
	for _, tc := range []struct{ path, field, want string }{
		{"", "a", "a"}, {"a", "", "a"}, {"a", "b", "a.b"}, {"a", "[2]", "a[2]"}, {"", "", ""},
	} {
		t.Run(tc.path+"+"+tc.field, func(t *testing.T) {
			if got := Join(tc.path, tc.field); got != tc.want {
				t.Errorf("Join(%q, %q) = %q, want %q", tc.path, tc.field, got, tc.want)
			}
		})
	}
	if got := Index("routes", 2); got != "routes[2]" {
		t.Errorf("Index(routes, 2) = %q", got)
	}
}
