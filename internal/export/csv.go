package export

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/catalog-dev/catalog/internal/store"
)

// CSVHeader names the columns CSV writes.
var CSVHeader = []string{"id", "key", "type", "title", "authors", "year", "month",
	"venue", "volume", "issue", "pages", "doi", "url", "abstract"}

// CSV writes papers as CSV (RFC 4180) with a header row; authors are
// "Family, Given" joined by "; ", in order, as in papers.authors.
func CSV(w io.Writer, papers []store.Paper) error {
	return writeAll(NewCSV(w, keyMaker(papers)), papers)
}

// NewCSV returns a Writer of CSV rows (see CSV), the header first, with
// the keys km gives.
func NewCSV(w io.Writer, km *KeyMaker) Writer {
	c := &csvWriter{cw: csv.NewWriter(w), km: km}
	c.err = c.cw.Write(CSVHeader)
	return c
}

type csvWriter struct {
	cw  *csv.Writer
	km  *KeyMaker
	err error // the header's
}

func (c *csvWriter) Write(p *store.Paper) error {
	if c.err != nil {
		return c.err
	}
	names := make([]string, len(p.Authors))
	for k, a := range p.Authors {
		names[k] = a.Name
	}
	return c.cw.Write([]string{
		strconv.FormatInt(p.ID, 10), c.km.Next(p), p.Type, p.Title, strings.Join(names, "; "),
		itoa(p.Year), itoa(p.Month), p.Venue, p.Volume, p.Issue, p.Pages, p.DOI, p.URL, p.Abstract,
	})
}

func (c *csvWriter) Close() error {
	if c.err != nil {
		return c.err
	}
	c.cw.Flush()
	return c.cw.Error()
}

// itoa is strconv.Itoa with 0 as "".
func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
