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

// CSV writes papers as CSV (RFC 4180) with a header row; authors, editors
// and translators are "Family, Given" joined by "; ", in order.
func CSV(w io.Writer, papers []store.Paper) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	keys := Keys(papers)
	for i, p := range papers {
		err := cw.Write([]string{
			strconv.FormatInt(p.ID, 10), keys[i], p.Type, p.Title, csvNames(p.Authors),
			itoa(p.Year), itoa(p.Month), p.Venue, p.Volume, p.Issue, p.Pages, p.DOI, p.URL, p.Abstract,
			csvNames(p.Editors), csvNames(p.Translators), p.Publisher, p.Address,
		})
		if err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
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
