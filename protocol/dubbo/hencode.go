package dubbo

import (
	"encoding/binary"
	"unicode/utf8"
)

// maxChunk is the most UTF-16 units appendHessianString puts in one chunk (Java's limit).
const maxChunk = 0x8000

// appendHessianString appends s as a hessian2 string, in the shortest form Java would write,
// with characters outside the BMP as surrogate pairs. Invalid UTF-8 becomes U+FFFD.
func appendHessianString(dst []byte, s string) []byte {
	for {
		n, bytes := units(s, maxChunk)
		last := bytes == len(s)
		switch {
		case !last:
			dst = append(dst, tagStringChunk, byte(n>>8), byte(n))
		case n <= 0x1f:
			dst = append(dst, byte(n))
		case n <= 0x3ff:
			dst = append(dst, byte(0x30+n>>8), byte(n))
		default:
			dst = append(dst, tagString, byte(n>>8), byte(n))
		}
		dst = appendUnits(dst, s[:bytes])
		if s = s[bytes:]; last {
			return dst
		}
	}
}

// units returns how many UTF-16 units the longest prefix of s with at most limit units has,
// and its length in bytes.
func units(s string, limit int) (n, bytes int) {
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > limit {
			return n, i
		}
		n += w
	}
	return n, len(s)
}

// appendUnits appends s with each character outside the BMP as a CESU-8 surrogate pair.
func appendUnits(dst []byte, s string) []byte {
	for _, r := range s {
		if r < 0x10000 {
			dst = utf8.AppendRune(dst, r)
			continue
		}
		r -= 0x10000
		dst = appendUnit(dst, 0xd800+r>>10)
		dst = appendUnit(dst, 0xdc00+r&0x3ff)
	}
	return dst
}

// appendUnit appends one UTF-16 unit (here a surrogate) as three bytes.
func appendUnit(dst []byte, u rune) []byte {
	return append(dst, byte(0xe0|u>>12), byte(0x80|u>>6&0x3f), byte(0x80|u&0x3f))
}

// putBodyLen sets the body length of the frame that fills all of f.
func putBodyLen(f []byte) {
	binary.BigEndian.PutUint32(f[12:16], uint32(len(f)-HeaderSize))
}
