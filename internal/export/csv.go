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
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	keys := Keys(papers)
	for i, p := range papers {
		names := make([]string, len(p.Authors))
		for k, a := range p.Authors {
			names[k] = a.Name
		}
		err := cw.Write([]string{
			strconv.FormatInt(p.ID, 10), keys[i], p.Type, p.Title, strings.Join(names, "; "),
			itoa(p.Year), itoa(p.Month), p.Venue, p.Volume, p.Issue, p.Pages, p.DOI, p.URL, p.Abstract,
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// itoa is strconv.Itoa with 0 as "".
func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}
