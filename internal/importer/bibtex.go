package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// BibTeXParser reads BibTeX and BibLaTeX files as a stream of records.
//
// It follows BibTeX's own reading rules:
//
//   - text outside entries is ignored; an entry is "@type{" or "@type(" (white
//     space allowed around the type), the type in any case ("@ARTICLE" gives
//     Type "article"); an "@" not followed by that is ignored text;
//   - @string{name = value} defines a macro (names are case-insensitive; jan
//     to dec are predefined as "January" to "December"); a value is a
//     sequence of {braced} or "quoted" strings, bare numbers and macro names
//     joined by "#". An undefined macro expands to the empty string, as
//     BibTeX does after its warning (files often use macros defined in
//     another file, such as biblatex-examples.bib's jomch);
//   - @comment{...} (brace-balanced) and "@comment rest of line" are skipped,
//     and so is @preamble;
//   - field names are case-insensitive; when a field appears twice the first
//     one wins; braces nest to any depth (counted without recursion), and as
//     in BibTeX a backslash does not escape a brace; a "%" where a field
//     name is expected starts a comment to the end of the line (BibTeX
//     would reject it; many files have commented-out fields);
//   - values are returned as the source writes them, after macro expansion
//     and concatenation, without their outer delimiters but with inner
//     braces; runs of white space (newlines included) become one space and
//     the value is trimmed, as BibTeX does. Nothing is cleaned: Normalize
//     applies CleanText later.
//
// Field mapping: title; author → Authors, editor → Editors and translator
// → Translators (SplitNames);
// year, or else BibLaTeX date ("2006", "2006-05", "2006-05-12", ranges
// "2006-05/2007-01": the start counts) → Year and Month; month (a macro, a
// number or a month name) → Month, or the date's month; venue is the first
// non-empty of journal, journaltitle and booktitle; volume; number, or else
// issue → Issue; pages; doi; url; abstract; publisher; address, or else
// BibLaTeX location → Address. Key is the citation key and Type the
// lower-cased entry type.
//
// Robustness: an entry longer than MaxRecordBytes, an unterminated entry,
// invalid UTF-8 or a NUL byte in an entry, a syntax error, or more than
// MaxAuthors authors or editors gives a *ParseError whose Line is the line of
// the entry's "@"; the parser then skips to the next line that starts (after
// blanks) with "@" and Next may be called again. A line starting with
// "@type{" met inside an entry, even inside a braced value, is taken as the
// start of the next entry: the unclosed entry is reported and reading
// resumes there, so one missing brace costs one entry, not the rest of the
// file. The size limit is checked as the read buffer is refilled, so an
// entry may pass it by up to one buffer (64 KiB) before it is reported; a
// key may have at most 1024 bytes. Memory stays bounded whatever the input:
// one entry's bytes, the macros (at most maxMacroBytes) and the crossref
// buffers below.
//
// Crossref: a child entry (crossref = {parent}) inherits from its parent the
// fields it lacks: authors, editors, year, month, volume, issue, publisher,
// address, and as its venue the parent's journal, journaltitle, booktitle
// or, failing those, its title (BibLaTeX's title → booktitle inheritance). Title, pages, DOI, URL
// and abstract are never inherited. Since the parser streams, it keeps:
//
//   - the inheritable fields of every container entry (book, collection,
//     proceedings, reference, periodical and their mv* forms), since
//     BibLaTeX lets those come before their children, and of every entry a
//     pending child is waiting for, at most maxParents entries and
//     maxParentBytes bytes (later parents are then not kept);
//   - children whose parent has not been seen yet (BibTeX wants parents
//     after children): at most maxPending records and maxPendingBytes bytes.
//     They are returned, resolved, just before their parent, or unresolved
//     at the end of the input if the parent never comes. A child that does
//     not fit in that buffer is returned at once, unresolved.
//
// Crossref keys match case-insensitively. Records with a crossref to a
// later parent come out of order (their Line still tells where they stand).
// Only one level is resolved; xdata is not supported.
type BibTeXParser struct {
	rd   io.Reader
	buf  []byte
	r, w int
	base int64 // input offset of buf[0]
	rerr error // error from rd, seen once the buffer is drained
	line int   // line of buf[r]

	// the entry being read
	inEntry    bool
	entryStart int64 // input offset of its "@"
	startLine  int
	entryType  string
	key        string
	tooLong    bool // the entry passed MaxRecordBytes
	abortHere  bool // a new entry starts at buf[r]: no resync needed
	resync     bool // skip to the next line starting with "@"
	val        []byte
	name       [32]byte // lower-cased field name scratch
	fields     [numFields]string
	have       uint32

	macros     map[string]string
	macroBytes int

	// crossref state
	queue        []*Record
	queueBuf     []*Record
	parents      map[string]*bibParent
	parentBytes  int
	crossref     string           // lower-cased crossref of the record just read
	pending      map[string][]int // parent key → indexes in pendingOrder
	pendingOrder []*Record        // children waiting, in input order (nil once resolved)
	pendingKeys  []string         // their parent keys
	npending     int
	pendingBytes int

	done  bool
	fatal error

	// sawEntry: an entry (@string and @comment included) has been read.
	// Until then, the first line of text outside entries that is not a
	// "%" comment is kept: a file with such text and no entry is not
	// BibTeX (a *FormatError at its end).
	sawEntry  bool
	firstLine int
	firstText string
	lead      bibLead
}

// bibLead is where leadingText stands in the text before the first entry.
type bibLead struct {
	started   bool   // the line has had something other than white space
	comment   bool   // the line is a "%" comment
	capturing bool   // reading the first line of text into capture
	capture   []byte // its start
}

// Limits of the parser's own buffers (see BibTeXParser).
const (
	maxMacroBytes   = 16 << 20
	maxParents      = 100_000
	maxParentBytes  = 32 << 20
	maxPending      = 10_000
	maxPendingBytes = 32 << 20
	bibBufSize      = 64 << 10 // read buffer: starts at bibBufMin, grows to this
	bibBufMin       = 4 << 10
)

// NewBibTeXParser returns a parser reading BibTeX or BibLaTeX from r.
func NewBibTeXParser(r io.Reader) *BibTeXParser {
	return &BibTeXParser{
		rd:     r,
		buf:    make([]byte, bibBufMin),
		line:   1,
		macros: map[string]string{},
	}
}

// Fields the parser keeps.
const (
	fTitle = iota
	fAuthor
	fEditor
	fYear
	fDate
	fMonth
	fJournal
	fJournaltitle
	fBooktitle
	fVolume
	fNumber
	fIssue
	fPages
	fDOI
	fURL
	fAbstract
	fCrossref
	fTranslator
	fPublisher
	fAddress
	fLocation
	numFields
)

func bibFieldID(name []byte) int {
	switch string(name) {
	case "title":
		return fTitle
	case "author":
		return fAuthor
	case "editor":
		return fEditor
	case "year":
		return fYear
	case "date":
		return fDate
	case "month":
		return fMonth
	case "journal":
		return fJournal
	case "journaltitle":
		return fJournaltitle
	case "booktitle":
		return fBooktitle
	case "volume":
		return fVolume
	case "number":
		return fNumber
	case "issue":
		return fIssue
	case "pages":
		return fPages
	case "doi":
		return fDOI
	case "url":
		return fURL
	case "abstract":
		return fAbstract
	case "crossref":
		return fCrossref
	case "translator":
		return fTranslator
	case "publisher":
		return fPublisher
	case "address":
		return fAddress
	case "location":
		return fLocation
	}
	return -1
}

var bibMonthNames = [12]string{"January", "February", "March", "April", "May",
	"June", "July", "August", "September", "October", "November", "December"}

// predefined month macros
var bibMonthMacros = map[string]string{
	"jan": bibMonthNames[0], "feb": bibMonthNames[1], "mar": bibMonthNames[2],
	"apr": bibMonthNames[3], "may": bibMonthNames[4], "jun": bibMonthNames[5],
	"jul": bibMonthNames[6], "aug": bibMonthNames[7], "sep": bibMonthNames[8],
	"oct": bibMonthNames[9], "nov": bibMonthNames[10], "dec": bibMonthNames[11],
}

// Byte classes.
var (
	// bibIDChar: characters of entry types, field and macro names (BibTeX: any
	// printable character but white space and "#%'(),={}).
	bibIDChar [256]bool
	// bibValSpecial: bytes the value readers stop at.
	bibValSpecial [256]bool
)

func init() {
	for c := 0x21; c < 256; c++ {
		if c != 0x7f && !strings.ContainsRune("\"#%'(),={}", rune(c)) {
			bibIDChar[c] = true
		}
	}
	for _, c := range []byte("{}\"\n\r\t \x00") {
		bibValSpecial[c] = true
	}
}

var errBibAbort = errors.New("entry aborted") // internal: see abortHere

// Next returns the next record, io.EOF after the last one, or a
// *ParseError for an invalid entry (Next may then be called again).
func (p *BibTeXParser) Next() (*Record, error) {
	for {
		if len(p.queue) > 0 {
			rec := p.queue[0]
			p.queue[0] = nil
			p.queue = p.queue[1:]
			if len(p.queue) == 0 {
				p.queue = p.queueBuf[:0]
			}
			return rec, nil
		}
		if p.fatal != nil {
			return nil, p.fatal
		}
		if p.done {
			p.flushPending()
			if len(p.queue) == 0 {
				return nil, io.EOF
			}
			continue
		}
		rec, err := p.next()
		switch {
		case err == io.EOF:
			p.done = true
		case err != nil:
			var pe *ParseError
			if !errors.As(err, &pe) {
				p.fatal = err
			}
			return nil, err
		case rec != nil:
			p.emit(rec)
		}
	}
}

// fill reads more input when the buffer is drained. It returns false at the
// end of the input, on a read error, or when the current entry has passed
// MaxRecordBytes (tooLong is then set).
func (p *BibTeXParser) fill() bool {
	if p.r < p.w {
		return true
	}
	if p.inEntry && p.base+int64(p.w)-p.entryStart > MaxRecordBytes {
		p.tooLong = true
		return false
	}
	if p.rerr != nil {
		return false
	}
	p.base += int64(p.w)
	if p.w == len(p.buf) && len(p.buf) < bibBufSize {
		// The input keeps coming in full buffers: read bigger chunks.
		p.buf = make([]byte, 2*len(p.buf))
	}
	p.r, p.w = 0, 0
	for range 100 {
		n, err := p.rd.Read(p.buf)
		p.w = n
		if err != nil {
			p.rerr = err
		}
		if n > 0 {
			return true
		}
		if err != nil {
			return false
		}
	}
	p.rerr = io.ErrNoProgress
	return false
}

// peek returns at least n unread bytes when the input has them (fewer at
// the end of the input), moving the unread bytes to the buffer's start.
func (p *BibTeXParser) peek(n int) []byte {
	if p.w-p.r >= n || p.rerr != nil {
		return p.buf[p.r:p.w]
	}
	if p.inEntry && p.base+int64(p.w)-p.entryStart > MaxRecordBytes {
		return p.buf[p.r:p.w] // fill reports it once these bytes are used
	}
	if p.r > 0 {
		copy(p.buf, p.buf[p.r:p.w])
		p.base += int64(p.r)
		p.w -= p.r
		p.r = 0
	}
	for p.w < n && p.rerr == nil {
		m, err := p.rd.Read(p.buf[p.w:])
		p.w += m
		if err != nil {
			p.rerr = err
		}
	}
	return p.buf[p.r:p.w]
}

// readErr is the error to report when the input ended inside an entry for
// a reason other than its end: the entry is too long or reading failed.
func (p *BibTeXParser) readErr() error {
	if p.tooLong {
		return p.fail("%s is longer than %d bytes", p.entryName(), MaxRecordBytes)
	}
	if p.rerr != nil && p.rerr != io.EOF {
		return p.rerr
	}
	return nil
}

func (p *BibTeXParser) fail(format string, args ...any) *ParseError {
	return &ParseError{Line: p.startLine, Msg: fmt.Sprintf(format, args...)}
}

func (p *BibTeXParser) entryName() string {
	if p.key != "" {
		return fmt.Sprintf("entry %q", p.key)
	}
	return "@" + p.entryType + " entry"
}

// bibLooksLikeEntry reports whether b starts with [ \t]*@type[ws]*{ or (.
func bibLooksLikeEntry(b []byte) bool {
	i := 0
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	if i >= len(b) || b[i] != '@' {
		return false
	}
	i++
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	j := i
	for j < len(b) && bibIDChar[b[j]] && j-i < 64 {
		j++
	}
	if j == i {
		return false
	}
	for j < len(b) && (b[j] == ' ' || b[j] == '\t' || b[j] == '\r' || b[j] == '\n') {
		j++
	}
	return j < len(b) && (b[j] == '{' || b[j] == '(')
}

// entryAtLineStart is called inside an entry just after a newline: it
// reports whether the line starts a new entry.
func (p *BibTeXParser) entryAtLineStart() bool {
	b := p.buf[p.r:p.w]
	if len(b) < 256 && p.rerr == nil {
		b = p.peek(256)
	}
	if len(b) == 0 {
		return false
	}
	if b[0] != '@' && b[0] != ' ' && b[0] != '\t' {
		return false
	}
	if bibLooksLikeEntry(b) {
		p.abortHere = true
		return true
	}
	return false
}

// next scans to the next entry and parses it. It returns a nil record for
// @string, @comment and @preamble.
func (p *BibTeXParser) next() (*Record, error) {
	for {
		if p.r >= p.w && !p.fill() {
			if p.rerr != nil && p.rerr != io.EOF {
				return nil, p.rerr
			}
			if p.lead.capturing {
				p.endLead()
			}
			if !p.sawEntry && p.firstLine > 0 {
				return nil, &FormatError{What: notBibTeX, Line: p.firstLine,
					Msg: fmt.Sprintf(`expected entries such as "@article{key, ...}", found %s and no entry after it`, p.firstText)}
			}
			return nil, io.EOF
		}
		buf := p.buf[p.r:p.w]
		if p.resync {
			i := bytes.IndexByte(buf, '\n')
			if i < 0 {
				p.r = p.w
				continue
			}
			p.r += i + 1
			p.line++
			b := p.peek(2)
			for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
				p.r++
				b = p.peek(2)
			}
			if len(b) > 0 && b[0] == '@' {
				p.resync = false
			}
			continue
		}
		i := bytes.IndexByte(buf, '@')
		text := buf
		if i >= 0 {
			text = buf[:i]
		}
		if !p.sawEntry {
			if err := p.leadingText(text, i >= 0); err != nil {
				return nil, err
			}
		}
		if i < 0 {
			p.line += bytes.Count(buf, []byte{'\n'})
			p.r = p.w
			continue
		}
		p.line += bytes.Count(buf[:i], []byte{'\n'})
		p.r += i
		rec, err := p.entry()
		p.inEntry = false
		if err != nil {
			if err == errBibAbort {
				err = p.fail("%s is not closed (the entry at line %d starts inside it)", p.entryName(), p.line)
			}
			var pe *ParseError
			if errors.As(err, &pe) {
				if p.abortHere {
					p.abortHere = false
				} else {
					p.resync = true
				}
			}
			return nil, err
		}
		if rec != nil {
			return rec, nil
		}
	}
}

// leadingText looks at text outside entries, at p.line, before the first
// entry (atEntry: an "@" follows it): a NUL byte is a *FormatError at once
// (no text file has one), and the first line that is neither blank nor a
// "%" comment is kept for the error at the end of a file with no entry.
// The text may come in pieces (as the buffer is refilled); the result does
// not depend on them.
func (p *BibTeXParser) leadingText(text []byte, atEntry bool) error {
	if i := bytes.IndexByte(text, 0); i >= 0 {
		return &FormatError{What: notBibTeX, Line: p.line + bytes.Count(text[:i], []byte{'\n'}), Msg: nulMsg}
	}
	l := &p.lead
	if p.firstLine > 0 && !l.capturing {
		return nil
	}
	n := p.line
	for _, c := range text {
		if l.capturing {
			if c == '\n' {
				p.endLead()
				return nil
			}
			if len(l.capture) < 256 {
				l.capture = append(l.capture, c)
			}
			continue
		}
		switch {
		case c == '\n':
			n++
			l.started, l.comment = false, false
		case l.comment:
		case c == ' ' || c == '\t' || c == '\r' || (!l.started && (c == 0xef || c == 0xbb || c == 0xbf)):
			// white space, or a UTF-8 byte order mark
		case c == '%' && !l.started:
			l.comment = true
		default:
			l.started = true
			p.firstLine, l.capturing = n, true
			l.capture = append(l.capture[:0], c)
		}
	}
	if atEntry && l.capturing {
		p.endLead()
	}
	return nil
}

// strayAt counts an "@" that starts no entry as the first line of leading
// text, when none came before it.
func (p *BibTeXParser) strayAt(text string) {
	if !p.sawEntry && p.firstLine == 0 {
		p.firstLine, p.firstText = p.startLine, excerpt([]byte(text))
	}
}

// endLead ends the first line of leading text.
func (p *BibTeXParser) endLead() {
	p.firstText = excerpt(p.lead.capture)
	p.lead = bibLead{}
}

// skipSpace skips white space; inside an entry it also skips "%" comments
// and stops with errBibAbort when a line starts a new entry.
func (p *BibTeXParser) skipSpace(inEntry bool) error {
	for {
		if p.r >= p.w && !p.fill() {
			return p.readErr()
		}
		switch c := p.buf[p.r]; c {
		case ' ', '\t', '\r':
			p.r++
		case '\n':
			p.r++
			p.line++
			if inEntry && p.entryAtLineStart() {
				return errBibAbort
			}
		case '%':
			if !inEntry {
				return nil
			}
			for {
				if p.r >= p.w && !p.fill() {
					return p.readErr()
				}
				if i := bytes.IndexByte(p.buf[p.r:p.w], '\n'); i >= 0 {
					p.r += i
					break
				}
				p.r = p.w
			}
		default:
			return nil
		}
	}
}

// peekByte returns the next byte, or ok false at the end of the input.
func (p *BibTeXParser) peekByte() (byte, bool) {
	if p.r >= p.w && !p.fill() {
		return 0, false
	}
	return p.buf[p.r], true
}

// readID reads an identifier into dst (lower-cased when lower) and returns
// it; at most max bytes are kept (the rest are read and dropped).
func (p *BibTeXParser) readID(dst []byte, lower bool, max int) []byte {
	for {
		if p.r >= p.w && !p.fill() {
			return dst
		}
		c := p.buf[p.r]
		if !bibIDChar[c] {
			return dst
		}
		if lower && c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if len(dst) < max {
			dst = append(dst, c)
		}
		p.r++
	}
}

func bibDescribe(c byte, ok bool) string {
	switch {
	case !ok:
		return "end of file"
	case c == 0:
		return "a NUL byte"
	case c >= utf8.RuneSelf:
		return fmt.Sprintf("byte 0x%02x", c)
	}
	return fmt.Sprintf("%q", string(c))
}

// entry parses the entry whose "@" is at buf[r].
func (p *BibTeXParser) entry() (*Record, error) {
	p.startLine = p.line
	p.entryStart = p.base + int64(p.r)
	p.inEntry = true
	p.tooLong = false
	p.key = ""
	p.entryType = ""
	p.r++ // "@"
	for {
		c, ok := p.peekByte()
		if !ok || (c != ' ' && c != '\t') {
			break
		}
		p.r++
	}
	var typ [32]byte
	t := p.readID(typ[:0], true, len(typ))
	if len(t) == 0 {
		p.strayAt("@")
		return nil, nil // a stray "@": text outside entries
	}
	p.entryType = string(t)
	if p.entryType == "comment" {
		p.sawEntry = true
		return nil, p.comment()
	}
	// BibTeX allows white space, newlines too, before the opening brace.
	if err := p.skipSpace(false); err != nil {
		return nil, err
	}
	c, ok := p.peekByte()
	if !ok || (c != '{' && c != '(') {
		p.strayAt("@" + p.entryType)
		return nil, nil // "@word" in text: not an entry
	}
	p.sawEntry = true
	closer := byte('}')
	if c == '(' {
		closer = ')'
	}
	p.r++
	switch p.entryType {
	case "string":
		return nil, p.stringEntry(closer)
	case "preamble":
		if err := p.skipSpace(true); err != nil {
			return nil, err
		}
		if err := p.value("@preamble"); err != nil {
			return nil, err
		}
		return nil, p.expectClose(closer, "@preamble")
	}
	return p.regularEntry(closer)
}

// comment skips an @comment: a brace (or parenthesis) group when one follows
// on the same line, otherwise the rest of the line.
func (p *BibTeXParser) comment() error {
	for {
		c, ok := p.peekByte()
		if !ok {
			return p.readErr()
		}
		if c == ' ' || c == '\t' {
			p.r++
			continue
		}
		if c == '{' || c == '(' {
			break
		}
		// The rest-of-line form: skip to the end of the line, however long.
		p.inEntry = false
		for {
			if i := bytes.IndexByte(p.buf[p.r:p.w], '\n'); i >= 0 {
				p.r += i
				return nil
			}
			p.r = p.w
			if !p.fill() {
				return p.readErr()
			}
		}
	}
	open := p.buf[p.r]
	closer := byte('}')
	if open == '(' {
		closer = ')'
	}
	p.r++
	depth := 0
outer:
	for {
		if p.r >= p.w && !p.fill() {
			if err := p.readErr(); err != nil {
				return err
			}
			return p.fail("@comment is not closed at end of file")
		}
		buf := p.buf[p.r:p.w]
		for i, c := range buf {
			switch {
			case c == '\n':
				p.r += i + 1
				p.line++
				if p.entryAtLineStart() {
					return p.fail("@comment is not closed (the entry at line %d starts inside it)", p.line)
				}
				continue outer
			case c == '{':
				depth++
			case c == '}' && depth > 0:
				depth--
			case c == closer && depth == 0:
				p.r += i + 1
				return nil
			}
		}
		p.r = p.w
	}
}

func (p *BibTeXParser) expectClose(closer byte, what string) error {
	if err := p.skipSpace(true); err != nil {
		return err
	}
	c, ok := p.peekByte()
	if ok && c == closer {
		p.r++
		return nil
	}
	if !ok {
		if err := p.readErr(); err != nil {
			return err
		}
	}
	return p.fail("expected %q to close %s (line %d), found %s", string(closer), what, p.line, bibDescribe(c, ok))
}

func (p *BibTeXParser) stringEntry(closer byte) error {
	for {
		if err := p.skipSpace(true); err != nil {
			return err
		}
		c, ok := p.peekByte()
		if ok && c == closer {
			p.r++
			return nil
		}
		if ok && c == ',' {
			p.r++
			continue
		}
		var nb [64]byte
		name := p.readID(nb[:0], true, 1<<10)
		if len(name) == 0 {
			if !ok {
				if err := p.readErr(); err != nil {
					return err
				}
				return p.fail("@string is not closed at end of file")
			}
			return p.fail("expected a macro name in @string (line %d), found %s", p.line, bibDescribe(c, ok))
		}
		macro := string(name)
		if err := p.skipSpace(true); err != nil {
			return err
		}
		if c, ok := p.peekByte(); !ok || c != '=' {
			if !ok {
				if err := p.readErr(); err != nil {
					return err
				}
			}
			return p.fail("expected \"=\" after macro name %q in @string (line %d), found %s", macro, p.line, bibDescribe(c, ok))
		}
		p.r++
		if err := p.skipSpace(true); err != nil {
			return err
		}
		if err := p.value(macro); err != nil {
			return err
		}
		v := bytes.TrimSpace(p.val)
		if bytes.IndexByte(v, 0) >= 0 || !utf8.Valid(v) {
			return p.fail("invalid UTF-8 or NUL byte in @string %q", macro)
		}
		if _, ok := p.macros[macro]; !ok {
			p.macroBytes += len(macro)
		} else {
			p.macroBytes -= len(p.macros[macro])
		}
		p.macroBytes += len(v)
		if p.macroBytes > maxMacroBytes {
			return p.fail("@string macros take more than %d bytes", maxMacroBytes)
		}
		p.macros[macro] = string(v)
	}
}

// value reads a field value (pieces joined by "#") into p.val. field names
// it in messages.
func (p *BibTeXParser) value(field string) error {
	p.val = p.val[:0]
	for {
		c, ok := p.peekByte()
		if !ok {
			if err := p.readErr(); err != nil {
				return err
			}
			return p.fail("expected a value for field %q in %s (line %d), found end of file", field, p.entryName(), p.line)
		}
		switch {
		case c == '{' || c == '"':
			p.r++
			line := p.line
			if err := p.delimited(c == '"', field, line); err != nil {
				return err
			}
		case c >= '0' && c <= '9':
			p.val = p.readID(p.val, false, MaxRecordBytes)
		case bibIDChar[c]:
			var nb [64]byte
			name := p.readID(nb[:0], true, 1<<10)
			m, ok := p.macros[string(name)]
			if !ok {
				m = bibMonthMacros[string(name)]
			}
			if len(m) > 0 {
				if len(p.val) > 0 && p.val[len(p.val)-1] == ' ' && m[0] == ' ' {
					m = m[1:]
				}
				p.val = append(p.val, m...)
				if len(p.val) > MaxRecordBytes {
					return p.fail("field %q of %s is longer than %d bytes", field, p.entryName(), MaxRecordBytes)
				}
			}
		default:
			return p.fail("expected a value for field %q in %s (line %d), found %s", field, p.entryName(), p.line, bibDescribe(c, ok))
		}
		if err := p.skipSpace(true); err != nil {
			return err
		}
		if c, ok := p.peekByte(); !ok || c != '#' {
			return nil
		}
		p.r++
		if err := p.skipSpace(true); err != nil {
			return err
		}
	}
}

// delimited reads a {braced} (quote false) or "quoted" string whose opening
// delimiter has been read, appending its inside to p.val with white space
// runs collapsed. Braces are counted, not recursed into.
func (p *BibTeXParser) delimited(quote bool, field string, line int) error {
	depth := 0
	val := p.val
	defer func() { p.val = val }()
outer:
	for {
		if p.r >= p.w && !p.fill() {
			if err := p.readErr(); err != nil {
				return err
			}
			if quote {
				return p.fail("unbalanced quotes in %s: the value of field %q (line %d) is not closed at end of file", p.entryName(), field, line)
			}
			return p.fail("unbalanced braces in %s: the value of field %q (line %d) is not closed at end of file", p.entryName(), field, line)
		}
		buf := p.buf[p.r:p.w]
		i := 0
		for ; i < len(buf); i++ {
			c := buf[i]
			if !bibValSpecial[c] {
				val = append(val, c)
				continue
			}
			switch c {
			case ' ', '\t', '\r':
				if n := len(val); n > 0 && val[n-1] != ' ' {
					val = append(val, ' ')
				}
			case '\n':
				if n := len(val); n > 0 && val[n-1] != ' ' {
					val = append(val, ' ')
				}
				p.r += i + 1
				p.line++
				if p.entryAtLineStart() {
					return errBibAbort
				}
				continue outer
			case '{':
				depth++
				val = append(val, c)
			case '}':
				if depth == 0 {
					p.r += i + 1
					if quote {
						return p.fail("unbalanced braces in %s: an extra \"}\" in field %q (line %d)", p.entryName(), field, p.line)
					}
					return nil
				}
				depth--
				val = append(val, c)
			case '"':
				if quote && depth == 0 {
					p.r += i + 1
					return nil
				}
				val = append(val, c)
			case 0:
				p.r += i + 1
				return p.fail("NUL byte in field %q of %s (line %d)", field, p.entryName(), p.line)
			}
		}
		p.r += i
	}
}

// regularEntry parses the key and fields of an entry after its opening
// delimiter and builds its record.
func (p *BibTeXParser) regularEntry(closer byte) (*Record, error) {
	p.have = 0
	clear(p.fields[:])
	if err := p.skipSpace(true); err != nil {
		return nil, err
	}
	// The key: everything up to a comma, white space or the closer.
	p.val = p.val[:0]
	for {
		if p.r >= p.w && !p.fill() {
			break
		}
		c := p.buf[p.r]
		if c == ',' || c == closer || c == '}' || c == '{' || c == '"' || c == '=' || c == '#' ||
			c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 {
			break
		}
		p.val = append(p.val, c)
		p.r++
		if len(p.val) > 1<<10 {
			return nil, p.fail("@%s entry has a key longer than 1024 bytes", p.entryType)
		}
	}
	if !utf8.Valid(p.val) {
		return nil, p.fail("invalid UTF-8 in the key of an @%s entry", p.entryType)
	}
	key := string(p.val)
	p.key = key
	if err := p.skipSpace(true); err != nil {
		return nil, err
	}
	c, ok := p.peekByte()
	var pendingName []byte
	switch {
	case ok && c == ',':
		p.r++
	case ok && c == closer:
	case ok && c == '=' && key != "":
		// "@misc{title = ...}": no key; what we read was a field name.
		pendingName = []byte(strings.ToLower(key))
		key = ""
		p.key = ""
	default:
		if !ok {
			if err := p.readErr(); err != nil {
				return nil, err
			}
			return nil, p.fail("%s is not closed at end of file", p.entryName())
		}
		return nil, p.fail("expected \",\" after the key of %s (line %d), found %s", p.entryName(), p.line, bibDescribe(c, ok))
	}
	badUTF8 := ""
	for {
		var name []byte
		if pendingName != nil {
			name, pendingName = pendingName, nil
		} else {
			if err := p.skipSpace(true); err != nil {
				return nil, err
			}
			c, ok := p.peekByte()
			if !ok {
				if err := p.readErr(); err != nil {
					return nil, err
				}
				return nil, p.fail("%s is not closed: missing %q at end of file", p.entryName(), string(closer))
			}
			if c == closer {
				p.r++
				break
			}
			if c == ',' {
				p.r++
				continue
			}
			name = p.readID(p.name[:0], true, len(p.name))
			if len(name) == 0 {
				return nil, p.fail("expected a field name in %s (line %d), found %s", p.entryName(), p.line, bibDescribe(c, ok))
			}
		}
		id := bibFieldID(name)
		fname := string(name)
		if err := p.skipSpace(true); err != nil {
			return nil, err
		}
		if c, ok := p.peekByte(); !ok || c != '=' {
			if !ok {
				if err := p.readErr(); err != nil {
					return nil, err
				}
			}
			return nil, p.fail("expected \"=\" after field name %q in %s (line %d), found %s", fname, p.entryName(), p.line, bibDescribe(c, ok))
		}
		p.r++
		if err := p.skipSpace(true); err != nil {
			return nil, err
		}
		if err := p.value(fname); err != nil {
			return nil, err
		}
		v := bytes.TrimSpace(p.val)
		if badUTF8 == "" && !utf8.Valid(v) {
			badUTF8 = fname
		}
		if id >= 0 && p.have&(1<<id) == 0 {
			p.have |= 1 << id
			p.fields[id] = string(v)
		}
		// After a value: a comma, or the end of the entry.
		if err := p.skipSpace(true); err != nil {
			return nil, err
		}
		c, ok := p.peekByte()
		if ok && c == ',' {
			p.r++
			continue
		}
		if ok && c == closer {
			p.r++
			break
		}
		if !ok {
			if err := p.readErr(); err != nil {
				return nil, err
			}
			return nil, p.fail("%s is not closed: missing %q at end of file", p.entryName(), string(closer))
		}
		return nil, p.fail("expected \",\" or %q after field %q in %s (line %d), found %s", string(closer), fname, p.entryName(), p.line, bibDescribe(c, ok))
	}
	if badUTF8 != "" {
		return nil, p.fail("invalid UTF-8 in field %q of %s", badUTF8, p.entryName())
	}
	return p.record(key)
}

// record builds the Record of the entry just read.
func (p *BibTeXParser) record(key string) (*Record, error) {
	f := &p.fields
	rec := &Record{
		Line:     p.startLine,
		Key:      key,
		Type:     p.entryType,
		Markup:   MarkupLaTeX,
		Title:    f[fTitle],
		Volume:   f[fVolume],
		Pages:    f[fPages],
		DOI:      f[fDOI],
		URL:      f[fURL],
		Abstract: f[fAbstract],
	}
	rec.Publisher = f[fPublisher]
	rec.Address = f[fAddress]
	if rec.Address == "" {
		rec.Address = f[fLocation]
	}
	for _, id := range [...]int{fJournal, fJournaltitle, fBooktitle} {
		if f[id] != "" {
			rec.Venue = f[id]
			break
		}
	}
	rec.Issue = f[fNumber]
	if rec.Issue == "" {
		rec.Issue = f[fIssue]
	}
	rec.Year = bibYear(f[fYear])
	rec.Month = bibMonth(f[fMonth])
	if dy, dm := bibDate(f[fDate]); dy != 0 {
		if rec.Year == 0 {
			rec.Year = dy
		}
		if rec.Month == 0 && dy == rec.Year {
			rec.Month = dm
		}
	}
	if f[fAuthor] != "" {
		rec.Authors = SplitNames(f[fAuthor])
		if len(rec.Authors) > MaxAuthors {
			return nil, p.fail("%s has more than %d authors", p.entryName(), MaxAuthors)
		}
	}
	if f[fEditor] != "" {
		rec.Editors = SplitNames(f[fEditor])
		if len(rec.Editors) > MaxAuthors {
			return nil, p.fail("%s has more than %d editors", p.entryName(), MaxAuthors)
		}
	}
	if f[fTranslator] != "" {
		rec.Translators = SplitNames(f[fTranslator])
		if len(rec.Translators) > MaxAuthors {
			return nil, p.fail("%s has more than %d translators", p.entryName(), MaxAuthors)
		}
	}
	p.crossref = ""
	if cr := strings.ToLower(f[fCrossref]); cr != "" && cr != strings.ToLower(key) {
		p.crossref = cr
	}
	if bibContainerType(rec.Type) || p.pending[strings.ToLower(key)] != nil {
		p.keepParent(strings.ToLower(key), rec)
	}
	return rec, nil
}

// bibParent is what a crossref child may bibInherit.
type bibParent struct {
	venue              string
	authors, editors   []Person
	year, month        int
	volume, issue      string
	publisher, address string
}

func bibContainerType(t string) bool {
	switch t {
	case "book", "mvbook", "collection", "mvcollection", "proceedings",
		"mvproceedings", "reference", "mvreference", "periodical":
		return true
	}
	return false
}

// keepParent remembers what crossref children of rec may inherit, within
// maxParents and maxParentBytes.
func (p *BibTeXParser) keepParent(key string, rec *Record) {
	if key == "" || len(p.parents) >= maxParents {
		return
	}
	info := &bibParent{
		venue:     rec.Venue,
		authors:   slices.Clone(rec.Authors),
		editors:   slices.Clone(rec.Editors),
		year:      rec.Year,
		month:     rec.Month,
		volume:    rec.Volume,
		issue:     rec.Issue,
		publisher: rec.Publisher,
		address:   rec.Address,
	}
	if info.venue == "" {
		info.venue = rec.Title
	}
	size := len(key) + len(info.venue) + len(info.volume) + len(info.issue) + len(info.publisher) + len(info.address) + 128
	for _, ps := range [][]Person{info.authors, info.editors} {
		for _, q := range ps {
			size += len(q.Family) + len(q.Given) + len(q.Suffix) + 56
		}
	}
	if p.parentBytes+size > maxParentBytes {
		return
	}
	if p.parents == nil {
		p.parents = map[string]*bibParent{}
	}
	if _, ok := p.parents[key]; ok {
		return // the first entry with a key wins, as in BibTeX
	}
	p.parents[key] = info
	p.parentBytes += size
}

func bibInherit(rec *Record, pi *bibParent) {
	if rec.Venue == "" {
		rec.Venue = pi.venue
	}
	if len(rec.Authors) == 0 && len(pi.authors) > 0 {
		rec.Authors = slices.Clone(pi.authors)
	}
	if len(rec.Editors) == 0 && len(pi.editors) > 0 {
		rec.Editors = slices.Clone(pi.editors)
	}
	if rec.Year == 0 {
		rec.Year = pi.year
		if rec.Month == 0 {
			rec.Month = pi.month
		}
	}
	if rec.Volume == "" {
		rec.Volume = pi.volume
	}
	if rec.Issue == "" {
		rec.Issue = pi.issue
	}
	if rec.Publisher == "" {
		rec.Publisher = pi.publisher
	}
	if rec.Address == "" {
		rec.Address = pi.address
	}
}

func bibRecordSize(rec *Record) int {
	n := 200 + len(rec.Key) + len(rec.Type) + len(rec.Title) + len(rec.Venue) +
		len(rec.Volume) + len(rec.Issue) + len(rec.Pages) + len(rec.DOI) +
		len(rec.URL) + len(rec.Abstract) + len(rec.Publisher) + len(rec.Address)
	for _, ps := range [][]Person{rec.Authors, rec.Editors, rec.Translators} {
		for _, q := range ps {
			n += len(q.Family) + len(q.Given) + len(q.Suffix) + 56
		}
	}
	return n
}

// emit queues a parsed record, resolving crossrefs (see BibTeXParser).
func (p *BibTeXParser) emit(rec *Record) {
	if p.queue == nil {
		p.queueBuf = make([]*Record, 0, 16)
		p.queue = p.queueBuf
	}
	// Children waiting for this entry come first, resolved.
	if lk := strings.ToLower(rec.Key); len(p.pending) > 0 && p.pending[lk] != nil {
		pi := p.parents[lk]
		for _, idx := range p.pending[lk] {
			child := p.pendingOrder[idx]
			if pi != nil {
				bibInherit(child, pi)
			}
			p.queue = append(p.queue, child)
			p.pendingOrder[idx] = nil
			p.npending--
			p.pendingBytes -= bibRecordSize(child)
		}
		delete(p.pending, lk)
		p.compactPending()
	}
	if notAWork[rec.Type] {
		// Not imported: it need not wait for its crossref parent either
		// (it once did, and came out at the end as a record with no title).
		p.crossref = ""
		return
	}
	if cr := p.crossref; cr != "" {
		p.crossref = ""
		if pi := p.parents[cr]; pi != nil {
			bibInherit(rec, pi)
		} else if size := bibRecordSize(rec); p.npending < maxPending && p.pendingBytes+size <= maxPendingBytes {
			if p.pending == nil {
				p.pending = map[string][]int{}
			}
			p.pending[cr] = append(p.pending[cr], len(p.pendingOrder))
			p.pendingOrder = append(p.pendingOrder, rec)
			p.pendingKeys = append(p.pendingKeys, cr)
			p.npending++
			p.pendingBytes += size
			return
		}
	}
	p.queue = append(p.queue, rec)
}

// notAWork lists BibLaTeX entry types that group or share data rather than
// describe a work: @set (an entry set) and @xdata (fields for other entries).
// They are read, and can be crossref parents, but are not imported.
var notAWork = map[string]bool{"set": true, "xdata": true}

// compactPending drops resolved slots from pendingOrder once they are the
// majority, keeping its length within twice the number of waiting children.
func (p *BibTeXParser) compactPending() {
	if len(p.pendingOrder) < 64 || len(p.pendingOrder) < 2*p.npending {
		return
	}
	order, keys := p.pendingOrder[:0], p.pendingKeys[:0]
	clear(p.pending)
	for i, rec := range p.pendingOrder {
		if rec == nil {
			continue
		}
		k := p.pendingKeys[i]
		p.pending[k] = append(p.pending[k], len(order))
		order = append(order, rec)
		keys = append(keys, k)
	}
	clear(p.pendingOrder[len(order):])
	p.pendingOrder, p.pendingKeys = order, keys
}

// flushPending queues, in input order, the children whose parent never
// came.
func (p *BibTeXParser) flushPending() {
	for _, rec := range p.pendingOrder {
		if rec != nil {
			p.queue = append(p.queue, rec)
		}
	}
	p.pendingOrder, p.pendingKeys, p.pending = nil, nil, nil
	p.npending = 0
	p.pendingBytes = 0
}

// bibStripBraces returns s without braces, trimmed.
func bibStripBraces(s string) string {
	if strings.IndexAny(s, "{}") < 0 {
		return strings.TrimSpace(s)
	}
	return strings.TrimSpace(strings.NewReplacer("{", "", "}", "").Replace(s))
}

// bibYear returns the first run of 1 to 4 digits in s ("2006", "{2006}",
// "c. 1999", "2006a"), or 0.
func bibYear(s string) int {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			continue
		}
		n, j := 0, i
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			if j-i < 5 {
				n = n*10 + int(s[j]-'0')
			}
			j++
		}
		if j-i > 4 {
			return 0
		}
		return n
	}
	return 0
}

// bibMonth reads a month given as a number (1-12) or an English name or
// abbreviation of at least three letters ("May", "sep.", "September"); the
// first month of a range counts. It returns 0 when it cannot tell.
func bibMonth(s string) int {
	s = bibStripBraces(s)
	if s == "" {
		return 0
	}
	if s[0] >= '0' && s[0] <= '9' {
		n := 0
		for i := 0; i < len(s) && i < 3 && s[i] >= '0' && s[i] <= '9'; i++ {
			n = n*10 + int(s[i]-'0')
		}
		if n >= 1 && n <= 12 {
			return n
		}
		return 0
	}
	j := 0
	for j < len(s) && latexIsLetter(s[j]) {
		j++
	}
	if j < 3 {
		return 0
	}
	w := strings.ToLower(s[:j])
	for i, name := range bibMonthNames {
		name = strings.ToLower(name)
		if strings.HasPrefix(name, w) || (w == "sept" && i == 8) {
			return i + 1
		}
	}
	return 0
}

// bibDate reads an ISO 8601 / EDTF date as BibLaTeX's date field holds
// it: "2006", "2006-05", "2006-05-12", "2006-05-12T10:00", ranges
// "2006/2007" and open ranges "../2006" or "2006/.." (the first known date
// counts). Seasons (21-24) give no month.
func bibDate(s string) (year, month int) {
	s = bibStripBraces(s)
	for part := range strings.SplitSeq(s, "/") {
		part = strings.TrimSpace(part)
		if part == "" || part == ".." {
			continue
		}
		i := 0
		for i < len(part) && part[i] >= '0' && part[i] <= '9' {
			i++
		}
		if i != 4 {
			return 0, 0
		}
		year = bibYear(part[:i])
		if i+3 <= len(part) && part[i] == '-' && bibIsDigit(part[i+1]) && bibIsDigit(part[i+2]) {
			if m := int(part[i+1]-'0')*10 + int(part[i+2]-'0'); m >= 1 && m <= 12 {
				month = m
			}
		}
		return year, month
	}
	return 0, 0
}

func bibIsDigit(b byte) bool { return b >= '0' && b <= '9' }
