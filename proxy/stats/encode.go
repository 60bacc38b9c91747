package stats

import (
	"encoding/binary"
	"strings"
)

// An encoded name is a string of pieces, one per segment. A plain piece is uvarint(id<<1); a tag
// piece is uvarint(valueID<<1 | 1) followed by uvarint(tagID). Encoded names are compared and
// hashed as strings; equal segment sequences give equal encodings.

// piece is one decoded segment of an encoded name.
type piece struct {
	val, tag uint32
	tagged   bool
}

func appendPlain(dst []byte, id uint32) []byte {
	return binary.AppendUvarint(dst, uint64(id)<<1)
}

func appendTagged(dst []byte, val, tag uint32) []byte {
	dst = binary.AppendUvarint(dst, uint64(val)<<1|1)
	return binary.AppendUvarint(dst, uint64(tag))
}

// nextPiece decodes the first piece of a non-empty encoded name and returns the rest.
func nextPiece(enc string) (piece, string) {
	v, enc := uvarint(enc)
	p := piece{val: uint32(v >> 1), tagged: v&1 == 1}
	if p.tagged {
		var t uint64
		t, enc = uvarint(enc)
		p.tag = uint32(t)
	}
	return p, enc
}

// uvarint decodes one uvarint from the start of s. Encoded names are produced by this package only,
// so s is well-formed.
func uvarint(s string) (uint64, string) {
	var v uint64
	for i := 0; i < len(s); i++ {
		b := s[i]
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, s[i+1:]
		}
	}
	return v, ""
}

// eachPlain calls fn for every non-empty dot-separated piece of s.
func eachPlain(s string, fn func(string)) {
	for s != "" {
		var p string
		p, s, _ = strings.Cut(s, ".")
		if p != "" {
			fn(p)
		}
	}
}

// lookupPlain appends the encoding of the plain pieces of name to dst without counting references.
// ok is false when a piece has no symbol, i.e. no stat can have this name. Requires the read lock.
func (s *Store) lookupPlain(dst []byte, name string) (out []byte, ok bool) {
	ok = true
	eachPlain(name, func(p string) {
		id, found := s.syms.lookup(p)
		ok = ok && found
		dst = appendPlain(dst, id)
	})
	return dst, ok
}

// internPlain appends the encoding of the plain pieces of name to dst, counting a reference to each
// symbol. Requires the write lock.
func (s *Store) internPlain(dst []byte, name string) []byte {
	eachPlain(name, func(p string) { dst = appendPlain(dst, s.syms.intern(p)) })
	return dst
}

// internSegs appends the encoding of segs to dst, counting a reference to each symbol. Requires the
// write lock.
func (s *Store) internSegs(dst []byte, segs []Segment) []byte {
	for _, sg := range segs {
		if sg.Tag == "" {
			dst = s.internPlain(dst, sg.Value)
			continue
		}
		val := s.syms.intern(sg.Value)
		dst = appendTagged(dst, val, s.syms.intern(sg.Tag))
	}
	return dst
}

// refEncoded counts one more reference to every symbol of enc. Requires the write lock.
func (s *Store) refEncoded(enc string) {
	for enc != "" {
		var p piece
		p, enc = nextPiece(enc)
		s.syms.ref(p.val)
		if p.tagged {
			s.syms.ref(p.tag)
		}
	}
}

// unrefEncoded drops one reference to every symbol of enc. Requires the write lock.
func (s *Store) unrefEncoded(enc string) {
	for enc != "" {
		var p piece
		p, enc = nextPiece(enc)
		s.syms.unref(p.val)
		if p.tagged {
			s.syms.unref(p.tag)
		}
	}
}

// appendDotted appends the dotted name of enc. Requires the read lock.
func (s *Store) appendDotted(dst []byte, enc string) []byte {
	for first := true; enc != ""; first = false {
		var p piece
		p, enc = nextPiece(enc)
		if !first {
			dst = append(dst, '.')
		}
		dst = append(dst, s.syms.str(p.val)...)
	}
	return dst
}
