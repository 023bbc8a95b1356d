// Command flatten writes bibliographic files as flat JSON lines, one object
// per record with the same keys in each: the input for the peer benchmark
// in bench/run, where sqlite-utils loads them into one table.
//
//	flatten -o flat.jsonl acl-anthology.bib.gz mlanthology.csl.jsonl.gz
//
// It reads each file with catalog's own parsers (internal/importer, the
// format detected as catalog import detects it) and writes the raw Record
// fields as the source has them: no normalization, no duplicate merging,
// the authors joined into one string "Family, Given; Family, Given". A
// record the parser rejects is reported and skipped.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/catalog-dev/catalog/internal/importer"
)

// flat is one output line. Every key is always present (null when the
// record has no value), so sqlite-utils sees the same columns throughout.
type flat struct {
	Source   string  `json:"source"`
	Key      *string `json:"key"`
	Type     *string `json:"type"`
	Title    string  `json:"title"`
	Authors  string  `json:"authors"`
	Year     *int    `json:"year"`
	Month    *int    `json:"month"`
	Venue    *string `json:"venue"`
	Volume   *string `json:"volume"`
	Issue    *string `json:"issue"`
	Pages    *string `json:"pages"`
	DOI      *string `json:"doi"`
	URL      *string `json:"url"`
	Abstract *string `json:"abstract"`
}

func main() {
	out := flag.String("o", "-", "output file; - is standard output")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: flatten [-o FILE] FILE...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, flag.Args()); err != nil {
		fmt.Fprintf(os.Stderr, "flatten: %v\n", err)
		os.Exit(1)
	}
}

func run(out string, files []string) error {
	w := os.Stdout
	if out != "-" {
		f, err := os.Create(out)
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, name := range files {
		n, skipped, err := flatten(enc, name)
		if err != nil {
			return err
		}
		fmt.Fprintf(os.Stderr, "flatten: %s: %d records", name, n)
		if skipped > 0 {
			fmt.Fprintf(os.Stderr, ", %d invalid skipped", skipped)
		}
		fmt.Fprintln(os.Stderr)
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if w != os.Stdout {
		return w.Close()
	}
	return nil
}

func flatten(enc *json.Encoder, name string) (n, skipped int, err error) {
	in, err := importer.OpenInput(name, nil, "")
	if err != nil {
		return 0, 0, err
	}
	defer in.Close()
	for {
		rec, err := in.Parser.Next()
		if errors.Is(err, io.EOF) {
			return n, skipped, nil
		}
		if importer.IsRecordError(err) {
			skipped++
			continue
		}
		if err != nil {
			return n, skipped, fmt.Errorf("%s: %w", name, err)
		}
		if err := enc.Encode(record(name, rec)); err != nil {
			return n, skipped, err
		}
		n++
	}
}

func record(source string, r *importer.Record) *flat {
	names := make([]string, 0, len(r.Authors))
	for _, p := range r.Authors {
		name := p.Family
		if p.Given != "" {
			name += ", " + p.Given
		}
		if p.Suffix != "" {
			name += ", " + p.Suffix
		}
		names = append(names, name)
	}
	return &flat{
		Source:   source,
		Key:      str(r.Key),
		Type:     str(r.Type),
		Title:    r.Title,
		Authors:  strings.Join(names, "; "),
		Year:     num(r.Year),
		Month:    num(r.Month),
		Venue:    str(r.Venue),
		Volume:   str(r.Volume),
		Issue:    str(r.Issue),
		Pages:    str(r.Pages),
		DOI:      str(r.DOI),
		URL:      str(r.URL),
		Abstract: str(r.Abstract),
	}
}

func str(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func num(v int) *int {
	if v == 0 {
		return nil
	}
	return &v
}
