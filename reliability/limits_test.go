package reliability

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// maxRSS bounds the peak memory of catalog on any input.
const maxRSS = 300 << 20

// TestBoundedResources feeds catalog inputs built to exhaust memory: a huge
// line through a pipe, gzip bombs, 100,000 nested braces, a paper with
// 10,000 authors and one with 10,001. Each must be imported or refused with
// a clear message, within maxRSS of peak memory (the child's rusage) and a
// bounded time. CI uses 200 MB inputs; CATALOG_LONG_TESTS=1 uses 1 GB.
func TestBoundedResources(t *testing.T) {
	if testing.Short() {
		t.Skip("-short")
	}
	t.Parallel() // no timing in it: it runs beside TestBusyWriterBoundedWait's wait
	huge := int64(200 << 20)
	if longTests {
		huge = 1 << 30
	}
	dir := t.TempDir()
	gz := func(name string, parts ...io.Reader) string {
		path := filepath.Join(dir, name)
		f, err := os.Create(path)
		if err != nil {
			t.Fatal(err)
		}
		zw, _ := gzip.NewWriterLevel(f, gzip.BestSpeed)
		for _, p := range parts {
			if _, err := io.Copy(zw, p); err != nil {
				t.Fatal(err)
			}
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	str := strings.NewReader
	nested := 100000
	authors := func(n int) string {
		var b strings.Builder
		for i := range n {
			if i > 0 {
				b.WriteString(", ")
			}
			fmt.Fprintf(&b, "Family%d, Given%d", i, i)
		}
		return b.String()
	}

	tests := []struct {
		name  string
		args  []string
		stdin func() io.Reader
		code  int
		want  string // regexp on stderr
		// rows, when set, is a query and its expected result afterwards.
		rows, wantRows string
	}{
		{
			name:  "one huge line through a pipe",
			args:  []string{"--format", "profile", "-"},
			stdin: func() io.Reader { return repeat('a', huge) },
			code:  1,
			want:  `import -: line 1: line is longer than \d+ bytes`,
		},
		{
			name: "gzip of one huge line",
			args: []string{"--format", "profile", gz("line.txt.gz", repeat('a', huge))},
			code: 1,
			want: `line.txt.gz: line 1: line is longer than \d+ bytes`,
		},
		{
			name: "gzip bomb: a huge BibTeX field",
			args: []string{gz("field.bib.gz", str("@misc{k, title = {"), repeat('x', huge), str("}}\n"))},
			code: 1,
			want: `field.bib.gz: line 1: entry "k" is longer than \d+ bytes`,
		},
		{
			name: "gzip bomb: text outside any entry",
			args: []string{gz("junk.bib.gz", repeatLine("% junk outside any entry", huge))},
			code: 0,
			want: `junk.bib.gz: 0 records`,
		},
		{
			name: "100,000 nested braces",
			args: []string{writeFile(t, filepath.Join(dir, "nested.bib"), []byte(
				"@article{deep,\n  title = {"+strings.Repeat("{", nested)+"Deep"+strings.Repeat("}", nested)+"},\n  author = {Nest, Ed},\n  year = 2020\n}\n"))},
			code:     0,
			want:     `nested.bib: 1 record: 1 paper added`,
			rows:     "SELECT title FROM papers",
			wantRows: "Deep",
		},
		{
			name: "100,000 unclosed braces",
			args: []string{writeFile(t, filepath.Join(dir, "open.bib"), []byte(
				"@article{open,\n  title = {"+strings.Repeat("{", nested)+"Open\n"))},
			code: 1,
			want: `open.bib: line 1: unbalanced braces in entry "open"`,
		},
		{
			name: "10,000 authors",
			args: []string{writeFile(t, filepath.Join(dir, "crowd.txt"), []byte(
				"Owner, The\nA paper with ten thousand authors\n"+authors(10000)+"\nAbstract.\n"))},
			code:     0,
			want:     `crowd.txt: 1 record: 1 paper added, 0 merged, 0 unchanged; 10000 authors added`,
			rows:     "SELECT count(*), max(position) FROM authorship",
			wantRows: "10000|10000",
		},
		{
			name: "10,001 authors",
			args: []string{writeFile(t, filepath.Join(dir, "mob.txt"), []byte(
				"Owner, The\nA paper with too many authors\n"+authors(10001)+"\nAbstract.\n"))},
			code: 1,
			want: `mob.txt: line 3: record has 10001 authors, more than the limit of 10000`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "catalog.db")
			p := command(db, append([]string{"import"}, tt.args...)...)
			p.cmd.Env = append(p.cmd.Env, "TMPDIR="+t.TempDir()) // the stdin spool
			if tt.stdin != nil {
				p.cmd.Stdin = tt.stdin()
			}
			r := p.startT(t).wait(t)
			t.Logf("%v in %v, peak memory %d MB", r, r.wall.Round(time.Millisecond), r.maxRSS>>20)
			if r.code != tt.code || !regexp.MustCompile(tt.want).MatchString(r.stderr) {
				t.Errorf("got %v, want exit %d and stderr matching %q", r, tt.code, tt.want)
			}
			if r.maxRSS > maxRSS {
				t.Errorf("peak memory %d MB, want under %d MB", r.maxRSS>>20, maxRSS>>20)
			}
			if limit := 60 * time.Second; r.wall > limit {
				t.Errorf("took %v, want under %v", r.wall, limit)
			}
			if tt.code != 0 {
				if _, err := os.Stat(db); err == nil && readCounts(t, db) != (counts{}) {
					t.Errorf("a refused import left rows: %+v", readCounts(t, db))
				}
			}
			if tt.rows != "" {
				if got := queryRows(t, db, tt.rows); got != tt.wantRows {
					t.Errorf("%s: got %q, want %q", tt.rows, got, tt.wantRows)
				}
				checkSound(t, db)
			}
		})
	}
}

// repeat is n bytes of c, without a newline.
func repeat(c byte, n int64) io.Reader {
	return io.LimitReader(byteRepeater(c), n)
}

type byteRepeater byte

func (b byteRepeater) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// repeatLine is line and a newline, over and over, n bytes in all.
func repeatLine(line string, n int64) io.Reader {
	block := bytes.Repeat([]byte(line+"\n"), 64<<10/(len(line)+1))
	r, w := io.Pipe()
	go func() {
		bw := bufio.NewWriter(w)
		for written := int64(0); written < n; written += int64(len(block)) {
			if _, err := bw.Write(block); err != nil {
				return
			}
		}
		w.CloseWithError(bw.Flush())
	}()
	return r
}

// queryRows runs a query and returns its rows as the sqlite3 shell prints
// them: columns joined by '|', rows by newlines.
func queryRows(t *testing.T, path, query string) string {
	t.Helper()
	db := openDB(t, path)
	defer db.Close()
	rows, err := db.Query(query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	var lines []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var parts []string
		for _, v := range vals {
			switch v := v.(type) {
			case int64:
				parts = append(parts, strconv.FormatInt(v, 10))
			case []byte:
				parts = append(parts, string(v))
			default:
				parts = append(parts, fmt.Sprint(v))
			}
		}
		lines = append(lines, strings.Join(parts, "|"))
	}
	return strings.Join(lines, "\n")
}
