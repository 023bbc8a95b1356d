package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// heapWriter discards what is written and keeps the largest live heap it
// saw (after a collection) every so many writes.
type heapWriter struct {
	writes int
	base   uint64
	peak   uint64
}

func (h *heapWriter) Write(p []byte) (int, error) {
	if h.writes++; h.writes%100 == 1 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		h.peak = max(h.peak, m.HeapAlloc-min(m.HeapAlloc, h.base))
	}
	return len(p), nil
}

// TestExportHoldsOnePaperAtATime: catalog export writes each paper as it
// reads it: exporting papers whose abstracts hold 24 MB, in every format,
// the live heap stays well under that. Export once read every paper, with
// its abstract and authors, before it wrote the first (1.5 GB on the
// corpora).
func TestExportHoldsOnePaperAtATime(t *testing.T) {
	if testing.Short() {
		t.Skip("imports 24 MB of abstracts")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "catalog.db")
	const papers, abstract = 1500, 16 << 10
	var in strings.Builder
	for i := range papers {
		fmt.Fprintf(&in, `{"id":"p%d","type":"paper-conference","title":"Paper %d","author":[{"family":"Family%d","given":"Given"}],"issued":{"date-parts":[[%d]]},"abstract":%q}`+"\n",
			i, i, i%40, 1990+i%30, strings.Repeat(fmt.Sprintf("w%d ", i), abstract/6))
	}
	file := filepath.Join(dir, "papers.jsonl")
	if err := os.WriteFile(file, []byte(in.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	in.Reset()
	if code, _, stderr := runCatalog(t, "--db", db, "import", "-q", file); code != 0 {
		t.Fatalf("import: exit %d: %s", code, stderr)
	}
	for _, format := range []string{"bibtex", "csljson", "csv"} {
		t.Run(format, func(t *testing.T) {
			var m runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&m)
			out := &heapWriter{base: m.HeapAlloc}
			var stderr strings.Builder
			if code := run(t.Context(), []string{"--db", db, "export", "--format", format}, strings.NewReader(""), out, &stderr); code != 0 {
				t.Fatalf("export: exit %d: %s", code, stderr.String())
			}
			if bound := uint64(papers * abstract / 2); out.peak > bound {
				t.Errorf("live heap peaked at %.1f MB during the export of %.1f MB of abstracts; want under %.1f MB",
					float64(out.peak)/1e6, float64(papers*abstract)/1e6, float64(bound)/1e6)
			}
			t.Logf("%s: live heap peak %.1f MB", format, float64(out.peak)/1e6)
		})
	}
}
