package main

import (
	"strings"
	"testing"
	"time"

	"github.com/catalog-dev/catalog/internal/importer"
)

// testProgress is a progress over inputs of these sizes on a terminal of
// cols columns, started at t0, that draws into b.
func testProgress(b *strings.Builder, cols int, dumb bool, sizes ...int64) (*progress, time.Time) {
	var inputs []*importer.Input
	for _, s := range sizes {
		inputs = append(inputs, &importer.Input{Size: s})
	}
	p := newProgress(b, func() int { return cols }, dumb, inputs)
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	p.start, p.fileStart = t0, t0
	return p, t0
}

// feed moves p to its file-th file (1-based) with n records written and
// read bytes of it consumed, at.
func feed(p *progress, file int, name string, size int64, n, read int64, at time.Time) {
	for p.fileNo < file {
		p.file(name, size, func() int64 { return read })
	}
	p.fileStart = at
	for range n {
		p.record()
	}
}

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	tests := []struct {
		name string
		cols int
		make func() (*progress, time.Time)
		want string
	}{
		{"one file", 200, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 200, false, 1000)
			feed(p, 1, "refs.bib", 1000, 12345, 250, t0)
			return p, t0.Add(10 * time.Second)
		}, "refs.bib: 12,345 records, 1,234/s, 25%, 30s left"},
		{"one record", 200, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 200, false, 1000)
			feed(p, 1, "refs.bib", 1000, 1, 0, t0)
			return p, t0.Add(500 * time.Millisecond)
		}, "refs.bib: 1 record, 0%"},
		{"second of two files: totals across files", 200, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 200, false, 3000, 1000)
			feed(p, 1, "a.bib", 3000, 3000, 3000, t0)
			feed(p, 2, "b.bib", 1000, 500, 500, t0.Add(30*time.Second))
			return p, t0.Add(35 * time.Second)
		}, "b.bib (2/2): 500 records, 100/s, 50%; all: 3,500 records, 87%, 5s left"},
		{"indexing", 200, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 200, false, 1000)
			feed(p, 1, "refs.bib", 1000, 10, 1000, t0)
			step := p.phase("indexing for search")
			step(3, 9)
			p.fileStart = t0
			return p, t0.Add(4 * time.Second)
		}, "indexing for search: step 3 of 9, 4s"},
		{"narrow: the rate goes first", 45, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 45, false, 1000)
			feed(p, 1, "refs.bib", 1000, 12345, 250, t0)
			return p, t0.Add(10 * time.Second)
		}, "refs.bib: 12,345 records, 25%, 30s left"},
		{"narrow: then the name is shortened in the middle", 40, func() (*progress, time.Time) {
			p, t0 := testProgress(&b, 40, false, 1000)
			feed(p, 1, "/home/someone/downloads/anthology.bib.gz", 1000, 12345, 250, t0)
			return p, t0.Add(10 * time.Second)
		}, "/home/so…gy.bib.gz: 12,345 records, 25%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, now := tt.make()
			got := p.line(now)
			if got != tt.want {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
			if w := displayWidth(got); w >= tt.cols {
				t.Errorf("%d columns wide on a terminal of %d", w, tt.cols)
			}
		})
	}
}

// TestProgressFits: at any width, in any phase, with any file name (long,
// wide characters, control characters), the line is narrower than the
// terminal, so it never wraps and every redraw replaces it.
func TestProgressFits(t *testing.T) {
	names := []string{
		"refs.bib",
		"/very/long/path/to/some/folder/with/the/anthology/acl-anthology.bib.gz",
		"論文の一覧と日本語のファイル名がとても長い場合.bib",
		"bad\nname\x1b[2Jwith escapes.txt",
		"e\u0301\u0301\u0301accents.ris",
	}
	for _, cols := range []int{1, 10, 20, 40, 60, 80, 120} {
		for _, name := range names {
			for phase := range 3 {
				var b strings.Builder
				p, t0 := testProgress(&b, cols, false, 5000000, 7000000)
				feed(p, 1, name, 5000000, 1234567, 2500000, t0)
				if phase > 0 {
					feed(p, 2, name, 7000000, 7654321, 100, t0)
				}
				if phase > 1 {
					p.phase("indexing for search")(12, 34)
				}
				got := p.line(t0.Add(90 * time.Second))
				if w := displayWidth(got); w >= cols && cols > 1 || w > 0 && cols <= 1 {
					t.Errorf("%d columns, %q, phase %d: %q is %d wide", cols, name, phase, got, w)
				}
				if strings.ContainsAny(got, "\n\x1b") {
					t.Errorf("%q: control characters in the line", got)
				}
				if cols >= 40 && phase < 2 && !strings.Contains(got, "records") {
					t.Errorf("%d columns, %q: %q says no records", cols, name, got)
				}
			}
		}
	}
}

// TestProgressDraw: a terminal redraws the line over itself with ESC [K;
// a dumb one (TERM=dumb) gets spaces over what was longer, no escapes.
func TestProgressDraw(t *testing.T) {
	var b strings.Builder
	p, _ := testProgress(&b, 80, false)
	p.draw("a long line")
	p.draw("short")
	p.draw("")
	if got, want := b.String(), "\r\x1b[Ka long line\r\x1b[Kshort\r\x1b[K\r"; got != want {
		t.Errorf("terminal: got %q, want %q", got, want)
	}
	b.Reset()
	p, _ = testProgress(&b, 80, true)
	p.draw("a long line")
	p.draw("short")
	p.draw("")
	if got, want := b.String(), "\ra long line\rshort      \r     \r"; got != want {
		t.Errorf("dumb terminal: got %q, want %q", got, want)
	}
}
