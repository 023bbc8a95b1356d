package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// RISParser reads RIS files (.ris: EndNote, Zotero, Mendeley, publishers'
// exports) and, detected from the content, Web of Science tagged exports
// (the "FN Clarivate Analytics Web of Science" plain-text format, often saved
// with a .ris or .txt name).
//
// # RIS
//
// A tag line is two uppercase letters or digits, two spaces, a hyphen and a
// space: "AU  - Marx, Karl". "ER  -" may have no value or trailing spaces, and
// a bare "ER" line is accepted too. TY starts a record and ER ends it. A line
// that is not a tag line continues the value of the previous tag (joined with
// a space); blank lines, unknown tags and text between records (numbering such
// as "1.", export headers) are ignored. A UTF-8 BOM at the start and CRLF line
// ends are accepted.
//
// Mapping (first occurrence wins for single-valued fields):
//
//	TY                  Type ("JOUR")
//	ID                  Key
//	AU, A1              Authors, in file order
//	A2, ED              Editors (A2 is the RIS "secondary author", which is
//	                    the editor for the types that have one)
//	A3, A4              ignored (series editor, translator/subsidiary author)
//	TI, T1              Title (whichever comes first)
//	AB, N2              Abstract (whichever comes first)
//	PY, Y1, DA          Year and Month: the first of them, in that order, with a
//	                    year; the month from "YYYY/MM/DD/other" or "YYYY-MM-DD"
//	                    forms (or a month name)
//	JF, JO, T2, JA, J2, BT
//	                    Venue: the first non-empty in that order (full journal
//	                    name, then the secondary title that holds the journal,
//	                    proceedings or book title, then abbreviations)
//	VL, IS              Volume, Issue
//	SP, EP              Pages "SP-EP" (SP alone when EP is missing, equal or SP
//	                    is already a range)
//	DO                  DOI (raw)
//	UR                  URL (the first)
//	PB, CY              Publisher, Address (the place published)
//
// Names are "Family, Given[, Suffix]"; a name without a comma is split with
// ParseName (BibTeX rules).
//
// # Web of Science
//
// A file whose first tag-like line is "FN ", "VR " or "PT " (rather than an RIS
// "XX  - " line) is read as a Web of Science export: two-character tag, one
// space, the value; continuation lines are indented. PT starts a record, ER
// ends it, FN/VR/EF headers are ignored. Continuation lines of AU, AF, BE, CA
// and GP are further names; of other tags they are joined with a space.
//
//	PT      Type ("J")            UT      Key ("WOS:...")
//	AF/AU   Authors (AF full names when present, else AU), then CA/GP group
//	        authors as literal names
//	BE      Editors               TI      Title
//	SO      Venue (then JI, J9)   PY      Year (PD or EA when PY is missing)
//	PD      Month ("JUN 8")       VL, IS  Volume, Issue
//	BP, EP  Pages (AR, the article number, when BP is missing)
//	DI      DOI (D2 when missing) AB      Abstract
//	PU      Publisher             PI      Address (the publisher's city)
//
// (WoS "ID" is Keywords Plus and "DA" the export date: both ignored.)
//
// # Errors
//
// Each of these is a *ParseError after which Next may be called again:
//   - a tag line outside a record (no TY/PT before it): the error has the
//     tag's line, and the lines up to the next ER or TY/PT are skipped;
//   - TY/PT inside an open record, or the end of the file inside one: the
//     unterminated record is dropped, the error has its start line; a TY/PT
//     then starts the next record normally;
//   - ER outside a record: the error has its line;
//   - a line longer than MaxRecordBytes (the error has its line), a record
//     longer than MaxRecordBytes or with more than MaxAuthors authors or
//     editors (the error has the record's start line): the record is dropped
//     and the parser skips to the next ER or TY/PT. Memory stays bounded by
//     MaxRecordBytes whatever the input.
//
// Values are the source text, trimmed. A value that is not valid UTF-8 is
// decoded as Windows-1252, the usual encoding of legacy RIS exports. Lines
// ending in a lone CR (classic Mac OS) are not supported.
type RISParser struct {
	lr      *boundedLineReader
	dialect risDialect
	// Before the first tag line: the first line with text, and how many
	// have text (see risMaxPreamble).
	firstLine int
	firstText string
	textLines int
	err       error // sticky: io.EOF or a fatal read error
	open      bool  // a record is open in cur
	skipping  bool  // discarding lines up to the next ER or record start
	cur       risRecord
}

type risDialect uint8

const (
	risUnknown risDialect = iota
	risRIS
	risWoS
)

// risRecord collects the tag values of the open record.
type risRecord struct {
	start  int    // line of TY/PT
	typ    string // TY/PT value
	bytes  int    // bytes of the record so far
	fields []risField
	tag    string // tag of the value being read (continuations extend it)
	val    []byte
	hasTag bool
}

type risField struct {
	tag, val string
}

// NewRISParser returns a parser reading RIS or Web of Science records from r.
func NewRISParser(r io.Reader) *RISParser {
	return &RISParser{lr: newBoundedLineReader(r)}
}

// risMaxPreamble is how many lines with text may come before the first tag
// line (export headers, numbering) before the file is taken for another
// format.
const risMaxPreamble = 100

// notRISError is the FormatError of a file with no tag line where one
// should be.
func (p *RISParser) notRISError(why string) error {
	p.err = &FormatError{What: notRIS, Line: p.firstLine,
		Msg: fmt.Sprintf(`expected a tag line such as "TY  - JOUR", found %s%s`, p.firstText, why)}
	return p.err
}

// Next returns the next record, a *ParseError for an invalid one, or io.EOF.
// A file whose text has no tag line (within its first 100 lines with text),
// or has a NUL byte before one, is not RIS: a *FormatError, fatal.
func (p *RISParser) Next() (*Record, error) {
	if p.err != nil {
		return nil, p.err
	}
	for {
		line, tooLong, err := p.lr.next()
		if err != nil {
			if errors.Is(err, io.EOF) {
				if p.dialect == risUnknown && p.firstLine > 0 {
					return nil, p.notRISError("")
				}
				p.err = io.EOF
				if p.open {
					p.open = false
					return nil, &ParseError{Line: p.cur.start, Msg: "record has no ER before the end of the file"}
				}
				return nil, io.EOF
			}
			p.err = err
			return nil, err
		}
		n := p.lr.line
		if tooLong && p.dialect == risUnknown {
			if p.firstLine == 0 {
				p.firstLine, p.firstText = n, fmt.Sprintf("a line longer than %d bytes", MaxRecordBytes)
			}
			return nil, p.notRISError("")
		}
		if tooLong {
			if p.skipping {
				continue
			}
			msg := fmt.Sprintf("line longer than %d bytes", MaxRecordBytes)
			if p.open {
				msg += fmt.Sprintf(" (record from line %d skipped)", p.cur.start)
			}
			p.open = false
			p.skipping = true
			return nil, &ParseError{Line: n, Msg: msg}
		}
		if n == 1 {
			line = bytes.TrimPrefix(line, []byte("\uFEFF"))
		}
		if p.dialect == risUnknown {
			p.dialect = detectRISDialect(line)
			if p.dialect == risUnknown {
				// text before the first record
				if bytes.IndexByte(line, 0) >= 0 {
					p.err = &FormatError{What: notRIS, Line: n, Msg: nulMsg}
					return nil, p.err
				}
				if len(bytes.TrimSpace(line)) == 0 {
					continue
				}
				if p.firstLine == 0 {
					p.firstLine, p.firstText = n, excerpt(line)
				}
				if p.textLines++; p.textLines > risMaxPreamble {
					return nil, p.notRISError(fmt.Sprintf(", and no tag line in the %d lines with text after it", risMaxPreamble))
				}
				continue
			}
		}
		var rec *Record
		var perr error
		if p.dialect == risWoS {
			rec, perr = p.wosLine(line, n)
		} else {
			rec, perr = p.risLine(line, n)
		}
		if rec != nil || perr != nil {
			return rec, perr
		}
	}
}

// detectRISDialect tells the dialect from a line before the first record:
// an RIS tag line, or a Web of Science header or PT line.
func detectRISDialect(line []byte) risDialect {
	if _, _, ok := risTagLine(line); ok {
		return risRIS
	}
	if bytes.Equal(line, []byte("ER")) {
		return risRIS
	}
	for _, h := range [...]string{"FN ", "VR ", "PT "} {
		if bytes.HasPrefix(line, []byte(h)) {
			return risWoS
		}
	}
	return risUnknown
}

// risTagLine splits an RIS tag line "XX  - value".
func risTagLine(b []byte) (tag string, val []byte, ok bool) {
	if len(b) < 5 || !risTagChar(b[0]) || !risTagChar(b[1]) || b[2] != ' ' || b[3] != ' ' || b[4] != '-' {
		return "", nil, false
	}
	if len(b) > 5 {
		if b[5] != ' ' && b[5] != '\t' {
			return "", nil, false
		}
		val = b[6:]
	}
	return risTagName(b[0], b[1]), val, true
}

// wosTagLine splits a Web of Science tag line "XX value" (or a bare "ER").
func wosTagLine(b []byte) (tag string, val []byte, ok bool) {
	if len(b) < 2 || b[0] < 'A' || b[0] > 'Z' || !risTagChar(b[1]) {
		return "", nil, false
	}
	if len(b) > 2 {
		if b[2] != ' ' {
			return "", nil, false
		}
		val = b[3:]
	}
	return risTagName(b[0], b[1]), val, true
}

func risTagChar(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// risTagNames interns the common tags so that a tag line costs no allocation.
var risTagNames = func() map[[2]byte]string {
	m := map[[2]byte]string{}
	for _, t := range strings.Fields(`TY ER ID AU A1 A2 A3 A4 ED TI T1 T2 T3 AB N1 N2 PY Y1 Y2 DA
		JF JO JA J2 BT VL IS SP EP DO UR KW CY PB SN M1 M3 L1 L2 LA
		FN VR PT AF BE CA GP SO JI J9 PD EA BP AR DI D2 UT DT C1 RP EM RI OI CR NR TC Z9 U1 U2 PU PI PA WC SC GA PM EF`) {
		m[[2]byte{t[0], t[1]}] = t
	}
	return m
}()

func risTagName(a, b byte) string {
	if s, ok := risTagNames[[2]byte{a, b}]; ok {
		return s
	}
	return string([]byte{a, b})
}

// risLine handles one line of an RIS file.
func (p *RISParser) risLine(line []byte, n int) (*Record, error) {
	tag, val, isTag := risTagLine(line)
	if !isTag && bytes.Equal(bytes.TrimSpace(line), []byte("ER")) {
		tag, isTag = "ER", true
	}
	if p.skipping {
		switch {
		case isTag && tag == "TY":
			p.skipping = false
		case isTag && tag == "ER":
			p.skipping = false
			return nil, nil
		default:
			return nil, nil
		}
	}
	if !p.open {
		switch {
		case !isTag:
			return nil, nil // numbering, headers, blank lines between records
		case tag == "TY":
			p.begin(n, val, line)
			return nil, nil
		case tag == "ER":
			return nil, &ParseError{Line: n, Msg: "ER outside a record"}
		default:
			p.skipping = true
			return nil, &ParseError{Line: n, Msg: tag + " tag outside a record (no TY before it)"}
		}
	}
	if err := p.grow(line); err != nil {
		return nil, err
	}
	switch {
	case !isTag:
		p.cur.continueValue(line, false)
	case tag == "TY":
		err := &ParseError{Line: p.cur.start, Msg: fmt.Sprintf("record has no ER before the next TY at line %d", n)}
		p.begin(n, val, line)
		return nil, err
	case tag == "ER":
		p.open = false
		p.cur.flush()
		return p.cur.risRecord()
	default:
		p.cur.flush()
		p.cur.setValue(tag, val)
	}
	return nil, nil
}

// wosNameTag reports the Web of Science tags whose continuation lines are
// further names rather than more text.
func wosNameTag(tag string) bool {
	switch tag {
	case "AU", "AF", "BE", "CA", "GP", "BA", "BF":
		return true
	}
	return false
}

// wosLine handles one line of a Web of Science file.
func (p *RISParser) wosLine(line []byte, n int) (*Record, error) {
	tag, val, isTag := wosTagLine(line)
	if p.skipping {
		switch {
		case isTag && tag == "PT":
			p.skipping = false
		case isTag && (tag == "ER" || tag == "EF"):
			p.skipping = false
			return nil, nil
		default:
			return nil, nil
		}
	}
	if !p.open {
		switch {
		case !isTag:
			return nil, nil
		case tag == "PT":
			p.begin(n, val, line)
			return nil, nil
		case tag == "FN", tag == "VR", tag == "EF":
			return nil, nil
		case tag == "ER":
			return nil, &ParseError{Line: n, Msg: "ER outside a record"}
		default:
			p.skipping = true
			return nil, &ParseError{Line: n, Msg: tag + " tag outside a record (no PT before it)"}
		}
	}
	if err := p.grow(line); err != nil {
		return nil, err
	}
	switch {
	case !isTag:
		p.cur.continueValue(line, wosNameTag(p.cur.tag))
	case tag == "PT":
		err := &ParseError{Line: p.cur.start, Msg: fmt.Sprintf("record has no ER before the next PT at line %d", n)}
		p.begin(n, val, line)
		return nil, err
	case tag == "EF":
		p.open = false
		return nil, &ParseError{Line: p.cur.start, Msg: fmt.Sprintf("record has no ER before EF at line %d", n)}
	case tag == "ER":
		p.open = false
		p.cur.flush()
		return p.cur.wosRecord()
	default:
		p.cur.flush()
		p.cur.setValue(tag, val)
	}
	return nil, nil
}

// begin opens a record at line n.
func (p *RISParser) begin(n int, typ, line []byte) {
	c := &p.cur
	c.start = n
	c.typ = risText(typ)
	c.bytes = len(line) + 1
	clear(c.fields)
	c.fields = c.fields[:0]
	c.val = c.val[:0]
	c.tag = ""
	c.hasTag = false
	p.open = true
}

// grow counts line into the open record and drops the record when it passes
// MaxRecordBytes.
func (p *RISParser) grow(line []byte) error {
	p.cur.bytes += len(line) + 1
	if p.cur.bytes <= MaxRecordBytes {
		return nil
	}
	p.open = false
	p.skipping = true
	return &ParseError{Line: p.cur.start, Msg: fmt.Sprintf("record longer than %d bytes", MaxRecordBytes)}
}

func (c *risRecord) setValue(tag string, val []byte) {
	c.tag = tag
	c.hasTag = true
	c.val = append(c.val[:0], bytes.TrimSpace(val)...)
}

// continueValue adds a continuation line to the current value, or makes it
// the next value of the same tag when each line is one value (WoS names).
func (c *risRecord) continueValue(line []byte, eachLineOneValue bool) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 || !c.hasTag {
		return
	}
	if eachLineOneValue {
		c.flush()
		c.setValue(c.tag, line)
		return
	}
	if len(c.val) > 0 {
		c.val = append(c.val, ' ')
	}
	c.val = append(c.val, line...)
}

// flush stores the value being read.
func (c *risRecord) flush() {
	if c.hasTag && len(c.val) > 0 {
		c.fields = append(c.fields, risField{c.tag, risText(c.val)})
	}
	c.hasTag = false
	c.val = c.val[:0]
}

// risText returns b trimmed as a string, decoding it as Windows-1252 when it
// is not valid UTF-8.
func risText(b []byte) string {
	b = bytes.TrimSpace(b)
	if utf8.Valid(b) {
		return string(b)
	}
	s, err := charmap.Windows1252.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(s)
}

// first returns the value of the first field, in file order, whose tag is one
// of tags.
func (c *risRecord) first(tags ...string) string {
	for _, f := range c.fields {
		for _, t := range tags {
			if f.tag == t {
				return f.val
			}
		}
	}
	return ""
}

// byPriority returns the first value of the first of tags that is present.
func (c *risRecord) byPriority(tags ...string) string {
	for _, t := range tags {
		if v := c.first(t); v != "" {
			return v
		}
	}
	return ""
}

// people collects the names of the fields with one of tags, in file order.
func (c *risRecord) people(tags ...string) []Person {
	var out []Person
	for _, f := range c.fields {
		for _, t := range tags {
			if f.tag == t {
				out = append(out, risPerson(f.val))
				break
			}
		}
	}
	return out
}

// yearMonth reads Year and Month from the first of tags with a year.
func (c *risRecord) yearMonth(tags ...string) (year, month int) {
	for _, t := range tags {
		for _, f := range c.fields {
			if f.tag != t {
				continue
			}
			if y, _ := dateYearMonth(f.val); y != 0 {
				year = y
				break
			}
		}
		if year != 0 {
			break
		}
	}
	if year == 0 {
		return 0, 0
	}
	// The month from the first date of that year that has one.
	for _, t := range tags {
		for _, f := range c.fields {
			if f.tag != t {
				continue
			}
			if y, m := dateYearMonth(f.val); (y == year || y == 0) && m != 0 {
				return year, m
			}
		}
	}
	return year, 0
}

func (c *risRecord) risRecord() (*Record, error) {
	rec := &Record{
		Line:     c.start,
		Type:     c.typ,
		Key:      c.first("ID"),
		Title:    c.first("TI", "T1"),
		Authors:  c.people("AU", "A1"),
		Editors:  c.people("A2", "ED"),
		Venue:    c.byPriority("JF", "JO", "T2", "JA", "J2", "BT"),
		Volume:   c.first("VL"),
		Issue:    c.first("IS"),
		Pages:    joinPageRange(c.first("SP"), c.first("EP")),
		DOI:      c.first("DO"),
		URL:      c.first("UR"),
		Abstract: c.first("AB", "N2"),
	}
	rec.Publisher, rec.Address = c.first("PB"), c.first("CY")
	rec.Year, rec.Month = c.yearMonth("PY", "Y1", "DA")
	return recordCheckPeople(rec)
}

func (c *risRecord) wosRecord() (*Record, error) {
	authors := c.people("AF")
	if len(authors) == 0 {
		authors = c.people("AU")
	}
	for _, f := range c.fields {
		if f.tag == "CA" || f.tag == "GP" {
			authors = append(authors, Person{Family: f.val, Literal: true})
		}
	}
	pages := c.first("BP")
	if pages == "" {
		pages = c.first("AR")
	}
	rec := &Record{
		Line:     c.start,
		Type:     c.typ,
		Key:      c.first("UT"),
		Title:    c.first("TI"),
		Authors:  authors,
		Editors:  c.people("BE"),
		Venue:    c.byPriority("SO", "JI", "J9"),
		Volume:   c.first("VL"),
		Issue:    c.first("IS"),
		Pages:    joinPageRange(pages, c.first("EP")),
		DOI:      c.byPriority("DI", "D2"),
		Abstract: c.first("AB"),
	}
	rec.Publisher, rec.Address = c.first("PU"), c.first("PI")
	rec.Year, rec.Month = c.yearMonth("PY", "PD", "EA")
	return recordCheckPeople(rec)
}

// recordCheckPeople reports a record with more than MaxAuthors authors,
// editors or translators.
func recordCheckPeople(rec *Record) (*Record, error) {
	if len(rec.Authors) > MaxAuthors || len(rec.Editors) > MaxAuthors || len(rec.Translators) > MaxAuthors {
		return nil, &ParseError{Line: rec.Line, Msg: fmt.Sprintf("more than %d authors or editors", MaxAuthors)}
	}
	return rec, nil
}

// risPerson splits an RIS or WoS name "Family, Given[, Suffix]"; a name
// without a comma goes to ParseName.
func risPerson(raw string) Person {
	raw = strings.TrimSpace(raw)
	family, rest, ok := strings.Cut(raw, ",")
	if !ok {
		return ParseName(raw)
	}
	given, suffix, _ := strings.Cut(rest, ",")
	return Person{
		Family: strings.TrimSpace(family),
		Given:  strings.TrimSpace(given),
		Suffix: strings.TrimSpace(suffix),
	}
}

// joinPageRange makes "first-last" from a first and last page. It keeps first
// alone when last is missing or equal, or when first is already a range.
func joinPageRange(first, last string) string {
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	switch {
	case first == "":
		return last
	case last == "" || last == first || strings.ContainsAny(first, "-–—"):
		return first
	}
	return first + "-" + last
}

// dateYearMonth reads a year and month from a date as sources write it:
// "2014", "2014//", "2014/05/01/Spring", "2014-05-01", "2014-5", "JUN 2004",
// "May 8, 2004", "c1998". The year is a leading 4-digit number, else the first
// standalone 4-digit number; the month is the number after a leading year's
// "/", "-" or ".", else the first month name or abbreviation. Either is 0 when
// not found.
func dateYearMonth(s string) (year, month int) {
	s = strings.TrimSpace(s)
	if len(s) >= 4 && dateAllDigits(s[:4]) && (len(s) == 4 || !dateDigit(s[4])) {
		year, _ = strconv.Atoi(s[:4])
		rest := s[4:]
		if len(rest) > 1 && (rest[0] == '/' || rest[0] == '-' || rest[0] == '.') {
			rest = rest[1:]
			d := 0
			for d < len(rest) && d < 3 && dateDigit(rest[d]) {
				d++
			}
			if d == 1 || d == 2 {
				month, _ = strconv.Atoi(rest[:d])
			}
		}
	} else {
		for i := 0; i+4 <= len(s); i++ {
			if (i == 0 || !dateDigit(s[i-1])) && dateAllDigits(s[i:i+4]) && (i+4 == len(s) || !dateDigit(s[i+4])) {
				year, _ = strconv.Atoi(s[i : i+4])
				break
			}
		}
	}
	if month < 1 || month > 12 {
		month = dateMonthName(s)
	}
	return year, month
}

// dateMonthName returns the month of the first English month name or
// abbreviation ("Jun", "JUN.", "September", "Sept") in s, or 0.
func dateMonthName(s string) int {
	for i := 0; i < len(s); {
		if !dateLetter(s[i]) {
			i++
			continue
		}
		j := i
		for j < len(s) && dateLetter(s[j]) {
			j++
		}
		if m := dateMonthNumber(s[i:j]); m != 0 {
			return m
		}
		i = j
	}
	return 0
}

var dateMonthNames = [...]string{"january", "february", "march", "april", "may", "june",
	"july", "august", "september", "october", "november", "december"}

func dateMonthNumber(w string) int {
	if len(w) < 3 || len(w) > 9 {
		return 0
	}
	w = strings.ToLower(w)
	for i, name := range dateMonthNames {
		if w == name || w == name[:3] || (i == 8 && w == "sept") {
			return i + 1
		}
	}
	return 0
}

func dateDigit(c byte) bool { return c >= '0' && c <= '9' }

func dateLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func dateAllDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !dateDigit(s[i]) {
			return false
		}
	}
	return s != ""
}

// boundedLineReader reads lines of at most max bytes, so that one huge line
// cannot take all memory.
type boundedLineReader struct {
	br   *bufio.Reader
	max  int
	buf  []byte
	line int  // number of the last line returned
	eol  bool // the last line returned ended with a newline
}

func newBoundedLineReader(r io.Reader) *boundedLineReader {
	return &boundedLineReader{br: bufio.NewReaderSize(r, 64<<10), max: MaxRecordBytes}
}

// next returns the next line without its "\n" or "\r\n"; the slice is valid
// until the next call. A line longer than max bytes is read to its end and
// returned as tooLong, without its content. After the last line (with or
// without a final newline) err is io.EOF; other errors are the reader's.
func (lr *boundedLineReader) next() (line []byte, tooLong bool, err error) {
	b, err := lr.br.ReadSlice('\n')
	switch {
	case err == nil || (errors.Is(err, io.EOF) && len(b) > 0):
		lr.line++
		b = lr.trimEOL(b)
		if len(b) > lr.max {
			return nil, true, nil
		}
		return b, false, nil
	case errors.Is(err, io.EOF):
		return nil, false, io.EOF
	case !errors.Is(err, bufio.ErrBufferFull):
		return nil, false, err
	}
	lr.buf = append(lr.buf[:0], b...)
	for {
		b, err = lr.br.ReadSlice('\n')
		if !tooLong {
			if len(lr.buf)+len(b) > lr.max+2 {
				tooLong = true
				lr.buf = lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, b...)
			}
		}
		if err == nil || errors.Is(err, io.EOF) {
			break
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, false, err
		}
	}
	lr.line++
	if cap(lr.buf) > 1<<20 {
		defer func() { lr.buf = nil }() // do not keep a huge buffer
	}
	b = lr.trimEOL(lr.buf)
	if tooLong || len(b) > lr.max {
		return nil, true, nil
	}
	return b, false, nil
}

func (lr *boundedLineReader) trimEOL(b []byte) []byte {
	lr.eol = len(b) > 0 && b[len(b)-1] == '\n'
	return lineTrimEOL(b)
}

func lineTrimEOL(b []byte) []byte {
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
	}
	return b
}
