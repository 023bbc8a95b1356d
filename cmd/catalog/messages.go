package main

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// maxQuoted is how much of a user's text (a query, a name) a message
// repeats: enough to recognise it, and a message stays one line.
const maxQuoted = 60

// quote writes text typed by a user into a message: in double quotes,
// with control characters, invalid UTF-8 and quotes escaped (Go syntax),
// and cut after maxQuoted characters with "…" after the closing quote, so
// that a pasted abstract or binary junk stays a readable line.
func quote(s string) string {
	n, cut := 0, -1
	for i := range s {
		if n == maxQuoted {
			cut = i
			break
		}
		n++
	}
	if cut < 0 {
		return strconv.Quote(s)
	}
	return strconv.Quote(s[:cut]) + "… (" + strconv.Itoa(utf8.RuneCountInString(s)) + " characters)"
}

// plural is "1 paper", "2 papers": n and the noun, singular for one.
func plural(n int64, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.FormatInt(n, 10) + " " + many
}

// interruptedMessage says what Ctrl-C stopped, without Go's "context
// canceled": "import x.bib: interrupted; nothing was imported".
func interruptedMessage(err error) string {
	msg := strings.ReplaceAll(err.Error(), context.Canceled.Error(), "interrupted")
	if !strings.Contains(msg, "interrupted") {
		msg = "interrupted: " + msg
	}
	return msg
}

// flagErrors are the flag package's messages, which write a flag with one
// dash, and what catalog says instead (flagMessage).
var flagErrors = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`^flag provided but not defined: -+(.*)$`), "unknown flag $FLAG"},
	{regexp.MustCompile(`^flag needs an argument: -+(.*)$`), "$FLAG needs a value"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): parse error$`), "$FLAG: $VALUE is not a whole number"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): value out of range$`), "$FLAG: $VALUE is too large"},
	{regexp.MustCompile(`^invalid value (".*") for flag -+([^:]*): (.*)$`), "$FLAG $VALUE: $REASON"},
	{regexp.MustCompile(`^invalid boolean value (".*") for -+([^:]*): .*$`), "$FLAG takes no value (or true/false), got $VALUE"},
	{regexp.MustCompile(`^invalid boolean flag -*([^:]*): .*$`), "$FLAG takes no value (or true/false)"},
	{regexp.MustCompile(`^bad flag syntax: (.*)$`), "bad flag syntax: $VALUE"},
}

// flagMessage rewrites an error of the flag package: flags with two
// dashes (one for a single letter: -o, -q), values quoted as quote does.
func flagMessage(msg string) string {
	for _, f := range flagErrors {
		m := f.re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		var name, value, reason string
		switch len(m) {
		case 2:
			if strings.Contains(f.with, "$FLAG") {
				name = m[1]
			} else {
				value = quote(m[1])
			}
		case 3:
			value, name = unquoted(m[1]), m[2]
		case 4:
			value, name, reason = unquoted(m[1]), m[2], m[3]
		}
		dash := "--"
		if len(name) == 1 {
			dash = "-"
		}
		return strings.NewReplacer("$FLAG", dash+name, "$VALUE", value, "$REASON", reason).Replace(f.with)
	}
	return msg
}

// unquoted is a Go-quoted value from a flag error, quoted as quote does.
func unquoted(q string) string {
	s, err := strconv.Unquote(q)
	if err != nil {
		return q
	}
	return quote(s)
}
