package importer

import (
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"
)

// OpenAlexParser reads OpenAlex work objects: one per line (JSON Lines, as
// the snapshot and most dumps store them), a JSON array of works, or API
// responses ({"meta": ..., "results": [...]}, one per line or pretty-printed),
// whose results are read in order and all carry the response's line.
//
// Layout detection, bounds and errors are those of CSLJSONParser: one line (or
// array item) longer than MaxRecordBytes or invalid is a *ParseError, and
// reading goes on.
//
// Mapping:
//
//	id                                      Key ("https://openalex.org/W...")
//	type                                    Type ("article")
//	title (display_name when missing)       Title
//	authorships[].author.display_name       Authors, in order, split with
//	                                        ParseName; raw_author_name when
//	                                        the display name is missing
//	publication_year                        Year (else the publication_date year)
//	publication_date ("2005-06-15")         Month
//	primary_location.source.display_name    Venue (host_venue.display_name of
//	                                        the older API when missing)
//	primary_location.landing_page_url       URL
//	biblio.volume, biblio.issue             Volume, Issue
//	biblio.first_page, biblio.last_page     Pages "first-last" (first alone
//	                                        when last is missing or equal)
//	doi                                     DOI (raw: "https://doi.org/10...")
//	abstract_inverted_index                 Abstract, rebuilt: the words in the
//	                                        order of their positions, joined
//	                                        by spaces; a plain "abstract" string
//	                                        (some dumps add one) wins over it
type OpenAlexParser struct {
	items   *jsonItemStream
	err     error // sticky: io.EOF or fatal
	results []json.RawMessage
	resLine int
	works   bool // a work has been read (see shape)
}

// NewOpenAlexParser returns a parser reading OpenAlex works from r.
func NewOpenAlexParser(r io.Reader) *OpenAlexParser {
	return &OpenAlexParser{items: newJSONItemStream(r, notOpenAlex)}
}

type oaWork struct {
	ID              flexString `json:"id"`
	DOI             flexString `json:"doi"`
	Title           flexString `json:"title"`
	DisplayName     flexString `json:"display_name"`
	PublicationYear flexString `json:"publication_year"`
	PublicationDate flexString `json:"publication_date"`
	Type            flexString `json:"type"`
	Authorships     []struct {
		Author *struct {
			DisplayName flexString `json:"display_name"`
		} `json:"author"`
		RawAuthorName flexString `json:"raw_author_name"`
	} `json:"authorships"`
	PrimaryLocation *struct {
		Source *struct {
			DisplayName flexString `json:"display_name"`
		} `json:"source"`
		LandingPageURL flexString `json:"landing_page_url"`
	} `json:"primary_location"`
	HostVenue *struct {
		DisplayName flexString `json:"display_name"`
	} `json:"host_venue"`
	Biblio *struct {
		Volume    flexString `json:"volume"`
		Issue     flexString `json:"issue"`
		FirstPage flexString `json:"first_page"`
		LastPage  flexString `json:"last_page"`
	} `json:"biblio"`
	AbstractInvertedIndex map[string][]int `json:"abstract_inverted_index"`
	Abstract              flexString       `json:"abstract"`

	// CSL-JSON's names and date, which tell its items from works.
	CSLAuthor json.RawMessage `json:"author"`
	CSLIssued json.RawMessage `json:"issued"`

	// An API response: {"meta": {...}, "results": [work, ...]}.
	Results []json.RawMessage `json:"results"`
}

// Next returns the next record, a *ParseError for an invalid work, or io.EOF.
func (p *OpenAlexParser) Next() (*Record, error) {
	if p.err != nil {
		return nil, p.err
	}
	for {
		if len(p.results) > 0 {
			b := p.results[0]
			p.results[0] = nil
			p.results = p.results[1:]
			return p.work(decodeOpenAlexWork(b, p.resLine))
		}
		b, line, err := p.items.next()
		if err != nil {
			if !IsRecordError(err) {
				p.err = err
			}
			return nil, err
		}
		rec, results, err := decodeOpenAlexItem(b, line)
		if results != nil {
			p.results, p.resLine = results, line
			continue
		}
		return p.work(rec, err)
	}
}

// work passes on a work's record or error. An item with no OpenAlex shape
// is a record error, and a *FormatError when it is the first object read:
// the file is another format's, CSL-JSON most likely, whose papers
// would come without authors.
func (p *OpenAlexParser) work(rec *Record, err error) (*Record, error) {
	first := !p.works
	var shape *notOpenAlexError
	if err == nil || errors.As(err, &shape) {
		p.works = true
	}
	if shape != nil {
		msg := "the item has none of OpenAlex's fields (\"authorships\", \"publication_year\", an openalex.org id ...)"
		if shape.csl {
			msg += `: it is a CSL-JSON item ("author", "issued")`
		}
		if first {
			p.err = &FormatError{What: notOpenAlex, Line: shape.line, Msg: msg}
			return nil, p.err
		}
		return nil, &ParseError{Line: shape.line, Msg: msg}
	}
	return rec, err
}

// notOpenAlexError is a JSON object that is not an OpenAlex work.
type notOpenAlexError struct {
	line int
	csl  bool // it has CSL-JSON's names or date
}

func (e *notOpenAlexError) Error() string { return "not an OpenAlex work" }

// shaped reports whether w has one of the fields only OpenAlex works have,
// or an OpenAlex id.
func (w *oaWork) shaped() bool {
	id := w.ID.trim()
	return w.Authorships != nil || w.PublicationYear != "" || w.PublicationDate != "" ||
		w.PrimaryLocation != nil || w.HostVenue != nil || w.Biblio != nil ||
		w.AbstractInvertedIndex != nil || w.DisplayName != "" ||
		strings.HasPrefix(id, "https://openalex.org/") || oaShortID(id)
}

// oaShortID reports whether id is a bare OpenAlex work id ("W2741809807").
func oaShortID(id string) bool {
	if len(id) < 2 || id[0] != 'W' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if id[i] < '0' || id[i] > '9' {
			return false
		}
	}
	return true
}

// decodeOpenAlexItem decodes a work, or returns the results of an API
// response.
func decodeOpenAlexItem(b []byte, line int) (*Record, []json.RawMessage, error) {
	var w oaWork
	if err := decodeJSONItem(b, &w); err != nil {
		return nil, nil, &ParseError{Line: line, Msg: err.Error()}
	}
	if w.Results != nil && w.ID == "" {
		return nil, w.Results, nil
	}
	rec, err := w.record(line)
	return rec, nil, err
}

func decodeOpenAlexWork(b []byte, line int) (*Record, error) {
	var w oaWork
	if err := decodeJSONItem(b, &w); err != nil {
		return nil, &ParseError{Line: line, Msg: err.Error()}
	}
	return w.record(line)
}

func (w *oaWork) record(line int) (*Record, error) {
	if !w.shaped() {
		return nil, &notOpenAlexError{line: line, csl: w.CSLAuthor != nil || w.CSLIssued != nil}
	}
	rec := &Record{
		Line:  line,
		Key:   w.ID.trim(),
		Type:  w.Type.trim(),
		Title: w.Title.trim(),
		DOI:   w.DOI.trim(),
	}
	if rec.Title == "" {
		rec.Title = w.DisplayName.trim()
	}
	for _, a := range w.Authorships {
		name := ""
		if a.Author != nil {
			name = a.Author.DisplayName.trim()
		}
		if name == "" {
			name = a.RawAuthorName.trim()
		}
		if name != "" {
			rec.Authors = append(rec.Authors, ParseName(name))
		}
	}
	y, m := dateYearMonth(w.PublicationDate.trim())
	rec.Year, _ = dateYearMonth(w.PublicationYear.trim())
	if rec.Year == 0 {
		rec.Year = y
	}
	if y == rec.Year && m >= 1 && m <= 12 {
		rec.Month = m
	}
	if pl := w.PrimaryLocation; pl != nil {
		if pl.Source != nil {
			rec.Venue = pl.Source.DisplayName.trim()
		}
		rec.URL = pl.LandingPageURL.trim()
	}
	if rec.Venue == "" && w.HostVenue != nil {
		rec.Venue = w.HostVenue.DisplayName.trim()
	}
	if b := w.Biblio; b != nil {
		rec.Volume = b.Volume.trim()
		rec.Issue = b.Issue.trim()
		rec.Pages = joinPageRange(b.FirstPage.trim(), b.LastPage.trim())
	}
	rec.Abstract = w.Abstract.trim()
	if rec.Abstract == "" {
		rec.Abstract = rebuildInvertedIndex(w.AbstractInvertedIndex)
	}
	return recordCheckPeople(rec)
}

// rebuildInvertedIndex turns OpenAlex's abstract_inverted_index (each word
// with the positions where it occurs) back into text: the words sorted by
// position, joined by single spaces. Gaps in the positions are closed up and
// words sharing a position keep a stable (alphabetical) order.
func rebuildInvertedIndex(idx map[string][]int) string {
	if len(idx) == 0 {
		return ""
	}
	type posWord struct {
		pos  int
		word string
	}
	n := 0
	for _, ps := range idx {
		n += len(ps)
	}
	words := make([]posWord, 0, n)
	for w, ps := range idx {
		for _, p := range ps {
			words = append(words, posWord{p, w})
		}
	}
	slices.SortFunc(words, func(a, b posWord) int {
		if a.pos != b.pos {
			if a.pos < b.pos {
				return -1
			}
			return 1
		}
		return strings.Compare(a.word, b.word)
	})
	var sb strings.Builder
	for i, pw := range words {
		if i > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(pw.word)
	}
	return strings.TrimSpace(sb.String())
}
