package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// testdata/encoding/acl-utf8.bib is six entries of the ACL Anthology's
// BibTeX export (../shared/data/corpus/acl-anthology.bib.gz: keys
// wilks-1978-machine ... zuckermann-etal-2021-lara), chosen for their
// characters outside ASCII (’ « ® þ ð); acl-cp1252.bib is the same file
// converted with `iconv -f UTF-8 -t WINDOWS-1252`, as BibTeX files that
// are not UTF-8 are (1 of 30 of TeX Live's, 3 of bibtex-tidy's test
// files). Its first byte that is not ASCII is ’ (0x92) on line 12.

// readInput opens path as OpenInputContext does and returns its records
// and record errors as text, and the input's notes.
func readInput(t *testing.T, path string, opt InputOptions) (records []string, notes []string) {
	t.Helper()
	in, err := OpenInputContext(t.Context(), path, nil, opt)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	for {
		rec, err := in.Parser.Next()
		notes = append(notes, in.Notes()...)
		if errors.Is(err, io.EOF) {
			return records, notes
		}
		if err != nil {
			if !IsRecordError(err) {
				t.Fatal(err)
			}
			records = append(records, "error "+err.Error())
			continue
		}
		records = append(records, strings.Join([]string{rec.Key, rec.Title, rec.Abstract, personsText(rec.Authors)}, " | "))
	}
}

func personsText(ps []Person) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.Family + ", " + p.Given + "; ")
	}
	return b.String()
}

// TestDecodeEncodings reads the same entries in several encodings: each
// gives the records of the UTF-8 file, with a note naming the encoding
// (and, where the content told it, the line). A Windows-1252 file was
// refused as invalid UTF-8.
func TestDecodeEncodings(t *testing.T) {
	utf8Data, err := os.ReadFile(filepath.Join("testdata", "encoding", "acl-utf8.bib"))
	if err != nil {
		t.Fatal(err)
	}
	cp1252, err := os.ReadFile(filepath.Join("testdata", "encoding", "acl-cp1252.bib"))
	if err != nil {
		t.Fatal(err)
	}
	utf16le, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(utf8Data)
	if err != nil {
		t.Fatal(err)
	}
	utf16be, err := unicode.UTF16(unicode.BigEndian, unicode.UseBOM).NewEncoder().Bytes(utf8Data)
	if err != nil {
		t.Fatal(err)
	}
	utf16leNoBOM := bytes.TrimPrefix(utf16le, []byte{0xff, 0xfe})
	latin2, err := charmap.ISO8859_2.NewEncoder().Bytes([]byte("% Encoding: ISO-8859-2\n@misc{a, title = {Zażółć}, author = {Wałęsa, Lech}}\n"))
	if err != nil {
		t.Fatal(err)
	}
	header := func(label string) []byte {
		return append([]byte("% This file was created with JabRef 2.10.\n% Encoding: "+label+"\n\n"), cp1252...)
	}
	dir := t.TempDir()
	want, _ := readInput(t, filepath.Join("testdata", "encoding", "acl-utf8.bib"), InputOptions{})
	tests := []struct {
		name     string
		data     []byte
		encoding string
		note     string // the notes expected, one a line
		records  []string
	}{
		{"utf-8", utf8Data, "", "", want},
		{"windows-1252 detected", cp1252, "", "line 12: not UTF-8 (byte 0x92): read as Windows-1252", want},
		{"windows-1252 in gzip", gzipped(t, cp1252), "", "line 12: not UTF-8 (byte 0x92): read as Windows-1252", want},
		{"jabref windows-1252", header("windows-1252"), "", "line 15: read as Windows-1252, as its % Encoding: line (line 2) says", nil},
		{"jabref Cp1252", header("Cp1252"), "", "line 15: read as Windows-1252, as its % Encoding: line (line 2) says", nil},
		{"jabref ISO8859_1", header("ISO8859_1"), "", "line 15: read as Windows-1252, as its % Encoding: line (line 2) says", nil},
		{"jabref UTF-8 on windows-1252", header("UTF-8"), "", "line 15: not UTF-8 (byte 0x92): read as Windows-1252", nil},
		{"jabref unknown", header("klingon"), "", `line 2: unknown encoding "klingon" in its % Encoding: line, ignored` + "\n" +
			"line 15: not UTF-8 (byte 0x92): read as Windows-1252", nil},
		{"jabref latin2", latin2, "", "line 2: read as ISO-8859-2, as its % Encoding: line (line 1) says", []string{"a | Zażółć |  | Wałęsa, Lech; "}},
		{"utf-16le", utf16le, "", "read as UTF-16LE, as its byte order mark says", want},
		{"utf-16be", utf16be, "", "read as UTF-16BE, as its byte order mark says", want},
		{"--encoding windows-1252", cp1252, "windows-1252", "", want},
		{"--encoding latin1", cp1252, "latin1", "", want},
		{"--encoding utf-16le", utf16leNoBOM, "utf-16le", "", want},
		{"--encoding utf-8", cp1252, "UTF-8", "", []string{
			"wilks-1978-machine | Machine translation and artificial intelligence Implementing machine aids to translation |  | Wilks, Yorick; ",
			`error line 11: invalid UTF-8 in field "title" of entry "sager-1978-multilingual"`,
			`error line 21: invalid UTF-8 in field "author" of entry "brandt-etal-2011-apertium"`,
			`error line 34: invalid UTF-8 in field "abstract" of entry "gurina-2000-educational"`,
			`error line 45: invalid UTF-8 in field "abstract" of entry "raby-1998-system"`,
			`error line 57: invalid UTF-8 in field "author" of entry "zuckermann-etal-2021-lara"`,
		}},
		{"utf-8 then an invalid byte", []byte("@misc{a, title = {Caf\xc3\xa9}}\n@misc{b, title = {Caf\xe9}}\n"), "", "", []string{
			"a | Café |  | ", `error line 2: invalid UTF-8 in field "title" of entry "b"`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "refs.bib")
			if tt.name == "windows-1252 in gzip" {
				path += ".gz"
			}
			if err := os.WriteFile(path, tt.data, 0o644); err != nil {
				t.Fatal(err)
			}
			got, notes := readInput(t, path, InputOptions{Encoding: tt.encoding})
			wantRecords := tt.records
			if wantRecords == nil {
				wantRecords = want
			}
			if strings.Join(got, "\n") != strings.Join(wantRecords, "\n") {
				t.Errorf("records:\n got %q\nwant %q", got, wantRecords)
			}
			if strings.Join(notes, "\n") != tt.note {
				t.Errorf("notes: got %q, want %q", notes, tt.note)
			}
		})
	}
}

func gzipped(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestKnownEncoding(t *testing.T) {
	for _, name := range append(Encodings, "UTF8", "Cp1252", "ISO8859_1", "latin1", " utf-16LE ", "x-MacRoman") {
		if !KnownEncoding(name) {
			t.Errorf("KnownEncoding(%q) = false", name)
		}
	}
	for _, name := range []string{"", "klingon", "utf-32", "shift_jis"} {
		if KnownEncoding(name) {
			t.Errorf("KnownEncoding(%q) = true", name)
		}
	}
}

// decodeAll runs the decoder over data, read through wrap, and returns
// its output and notes.
func decodeAll(t *testing.T, data []byte, encoding string, wrap func(io.Reader) io.Reader) ([]byte, []string) {
	r, d, err := newDecoder(bufio.NewReaderSize(wrap(bytes.NewReader(data)), decodeHeadBytes), encoding)
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return out, d.Notes()
}

// FuzzDecoder checks the decoder that reads inputs as UTF-8: its output does
// not depend on how the input is split into reads; valid UTF-8 without a
// label comes out as it went in; what it decodes from a single-byte
// encoding is valid UTF-8 with the same lines.
func FuzzDecoder(f *testing.F) {
	for _, s := range []string{
		"plain ascii\n", "caf\xc3\xa9 \xe2\x80\x99", "caf\xe9\n\x92x", "a\nb\xc3", "\xc3\xa9\xe9",
		"% Encoding: cp1252\n\xe9", "% encoding: klingon\n", "\xff\xfea\x00\n\x00", "\xfe\xff\x00a",
		"\xef\xbb\xbf@misc{a}", "\xe2\x80", "x\xf0\x9f\x98\x80y",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		whole, notes := decodeAll(t, data, "", func(r io.Reader) io.Reader { return r })
		bytewise, _ := decodeAll(t, data, "", iotest.OneByteReader)
		if !bytes.Equal(whole, bytewise) {
			t.Fatalf("output depends on read sizes:\n whole %q\nbytes %q", whole, bytewise)
		}
		_, _, labelled := jabrefEncoding(data)
		utf16 := bytes.HasPrefix(data, []byte{0xff, 0xfe}) || bytes.HasPrefix(data, []byte{0xfe, 0xff})
		if utf8.Valid(data) && !labelled && !utf16 && !bytes.Equal(whole, data) {
			t.Fatalf("valid UTF-8 changed: %q -> %q", data, whole)
		}
		if len(notes) > 0 && strings.Contains(notes[0], "Windows-1252") {
			if !utf8.Valid(whole) {
				t.Fatalf("decoded output is not UTF-8: %q", whole)
			}
			if bytes.Count(whole, []byte("\n")) != bytes.Count(data, []byte("\n")) {
				t.Fatalf("lines changed: %q -> %q", data, whole)
			}
		}
		cp, _ := decodeAll(t, data, "windows-1252", iotest.HalfReader)
		if !utf8.Valid(cp) {
			t.Fatalf("windows-1252 output is not UTF-8: %q", cp)
		}
	})
}

// TestTruncatedGzip: a .gz file cut short says so in words, not Go's
// "unexpected EOF".
func TestTruncatedGzip(t *testing.T) {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	for i := range 200 {
		fmt.Fprintf(zw, "@misc{k%d, title = {Title %d of a list that is long enough}, author = {Doe, Jane}}\n", i, i)
	}
	zw.Close()
	path := filepath.Join(t.TempDir(), "refs.bib.gz")
	if err := os.WriteFile(path, b.Bytes()[:b.Len()/2], 0o644); err != nil {
		t.Fatal(err)
	}
	in, err := OpenInput(path, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	for {
		_, err := in.Parser.Next()
		if errors.Is(err, io.EOF) {
			t.Fatal("read to the end of a truncated file without an error")
		}
		if err != nil && !IsRecordError(err) {
			if !strings.Contains(err.Error(), "the gzip file is cut short") {
				t.Errorf("got %v, want it to say the file is cut short", err)
			}
			return
		}
	}
}
