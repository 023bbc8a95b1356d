package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/store"
)

// CSVHeader names the columns CSV writes. Columns added later go at the
// end, so that a reader that takes them by position keeps working.
var CSVHeader = []string{"id", "key", "type", "title", "authors", "year", "month",
	"venue", "volume", "issue", "pages", "doi", "url", "abstract",
	"editors", "translators", "publisher", "address"}

// CSVOptions change what CSVWith writes.
type CSVOptions struct {
	// SpreadsheetSafe writes text cells through SafeCell, for files that
	// a spreadsheet will open.
	SpreadsheetSafe bool
}

// CSV writes papers as CSV (RFC 4180) with a header row; authors, editors
// and translators are "Family, Given" joined by "; ", in order.
func CSV(w io.Writer, papers []store.Paper) error {
	return CSVWith(w, papers, CSVOptions{})
}

// CSVWith is CSV with options.
func CSVWith(w io.Writer, papers []store.Paper, opt CSVOptions) error {
	return writeAll(NewCSV(w, keyMaker(papers), opt), papers)
}

// NewCSV returns a Writer of CSV rows (see CSV), the header first, with
// the keys km gives.
func NewCSV(w io.Writer, km *KeyMaker, opt CSVOptions) Writer {
	c := &csvWriter{cw: csv.NewWriter(w), km: km, text: func(s string) string { return s }}
	if opt.SpreadsheetSafe {
		c.text = SafeCell
	}
	c.err = c.cw.Write(CSVHeader)
	return c
}

type csvWriter struct {
	cw   *csv.Writer
	km   *KeyMaker
	text func(string) string // a text cell as written: SafeCell, or as it is
	err  error               // the header's
}

func (c *csvWriter) Write(p *store.Paper) error {
	if c.err != nil {
		return c.err
	}
	text := c.text
	return c.cw.Write([]string{
		strconv.FormatInt(p.ID, 10), text(c.km.Next(p)), text(p.Type), text(p.Title), text(csvNames(p.Authors)),
		itoa(p.Year), itoa(p.Month), text(p.Venue), text(p.Volume), text(p.Issue), text(p.Pages), text(p.DOI), text(p.URL), text(p.Abstract),
		text(csvNames(p.Editors)), text(csvNames(p.Translators)), text(p.Publisher), text(p.Address),
	})
}

func (c *csvWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	c.cw.Flush()
	return c.cw.Error()
}

// csvNames joins people's names with "; ".
func csvNames(people []store.Author) string {
	names := make([]string, len(people))
	for i, a := range people {
		names[i] = a.Name
	}
	return strings.Join(names, "; ")
}

// itoa is strconv.Itoa with 0 as "".
func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

// SafeCell keeps a spreadsheet from reading a text cell as a formula
// ("CSV injection": a title "=HYPERLINK(...)" or "@SUM(...)" would run
// when the file is opened): a cell that starts with =, +, -, @, a tab or
// a carriage return gets a ' in front, which spreadsheets show as text
// and do not display. Other cells are unchanged. The ' is then part of
// the value for any other reader, which is why it is an option.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
