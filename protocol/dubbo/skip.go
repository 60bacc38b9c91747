package dubbo

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// maxDepth bounds the nesting of lists, maps and objects the skipper follows, so a body of
// nested containers cannot exhaust the stack.
const maxDepth = 100

var (
	errTooDeep  = errors.New("values nested too deeply")
	errBadCount = errors.New("bad length")
)

// skipper walks hessian2 values without decoding them, checking every length against the bytes
// that remain. It keeps the class definitions it has seen, as a hessian2 decoder does for the
// whole of a body, because an object instance's field count comes from its definition.
type skipper struct {
	b       []byte
	classes []int // field counts of the class definitions seen so far
	depth   int
}

// fixed is the size of the values whose size the tag alone gives; 0 for the others.
var fixed = func() (t [256]uint8) {
	set := func(lo, hi byte, n uint8) {
		for c := int(lo); c <= int(hi); c++ {
			t[c] = n
		}
	}
	set('N', 'N', 1)
	set('T', 'T', 1)
	set('F', 'F', 1)
	set(0x80, 0xbf, 1) // int, one byte
	set(0xc0, 0xcf, 2) // int, two bytes
	set(0xd0, 0xd7, 3) // int, three bytes
	set('I', 'I', 5)
	set(0xd8, 0xef, 1) // long, one byte
	set(0xf0, 0xff, 2) // long, two bytes
	set(0x38, 0x3f, 3) // long, three bytes
	set(0x59, 0x59, 5) // long as int
	set('L', 'L', 9)
	set(0x5b, 0x5c, 1) // double 0.0, 1.0
	set(0x5d, 0x5d, 2) // double as byte
	set(0x5e, 0x5e, 3) // double as short
	set(0x5f, 0x5f, 5) // double as float
	set('D', 'D', 9)
	set(0x4a, 0x4a, 9) // date, milliseconds
	set(0x4b, 0x4b, 5) // date, minutes
	return t
}()

// value returns the offset after the value at off.
func (s *skipper) value(off int) (int, error) {
	for {
		if off >= len(s.b) {
			return 0, errTruncated
		}
		tag := s.b[off]
		if n := int(fixed[tag]); n > 0 {
			if off+n > len(s.b) {
				return 0, errTruncated
			}
			return off + n, nil
		}
		if tag != 'C' {
			return s.compound(tag, off)
		}
		var err error
		if off, err = s.classDef(off + 1); err != nil {
			return 0, err
		}
	}
}

// compound skips the values whose size the tag does not give.
func (s *skipper) compound(tag byte, off int) (int, error) {
	switch {
	case tag <= 0x1f || tag >= 0x30 && tag <= 0x33 || tag == tagString || tag == tagStringChunk:
		return skipString(s.b, off)
	case tag >= 0x20 && tag <= 0x2f || tag >= 0x34 && tag <= 0x37 || tag == 'A' || tag == 'B':
		return s.binary(off)
	case tag == 0x51: // ref
		_, end, err := s.int(off + 1)
		return end, err
	}
	if s.depth >= maxDepth {
		return 0, errTooDeep
	}
	s.depth++
	end, err := s.container(tag, off)
	s.depth--
	return end, err
}

// container skips a list, map or object.
func (s *skipper) container(tag byte, off int) (int, error) {
	switch {
	case tag >= 0x55 && tag <= 0x58 || tag >= 0x70 && tag <= 0x7f:
		return s.list(tag, off+1)
	case tag == 'H':
		return s.untilEnd(off+1, 2)
	case tag == 'M':
		end, err := s.typ(off + 1)
		if err != nil {
			return 0, err
		}
		return s.untilEnd(end, 2)
	case tag == 'O':
		idx, end, err := s.int(off + 1)
		if err != nil {
			return 0, err
		}
		return s.object(idx, end)
	case tag >= 0x60 && tag <= 0x6f:
		return s.object(int64(tag-0x60), off+1)
	}
	return 0, fmt.Errorf("unknown tag %#02x", tag)
}

// binary skips a (possibly chunked) binary value.
func (s *skipper) binary(off int) (int, error) {
	for {
		if off >= len(s.b) {
			return 0, errTruncated
		}
		tag, n, data := s.b[off], 0, off+1
		switch {
		case tag >= 0x20 && tag <= 0x2f:
			n = int(tag - 0x20)
		case tag >= 0x34 && tag <= 0x37:
			if off+2 > len(s.b) {
				return 0, errTruncated
			}
			n, data = int(tag-0x34)<<8|int(s.b[off+1]), off+2
		case tag == 'A' || tag == 'B':
			if off+3 > len(s.b) {
				return 0, errTruncated
			}
			n, data = int(binary.BigEndian.Uint16(s.b[off+1:])), off+3
		default:
			return 0, fmt.Errorf("binary chunk: unknown tag %#02x", tag)
		}
		if data+n > len(s.b) {
			return 0, errTruncated
		}
		if off = data + n; tag != 'A' {
			return off, nil
		}
	}
}

// list skips a list's type, length and elements; off is after the tag.
func (s *skipper) list(tag byte, off int) (int, error) {
	var err error
	if tag == 0x55 || tag == 'V' || tag >= 0x70 && tag <= 0x77 {
		if off, err = s.typ(off); err != nil {
			return 0, err
		}
	}
	var n int64
	switch {
	case tag == 0x55 || tag == 0x57:
		return s.untilEnd(off, 1)
	case tag == 'V' || tag == 0x58:
		if n, off, err = s.count(off); err != nil {
			return 0, err
		}
	default:
		n = int64(tag & 7)
	}
	return s.values(off, n)
}

// untilEnd skips groups of per values until the end tag 'Z', and the tag.
func (s *skipper) untilEnd(off, per int) (int, error) {
	var err error
	for {
		if off >= len(s.b) {
			return 0, errTruncated
		}
		if s.b[off] == 'Z' {
			return off + 1, nil
		}
		if off, err = s.values(off, int64(per)); err != nil {
			return 0, err
		}
	}
}

// values skips n values.
func (s *skipper) values(off int, n int64) (int, error) {
	var err error
	for ; n > 0; n-- {
		if off, err = s.value(off); err != nil {
			return 0, err
		}
	}
	return off, nil
}

// object skips the fields of an instance of class definition idx.
func (s *skipper) object(idx int64, off int) (int, error) {
	if idx < 0 || idx >= int64(len(s.classes)) {
		return 0, fmt.Errorf("object of undefined class %d", idx)
	}
	return s.values(off, int64(s.classes[idx]))
}

// classDef reads a class definition (after its 'C'): name, field count, field names.
func (s *skipper) classDef(off int) (int, error) {
	off, err := skipString(s.b, off)
	if err != nil {
		return 0, fmt.Errorf("class name: %w", err)
	}
	n, off, err := s.count(off)
	if err != nil {
		return 0, err
	}
	for range n {
		if off, err = skipString(s.b, off); err != nil {
			return 0, fmt.Errorf("field name: %w", err)
		}
	}
	s.classes = append(s.classes, int(n))
	return off, nil
}

// typ skips a type: a string, or an int referring to an earlier type.
func (s *skipper) typ(off int) (int, error) {
	if off < len(s.b) && (s.b[off] >= 0x80 && s.b[off] <= 0xd7 || s.b[off] == 'I') {
		_, end, err := s.int(off)
		return end, err
	}
	return skipString(s.b, off)
}

// count reads a length: an int between 0 and the number of bytes left, since each element
// takes at least one byte.
func (s *skipper) count(off int) (int64, int, error) {
	n, end, err := s.int(off)
	if err != nil {
		return 0, 0, err
	}
	if n < 0 || n > int64(len(s.b)-end) {
		return 0, 0, fmt.Errorf("%w %d", errBadCount, n)
	}
	return n, end, nil
}

// int reads a hessian2 int (not a long).
func (s *skipper) int(off int) (int64, int, error) {
	if off >= len(s.b) {
		return 0, 0, errTruncated
	}
	tag := s.b[off]
	n := int(fixed[tag])
	if !(tag >= 0x80 && tag <= 0xd7 || tag == 'I') {
		return 0, 0, fmt.Errorf("int: unknown tag %#02x", tag)
	}
	if off+n > len(s.b) {
		return 0, 0, errTruncated
	}
	return decodeInt(s.b[off : off+n]), off + n, nil
}

// decodeInt decodes a complete hessian2 int encoding.
func decodeInt(p []byte) int64 {
	switch tag := p[0]; {
	case tag >= 0x80 && tag <= 0xbf:
		return int64(tag) - 0x90
	case tag >= 0xc0 && tag <= 0xcf:
		return (int64(tag)-0xc8)<<8 | int64(p[1])
	case tag >= 0xd0 && tag <= 0xd7:
		return (int64(tag)-0xd4)<<16 | int64(p[1])<<8 | int64(p[2])
	default: // 'I'
		return int64(int32(binary.BigEndian.Uint32(p[1:5])))
	}
}
