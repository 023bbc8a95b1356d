package importer

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// ProfileParser reads an author-profile list: the export of one author's
// publications that the catalog started from.
//
// Line 1 names the profile's owner as "Family, Given". Then each record takes
// three lines: the title; the authors as "Family, Given" pairs joined by ", "
// ("Ji, Jiaming, Chen, Xinyu" is two people); the abstract. CRLF line ends, a
// UTF-8 BOM, a last line without a newline and trailing blank lines are
// accepted.
type ProfileParser struct {
	r      *bufio.Reader
	line   int
	owner  string
	err    error // sticky fatal error
	header bool  // owner line read
}

// NewProfileParser returns a parser reading r.
func NewProfileParser(r io.Reader) *ProfileParser {
	return &ProfileParser{r: bufio.NewReaderSize(r, 64<<10)}
}

// Owner returns the profile's owner ("Family, Given") once the first record
// or EOF has been read; "" before.
func (p *ProfileParser) Owner() string { return p.owner }

// Next returns the next record.
func (p *ProfileParser) Next() (*Record, error) {
	if p.err != nil {
		return nil, p.err
	}
	if !p.header {
		p.header = true
		owner, err := p.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				p.err = io.EOF // reported once, then the stream ends
				return nil, &ParseError{Line: 1, Msg: "empty file: expected the profile owner on line 1"}
			}
			var pe *ParseError
			if errors.As(err, &pe) && (strings.HasPrefix(pe.Msg, "NUL byte") || pe.Msg == "invalid UTF-8") {
				// Binary, or text in an encoding the decoder could not
				// tell, as the owner line: no profile list.
				msg := pe.Msg
				if strings.HasPrefix(msg, "NUL byte") {
					msg = nulMsg
				}
				p.err = &FormatError{What: notProfile, Line: pe.Line, Msg: msg}
				return nil, p.err
			}
			return nil, p.fail(err)
		}
		owner = strings.TrimPrefix(owner, "\uFEFF")
		if strings.TrimSpace(owner) == "" {
			p.err = io.EOF // without an owner line this is no profile list
			return nil, &ParseError{Line: 1, Msg: `line 1 is empty: expected the profile owner as "Family, Given"`}
		}
		if !profileOwner(owner) {
			p.err = &FormatError{What: notProfile, Line: 1,
				Msg: fmt.Sprintf(`expected the profile owner as "Family, Given", found %s`, excerpt([]byte(owner)))}
			return nil, p.err
		}
		p.owner = collapse(owner)
	}

	// Skip blank lines between records and at the end. A record is always
	// read whole, even when a line of it is bad, so that the next call
	// starts at the next record.
	var title string
	var bad error
	for {
		s, err := p.readLine()
		if errors.Is(err, io.EOF) {
			p.err = io.EOF
			return nil, io.EOF
		}
		if err != nil && !IsRecordError(err) {
			return nil, p.fail(err)
		}
		if err != nil || strings.TrimSpace(s) != "" {
			title, bad = s, err
			break
		}
	}
	rec := &Record{Line: p.line, Title: title}
	var lines [2]string
	for i := range lines {
		s, err := p.readLine()
		if errors.Is(err, io.EOF) && i == 1 {
			// "title\nauthors\n" at the end: an empty abstract.
			p.err = io.EOF
			break
		}
		if errors.Is(err, io.EOF) {
			p.err = io.EOF
			if bad == nil {
				bad = &ParseError{Line: rec.Line, Msg: "record ends early: expected a title line, an authors line and an abstract line"}
			}
			return nil, bad
		}
		if err != nil && !IsRecordError(err) {
			return nil, p.fail(err)
		}
		if err != nil && bad == nil {
			bad = err
		}
		lines[i] = s
	}
	if bad != nil {
		return nil, bad
	}
	people, msg := splitProfileAuthors(lines[0])
	if msg != "" {
		return nil, &ParseError{Line: rec.Line + 1, Msg: msg}
	}
	rec.Authors = people
	rec.Abstract = lines[1]
	return rec, nil
}

// profileOwner reports whether line can be an owner line: "Family, Given",
// one comma with a name on each side. The first line of a BibTeX entry
// ("@article{key,"), of a JSON file or of RIS ("TY  - JOUR") is not.
func profileOwner(line string) bool {
	family, given, ok := strings.Cut(strings.TrimSpace(line), ",")
	family, given = strings.TrimSpace(family), strings.TrimSpace(given)
	return ok && family != "" && given != "" && !strings.Contains(given, ",") &&
		!strings.ContainsAny(family[:1], "@{[<\"") && len(line) <= 200
}

// fail makes a line-level problem a record error (the parser can go on at
// the next line) and anything else sticky.
func (p *ProfileParser) fail(err error) error {
	if IsRecordError(err) {
		return err
	}
	p.err = err
	return err
}

// readLine returns the next line without its line end. A line longer than
// MaxRecordBytes is consumed without being kept and reported as a
// *ParseError; so are NUL bytes and invalid UTF-8.
func (p *ProfileParser) readLine() (string, error) {
	var buf []byte
	tooLong := false
	for {
		chunk, err := p.r.ReadSlice('\n')
		if len(chunk) > 0 && !tooLong {
			if len(buf)+len(chunk) > MaxRecordBytes {
				tooLong, buf = true, nil
			} else {
				buf = append(buf, chunk...)
			}
		}
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		if errors.Is(err, io.EOF) && len(buf) == 0 && !tooLong {
			return "", io.EOF
		}
		break
	}
	p.line++
	if tooLong {
		return "", &ParseError{Line: p.line, Msg: fmt.Sprintf("line is longer than %d bytes", MaxRecordBytes)}
	}
	buf = bytes.TrimSuffix(buf, []byte("\n"))
	buf = bytes.TrimSuffix(buf, []byte("\r"))
	if i := bytes.IndexByte(buf, 0); i >= 0 {
		return "", &ParseError{Line: p.line, Msg: fmt.Sprintf("NUL byte at column %d", i+1)}
	}
	if !utf8.Valid(buf) {
		return "", &ParseError{Line: p.line, Msg: "invalid UTF-8"}
	}
	return string(buf), nil
}

// splitProfileAuthors splits "Family, Given, Family, Given" into people.
// It returns a message when the list cannot be paired up.
func splitProfileAuthors(s string) ([]Person, string) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, ""
	}
	parts := strings.Split(s, ",")
	if len(parts)%2 != 0 {
		return nil, fmt.Sprintf("authors line has %d comma-separated parts, expected \"Family, Given\" pairs", len(parts))
	}
	if len(parts)/2 > MaxAuthors {
		return nil, fmt.Sprintf("record has %d authors, more than the limit of %d", len(parts)/2, MaxAuthors)
	}
	people := make([]Person, 0, len(parts)/2)
	for i := 0; i < len(parts); i += 2 {
		family, given := strings.TrimSpace(parts[i]), strings.TrimSpace(parts[i+1])
		if family == "" && given == "" {
			return nil, fmt.Sprintf("author %d is empty", i/2+1)
		}
		people = append(people, Person{Family: family, Given: given})
	}
	return people, ""
}
