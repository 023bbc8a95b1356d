package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// testdata/ris holds:
//   - example_full.ris and example_wos.ris: copied from the rispy test suite
//     (github.com/MrTango/rispy, tests/data, MIT licence); the second is a Web
//     of Science tagged export;
//   - bom-crlf.ris, broken.ris, wos-edge.txt: written for these tests (BOM and
//     CRLF, continuation lines, unknown tags, priorities; broken records with
//     their error lines; Web of Science corner cases).
func TestRISGolden(t *testing.T) {
	for _, name := range []string{"example_full.ris", "example_wos.ris", "bom-crlf.ris", "broken.ris", "wos-edge.txt"} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", "ris", name))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			checkGolden(t, "ris/"+name+".golden.json", readAll(t, NewRISParser(f)))
		})
	}
}

// outline drains p into one short line per result: "12:Title" for a record
// at line 12, "!7" for a *ParseError at line 7; a fatal error fails the test.
func outline(t *testing.T, p Parser) []string {
	t.Helper()
	var out []string
	for range 100000 {
		rec, err := p.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		var pe *ParseError
		switch {
		case errors.As(err, &pe):
			out = append(out, fmt.Sprintf("!%d", pe.Line))
		case err != nil:
			t.Fatalf("fatal error: %v", err)
		default:
			out = append(out, fmt.Sprintf("%d:%s", rec.Line, rec.Title))
		}
	}
	t.Fatal("parser does not stop")
	return nil
}

func TestRISRecordsAndErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"one record", "TY  - JOUR\nTI  - A\nER  - \n", []string{"1:A"}},
		{"no final newline", "TY  - JOUR\nTI  - A\nER  -", []string{"1:A"}},
		{"bare ER", "TY  - JOUR\nTI  - A\nER\n", []string{"1:A"}},
		{"numbered records", "1.\nTY  - JOUR\nTI  - A\nER  - \n\n2.\nTY  - JOUR\nTI  - B\nER  - \n", []string{"2:A", "7:B"}},
		{"tag outside record", "TI  - lost\nAU  - X, Y\nER  - \nTY  - JOUR\nTI  - B\nER  - \n", []string{"!1", "4:B"}},
		{"tag outside record then TY", "TI  - lost\nTY  - JOUR\nTI  - B\nER  - \n", []string{"!1", "2:B"}},
		{"TY inside record", "TY  - JOUR\nTI  - A\nTY  - JOUR\nTI  - B\nER  - \n", []string{"!1", "3:B"}},
		{"EOF inside record", "TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\nTI  - B\n", []string{"1:A", "!4"}},
		{"ER outside record", "ER  - \nTY  - JOUR\nTI  - A\nER  - \nER  - \n", []string{"!1", "2:A", "!5"}},
		{"continuation", "TY  - JOUR\nTI  - A long\n  title\n\nover lines\nER  - \n", []string{"1:A long title over lines"}},
		{"crlf", "TY  - JOUR\r\nTI  - A\r\nER  - \r\n", []string{"1:A"}},
		{"bom", "\uFEFFTY  - JOUR\nTI  - A\nER  - \n", []string{"1:A"}},
		{"title first wins", "TY  - JOUR\nT1  - First\nTI  - Second\nER  - \n", []string{"1:First"}},
		{"wos", "FN Web of Science\nVR 1.0\nPT J\nTI A\n   B\nER\n\nEF\n", []string{"3:A B"}},
		{"wos without header", "PT J\nTI A\nER\nPT J\nTI B\nER\n", []string{"1:A", "4:B"}},
		{"wos PT inside record", "PT J\nTI A\nPT J\nTI B\nER\n", []string{"!1", "3:B"}},
		{"wos tag outside record", "FN x\nTI lost\nER\nPT J\nTI B\nER\n", []string{"!2", "4:B"}},
		{"wos EOF inside record", "PT J\nTI A\n", []string{"!1"}},
		{"wos EF inside record", "PT J\nTI A\nEF\n", []string{"!1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := outline(t, NewRISParser(strings.NewReader(tt.in)))
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestRISMapping(t *testing.T) {
	in := "TY  - CHAP\nID  - k1\nTI  - T\nAU  - Doe, Jane\nA1  - Roe, R., III\nA2  - Ed, Itor\nED  - Other, Ed\n" +
		"A3  - Ignored, Series\nA4  - Ignored, Translator\nY1  - 2014/05/01/\nJA  - Abbrev\nT2  - Book Title\n" +
		"VL  - 3\nIS  - 2\nSP  - 10\nEP  - 20\nDO  - 10.1/x\nUR  - http://a\nUR  - http://b\nN2  - Abs\n" +
		"PB  - Springer\nCY  - Berlin\nER  - \n"
	rec, err := NewRISParser(strings.NewReader(in)).Next()
	if err != nil {
		t.Fatal(err)
	}
	want := &Record{
		Line: 1, Key: "k1", Type: "CHAP", Title: "T",
		Authors: []Person{{Family: "Doe", Given: "Jane"}, {Family: "Roe", Given: "R.", Suffix: "III"}},
		Editors: []Person{{Family: "Ed", Given: "Itor"}, {Family: "Other", Given: "Ed"}},
		Year:    2014, Month: 5, Venue: "Book Title", Volume: "3", Issue: "2", Pages: "10-20",
		DOI: "10.1/x", URL: "http://a", Abstract: "Abs", Publisher: "Springer", Address: "Berlin",
	}
	if !reflect.DeepEqual(rec, want) {
		t.Errorf("got  %+v\nwant %+v", rec, want)
	}
}

func TestRISVenuePriority(t *testing.T) {
	tests := []struct{ tags, want string }{
		{"J2  - j2\nJA  - ja\nT2  - t2\nJO  - jo\nJF  - jf\n", "jf"},
		{"J2  - j2\nJA  - ja\nT2  - t2\nJO  - jo\n", "jo"},
		{"J2  - j2\nJA  - ja\nT2  - t2\n", "t2"},
		{"J2  - j2\nJA  - ja\n", "ja"},
		{"BT  - bt\nJ2  - j2\n", "j2"},
		{"BT  - bt\n", "bt"},
		{"JF  - \nJO  - jo\n", "jo"}, // an empty value does not count
	}
	for _, tt := range tests {
		rec, err := NewRISParser(strings.NewReader("TY  - JOUR\n" + tt.tags + "ER  - \n")).Next()
		if err != nil {
			t.Fatal(err)
		}
		if rec.Venue != tt.want {
			t.Errorf("%q: venue %q, want %q", tt.tags, rec.Venue, tt.want)
		}
	}
}

func TestRISPerson(t *testing.T) {
	tests := []struct {
		in   string
		want Person
	}{
		{"Marx, Karl", Person{Family: "Marx", Given: "Karl"}},
		{"  Marx ,  Karl  ", Person{Family: "Marx", Given: "Karl"}},
		{"van der Berg, Jan, Jr.", Person{Family: "van der Berg", Given: "Jan", Suffix: "Jr."}},
		{"King, Martin Luther, Jr., PhD", Person{Family: "King", Given: "Martin Luther", Suffix: "Jr., PhD"}},
		{"Parkes-Loach, PS", Person{Family: "Parkes-Loach", Given: "PS"}},
		{"Solo,", Person{Family: "Solo"}},
		{"Yonghui Wu", ParseName("Yonghui Wu")},
		{"Ludwig van Beethoven", ParseName("Ludwig van Beethoven")},
	}
	for _, tt := range tests {
		if got := risPerson(tt.in); got != tt.want {
			t.Errorf("risPerson(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestDateYearMonth(t *testing.T) {
	tests := []struct {
		in          string
		year, month int
	}{
		{"", 0, 0},
		{"2014", 2014, 0},
		{"2014//", 2014, 0},
		{"2014///", 2014, 0},
		{"2014/05/01/Spring", 2014, 5},
		{"2014/5//", 2014, 5},
		{"2014/13/01", 2014, 0},
		{"2014-05-01", 2014, 5},
		{"2014-5", 2014, 5},
		{"2014.11", 2014, 11},
		{"20140501", 0, 0},
		{"c1998", 1998, 0},
		{"JUN 8", 0, 6},
		{"SEP-OCT", 0, 9},
		{"2004 JUN", 2004, 6},
		{"May 8, 2004", 2004, 5},
		{"Sept. 2001", 2001, 9},
		{"SPR 2001", 2001, 0},
		{"Maybe 2001", 2001, 0},
		{"circa 1999-07", 1999, 0},
		{"12/31/1999", 1999, 0},
	}
	for _, tt := range tests {
		y, m := dateYearMonth(tt.in)
		if y != tt.year || m != tt.month {
			t.Errorf("dateYearMonth(%q) = %d, %d; want %d, %d", tt.in, y, m, tt.year, tt.month)
		}
	}
}

func TestJoinPageRange(t *testing.T) {
	tests := []struct{ first, last, want string }{
		{"", "", ""},
		{"10", "", "10"},
		{"", "20", "20"},
		{"10", "20", "10-20"},
		{"7", "7", "7"},
		{"5-9", "9", "5-9"},
		{" e0815 ", " ", "e0815"},
	}
	for _, tt := range tests {
		if got := joinPageRange(tt.first, tt.last); got != tt.want {
			t.Errorf("joinPageRange(%q, %q) = %q, want %q", tt.first, tt.last, got, tt.want)
		}
	}
}

func TestRISLongLine(t *testing.T) {
	long := strings.Repeat("x", MaxRecordBytes+1)
	in := "TY  - JOUR\nTI  - A\nER  - \n" +
		"TY  - JOUR\nAB  - " + long + "\nTI  - dropped\nER  - \n" +
		long + "\n" +
		"TY  - JOUR\nTI  - B\nER  - \n"
	got := outline(t, NewRISParser(strings.NewReader(in)))
	want := []string{"1:A", "!5", "!8", "9:B"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRISLongRecord(t *testing.T) {
	// Many lines, each short, adding up to more than MaxRecordBytes.
	var b strings.Builder
	b.WriteString("TY  - JOUR\n")
	line := "N1  - " + strings.Repeat("y", 1000) + "\n"
	for b.Len() <= MaxRecordBytes {
		b.WriteString(line)
	}
	b.WriteString("ER  - \nTY  - JOUR\nTI  - After\nER  - \n")
	got := outline(t, NewRISParser(strings.NewReader(b.String())))
	if len(got) != 2 || got[0] != "!1" || !strings.HasSuffix(got[1], ":After") {
		t.Errorf("got %q, want an error at line 1 then the record after", got)
	}
}

func TestRISTooManyAuthors(t *testing.T) {
	var b strings.Builder
	b.WriteString("TY  - JOUR\nTI  - Crowd\n")
	for i := range MaxAuthors + 1 {
		fmt.Fprintf(&b, "AU  - Person%d, A\n", i)
	}
	b.WriteString("ER  - \nTY  - JOUR\nTI  - Small\nAU  - One, A\nER  - \n")
	got := outline(t, NewRISParser(strings.NewReader(b.String())))
	want := []string{"!1", fmt.Sprintf("%d:Small", MaxAuthors+5)}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRISWindows1252(t *testing.T) {
	rec, err := NewRISParser(bytes.NewReader([]byte("TY  - JOUR\nTI  - Caf\xe9\nAU  - M\xfcller, J\xfcrgen\nER  - \n"))).Next()
	if err != nil {
		t.Fatal(err)
	}
	if rec.Title != "Café" || rec.Authors[0] != (Person{Family: "Müller", Given: "Jürgen"}) {
		t.Errorf("got %q %+v", rec.Title, rec.Authors)
	}
}

// failingReader returns its data, then a non-EOF error.
type failingReader struct{ r io.Reader }

func (f failingReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if errors.Is(err, io.EOF) {
		return n, errors.New("disk on fire")
	}
	return n, err
}

func TestRISReadErrorIsFatal(t *testing.T) {
	p := NewRISParser(failingReader{strings.NewReader("TY  - JOUR\nTI  - A\nER  - \nTY  - JOUR\n")})
	if rec, err := p.Next(); err != nil || rec.Title != "A" {
		t.Fatalf("first record: %v %v", rec, err)
	}
	for range 2 {
		if _, err := p.Next(); err == nil || IsRecordError(err) || errors.Is(err, io.EOF) {
			t.Fatalf("want a sticky fatal error, got %v", err)
		}
	}
}

// risBenchData is the testdata RIS files repeated to about 4 MB.
func risBenchData(b *testing.B, names ...string) []byte {
	var one []byte
	for _, name := range names {
		data, err := os.ReadFile(filepath.Join("testdata", "ris", name))
		if err != nil {
			b.Fatal(err)
		}
		one = append(one, data...)
		one = append(one, '\n')
	}
	return bytes.Repeat(one, 4<<20/len(one)+1)
}

func benchParser(b *testing.B, data []byte, newParser func(io.Reader) Parser) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		p := newParser(bytes.NewReader(data))
		for {
			_, err := p.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil && !IsRecordError(err) {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkRIS(b *testing.B) {
	newRIS := func(r io.Reader) Parser { return NewRISParser(r) }
	b.Run("ris", func(b *testing.B) { benchParser(b, risBenchData(b, "example_full.ris", "bom-crlf.ris"), newRIS) })
	b.Run("wos", func(b *testing.B) { benchParser(b, risBenchData(b, "example_wos.ris"), newRIS) })
}
