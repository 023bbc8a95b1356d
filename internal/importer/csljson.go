package importer

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// CSLJSONParser reads CSL-JSON (Citation Style Language items, as Zotero,
// Pandoc, citeproc-js and the ML Anthology export them).
//
// The layout is told from the first non-space byte (after an optional UTF-8
// BOM):
//   - '[': a JSON array of items, read one item at a time. Each item's Line is
//     the line of its opening brace. An item that is not valid JSON is a
//     *ParseError and reading goes on with the next item: items are delimited
//     by a scan that only tracks strings and brackets, so a bad value inside an
//     item does not lose the rest of the file. Commas between items are not
//     checked. A file that ends inside an item or before the closing ']' gives
//     one *ParseError and then io.EOF.
//   - anything else: JSON Lines, one item per line; Line is the item's line.
//     An invalid line is a *ParseError for that line and reading goes on.
//     (When the first line is an unfinished, pretty-printed object, the file
//     is read as a sequence of whitespace-separated JSON values instead, like
//     the array layout.)
//
// An item longer than MaxRecordBytes is a *ParseError (it is skipped, never
// held in memory whole), as is one with more than MaxAuthors authors or
// editors, or one that is not a JSON object. Each item is decoded on its own
// with encoding/json into a struct of the fields below (invalid UTF-8 in
// strings becomes U+FFFD); a json.Decoder over the whole stream is not used
// because it can neither tell lines nor recover after a syntax error.
//
// Mapping:
//
//	id (string or number)          Key
//	type                           Type
//	title                          Title
//	author, editor, translator     Authors, Editors, Translators: "literal" gives a literal
//	                               Person; "non-dropping-particle" is put before
//	                               family ("van" + "Gogh" = "van Gogh"),
//	                               "dropping-particle" after given (citeproc);
//	                               suffix is Suffix
//	issued                         Year, Month: "date-parts" ([[2019, 5, 1]],
//	                               numbers or strings; the first date of a
//	                               range), else a year in "raw" or "literal"
//	container-title                Venue (a string, or the first of an array);
//	                               "event-title" when missing
//	volume, issue                  Volume, Issue
//	page                           Pages ("page-first" when missing)
//	DOI, URL, abstract             DOI, URL, Abstract
//	publisher, publisher-place     Publisher, Address
//
// Scalar fields may be strings or numbers; values are trimmed, otherwise left
// as the source writes them.
type CSLJSONParser struct {
	items   *jsonItemStream
	err     error // sticky: io.EOF or fatal
	item    cslItem
	sawItem bool // an item has been read (see openAlexItem)
}

// NewCSLJSONParser returns a parser reading CSL-JSON items from r.
func NewCSLJSONParser(r io.Reader) *CSLJSONParser {
	return &CSLJSONParser{items: newJSONItemStream(r, notCSLJSON)}
}

// Next returns the next record, a *ParseError for an invalid item, or io.EOF.
func (p *CSLJSONParser) Next() (*Record, error) {
	if p.err != nil {
		return nil, p.err
	}
	b, line, err := p.items.next()
	if err != nil {
		if !IsRecordError(err) {
			p.err = err
		}
		return nil, err
	}
	it := &p.item
	it.reset()
	if err := decodeJSONItem(b, it); err != nil {
		return nil, &ParseError{Line: line, Msg: err.Error()}
	}
	first := !p.sawItem
	p.sawItem = true
	if fields := it.openAlexFields(); fields != "" {
		msg := "the item is an OpenAlex work (" + fields + "), not CSL-JSON"
		if first {
			// The file is OpenAlex's, read as CSL-JSON: its papers would
			// come without authors.
			p.err = &FormatError{What: notCSLJSON, Line: line, Msg: msg}
			return nil, p.err
		}
		return nil, &ParseError{Line: line, Msg: msg}
	}
	rec := &Record{
		Line:    line,
		Key:     it.ID.trim(),
		Type:    it.Type.trim(),
		Title:   it.Title.trim(),
		Authors: cslPeople(it.Author),
		Editors: cslPeople(it.Editor),
		// Translators, Publisher and Address are set below.
		Year:     it.Issued.year,
		Month:    it.Issued.month,
		Venue:    it.ContainerTitle.trim(),
		Volume:   it.Volume.trim(),
		Issue:    it.Issue.trim(),
		Pages:    it.Page.trim(),
		DOI:      it.DOI.trim(),
		URL:      it.URL.trim(),
		Abstract: it.Abstract.trim(),
	}
	rec.Translators = cslPeople(it.Translator)
	rec.Publisher = it.Publisher.trim()
	rec.Address = it.PublisherPlace.trim()
	if rec.Venue == "" {
		rec.Venue = it.EventTitle.trim()
	}
	if rec.Pages == "" {
		rec.Pages = it.PageFirst.trim()
	}
	return recordCheckPeople(rec)
}

// cslItem holds the CSL fields the catalog uses; encoding/json skips the rest.
type cslItem struct {
	ID             flexString `json:"id"`
	Type           flexString `json:"type"`
	Title          flexString `json:"title"`
	Author         []cslName  `json:"author"`
	Editor         []cslName  `json:"editor"`
	Translator     []cslName  `json:"translator"`
	Issued         cslDate    `json:"issued"`
	DOI            flexString `json:"DOI"`
	URL            flexString `json:"URL"`
	ContainerTitle flexString `json:"container-title"`
	EventTitle     flexString `json:"event-title"`
	Volume         flexString `json:"volume"`
	Issue          flexString `json:"issue"`
	Page           flexString `json:"page"`
	PageFirst      flexString `json:"page-first"`
	Abstract       flexString `json:"abstract"`
	Publisher      flexString `json:"publisher"`
	PublisherPlace flexString `json:"publisher-place"`

	// OpenAlex's own fields, which tell its works from CSL items.
	Authorships     json.RawMessage `json:"authorships"`
	PublicationYear json.RawMessage `json:"publication_year"`
	InvertedIndex   json.RawMessage `json:"abstract_inverted_index"`
}

// openAlexFields names the OpenAlex fields of an item that has none of
// CSL's names and dates, or returns "": such an item is an OpenAlex work.
func (it *cslItem) openAlexFields() string {
	if len(it.Author) > 0 || len(it.Editor) > 0 || it.Issued.year != 0 {
		return ""
	}
	var names []string
	for _, f := range [...]struct {
		name string
		raw  json.RawMessage
	}{{"authorships", it.Authorships}, {"publication_year", it.PublicationYear}, {"abstract_inverted_index", it.InvertedIndex}} {
		if f.raw != nil {
			names = append(names, strconv.Quote(f.name))
		}
	}
	return strings.Join(names, ", ")
}

// reset zeroes the item but keeps the name slices' memory.
func (it *cslItem) reset() {
	a, e, tr := it.Author[:cap(it.Author)], it.Editor[:cap(it.Editor)], it.Translator[:cap(it.Translator)]
	clear(a)
	clear(e)
	clear(tr)
	*it = cslItem{Author: a[:0], Editor: e[:0], Translator: tr[:0]}
}

type cslName struct {
	Family              flexString `json:"family"`
	Given               flexString `json:"given"`
	Literal             flexString `json:"literal"`
	NonDroppingParticle flexString `json:"non-dropping-particle"`
	DroppingParticle    flexString `json:"dropping-particle"`
	Suffix              flexString `json:"suffix"`
}

func cslPeople(names []cslName) []Person {
	if len(names) == 0 {
		return nil
	}
	out := make([]Person, 0, len(names))
	for i := range names {
		if p, ok := names[i].person(); ok {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// person maps a CSL name: "literal" is a literal name; the non-dropping
// particle goes before the family name and the dropping particle after the
// given names, as citeproc displays them ("Ludwig van Beethoven" is given
// "Ludwig", dropping-particle "van", family "Beethoven").
func (n *cslName) person() (Person, bool) {
	if lit := n.Literal.trim(); lit != "" {
		return Person{Family: lit, Literal: true}, true
	}
	p := Person{
		Family: joinParticle(n.NonDroppingParticle.trim(), n.Family.trim()),
		Given:  joinParticle(n.Given.trim(), n.DroppingParticle.trim()),
		Suffix: n.Suffix.trim(),
	}
	return p, p.Family != "" || p.Given != "" || p.Suffix != ""
}

// joinParticle joins two name parts with a space, or with nothing after a
// particle that ends in an apostrophe or hyphen ("d'" + "Alembert").
func joinParticle(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasSuffix(a, "'") || strings.HasSuffix(a, "’") || strings.HasSuffix(a, "-"):
		return a + b
	}
	return a + " " + b
}

// cslDate reads a CSL date: {"date-parts": [[2019, 5, 1]]} (numbers or
// strings, a flat [2019, 5] too), else a year in "raw" or "literal"; a bare
// string or number is accepted as well.
type cslDate struct {
	year, month int
}

func (d *cslDate) UnmarshalJSON(b []byte) error {
	*d = cslDate{}
	switch b[0] {
	case '{':
		var v struct {
			DateParts json.RawMessage `json:"date-parts"`
			Raw       flexString      `json:"raw"`
			Literal   flexString      `json:"literal"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		if len(v.DateParts) > 0 && v.DateParts[0] == '[' {
			var parts []any
			if err := json.Unmarshal(v.DateParts, &parts); err != nil {
				return err
			}
			d.year, d.month = cslDateParts(parts)
		}
		for _, s := range [...]flexString{v.Raw, v.Literal} {
			if d.year != 0 {
				break
			}
			d.year, d.month = dateYearMonth(string(s))
		}
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		var s flexString
		if err := s.UnmarshalJSON(b); err != nil {
			return err
		}
		d.year, d.month = dateYearMonth(string(s))
	}
	if d.month < 1 || d.month > 12 {
		d.month = 0 // CSL seasons are 13-16 (or 21-24)
	}
	return nil
}

// cslDateParts reads the first date of "date-parts": [[y, m, d], [y, m, d]]
// for a range, or a flat [y, m, d].
func cslDateParts(parts []any) (year, month int) {
	if len(parts) == 0 {
		return 0, 0
	}
	if first, ok := parts[0].([]any); ok {
		parts = first
	}
	if len(parts) == 0 {
		return 0, 0
	}
	year, month = cslDatePart(parts[0])
	if len(parts) > 1 {
		month, _ = cslDatePart(parts[1])
	}
	return year, month
}

// cslDatePart reads one date part: a number or a numeric string. A string
// such as "2019-05-01" in the year's place gives its month too.
func cslDatePart(v any) (n, month int) {
	switch v := v.(type) {
	case float64:
		if v >= -1e6 && v <= 1e6 && v == math.Trunc(v) {
			return int(v), 0
		}
	case string:
		v = strings.TrimSpace(v)
		if i, err := strconv.Atoi(v); err == nil && i >= -1e6 && i <= 1e6 {
			return i, 0
		}
		return dateYearMonth(v)
	}
	return 0, 0
}

// flexString is a JSON scalar read as text: a string, a number as written,
// the first non-empty string of an array; null, booleans and objects give "".
type flexString string

func (f *flexString) UnmarshalJSON(b []byte) error {
	switch b[0] {
	case '"':
		if inner := b[1 : len(b)-1]; bytes.IndexByte(inner, '\\') < 0 && utf8.Valid(inner) {
			*f = flexString(inner)
			return nil
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = flexString(s)
	case '[':
		var arr []flexString
		if err := json.Unmarshal(b, &arr); err != nil {
			return err
		}
		*f = ""
		for _, s := range arr {
			if s.trim() != "" {
				*f = s
				break
			}
		}
	case 'n', 't', 'f', '{':
		*f = ""
	default:
		*f = flexString(b)
	}
	return nil
}

func (f flexString) trim() string { return strings.TrimSpace(string(f)) }

// decodeJSONItem decodes one item into v (a pointer to a struct) and words
// its errors for a person reading an import report.
func decodeJSONItem(b []byte, v any) error {
	// encoding/json would turn invalid UTF-8 into U+FFFD without a word;
	// a file that is not UTF-8 throughout was decoded before (decode.go),
	// so what is left here is a damaged item.
	if !utf8.Valid(b) {
		i := invalidUTF8At(b)
		return fmt.Errorf("invalid UTF-8 (byte 0x%02x at offset %d of the item)", b[i], i)
	}
	if len(b) == 0 || b[0] != '{' {
		if !json.Valid(b) {
			return fmt.Errorf("invalid JSON: %v", jsonErrText(json.Unmarshal(b, new(any))))
		}
		return errors.New("item is not a JSON object")
	}
	err := json.Unmarshal(b, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		if te.Field != "" {
			return fmt.Errorf("field %q: unexpected JSON %s", te.Field, te.Value)
		}
		return fmt.Errorf("unexpected JSON %s", te.Value)
	}
	return fmt.Errorf("invalid JSON: %v", jsonErrText(err))
}

// jsonErrText drops the "json: " prefix of encoding/json errors.
func jsonErrText(err error) string {
	if err == nil {
		return "unknown error"
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// jsonItemStream splits a JSON array, a sequence of JSON values or a JSON
// Lines stream into items, holding at most one item (bounded by
// MaxRecordBytes) in memory.
type jsonItemStream struct {
	br      *bufio.Reader
	what    string // the format, for a *FormatError ("a CSL-JSON file")
	started bool
	lines   *boundedLineReader // JSON Lines layout
	split   *jsonSplitter      // array or value-sequence layout
	pending []byte             // first line, kept while choosing the layout
	pendN   int
}

func newJSONItemStream(r io.Reader, what string) *jsonItemStream {
	return &jsonItemStream{br: bufio.NewReaderSize(r, 64<<10), what: what}
}

// next returns the next item's bytes (valid until the next call) and the line
// it starts on. Errors: a *ParseError for one bad item, io.EOF at the end, or
// the reader's error.
func (s *jsonItemStream) next() ([]byte, int, error) {
	if !s.started {
		s.started = true
		if err := s.start(); err != nil {
			return nil, 0, err
		}
		if s.pending != nil {
			b, n := s.pending, s.pendN
			s.pending = nil
			return b, n, nil
		}
	}
	if s.split != nil {
		return s.split.next()
	}
	for {
		line, tooLong, err := s.lines.next()
		if err != nil {
			return nil, 0, err
		}
		n := s.lines.line
		if tooLong {
			return nil, n, &ParseError{Line: n, Msg: fmt.Sprintf("line longer than %d bytes", MaxRecordBytes)}
		}
		if line = bytes.TrimSpace(line); len(line) > 0 {
			return line, n, nil
		}
	}
}

// jsonHeadBytes is how much of the start of a JSON input is looked at for
// NUL bytes, which JSON text never has.
const jsonHeadBytes = 4 << 10

// start chooses the layout from the first non-space byte. Input whose
// first value is not an array or an object, or with a NUL byte in its
// first kilobytes, is no JSON these formats know: a *FormatError.
func (s *jsonItemStream) start() error {
	if b, err := s.br.Peek(3); err == nil && string(b) == "\uFEFF" {
		_, _ = s.br.Discard(3)
	}
	head, _ := s.br.Peek(jsonHeadBytes)
	if i := bytes.IndexByte(head, 0); i >= 0 {
		return &FormatError{What: s.what, Line: 1 + bytes.Count(head[:i], jsonNewline), Msg: nulMsg}
	}
	nl := 0
	for {
		c, err := s.br.ReadByte()
		if err != nil {
			return err // io.EOF for an empty file
		}
		if c == '\n' {
			nl++
		}
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			_ = s.br.UnreadByte()
			if c == '[' {
				s.split = &jsonSplitter{br: s.br, line: nl + 1}
				return nil
			}
			if c != '{' {
				line, _ := s.br.Peek(256)
				if i := bytes.IndexByte(line, '\n'); i >= 0 {
					line = line[:i]
				}
				return &FormatError{What: s.what, Line: nl + 1,
					Msg: fmt.Sprintf("expected a JSON array or object, found %s", excerpt(line))}
			}
			break
		}
	}
	s.lines = &boundedLineReader{br: s.br, max: MaxRecordBytes, line: nl}
	line, tooLong, err := s.lines.next()
	if err != nil {
		return err
	}
	n := s.lines.line
	if tooLong {
		return &ParseError{Line: n, Msg: fmt.Sprintf("line longer than %d bytes", MaxRecordBytes)}
	}
	line = bytes.TrimSpace(line)
	if jsonLineUnfinished(line) {
		// A pretty-printed object: read whitespace-separated values.
		first := bytes.Clone(line)
		if s.lines.eol {
			first = append(first, '\n')
		}
		br := bufio.NewReaderSize(io.MultiReader(bytes.NewReader(first), s.br), 64<<10)
		s.split = &jsonSplitter{br: br, line: n}
		s.lines = nil
		return nil
	}
	s.pending, s.pendN = line, n
	return nil
}

// jsonLineUnfinished reports whether line opens a JSON object or array that
// it does not close, and breaks where a pretty-printer breaks lines (after
// '{', '[', ',' or ':'), as opposed to a JSON Lines line cut short.
func jsonLineUnfinished(line []byte) bool {
	if len(line) == 0 || line[0] != '{' {
		return false
	}
	switch line[len(line)-1] {
	case '{', '[', ',', ':':
	default:
		return false
	}
	depth, inStr, esc := 0, false, false
	for _, c := range line {
		switch {
		case inStr:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			depth--
		}
	}
	return depth > 0 && !inStr
}

// jsonSplitter cuts a stream of JSON values, or the items of top-level JSON
// arrays, into items. It tracks strings and brackets only; the items' syntax
// is checked when they are decoded.
type jsonSplitter struct {
	br      *bufio.Reader
	line    int // line of the next byte
	inArray bool
	done    bool
	buf     []byte
}

func (s *jsonSplitter) next() ([]byte, int, error) {
	for !s.done {
		c, err := s.br.ReadByte()
		if err != nil {
			s.done = true
			if !errors.Is(err, io.EOF) {
				return nil, 0, err
			}
			if s.inArray {
				return nil, s.line, &ParseError{Line: s.line, Msg: "unexpected end of file: the JSON array has no closing ]"}
			}
			break
		}
		switch c {
		case '\n':
			s.line++
		case ' ', '\t', '\r', ',':
		case '[':
			if !s.inArray {
				s.inArray = true
				continue
			}
			return s.item(c)
		case ']':
			if s.inArray {
				s.inArray = false
				continue
			}
			return nil, s.line, &ParseError{Line: s.line, Msg: "unexpected ]"}
		default:
			return s.item(c)
		}
	}
	return nil, 0, io.EOF
}

var jsonNewline = []byte("\n")

// item reads one value that starts with c.
func (s *jsonSplitter) item(c byte) ([]byte, int, error) {
	start := s.line
	s.buf = append(s.buf[:0], c)
	tooLong := false
	add := func(b []byte) {
		if tooLong {
			return
		}
		if len(s.buf)+len(b) > MaxRecordBytes {
			tooLong = true
			s.buf = s.buf[:0]
			return
		}
		s.buf = append(s.buf, b...)
	}
	depth, inStr, esc := 0, false, false
	scalar := false
	switch c {
	case '{', '[':
		depth = 1
	case '"':
		inStr = true
	default:
		scalar = true
	}
	for done := false; !done; {
		if s.br.Buffered() == 0 {
			if _, err := s.br.Peek(1); err != nil {
				if !errors.Is(err, io.EOF) {
					s.done = true
					return nil, 0, err
				}
				if scalar {
					break
				}
				s.done = true
				return nil, start, &ParseError{Line: start, Msg: "unexpected end of file inside the item"}
			}
		}
		w, _ := s.br.Peek(s.br.Buffered())
		n := len(w)
		qi := -1 // position of the next '"' in w when inside a string
		for i := 0; i < len(w) && !done; {
			if inStr {
				if esc {
					esc = false
					if w[i] == '\n' {
						s.line++
					}
					i++
					continue
				}
				// Skip to the closing quote or the next backslash, counting
				// newlines (invalid in JSON strings, but lines must stay right).
				// The quote's position is kept until it is passed, so that
				// a string full of escapes is still scanned in linear time.
				if qi < i {
					qi = len(w)
					if q := bytes.IndexByte(w[i:], '"'); q >= 0 {
						qi = i + q
					}
				}
				span := w[i:qi]
				if b := bytes.IndexByte(span, '\\'); b >= 0 {
					s.line += bytes.Count(span[:b], jsonNewline)
					i += b + 1
					esc = true
					continue
				}
				s.line += bytes.Count(span, jsonNewline)
				if qi == len(w) {
					i = len(w)
					continue
				}
				i = qi + 1
				inStr = false
				if depth == 0 {
					n, done = i, true
				}
				continue
			}
			c := w[i]
			if scalar {
				if c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == '"' {
					n, done = i, true
				}
				i++
				continue
			}
			switch c {
			case '"':
				inStr = true
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					n, done = i+1, true
				}
			case '\n':
				s.line++
			}
			i++
		}
		add(w[:n])
		_, _ = s.br.Discard(n)
	}
	if tooLong {
		return nil, start, &ParseError{Line: start, Msg: fmt.Sprintf("item longer than %d bytes", MaxRecordBytes)}
	}
	return s.buf, start, nil
}

// invalidUTF8At is the offset of the first byte of b that is not valid
// UTF-8 (len(b) when there is none).
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
