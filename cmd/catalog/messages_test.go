package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestQuote(t *testing.T) {
	long := strings.Repeat("attention ", 30)
	tests := []struct{ in, want string }{
		{"multi-agent debate", `"multi-agent debate"`},
		{"Müller", `"Müller"`},
		{"a\x00b\x1b[1mc", `"a\x00b\x1b[1mc"`},
		{"bad \xff\xfe utf-8", `"bad \xff\xfe utf-8"`},
		{`say "hi"`, `"say \"hi\""`},
		{long, `"` + long[:60] + `"… (300 characters)`},
		{strings.Repeat("é", 61), `"` + strings.Repeat("é", 60) + `"… (61 characters)`},
		{strings.Repeat("é", 60), `"` + strings.Repeat("é", 60) + `"`},
	}
	for _, tt := range tests {
		if got := quote(tt.in); got != tt.want {
			t.Errorf("quote(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPlural(t *testing.T) {
	for _, tt := range []struct {
		n    int64
		want string
	}{{0, "0 papers"}, {1, "1 paper"}, {2, "2 papers"}, {-1, "-1 papers"}} {
		if got := plural(tt.n, "paper", "papers"); got != tt.want {
			t.Errorf("plural(%d): got %q, want %q", tt.n, got, tt.want)
		}
	}
}

func TestFlagMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"flag provided but not defined: -bogus", "unknown flag --bogus"},
		{"flag provided but not defined: -x", "unknown flag -x"},
		{"flag needs an argument: -limit", "--limit needs a value"},
		{"flag needs an argument: -o", "-o needs a value"},
		{`invalid value "many" for flag -limit: parse error`, `--limit: "many" is not a whole number`},
		{`invalid value "99999999999999999999" for flag -rank: value out of range`, `--rank: "99999999999999999999" is too large`},
		{`invalid value "b" for flag -author: given more than once`, `--author "b": given more than once`},
		{`invalid boolean value "maybe" for -json: parse error`, `--json takes no value (or true/false), got "maybe"`},
		{"bad flag syntax: ---x", `bad flag syntax: "---x"`},
		{"something else", "something else"},
	}
	for _, tt := range tests {
		if got := flagMessage(tt.in); got != tt.want {
			t.Errorf("flagMessage(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestInterruptedMessage(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{context.Canceled, "interrupted"},
		{fmt.Errorf("import x.bib: %w; nothing was imported", context.Canceled), "import x.bib: interrupted; nothing was imported"},
		{fmt.Errorf("export: %w", context.Canceled), "export: interrupted"},
		{errors.Join(errors.New("query"), context.Canceled), "query\ninterrupted"},
	}
	for _, tt := range tests {
		if got := interruptedMessage(tt.err); got != tt.want {
			t.Errorf("interruptedMessage(%v): got %q, want %q", tt.err, got, tt.want)
		}
	}
}
