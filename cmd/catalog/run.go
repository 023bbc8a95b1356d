package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"runtime/debug"
	"strings"
	"sync"

	"golang.org/x/term"

	"github.com/catalog-dev/catalog/internal/store"
)

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130 // 128 + SIGINT, as shells report it
)

// usageError is a mistake in the command line; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// hintError carries a next step to print under the error.
type hintError struct {
	err  error
	hint string
}

func (e *hintError) Error() string { return e.err.Error() }
func (e *hintError) Unwrap() error { return e.err }

// env is what a command may touch of the outside world, so tests can pass
// buffers and a fake environment.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	dbPath         string // from --db or $CATALOG_DB
	// stdoutTTY and stderrTTY: the streams are terminals, as run found
	// them before it wrapped stdout (tests set them).
	stdoutTTY, stderrTTY bool
}

// styled reports whether stdout may carry bold text: a terminal that can
// show it (not TERM=dumb), and no NO_COLOR (https://no-color.org: set to
// anything but empty). Without it, matches are marked in [brackets].
func (e *env) styled() bool {
	return e.stdoutTTY && e.getenv("NO_COLOR") == "" && e.getenv("TERM") != "dumb"
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// writeError is output that could not be written: a full disk, a closed
// pipe or file. Data that did not arrive is a failure (exit 1), never a
// silent success.
type writeError struct {
	name string // "standard output" or the file
	err  error
}

func (e *writeError) Error() string {
	err := e.err
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err // the system's reason, without Go's operation and path
	}
	return fmt.Sprintf("write error: %s: %v", e.name, err)
}

func (e *writeError) Unwrap() error { return e.err }

// checkedWriter keeps the first error of the writes to w and fails every
// write after it: commands print with fmt.Fprintf and tabwriter, whose
// errors nobody reads, and run checks err at the end.
type checkedWriter struct {
	w    io.Writer
	name string
	err  error
}

func (c *checkedWriter) Write(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	if err != nil {
		c.err = &writeError{name: c.name, err: err}
	}
	return n, c.err
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = []command{
	{"import", "Import papers from files (author-profile lists, BibTeX, CSL-JSON, RIS, OpenAlex)", runImport},
	{"query", "Search the catalog, ranked by relevance", runQuery},
	{"show", "Show papers in full, with the sources they came from", runShow},
	{"authors", "List authors by number of papers, or one author's co-authors", runAuthors},
	{"export", "Write papers out as BibTeX, CSL-JSON or CSV", runExport},
	{"stats", "Count what the catalog holds", runStats},
	{"migrate", "Show or change the database schema version", runMigrate},
	{"doctor", "Check the database and its full-text index; --repair rebuilds them", runDoctor},
}

const mainUsage = `catalog keeps a catalog of research papers in one SQLite file.

Usage:
  catalog [--db PATH] <command> [flags] [args]

Commands:
%s
Global flags:
  --db PATH   the catalog database (default $CATALOG_DB, else ./catalog.db)
  -h, --help  show help; "catalog <command> --help" shows a command's help
  --version   print the version and the commit catalog was built from

Examples:
  catalog import ~/Downloads/profile.txt refs.bib
  catalog query attention is all you need
  catalog --db papers.db query --json "graph neural"
  catalog query --author "Chan, Chi-Min" --year 2024
  catalog show 7
  catalog export --format csljson -o refs.json
  sqlite3 catalog.db 'SELECT * FROM paper_list LIMIT 5'
`

func printMainUsage(w io.Writer) {
	var b strings.Builder
	for _, c := range commands {
		fmt.Fprintf(&b, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, mainUsage, b.String())
}

// run is the whole program; main only adds the process around it.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv,
		stdoutTTY: isTerminal(stdout), stderrTTY: isTerminal(stderr)}
	return e.run(ctx, args)
}

// run runs the command line args in e, prints the error if any and
// returns the exit code.
func (e *env) run(ctx context.Context, args []string) int {
	stderr := e.stderr
	out := &checkedWriter{w: e.stdout, name: "standard output"}
	e.stdout = out
	err := dispatch(ctx, e, args)
	if out.err != nil && (err == nil || errors.Is(err, flag.ErrHelp)) {
		err = out.err // printed with Fprintf, whose error nobody read
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	}
	var ue *usageError
	if errors.As(err, &ue) {
		fmt.Fprintf(stderr, "catalog: %s\n", ue.msg)
		fmt.Fprintf(stderr, "catalog: hint: run 'catalog --help' or 'catalog <command> --help'\n")
		return exitUsage
	}
	if ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(stderr, "catalog: %s\n", interruptedMessage(err))
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "catalog: error: %v\n", err)
	var he *hintError
	var nc *store.NoCatalogError
	switch {
	case errors.As(err, &he):
		fmt.Fprintf(stderr, "catalog: hint: %s\n", he.hint)
	case errors.As(err, &nc):
		fmt.Fprintf(stderr, "catalog: hint: import papers into a new catalog with 'catalog --db %s import FILE', or name yours with --db PATH or $CATALOG_DB\n", nc.Path)
	}
	return exitError
}

func dispatch(ctx context.Context, e *env, args []string) error {
	fs := flag.NewFlagSet("catalog", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&e.dbPath, "db", "", "")
	help := fs.Bool("help", false, "")
	fs.BoolVar(help, "h", false, "")
	showVersion := fs.Bool("version", false, "")
	if err := fs.Parse(args); err != nil {
		return usagef("%s", flagMessage(err.Error()))
	}
	if *help {
		printMainUsage(e.stdout)
		return nil
	}
	if *showVersion {
		fmt.Fprintln(e.stdout, version(debug.ReadBuildInfo()))
		return nil
	}
	if fs.NArg() == 0 {
		printMainUsage(e.stderr)
		return usagef("no command given")
	}
	if e.dbPath == "" {
		e.dbPath = e.getenv("CATALOG_DB")
	}
	if e.dbPath == "" {
		e.dbPath = "catalog.db"
	}
	name := fs.Arg(0)
	if name == "help" {
		if fs.NArg() > 1 {
			return dispatch(ctx, e, []string{fs.Arg(1), "--help"})
		}
		printMainUsage(e.stdout)
		return nil
	}
	for _, c := range commands {
		if c.name == name {
			return c.run(ctx, e, fs.Args()[1:])
		}
	}
	return usagef("unknown command %s", quote(name))
}

// newFlags makes a command's flag set with its usage text and the --db
// flag (accepted after the command name too).
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	// The flag package calls Usage for -h and for every flag it cannot
	// parse; the help is data only when asked for, so it goes to stdout
	// then (parseArgs, on flag.ErrHelp) and not at all with an error,
	// whose message on stderr says where to find it.
	fs.Usage = func() {}
	helpTexts.Store(fs, helpText{e.stdout, usage})
	fs.StringVar(&e.dbPath, "db", e.dbPath, "")
	return fs
}

// helpText is a command's usage and where --help writes it.
type helpText struct {
	w    io.Writer
	text string
}

// helpTexts are the flag sets' help texts (newFlags).
var helpTexts sync.Map // *flag.FlagSet -> helpText

// parseArgs parses flags wherever they stand among the arguments
// ("catalog query attention --limit 5"), as users expect; "--" ends flags.
// For -h/--help it prints the command's usage to stdout and returns
// flag.ErrHelp.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				if h, ok := helpTexts.Load(fs); ok {
					fmt.Fprint(h.(helpText).w, h.(helpText).text)
				}
				return nil, err
			}
			return nil, usagef("%s: %s", fs.Name(), flagMessage(err.Error()))
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
		if len(args) > 0 && args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
	}
}

// openStore opens the catalog for a command. When another process holds
// it (an import), the command waits for it as long as it runs, and says so
// once on stderr, naming that process where it can be told.
func openStore(ctx context.Context, e *env, opts store.Options) (*store.Store, error) {
	opts.Waiting = func(holder string) {
		who := "another process"
		if holder != "" {
			who += " (" + holder + ")"
		}
		fmt.Fprintf(e.stderr, "catalog: waiting for %s to finish writing %s; Ctrl-C to stop\n", who, e.dbPath)
	}
	return store.Open(ctx, e.dbPath, opts)
}
