package importer

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
)

// Formats lists the formats catalog reads, by the names --format takes.
var Formats = []string{"profile", "bibtex", "csljson", "ris", "openalex"}

// KnownFormat reports whether name is one of Formats.
func KnownFormat(name string) bool {
	for _, f := range Formats {
		if f == name {
			return true
		}
	}
	return false
}

// Input is one file opened for import: checksummed, decompressed if
// gzipped, its format known and a parser over it.
type Input struct {
	Name   string // as the user gave it; "-" is standard input
	Format string
	// Looks is the format the content looks like (DetectFormat of its
	// first bytes, whatever its name), "" when it looks like none: what a
	// hint may suggest when Format, given by --format, fails to read it.
	Looks  string
	SHA256 string // of the bytes as stored (before gunzip)
	Size   int64  // bytes as stored
	Parser Parser
	dec    *decoder

	owner   func() string
	closers []io.Closer
	read    atomic.Int64 // bytes of the stored file consumed so far
	ctx     context.Context
}

// ctxReader stops a long read when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// BytesRead reports how much of the stored file (compressed, if it is) the
// parser has consumed: progress against Size. Safe to call from any
// goroutine.
func (in *Input) BytesRead() int64 { return in.read.Load() }

// countingReader counts the bytes read through it into n.
type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	c.n.Add(int64(k))
	return k, err
}

// Owner returns the owner named by a profile list, or "".
func (in *Input) Owner() string {
	if in.owner == nil {
		return ""
	}
	return in.owner()
}

// Close releases the file (and removes the spool of standard input).
func (in *Input) Close() error {
	var first error
	for i := len(in.closers) - 1; i >= 0; i-- {
		if err := in.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	in.closers = nil
	return first
}

// OpenInput opens name for import ("-" reads stdin). format may be "" to
// detect it from the file's name and content. The file is read once to
// compute its checksum (standard input is spooled to a temporary file for
// that), so that a re-import is recognised before any record is read.
func OpenInput(name string, stdin io.Reader, format string) (*Input, error) {
	return OpenInputContext(context.Background(), name, stdin, InputOptions{Format: format})
}

// InputOptions say how to read an input; their zero value detects both.
type InputOptions struct {
	// Format is one of Formats, or "" to tell it from the name and
	// content.
	Format string
	// Encoding is the text's encoding (KnownEncoding), or "" to tell it
	// from the content (see newDecoder).
	Encoding string
}

// OpenInputContext is OpenInput with options, that stops reading
// (checksumming the file, spooling standard input) when ctx is done, as on
// Ctrl-C.
func OpenInputContext(ctx context.Context, name string, stdin io.Reader, opt InputOptions) (*Input, error) {
	in := &Input{Name: name}
	if stdin != nil {
		stdin = ctxReader{ctx, stdin}
	}
	in.ctx = ctx
	f, err := in.open(stdin)
	if err != nil {
		in.Close()
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	if err := in.setup(f, opt); err != nil {
		in.Close()
		return nil, fmt.Errorf("import %s: %w", name, err)
	}
	return in, nil
}

// open returns the file positioned at its start, with Size and SHA256 set.
// A regular file is read once for its checksum and then from its start
// again; anything else (standard input, a pipe such as <(zcat refs.gz), a
// FIFO) cannot seek back, and is spooled to a temporary file first.
func (in *Input) open(stdin io.Reader) (*os.File, error) {
	if in.Name == "-" {
		return in.spool(stdin, "standard input")
	}
	st, err := os.Stat(in.Name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	if st.IsDir() {
		return nil, fmt.Errorf("is a directory")
	}
	if !st.Mode().IsRegular() {
		f, err := openWait(in.ctx, in.Name)
		if err != nil {
			return nil, unwrapPathError(err)
		}
		in.closers = append(in.closers, f)
		return in.spool(f, "it")
	}
	f, err := os.Open(in.Name)
	if err != nil {
		return nil, unwrapPathError(err)
	}
	in.closers = append(in.closers, f)
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{in.ctx, f})
	if err != nil {
		return nil, err
	}
	in.Size = n
	in.SHA256 = hex.EncodeToString(h.Sum(nil))
	_, err = f.Seek(0, io.SeekStart)
	return f, err
}

// openWait opens name, which may be a FIFO: opening one waits for a
// writer, for ever if none comes, in a system call that no signal ends.
// It waits in a goroutine, so that ctx (Ctrl-C) ends the wait; a file the
// abandoned open gets later is closed.
func openWait(ctx context.Context, name string) (*os.File, error) {
	type opened struct {
		f   *os.File
		err error
	}
	ch := make(chan opened, 1)
	go func() {
		f, err := os.Open(name)
		ch <- opened{f, err}
	}()
	select {
	case o := <-ch:
		return o.f, o.err
	case <-ctx.Done():
		go func() {
			if o := <-ch; o.f != nil {
				o.f.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// spool copies r, a stream that cannot seek, to an unlinked temporary file
// in $TMPDIR, checksumming it on the way, sets Size and SHA256 and returns
// the file at its start. what names r in errors. The copy runs in a
// goroutine: a read from a pipe that has nothing to give blocks, and
// Ctrl-C must not wait for it.
func (in *Input) spool(r io.Reader, what string) (*os.File, error) {
	tmp, err := os.CreateTemp("", "catalog-spool-*")
	if err != nil {
		return nil, fmt.Errorf("read %s: cannot make a temporary file in %s: %w", what, os.TempDir(), unwrapPathError(err))
	}
	os.Remove(tmp.Name()) // unlinked: gone when closed, whatever happens
	in.closers = append(in.closers, tmp)
	h := sha256.New()
	w := &errWriter{w: tmp}
	type result struct {
		n   int64
		err error
	}
	done := make(chan result, 1)
	go func() {
		n, err := io.Copy(io.MultiWriter(w, h), r)
		done <- result{n, err}
	}()
	var res result
	select {
	case res = <-done:
	case <-in.ctx.Done():
		return nil, in.ctx.Err()
	}
	switch {
	case w.err != nil:
		return nil, fmt.Errorf("read %s: copy it to %s: %w", what, os.TempDir(), unwrapPathError(w.err))
	case res.err != nil:
		return nil, fmt.Errorf("read %s: %w", what, unwrapPathError(res.err))
	}
	in.Size = res.n
	in.SHA256 = hex.EncodeToString(h.Sum(nil))
	_, err = tmp.Seek(0, io.SeekStart)
	return tmp, err
}

// errWriter remembers its writer's error, to tell a full $TMPDIR from a
// failing input.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	n, err := e.w.Write(p)
	if err != nil && e.err == nil {
		e.err = err
	}
	return n, err
}

// unwrapPathError drops the path from an *os.PathError: callers already
// name the file.
func unwrapPathError(err error) error {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err
	}
	return err
}

// Notes returns what there is to tell about the input's encoding since
// the last call (see newDecoder): it was not read as UTF-8, and why.
// Call it from the goroutine that reads the records.
func (in *Input) Notes() []string {
	if in.dec == nil {
		return nil
	}
	return in.dec.Notes()
}

func (in *Input) setup(f *os.File, opt InputOptions) error {
	format := opt.Format
	br := bufio.NewReaderSize(countingReader{f, &in.read}, 256<<10)
	magic, _ := br.Peek(2)
	base := strings.ToLower(filepath.Base(in.Name))
	if len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return fmt.Errorf("gzip: %w", err)
		}
		in.closers = append(in.closers, zr)
		br = bufio.NewReaderSize(gzipErrors{zr}, 256<<10)
		base = strings.TrimSuffix(base, ".gz")
	}
	text, dec, err := newDecoder(br, opt.Encoding)
	if err != nil {
		return err
	}
	in.dec = dec
	br = bufio.NewReaderSize(text, 256<<10)
	head, _ := br.Peek(64 << 10)
	in.Looks = DetectFormat("", head)
	if format == "" {
		format = DetectFormat(base, head)
		if format == "" {
			return fmt.Errorf("cannot tell the format from the name or the content; use --format (one of %s)", strings.Join(Formats, ", "))
		}
	}
	in.Format = format
	switch format {
	case "profile":
		p := NewProfileParser(br)
		in.Parser, in.owner = p, p.Owner
	case "bibtex":
		in.Parser = NewBibTeXParser(br)
	case "csljson":
		in.Parser = NewCSLJSONParser(br)
	case "ris":
		in.Parser = NewRISParser(br)
	case "openalex":
		in.Parser = NewOpenAlexParser(br)
	default:
		return fmt.Errorf("unknown format %q", format)
	}
	if format != "bibtex" {
		in.Parser = SniffMarkup(in.Parser)
	}
	return nil
}

// DetectFormat names the format of a file from its name (without .gz) and
// its first bytes, or returns "". The content decides when it is clear; the
// extension decides otherwise.
func DetectFormat(name string, head []byte) string {
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(head, " \t\r\n")
	switch {
	case len(trimmed) > 0 && (trimmed[0] == '[' || trimmed[0] == '{'):
		// OpenAlex's own fields, not its ids: a CSL-JSON file (catalog's
		// own export among them) may carry OpenAlex ids as item ids.
		if bytes.Contains(head, []byte(`"authorships"`)) || bytes.Contains(head, []byte(`"publication_year"`)) ||
			bytes.Contains(head, []byte(`"abstract_inverted_index"`)) {
			return "openalex"
		}
		return "csljson"
	case looksRIS(trimmed):
		return "ris"
	case looksBibTeX(head):
		return "bibtex"
	case looksProfile(head):
		return "profile"
	}
	ext := filepath.Ext(name)
	switch ext {
	case ".bib", ".bibtex", ".biblatex":
		return "bibtex"
	case ".ris", ".enw":
		return "ris"
	case ".json", ".jsonl", ".ndjson":
		return "csljson"
	case ".txt":
		return "profile"
	}
	return ""
}

// looksRIS: a RIS tag line ("TY  - ") among the first lines (exports may
// start with a record number or a blank line), or a Web of Science header
// ("FN ", "VR ", "PT ").
func looksRIS(b []byte) bool {
	if bytes.HasPrefix(b, []byte("FN ")) || bytes.HasPrefix(b, []byte("VR ")) || bytes.HasPrefix(b, []byte("PT ")) {
		return true
	}
	for i := 0; i < 5 && len(b) > 0; i++ {
		line := b
		if j := bytes.IndexByte(b, '\n'); j >= 0 {
			line, b = b[:j], b[j+1:]
		} else {
			b = nil
		}
		if len(line) >= 5 && risTagByte(line[0]) && risTagByte(line[1]) && string(line[2:5]) == "  -" {
			return true
		}
	}
	return false
}

func risTagByte(c byte) bool { return c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' }

// looksBibTeX: a line starting with @word{ or @word( .
func looksBibTeX(b []byte) bool {
	for len(b) > 0 {
		line := b
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			line, b = b[:i], b[i+1:]
		} else {
			b = nil
		}
		line = bytes.TrimLeft(line, " \t")
		if len(line) < 2 || line[0] != '@' {
			continue
		}
		i := 1
		for i < len(line) && (line[i] >= 'a' && line[i] <= 'z' || line[i] >= 'A' && line[i] <= 'Z') {
			i++
		}
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i > 1 && i < len(line) && (line[i] == '{' || line[i] == '(') {
			return true
		}
	}
	return false
}

// looksProfile: an owner line "Family, Given", then a title, then an
// authors line of "Family, Given" pairs.
func looksProfile(b []byte) bool {
	lines := bytes.SplitN(b, []byte("\n"), 4)
	if len(lines) < 3 {
		return false
	}
	owner := bytes.TrimSpace(lines[0])
	authors := bytes.TrimSpace(lines[2])
	return len(owner) < 200 && bytes.Count(owner, []byte(",")) == 1 &&
		len(authors) > 0 && bytes.Count(authors, []byte(","))%2 == 1
}

// gzipErrors says in words what compress/gzip's errors mean to a user:
// "unexpected EOF" is a file cut short (a download or a copy that did not
// finish), a checksum error a damaged one.
type gzipErrors struct{ r io.Reader }

func (g gzipErrors) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		err = errors.New("the gzip file is cut short: it ends before its data does (an unfinished download or copy?)")
	case errors.Is(err, gzip.ErrChecksum), errors.Is(err, gzip.ErrHeader):
		err = fmt.Errorf("the gzip file is damaged (%v)", err)
	}
	return n, err
}
