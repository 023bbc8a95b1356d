package importer

import (
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestZZCleanCorpus(t *testing.T) {
	f, _ := os.Open("../../../shared/data/corpus/acl-anthology.bib.gz")
	zr, _ := gzip.NewReader(f)
	p := NewBibTeXParser(io.MultiReader(zr, mustOpen("testdata/bibtex/biblatex-examples.bib")))
	odd := map[string]int{}
	for {
		rec, err := p.Next()
		if err != nil {
			break
		}
		ss := []string{rec.Title, rec.Venue, rec.Abstract}
		for _, a := range rec.Authors {
			ss = append(ss, a.Family, a.Given)
		}
		for _, s := range ss {
			c := CleanText(s)
			parts := strings.Split(c, "$")
			outside := ""
			for i := 0; i < len(parts); i += 2 {
				outside += parts[i]
			}
			if strings.ContainsAny(outside, "\\{}") || len(parts)%2 == 0 {
				k := strings.Index(s, "\\")
				if k < 0 { k = strings.IndexAny(s, "{}$") }
				lo := max(0, k-60)
				hi := min(len(s), k+80)
				kk := strings.Index(c, "\\")
				if kk < 0 { kk = strings.IndexAny(c, "{}$") }
				odd[s[lo:hi]+"  =>  "+c[max(0,kk-60):min(len(c), kk+80)]]++
			}
		}
	}
	var keys []string
	for k := range odd {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println(len(keys))
	for i, k := range keys {
		if i%(len(keys)/150+1) == 0 {
			if len(k) > 300 {
				k = k[:300]
			}
			fmt.Println(k)
		}
	}
}

func mustOpen(p string) io.Reader { f, _ := os.Open(p); return f }
