package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// streamPapers are n papers, each with an abstract of about abstract
// bytes and two authors.
func streamPapers(t testing.TB, n, abstract int) []*importer.Paper {
	var papers []*importer.Paper
	for i := range n {
		rec := importer.Record{
			Title: fmt.Sprintf("Paper number %d", i+1), Year: 1990 + i%30, Key: fmt.Sprintf("key%d", i+1),
			Abstract: strings.Repeat(fmt.Sprintf("word%d ", i%97), abstract/7),
			Authors:  people(fmt.Sprintf("Family%d, Given", i%50), "Other, Person"),
		}
		p, err := importer.Normalize(&rec)
		if err != nil {
			t.Fatal(err)
		}
		papers = append(papers, p)
	}
	return papers
}

// TestEachPaper: the papers come in the order of the ids, with their
// authors in order; an unknown id is skipped; an error from fn stops the
// reading and is returned, and fn is not called again.
func TestEachPaper(t *testing.T) {
	s, _ := openTemp(t)
	const n = 2*streamChunk + 10
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, streamPapers(t, n, 100)...)
	ctx := context.Background()
	ids := []int64{n, 3, 999999, 1}
	for i := int64(n - 1); i > 3; i-- {
		ids = append(ids, i)
	}
	var got []int64
	err := s.EachPaper(ctx, ids, func(p *Paper) error {
		got = append(got, p.ID)
		if want := fmt.Sprintf("Paper number %d", p.ID); p.Title != want || p.CitationKey != fmt.Sprintf("key%d", p.ID) {
			t.Errorf("paper %d: title %q, key %q", p.ID, p.Title, p.CitationKey)
		}
		if len(p.Authors) != 2 || p.Authors[0].Family != fmt.Sprintf("Family%d", (p.ID-1)%50) || p.Authors[1].Name != "Other, Person" {
			t.Errorf("paper %d: authors %+v", p.ID, p.Authors)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := append([]int64{n, 3, 1}, ids[4:]...)
	if !equalIDs(got, want) {
		t.Errorf("got %d papers %v..., want %d %v...", len(got), got[:5], len(want), want[:5])
	}

	stop := errors.New("output closed")
	for _, after := range []int{1, streamChunk - 1, streamChunk, streamChunk + 1} {
		calls, failed := 0, false
		err := s.EachPaper(ctx, ids, func(p *Paper) error {
			if failed {
				t.Fatalf("stop after %d: called again after the error", after)
			}
			calls++
			if calls == after {
				failed = true
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != after {
			t.Errorf("stop after %d: got %v after %d calls, want the error after %d", after, err, calls, after)
		}
	}
}

// TestEachPaperReadsAsItGoes: EachPaper reads a chunk of papers at a time,
// after handing on the chunk before: a paper changed while the first is
// written comes as changed (the whole selection was not read first). In a
// Snapshot it comes as it was, as every read of the snapshot sees the
// catalog as at its first.
func TestEachPaperReadsAsItGoes(t *testing.T) {
	s, _ := openTemp(t)
	const n = 3 * streamChunk
	importPapers(t, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, streamPapers(t, n, 100)...)
	ctx := context.Background()
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	for _, snapshot := range []bool{false, true} {
		t.Run(fmt.Sprintf("snapshot %v", snapshot), func(t *testing.T) {
			if _, err := s.DB.Exec(`UPDATE papers SET title = 'Paper number ' || id WHERE id = ?`, n); err != nil {
				t.Fatal(err)
			}
			r := s
			if snapshot {
				sn, err := s.Snapshot(ctx)
				if err != nil {
					t.Fatal(err)
				}
				defer sn.Close()
				r = sn.Store
			}
			var last string
			err := r.EachPaper(ctx, ids, func(p *Paper) error {
				if p.ID == 1 {
					if _, err := s.DB.Exec(`UPDATE papers SET title = 'Changed' WHERE id = ?`, n); err != nil {
						t.Fatal(err)
					}
				}
				last = p.Title
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			want := "Changed"
			if snapshot {
				want = fmt.Sprintf("Paper number %d", n)
			}
			if last != want {
				t.Errorf("last paper's title: got %q, want %q", last, want)
			}
		})
	}
}

// BenchmarkEachPaperHeap reads every paper of a catalog whose abstracts
// hold about 16 MB and reports the live heap at its peak (peak-heap-MB,
// measured every streamChunk papers after a collection): it stays near a
// chunk's worth of papers whatever the catalog's size; holding the
// selection, as export did, it grew with it.
func BenchmarkEachPaperHeap(b *testing.B) {
	s, _ := openTemp(b)
	const n = 4000
	importPapers(b, s, SourceInfo{Path: "a.bib", SHA256: "a", Format: "bibtex"}, streamPapers(b, n, 4000)...)
	ids := make([]int64, n)
	for i := range ids {
		ids[i] = int64(i + 1)
	}
	ctx := context.Background()
	var base runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&base)
	var peak uint64
	for b.Loop() {
		k := 0
		err := s.EachPaper(ctx, ids, func(p *Paper) error {
			if k++; k%streamChunk == 0 {
				var m runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&m)
				peak = max(peak, m.HeapAlloc-min(m.HeapAlloc, base.HeapAlloc))
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
}
