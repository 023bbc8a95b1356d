package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode"

	"golang.org/x/term"
	"golang.org/x/text/width"

	"github.com/catalog-dev/catalog/internal/importer"
)

// Progress report timing: nothing for an import that ends within
// progressDelay; then a redraw every progressTick.
const (
	progressDelay = time.Second
	progressTick  = 250 * time.Millisecond
	// defaultColumns is the width assumed when the terminal does not say.
	defaultColumns = 80
)

// progress draws a one-line progress report on a terminal's stderr while
// an import runs longer than a second: the file (n of m), its records,
// rate and share read, the total across files with the time left, and
// then the steps of indexing. The line fits the terminal's width (read at
// every redraw, so a resized window is followed): a line that wraps
// cannot be redrawn in place, and every redraw would add a line. It draws
// nothing when stderr is not a terminal or with --quiet.
type progress struct {
	w       io.Writer
	columns func() int // the terminal's width; 0 when unknown
	// dumb: a terminal without cursor control (TERM=dumb): the line is
	// cleared with spaces instead of ESC [K.
	dumb bool

	records atomic.Int64 // of the current file
	total   atomic.Int64 // of every file so far
	steps   atomic.Int64 // indexing: done<<32 | total

	mu        sync.Mutex
	label     string
	size      int64 // of the current file; 0 when unknown
	read      func() int64
	fileNo    int   // 1-based, of files
	files     int   // how many
	doneBytes int64 // size of the files before the current one
	allBytes  int64 // size of every file; 0 when one is unknown
	indexing  bool
	start     time.Time // of the import
	fileStart time.Time // of the current file or phase

	drawn int // display width of the line on screen, for dumb terminals
	stop  chan struct{}
	done  chan struct{}
	once  sync.Once
}

// startProgress returns nil (a no-op progress) unless it should draw.
// inputs are the files the import will read, in order.
func startProgress(e *env, quiet bool, inputs []*importer.Input) *progress {
	if quiet || !e.stderrTTY {
		return nil
	}
	p := newProgress(e.stderr, terminalColumns(e.stderr), e.getenv("TERM") == "dumb", inputs)
	go p.loop()
	return p
}

func newProgress(w io.Writer, columns func() int, dumb bool, inputs []*importer.Input) *progress {
	now := time.Now()
	p := &progress{w: w, columns: columns, dumb: dumb, start: now, fileStart: now, files: len(inputs),
		stop: make(chan struct{}), done: make(chan struct{})}
	for _, in := range inputs {
		if in.Size <= 0 {
			p.allBytes = -1
		} else if p.allBytes >= 0 {
			p.allBytes += in.Size
		}
	}
	p.allBytes = max(p.allBytes, 0)
	return p
}

// terminalColumns reads the width of the terminal w is.
func terminalColumns(w io.Writer) func() int {
	f, ok := w.(*os.File)
	return func() int {
		if !ok {
			return 0
		}
		cols, _, err := term.GetSize(int(f.Fd()))
		if err != nil {
			return 0
		}
		return cols
	}
}

// file switches the report to the next input file.
func (p *progress) file(name string, size int64, read func() int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.fileNo > 0 {
		p.doneBytes += p.size
	}
	p.fileNo++
	p.label, p.size, p.read, p.fileStart = name, size, read, time.Now()
	p.mu.Unlock()
	p.records.Store(0)
}

// phase shows a step after the files, such as building the index, and
// returns the function that reports its progress (done of total steps),
// for store.Import.Progress; nil on a nil progress.
func (p *progress) phase(label string) func(done, total int) {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	p.label, p.indexing, p.fileStart = label, true, time.Now()
	p.mu.Unlock()
	return func(done, total int) { p.steps.Store(int64(done)<<32 | int64(total)) }
}

// record counts one record written.
func (p *progress) record() {
	if p != nil {
		p.records.Add(1)
		p.total.Add(1)
	}
}

// end erases the line; the summary follows it.
func (p *progress) end() {
	if p == nil {
		return
	}
	p.once.Do(func() {
		close(p.stop)
		<-p.done
	})
}

func (p *progress) loop() {
	defer close(p.done)
	first := time.NewTimer(progressDelay)
	defer first.Stop()
	select {
	case <-p.stop:
		return
	case <-first.C:
	}
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		p.draw(p.line(time.Now()))
		select {
		case <-p.stop:
			p.draw("")
			return
		case <-tick.C:
		}
	}
}

// draw replaces the line on screen with s (which fits the width).
func (p *progress) draw(s string) {
	if !p.dumb {
		fmt.Fprintf(p.w, "\r\x1b[K%s", s)
		if s == "" {
			fmt.Fprint(p.w, "\r")
		}
		return
	}
	n := displayWidth(s)
	pad := strings.Repeat(" ", max(p.drawn-n, 0))
	fmt.Fprintf(p.w, "\r%s%s", s, pad)
	if s == "" {
		fmt.Fprint(p.w, "\r")
	}
	p.drawn = n
}

// line is the report at now, fitted to the terminal's width.
func (p *progress) line(now time.Time) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	cols := p.columns()
	if cols <= 0 {
		cols = defaultColumns
	}
	// One column short of the edge: some terminals wrap as soon as the
	// last column is written.
	return fit(p.parts(now), cols-1)
}

// part is a piece of the report; fit drops the least important first.
type part struct {
	text      string
	important int  // higher stays longer
	group     bool // starts the second group (the whole import's)
}

// report is what the line says: a name (shortened as needed) and parts.
type report struct {
	name  string
	parts []part
}

func (p *progress) parts(now time.Time) report {
	elapsed := now.Sub(p.fileStart)
	if p.indexing {
		r := report{name: p.label}
		if s := p.steps.Load(); s != 0 {
			done, total := s>>32, s&(1<<32-1)
			r.parts = append(r.parts, part{text: fmt.Sprintf("step %d of %d", done, total), important: 9})
		}
		r.parts = append(r.parts, part{text: elapsed.Round(time.Second).String(), important: 8})
		return r
	}
	n := p.records.Load()
	r := report{name: p.label}
	if p.files > 1 {
		r.name += fmt.Sprintf(" (%d/%d)", p.fileNo, p.files)
	}
	r.parts = append(r.parts, part{text: records(n), important: 10})
	if secs := elapsed.Seconds(); secs >= 1 {
		r.parts = append(r.parts, part{text: count(int64(float64(n)/secs)) + "/s", important: 2})
	}
	var read int64
	if p.read != nil {
		read = p.read()
	}
	doneBytes := p.doneBytes + read
	switch {
	case p.files > 1:
		// The whole import, in one part: without the file's numbers
		// beside it, a bare percentage would read as the file's.
		all := "all: " + records(p.total.Load())
		if p.allBytes > 0 {
			all += ", " + percent(doneBytes, p.allBytes)
		}
		if p.size > 0 {
			r.parts = append(r.parts, part{text: percent(read, p.size), important: 5})
		}
		r.parts = append(r.parts, part{text: all, important: 9, group: true})
	case p.size > 0:
		r.parts = append(r.parts, part{text: percent(read, p.size), important: 9})
	}
	if p.allBytes > 0 {
		frac := float64(doneBytes) / float64(p.allBytes)
		if frac > 0.01 && frac < 1 {
			all := now.Sub(p.start)
			eta := time.Duration(float64(all) * (1 - frac) / frac)
			r.parts = append(r.parts, part{text: eta.Round(time.Second).String() + " left", important: 8})
		}
	}
	return r
}

// minName is how short fit makes the name before it drops the parts
// that are left.
const minName = 12

// fit writes r in at most cols columns: every part if they fit; else
// without the least important ones and with the name shortened in the
// middle (to no less than minName columns); at worst cut.
func fit(r report, cols int) string {
	name := printable(r.name)
	parts := r.parts
	// drop removes the least important part below the importance of
	// below, if any.
	drop := func(below int) bool {
		least := -1
		for i, pt := range parts {
			if pt.important < below && (least < 0 || pt.important < parts[least].important) {
				least = i
			}
		}
		if least < 0 {
			return false
		}
		parts = append(parts[:least:least], parts[least+1:]...)
		return true
	}
	for {
		s := join(name, parts)
		if displayWidth(s) <= cols {
			return s
		}
		if drop(shortenNameFirst) {
			continue
		}
		// The name in the room the parts leave, if that is enough.
		if room := cols - displayWidth(join("", parts)); room >= minName {
			return join(shorten(name, room), parts)
		}
		if !drop(1 << 30) {
			return cut(s, cols)
		}
	}
}

// shortenNameFirst: parts less important than this go before the name is
// shortened, the others after.
const shortenNameFirst = 6

// records is "1 record", "12,345 records".
func records(n int64) string {
	if n == 1 {
		return "1 record"
	}
	return count(n) + " records"
}

// join writes the report: name: part, part; part, part.
func join(name string, parts []part) string {
	var b strings.Builder
	b.WriteString(name)
	for i, pt := range parts {
		switch {
		case i == 0:
			b.WriteString(": ")
		case pt.group:
			b.WriteString("; ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(pt.text)
	}
	return b.String()
}

// shorten cuts s to w columns by taking out its middle (a file name's
// start and end say the most).
func shorten(s string, w int) string {
	if displayWidth(s) <= w {
		return s
	}
	rs := []rune(s)
	head, tail := (w-1)/2, w-1-(w-1)/2
	var hb, tb []rune
	for _, r := range rs {
		if displayWidth(string(hb))+runeWidth(r) > head {
			break
		}
		hb = append(hb, r)
	}
	for i := len(rs) - 1; i >= 0; i-- {
		if displayWidth(string(tb))+runeWidth(rs[i]) > tail {
			break
		}
		tb = append([]rune{rs[i]}, tb...)
	}
	return string(hb) + "…" + string(tb)
}

// cut keeps the first cols columns of s.
func cut(s string, cols int) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n+runeWidth(r) > cols {
			break
		}
		n += runeWidth(r)
		b.WriteRune(r)
	}
	return b.String()
}

// printable replaces what would move the cursor (a newline or escape in
// a file name) with '?'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if !unicode.IsPrint(r) && r != ' ' {
			return '?'
		}
		return r
	}, s)
}

// displayWidth is how many columns s takes on a terminal: two for wide
// East Asian characters, none for combining marks.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		n += runeWidth(r)
	}
	return n
}

func runeWidth(r rune) int {
	switch {
	case unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// percent is part of whole, in whole percent.
func percent(part, whole int64) string {
	return strconv.FormatInt(min(100*part/max(whole, 1), 100), 10) + "%"
}

// count writes n with thousands separated: 12,345.
func count(n int64) string {
	s := strconv.FormatInt(n, 10)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
