package importer

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// A textEncoding is a character encoding an input may be read in.
type textEncoding struct {
	name    string            // as messages name it
	charmap *charmap.Charmap  // a single-byte encoding
	utf16   encoding.Encoding // UTF-16 (with or without a byte order mark)
}

var (
	encUTF8        = &textEncoding{name: "UTF-8"}
	encWindows1252 = &textEncoding{name: "Windows-1252", charmap: charmap.Windows1252}
)

// textEncodings are the encodings --encoding and JabRef's "% Encoding:"
// line may name, by their names folded (lower case, without "-", "_" and
// spaces). ISO-8859-1 (latin1) is read as Windows-1252, its superset, as
// web browsers do: files labelled latin1 that hold curly quotes or dashes
// (0x80-0x9f) are Windows-1252 in fact. US-ASCII is read as UTF-8, whose
// subset it is.
var textEncodings = map[string]*textEncoding{
	"utf8": encUTF8, "usascii": encUTF8, "ascii": encUTF8,
	"utf16":       {name: "UTF-16", utf16: unicode.UTF16(unicode.BigEndian, unicode.UseBOM)},
	"utf16le":     {name: "UTF-16LE", utf16: unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)},
	"utf16be":     {name: "UTF-16BE", utf16: unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	"windows1252": encWindows1252, "cp1252": encWindows1252,
	"iso88591": encWindows1252, "latin1": encWindows1252, "l1": encWindows1252, "88591": encWindows1252,
	"iso885915": {name: "ISO-8859-15", charmap: charmap.ISO8859_15}, "latin9": {name: "ISO-8859-15", charmap: charmap.ISO8859_15},
	"iso88592": {name: "ISO-8859-2", charmap: charmap.ISO8859_2}, "latin2": {name: "ISO-8859-2", charmap: charmap.ISO8859_2},
	"windows1250": {name: "Windows-1250", charmap: charmap.Windows1250}, "cp1250": {name: "Windows-1250", charmap: charmap.Windows1250},
	"macintosh": {name: "Macintosh", charmap: charmap.Macintosh}, "macroman": {name: "Macintosh", charmap: charmap.Macintosh},
	"xmacroman": {name: "Macintosh", charmap: charmap.Macintosh},
}

// Encodings lists the names --encoding takes (each has aliases: latin1,
// cp1252, iso-8859-1 ...).
var Encodings = []string{"utf-8", "utf-16", "utf-16le", "utf-16be", "windows-1252", "iso-8859-1", "iso-8859-15", "iso-8859-2", "windows-1250", "macintosh"}

func lookupEncoding(name string) *textEncoding {
	key := strings.Map(func(r rune) rune {
		switch r {
		case '-', '_', ' ':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(name)))
	return textEncodings[key]
}

// KnownEncoding reports whether --encoding takes name.
func KnownEncoding(name string) bool { return lookupEncoding(name) != nil }

// Bounds of the decoder's look at the start of its input.
const (
	// decodeHeadBytes is how far JabRef's "% Encoding:" line is looked for.
	decodeHeadBytes = 4 << 10
	// decodeChunk is how much the decoder reads at a time.
	decodeChunk = 64 << 10
)

// decoder turns its input into UTF-8 (see newDecoder).
type decoder struct {
	src *bufio.Reader

	// enc is the encoding being decoded: encUTF8 passes bytes through,
	// checked; a charmap maps each byte.
	enc *textEncoding
	// auto: no encoding was named, and the input may turn out not to be
	// UTF-8 at its first invalid byte, while nothing before it was
	// anything but ASCII (then it was all Windows-1252 too).
	auto bool
	// labelled names where the encoding came from, for the note made at
	// the first byte it decodes unlike UTF-8 ("its % Encoding: line").
	labelled string
	noted    bool
	nonASCII bool // a byte >= 0x80 has been passed as UTF-8
	line     int  // lines passed so far, for notes
	table    [256]rune

	raw    []byte // input read, not yet decoded
	out    []byte // decoded, not yet returned (in outBuf)
	outBuf []byte
	err    error // src's error, once raw is drained
	mu     sync.Mutex
	notes  []string
}

// newDecoder returns a reader of r's text as UTF-8, and the decoder for
// its notes. name is --encoding's value, or "" to tell the encoding from
// the input:
//
//   - a UTF-16 byte order mark: UTF-16 of that byte order (a UTF-8 one is
//     left for the parsers, which skip it);
//   - JabRef's "% Encoding: NAME" line among the "%" comment lines that
//     open the file: that encoding (an unknown name is noted, and ignored);
//   - else UTF-8, until a byte that is not UTF-8 comes while nothing but
//     ASCII came before it: then Windows-1252 from there on, the encoding
//     of most BibTeX files that are not UTF-8 (TeX Live's, JabRef's on
//     Windows), which gives every byte a character. A file with UTF-8 and
//     then an invalid byte is passed as it is, for the parser to report
//     the line.
//
// Each encoding other than UTF-8 is noted, with where it was learned and,
// when it was learned from the content, the line.
func newDecoder(r *bufio.Reader, name string) (io.Reader, *decoder, error) {
	d := &decoder{src: r, enc: encUTF8}
	if name != "" {
		enc := lookupEncoding(name)
		if enc == nil {
			return nil, nil, fmt.Errorf("unknown encoding %q (want one of %s)", name, strings.Join(Encodings, ", "))
		}
		if enc.utf16 != nil {
			return transform.NewReader(r, enc.utf16.NewDecoder()), d, nil
		}
		d.setEncoding(enc)
		d.noted = true // named by the user: nothing to tell
		return d, d, nil
	}
	head, _ := r.Peek(decodeHeadBytes)
	switch {
	case bytes.HasPrefix(head, []byte{0xff, 0xfe}):
		d.note("read as UTF-16LE, as its byte order mark says")
		return transform.NewReader(r, unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()), d, nil
	case bytes.HasPrefix(head, []byte{0xfe, 0xff}):
		d.note("read as UTF-16BE, as its byte order mark says")
		return transform.NewReader(r, unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()), d, nil
	}
	if label, line, ok := jabrefEncoding(head); ok {
		switch enc := lookupEncoding(label); {
		case enc == nil:
			d.note(fmt.Sprintf("line %d: unknown encoding %q in its %% Encoding: line, ignored", line, label))
		case enc.utf16 != nil:
			// An ASCII line cannot open a UTF-16 file: the label is wrong.
			d.note(fmt.Sprintf("line %d: its %% Encoding: line says %s, which the line itself is not, ignored", line, label))
		case enc != encUTF8:
			d.setEncoding(enc)
			d.labelled = fmt.Sprintf("as its %% Encoding: line (line %d) says", line)
			return d, d, nil
		}
	}
	d.auto = true
	return d, d, nil
}

// jabrefEncoding finds JabRef's "% Encoding: NAME" among the comment lines
// at the start of head (blank lines allowed), and the line it is on.
func jabrefEncoding(head []byte) (name string, line int, ok bool) {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	for line = 1; len(head) > 0; line++ {
		l := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			l, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		l = bytes.TrimSpace(l)
		if len(l) == 0 {
			continue
		}
		if l[0] != '%' {
			return "", 0, false
		}
		rest := bytes.TrimSpace(l[1:])
		if len(rest) > 9 && strings.EqualFold(string(rest[:9]), "encoding:") {
			return string(bytes.TrimSpace(rest[9:])), line, true
		}
	}
	return "", 0, false
}

func (d *decoder) setEncoding(enc *textEncoding) {
	d.enc = enc
	if enc.charmap != nil {
		for b := range 256 {
			d.table[b] = enc.charmap.DecodeByte(byte(b))
		}
	}
}

// note records a message about the encoding, for Notes.
func (d *decoder) note(msg string) {
	d.mu.Lock()
	d.notes = append(d.notes, msg)
	d.mu.Unlock()
}

// Notes returns the notes made since the last call.
func (d *decoder) Notes() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := d.notes
	d.notes = nil
	return n
}

func (d *decoder) Read(p []byte) (int, error) {
	for len(d.out) == 0 {
		if d.err != nil && len(d.raw) == 0 {
			return 0, d.err
		}
		d.fill()
	}
	n := copy(p, d.out)
	d.out = d.out[n:]
	return n, nil
}

// fill reads a chunk and decodes what it can of raw into out.
func (d *decoder) fill() {
	if d.err == nil && len(d.raw) < utf8.UTFMax {
		if cap(d.raw) < decodeChunk {
			d.raw = append(make([]byte, 0, decodeChunk), d.raw...)
		}
		n, err := d.src.Read(d.raw[len(d.raw):cap(d.raw)])
		d.raw = d.raw[:len(d.raw)+n]
		if err != nil {
			d.err = err
		}
	}
	if d.enc == encUTF8 {
		d.passUTF8()
	} else {
		d.decodeBytes()
	}
}

// passUTF8 moves raw's valid UTF-8 to out, keeping back a sequence that the
// next read may complete. At an invalid byte it switches to Windows-1252
// when it may (see newDecoder), and otherwise passes the byte on.
func (d *decoder) passUTF8() {
	b := d.raw
	end := len(b)
	if d.err == nil {
		// Keep back a sequence cut at the end of what was read.
		start := end - 1
		for start > 0 && end-start < utf8.UTFMax && !utf8.RuneStart(b[start]) {
			start--
		}
		if start >= 0 && start < end && !utf8.FullRune(b[start:]) {
			end = start
		}
	}
	out := d.outBuf[:0]
	if utf8.Valid(b[:end]) {
		d.passed(b[:end])
		out = append(out, b[:end]...)
	} else {
		for i := 0; i < end; {
			j := i
			for j < end {
				if b[j] < utf8.RuneSelf {
					j++
					continue
				}
				r, size := utf8.DecodeRune(b[j:end])
				if r == utf8.RuneError && size <= 1 {
					break
				}
				j += size
			}
			d.passed(b[i:j])
			out = append(out, b[i:j]...)
			if j == end {
				break
			}
			// b[j] starts an invalid sequence.
			if d.auto && !d.nonASCII {
				d.setEncoding(encWindows1252)
				d.note(fmt.Sprintf("line %d: not UTF-8 (byte 0x%02x): read as Windows-1252", d.line+1, b[j]))
				d.noted = true
				d.outBuf, d.out = out, out
				d.raw = append(d.raw[:0], b[j:]...)
				return
			}
			d.auto = false // UTF-8 came before: the parser reports the byte
			out = append(out, b[j])
			i = j + 1
		}
	}
	d.outBuf, d.out = out, out
	d.raw = append(d.raw[:0], b[end:]...)
}

// passed counts the lines of UTF-8 passed on, and notes text that is not
// ASCII.
func (d *decoder) passed(b []byte) {
	d.line += bytes.Count(b, []byte{'\n'})
	if !d.nonASCII {
		for _, c := range b {
			if c >= utf8.RuneSelf {
				d.nonASCII = true
				break
			}
		}
	}
}

// decodeBytes decodes raw with the single-byte table.
func (d *decoder) decodeBytes() {
	out := d.outBuf[:0]
	for _, c := range d.raw {
		if c < utf8.RuneSelf {
			if c == '\n' {
				d.line++
			}
			out = append(out, c)
			continue
		}
		if !d.noted {
			d.noted = true
			d.note(fmt.Sprintf("line %d: read as %s, %s", d.line+1, d.enc.name, d.labelled))
		}
		out = utf8.AppendRune(out, d.table[c])
	}
	d.outBuf, d.out = out, out
	d.raw = d.raw[:0]
}
