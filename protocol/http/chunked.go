package http

import (
	"math"
	"strconv"
)

// maxChunkLine bounds a chunk-size line (size and extensions).
const maxChunkLine = 4096

// chunkState is where a chunked body decoder is in the grammar of RFC 9112 7.1.
type chunkState uint8

const (
	chunkSizeStart chunkState = iota // first hex digit of a chunk size
	chunkSize                        // more hex digits, ';', BWS or CR
	chunkSizeWS                      // BWS after the size: more of it or ';'
	chunkExt                         // chunk extensions up to CR
	chunkSizeLF                      // LF ending the chunk-size line
	chunkData                        // chunk data (handled in bulk by nextChunked)
	chunkDataCR                      // CR after chunk data
	chunkDataLF                      // LF after chunk data
	trailerStart                     // start of a trailer field line, or CR of the final CRLF
	trailerName                      // field name up to ':'
	trailerValue                     // field value up to CR
	trailerLF                        // LF ending a trailer field line
	trailerEndLF                     // LF of the final CRLF
)

// chunkParser is the framing state of a chunked body.
type chunkParser struct {
	state chunkState
	size  int64 // chunk size being parsed
	line  int   // bytes of the current chunk-size line, or of the trailer section so far
}

// nextChunked consumes framing bytes and at most one run of chunk data from buf.
func (b *Body) nextChunked(buf []byte) (int, []byte, error) {
	for i := 0; i < len(buf); {
		if b.chunk.state == chunkData {
			k := int(min(int64(len(buf)-i), b.left))
			b.left -= int64(k)
			if b.left == 0 {
				b.chunk.state = chunkDataCR
			}
			return i + k, buf[i : i+k : i+k], b.needMore(i+k, buf)
		}
		if err := b.step(buf[i]); err != nil {
			return i, nil, err
		}
		i++
		if !b.open {
			return i, nil, nil
		}
	}
	return len(buf), nil, ErrNeedMore
}

// step advances the framing state by one byte.
func (b *Body) step(c byte) error {
	p := &b.chunk
	switch p.state {
	case chunkSizeStart, chunkSize, chunkSizeWS, chunkExt, chunkSizeLF:
		return b.sizeLine(c)
	case chunkDataCR:
		return p.expect(c, '\r', chunkDataLF, ErrBadChunkDelimiter)
	case chunkDataLF:
		p.line = 0
		return p.expect(c, '\n', chunkSizeStart, ErrBadChunkDelimiter)
	}
	if p.line++; p.line > b.maxTrailer() {
		return ErrTrailerTooLarge
	}
	if p.state == trailerEndLF && c == '\n' {
		b.open = false
		return nil
	}
	return p.trailer(c)
}

// expect moves to next if c is want; an LF where CR was wanted is ErrBareLF, any other byte bad.
func (p *chunkParser) expect(c, want byte, next chunkState, bad error) error {
	switch {
	case c == want:
		p.state = next
		return nil
	case c == '\n':
		return ErrBareLF
	}
	return bad
}

// sizeLine handles a byte of chunk-size [ chunk-ext ] CRLF.
func (b *Body) sizeLine(c byte) error {
	p := &b.chunk
	if p.line++; p.line > maxChunkLine {
		return ErrBadChunkExtension
	}
	switch p.state {
	case chunkSizeStart:
		p.size = int64(hexValue(c))
		if p.size < 0 {
			return ErrBadChunkSize
		}
		p.state = chunkSize
	case chunkSize:
		return p.sizeDigit(c)
	case chunkSizeWS:
		switch c {
		case ' ', '\t':
		case ';':
			p.state = chunkExt
		default:
			return ErrBadChunkSize
		}
	case chunkExt:
		switch {
		case c == '\r':
			p.state = chunkSizeLF
		case c == '\n':
			return ErrBareLF
		case !is(c, classValue):
			return ErrBadChunkExtension
		}
	case chunkSizeLF:
		if c != '\n' {
			return ErrBadChunkSize
		}
		return b.endSizeLine()
	}
	return nil
}

// sizeDigit handles a byte after the first digit of a chunk size.
func (p *chunkParser) sizeDigit(c byte) error {
	if v := hexValue(c); v >= 0 {
		if p.size > math.MaxInt64>>4 {
			return ErrBadChunkSize
		}
		p.size = p.size<<4 | int64(v)
		return nil
	}
	switch c {
	case '\r':
		p.state = chunkSizeLF
	case ';':
		p.state = chunkExt
	case ' ', '\t':
		p.state = chunkSizeWS
	case '\n':
		return ErrBareLF
	default:
		return ErrBadChunkSize
	}
	return nil
}

// endSizeLine starts the chunk's data, or the trailer section after the last chunk.
func (b *Body) endSizeLine() error {
	p := &b.chunk
	p.line = 0
	if p.size == 0 {
		p.state = trailerStart
		return nil
	}
	if b.limit > 0 {
		if p.size > b.limit-b.total {
			return ErrBodyTooLarge
		}
		b.total += p.size
	}
	b.left = p.size
	p.state = chunkData
	return nil
}

// trailer handles a byte of the trailer section (but the final LF).
func (p *chunkParser) trailer(c byte) error {
	switch p.state {
	case trailerStart:
		switch {
		case c == '\r':
			p.state = trailerEndLF
		case c == '\n':
			return ErrBareLF
		case is(c, classToken):
			p.state = trailerName
		default:
			return ErrInvalidTrailer
		}
	case trailerName:
		switch {
		case c == ':':
			p.state = trailerValue
		case !is(c, classToken):
			return ErrInvalidTrailer
		}
	case trailerValue:
		switch {
		case c == '\r':
			p.state = trailerLF
		case c == '\n':
			return ErrBareLF
		case !is(c, classValue):
			return ErrInvalidTrailer
		}
	case trailerLF:
		if c != '\n' {
			return ErrInvalidTrailer
		}
		p.state = trailerStart
	default: // trailerEndLF
		return ErrInvalidTrailer
	}
	return nil
}

func (b *Body) maxTrailer() int {
	if b.MaxTrailerBytes <= 0 {
		return DefaultMaxHeadBytes
	}
	return b.MaxTrailerBytes
}

// AppendChunk appends data as one chunk ("size CRLF data CRLF") to dst. Empty data appends
// nothing: an empty chunk would end the body.
func AppendChunk(dst, data []byte) []byte {
	if len(data) == 0 {
		return dst
	}
	dst = strconv.AppendInt(dst, int64(len(data)), 16)
	dst = append(dst, "\r\n"...)
	dst = append(dst, data...)
	return append(dst, "\r\n"...)
}

// AppendLastChunk appends the last chunk and an empty trailer section ("0 CRLF CRLF") to dst.
func AppendLastChunk(dst []byte) []byte { return append(dst, "0\r\n\r\n"...) }
