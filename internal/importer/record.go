// Package importer turns bibliographic files into clean Record values.
//
// Parsers only read syntax: they return field values as the source writes
// them (LaTeX, braces, HTML and all). Normalize turns a Record into the clean,
// keyed form that the database stores. Nothing in this package knows SQL.
package importer

import (
	"errors"
	"fmt"
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

// IsRecordError reports whether err is a problem with one record that the
// caller may skip.
func IsRecordError(err error) bool {
	var pe *ParseError
	return errors.As(err, &pe)
}
