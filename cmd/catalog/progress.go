package main

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// progress draws a one-line progress report on a terminal's stderr while
// an import runs longer than a second: records, rate, and for files of
// known size the share read and the time left. It draws nothing when
// stderr is not a terminal or with --quiet.
type progress struct {
	w       io.Writer
	start   time.Time
	records atomic.Int64
	mu      sync.Mutex
	label   string
	size    int64
	read    func() int64
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// startProgress returns nil (a no-op progress) unless it should draw.
func startProgress(e *env, quiet bool) *progress {
	if quiet || !e.stderrTTY {
		return nil
	}
	p := &progress{w: e.stderr, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

// file switches the report to a new input file.
func (p *progress) file(name string, size int64, read func() int64) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.label, p.size, p.read = name, size, read
	p.mu.Unlock()
	p.records.Store(0)
}

// phase shows a step with no count, such as building the index.
func (p *progress) phase(label string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.label, p.size, p.read = label, 0, nil
	p.mu.Unlock()
	p.records.Store(-1)
}

// record counts one record written.
func (p *progress) record() {
	if p != nil {
		p.records.Add(1)
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
	first := time.NewTimer(time.Second)
	defer first.Stop()
	select {
	case <-p.stop:
		return
	case <-first.C:
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	fileStart, lastLabel := time.Now(), ""
	for {
		p.mu.Lock()
		label, size, read := p.label, p.size, p.read
		p.mu.Unlock()
		if label != lastLabel {
			fileStart, lastLabel = time.Now(), label
		}
		fmt.Fprintf(p.w, "\r\x1b[K%s", p.line(label, size, read, time.Since(fileStart)))
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\x1b[K")
			return
		case <-tick.C:
		}
	}
}

func (p *progress) line(label string, size int64, read func() int64, elapsed time.Duration) string {
	n := p.records.Load()
	if n < 0 {
		return fmt.Sprintf("%s… %s", label, elapsed.Round(time.Second))
	}
	s := fmt.Sprintf("%s: %d records", label, n)
	if secs := elapsed.Seconds(); secs > 0 {
		s += fmt.Sprintf(" (%.0f/s)", float64(n)/secs)
	}
	if size > 0 && read != nil {
		done := float64(read()) / float64(size)
		s += fmt.Sprintf(", %.0f%%", 100*done)
		if done > 0.01 && done < 1 {
			eta := time.Duration(float64(elapsed) * (1 - done) / done)
			s += fmt.Sprintf(", %s left", eta.Round(time.Second))
		}
	}
	return s
}
