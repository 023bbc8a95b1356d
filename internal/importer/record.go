// Package importer turns bibliographic files into clean Record values.
//
// Parsers only read syntax: they return field values as the source writes
// them (LaTeX, braces, HTML and all). Normalize turns a Record into the clean,
// keyed form that the database stores. Nothing in this package knows SQL.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"unicode/utf8"
)

// Limits that keep memory bounded whatever the input. A record or value past
// them is reported as a *ParseError, never buffered whole.
const (
	// MaxRecordBytes bounds the bytes of one record (one BibTeX entry, one RIS
	// TY..ER block, one JSON item, one line of a profile list).
	MaxRecordBytes = 8 << 20
	// MaxAuthors bounds the people listed on one record.
	MaxAuthors = 10000
)

// Person is one author or editor as a source writes it. Parts are raw source
// text (LaTeX left in place); Normalize cleans them.
type Person struct {
	// Family is the family name with any particle ("van der Berg", "de la
	// Fontaine"). For a corporate or institutional name it holds the whole name.
	Family string
	// Given holds the given names or initials ("Donald E.", "D. E.").
	Given string
	// Suffix is a generational suffix ("Jr.", "III").
	Suffix string
	// Literal marks a corporate name that must not be split
	// ("{Barnes and Noble, Inc.}", CSL "literal").
	Literal bool
}

// Record is one bibliographic item as read from a source. String fields hold
// the source's own text; Normalize produces the clean values.
type Record struct {
	// Line is the 1-based line where the record starts in its file.
	Line int
	// Key is the source's own identifier: a BibTeX citation key, a CSL "id",
	// a RIS "ID", an OpenAlex id. Empty when the format has none.
	Key string
	// Type is the entry type as the source names it ("inproceedings",
	// "paper-conference", "JOUR"); empty when the format has none.
	Type string
	// Markup says what markup the text fields may hold, and so how
	// Normalize cleans them. It is the format's, not the record's.
	Markup Markup `json:"-"`

	Title    string
	Authors  []Person
	Editors  []Person
	Year     int // 0 when unknown
	Month    int // 1-12, 0 when unknown
	Venue    string
	Volume   string
	Issue    string
	Pages    string
	DOI      string
	URL      string
	Abstract string

	// Translators, Publisher and Address (the publisher's place) are
	// left out of JSON when empty, as most records have none.
	Translators []Person `json:",omitempty"`
	Publisher   string   `json:",omitempty"`
	Address     string   `json:",omitempty"`
}

// Parser reads records one at a time from a stream.
//
// Next returns the next record, or io.EOF after the last one. A problem with
// one record is returned as a *ParseError; the parser has then skipped past
// that record and Next may be called again (that is how --skip-invalid works).
// Any other error is fatal for the stream.
type Parser interface {
	Next() (*Record, error)
}

// ParseError reports one invalid record.
type ParseError struct {
	Line int    // 1-based line of the problem (or of the record's start)
	Msg  string // what is wrong, lowercase, no trailing period
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
}

// FormatError reports input that is not the format it is read as (a
// binary file, another format, UTF-16 without a byte order mark): no
// record of it can be read, so it is no record error and --skip-invalid
// does not skip it. The parser stops there.
type FormatError struct {
	What string // the format with its article: "a RIS file", "an OpenAlex file"
	Line int    // 1-based line that shows it
	Msg  string // what is there instead, lowercase, no trailing period
}

func (e *FormatError) Error() string {
	return fmt.Sprintf("not %s: line %d: %s", e.What, e.Line, e.Msg)
}

// Formats' names in FormatError.
const (
	notBibTeX   = "a BibTeX file"
	notRIS      = "a RIS file"
	notCSLJSON  = "a CSL-JSON file"
	notOpenAlex = "an OpenAlex file"
	notProfile  = "an author-profile list"
)

// excerpt quotes the start of a line for a message: at most 40 characters,
// invalid UTF-8 and control characters escaped by %q.
func excerpt(line []byte) string {
	line = bytes.TrimSpace(line)
	const max = 40
	if utf8.RuneCount(line) > max {
		n := 0
		for i := range string(line) {
			if n == max {
				return fmt.Sprintf("%q...", line[:i])
			}
			n++
		}
	}
	return fmt.Sprintf("%q", line)
}

// nulMsg is FormatError's Msg for a NUL byte, which no text format has.
const nulMsg = "a NUL byte: a binary file, or UTF-16 without a byte order mark (try --encoding utf-16le)"

// IsRecordError reports whether err is a problem with one record that the
// caller may skip.
func IsRecordError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}
