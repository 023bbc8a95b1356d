package importer

import (
	"html"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanText turns source text that may hold LaTeX markup (and stray HTML
// tags or entities, as Crossref and JATS abstracts carry) into clean Unicode
// text for display and search: NFC, whitespace collapsed to single spaces,
// trimmed.
//
// What it does, in short:
//
//   - accents in every spelling ({\"u}, \"{u}, \"u, {\v{Z}}, \c{c}, \'{\i},
//     \H{o}, \k{a}, \r{a}, \d{s}, \b{o}, \t{oo} ...) become precomposed
//     letters; special letters (\o \O \ss \i \j \ae \AE \oe \OE \aa \AA \l \L
//     \dh \DH \th \TH \dj \DJ \ng \NG) become their Unicode letter;
//   - -- and --- become – and —, ~ a space, \& \% \$ \# \_ \{ \} the
//     character, \\ a space; two backquotes become “, two apostrophes ”, one
//     backquote ‘, and one apostrophe ’ when it closes a backquote (otherwise
//     it stays an apostrophe);
//   - formatting commands and switches (\textit, \emph, \textbf, \textsc,
//     \mbox, {\em ...}, {\bf ...} ...) are dropped and keep their argument;
//     \url{x} keeps x verbatim; \href{url}{text} keeps text; \label, \cite,
//     \noopsort and friends lose their argument;
//   - text symbols and, outside math, Greek letters and a few operators
//     become their character (\ldots …, \textendash –, \copyright ©,
//     \alpha α, \times ×); \LaTeX and friends become their name;
//   - braces (case protection, grouping) are removed: {B}ERT → BERT;
//   - "%" is a literal percent sign (bibliographic values are not TeX
//     source lines), and "-", "'" and other characters stay as they are;
//   - an unknown command keeps its argument (\foo{x} → x) or, with no
//     argument, just loses its backslash (\framework → framework);
//   - $...$ math whose content is only text, digits, simple punctuation and
//     escaped specials ($3$, $69\%$, $n$-gram) is unwrapped; any other math
//     ($\alpha$-divergence) is kept verbatim, dollars included. A "$" with
//     no closing "$", or whose plain content starts or ends with a space
//     ("costs $4, $8 or $10"), is a dollar sign;
//   - HTML tags that are known inline or block tags, or carry a namespace
//     (<i>, <sub>, <jats:p>, <mml:mi>), are removed (block tags leave a
//     space), and HTML character references (&amp; &#8211;) are decoded.
//
// CleanText never panics, runs in time linear in len(s) and does not recurse,
// whatever the nesting. Invalid UTF-8 bytes become U+FFFD.
func CleanText(s string) string {
	return cleanWith(s, &latexSpecial)
}

// CleanPlainText cleans text from a format that does not carry LaTeX
// (CSL-JSON, RIS, OpenAlex, profile lists): NFC, white space collapsed,
// HTML tags and character references as CleanText treats them, and every
// other character as it is: "Ann~Marie", "C:\new\table", "--" and "'"
// stay as written.
//
// A value that unambiguously holds LaTeX is cleaned by CleanText instead:
// exports converted from BibTeX keep its markup (the ML Anthology's
// CSL-JSON has "B\"{u}nz", "Dynamics \& Control", "$\ell_1$"). See
// plainHasLaTeX for what counts.
func CleanPlainText(s string) string {
	if plainHasLaTeX(s) {
		return cleanWith(s, &latexSpecial)
	}
	return cleanWith(s, &htmlSpecial)
}

// cleanWith runs the cleaner over s with special as the bytes it must look
// at: latexSpecial for LaTeX and HTML, htmlSpecial for HTML alone.
func cleanWith(s string, special *[256]bool) string {
	if latexIsClean(s, special) {
		return s
	}
	c := latexCleaner{src: s, markGroup: -1, special: special}
	c.out = make([]byte, 0, len(s))
	c.run()
	return nfc(c.out)
}

// nfc returns out as a string in NFC.
func nfc(out []byte) string {
	if latexHasNonASCII(out) && norm.NFC.QuickSpan(out) < len(out) {
		return norm.NFC.String(string(out))
	}
	return string(out)
}

// cleanName cleans one part of a name as m's text, writing words in
// capitals only of at least minLetters letters in title case (see
// fixCaps). Words with a letter in a brace group that protects case
// ("{TUG}", "{Bell, II}") are left as written.
func cleanName(s string, m Markup, minLetters int) string {
	special := &latexSpecial
	if m != MarkupLaTeX && !plainHasLaTeX(s) {
		special = &htmlSpecial
	}
	if latexIsClean(s, special) && !hasUpperRun(s) {
		return s // no markup, and no word in capitals
	}
	c := latexCleaner{src: s, markGroup: -1, special: special, track: true}
	c.out = make([]byte, 0, len(s))
	c.run()
	return nfc(fixCaps(c.out, c.protected, minLetters))
}

// hasUpperRun reports whether s has two ASCII capitals in a row, or a
// non-ASCII byte: whether it may hold a word fixCaps rewrites.
func hasUpperRun(s string) bool {
	prev := false
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b >= utf8.RuneSelf {
			return true
		}
		up := b >= 'A' && b <= 'Z'
		if up && prev {
			return true
		}
		prev = up
	}
	return false
}

// latexIsClean reports whether s is already clean: printable ASCII with no
// markup character (of special), single spaces, no leading or trailing
// space.
func latexIsClean(s string, special *[256]bool) bool {
	if s == "" {
		return true
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	prevSpace := false
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x20 || b >= 0x7f || special[b] {
			return false
		}
		if b == ' ' {
			if prevSpace {
				return false
			}
			prevSpace = true
		} else {
			prevSpace = false
		}
	}
	return true
}

func latexHasNonASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// latexSpecial marks the ASCII bytes CleanText must look at.
var latexSpecial = [256]bool{
	'\\': true, '{': true, '}': true, '$': true, '~': true, '-': true,
	'`': true, '\'': true, '<': true, '&': true,
}

// htmlSpecial marks the ASCII bytes CleanPlainText must look at: HTML's.
var htmlSpecial = [256]bool{'<': true, '&': true}

type latexCleaner struct {
	src string
	i   int
	out []byte
	// special marks the bytes run must interpret (latexSpecial or
	// htmlSpecial); the others are text.
	special *[256]bool

	pendingSpace bool
	// marks are combining accents waiting for their base letter.
	marks  [4]rune
	nmarks int
	// markGroup is the brace depth of the group that opened right after an
	// accent command ("\b{" ...), -1 when none: if that group closes before
	// a base letter arrives the accent had an empty argument.
	markGroup int
	depth     int
	// openSingle counts ` quotes not yet closed by a '.
	openSingle int
	// noDollar / noDoubleDollar record that no closing $ (or $$) exists past
	// the current position, keeping math scanning linear.
	noDollar       bool
	noDoubleDollar bool
	// opens and closes hold the positions of matching braces, computed on
	// first use by matchBraces; closes[k] is -1 when opens[k] is unclosed.
	opens, closes []int

	// With track set, protected[k] tells whether out[k] was written inside
	// a brace group that protects case in BibTeX: one opened at depth 0
	// that is not a special character ("{\"U}"), and everything inside it.
	track     bool
	protected []bool
	// specialGroup: the depth-1 group is a special character.
	specialGroup bool
}

// noteOut brings protected in step with out after a write.
func (c *latexCleaner) noteOut() {
	if len(c.protected) > len(c.out) {
		c.protected = c.protected[:len(c.out)]
	}
	p := c.depth > 0 && !c.specialGroup
	for len(c.protected) < len(c.out) {
		c.protected = append(c.protected, p)
	}
}

func (c *latexCleaner) space() { c.pendingSpace = true }

func (c *latexCleaner) flushSpace() {
	if c.pendingSpace {
		if len(c.out) > 0 {
			c.out = append(c.out, ' ')
			if c.track {
				c.noteOut()
			}
		}
		c.pendingSpace = false
	}
}

func (c *latexCleaner) writeByte(b byte) {
	if b <= ' ' || b == 0x7f { // a control symbol such as backslash + form feed
		c.space()
		return
	}
	c.flushSpace()
	c.out = append(c.out, b)
	if c.track {
		c.noteOut()
	}
	if c.nmarks > 0 {
		c.applyMarks()
	}
}

func (c *latexCleaner) writeRune(r rune) {
	if r < utf8.RuneSelf {
		if r <= ' ' || r == 0x7f {
			c.space()
			return
		}
		c.writeByte(byte(r))
		return
	}
	if unicode.IsSpace(r) {
		c.space()
		return
	}
	c.flushSpace()
	c.out = utf8.AppendRune(c.out, r)
	if c.track {
		c.noteOut()
	}
	if c.nmarks > 0 {
		c.applyMarks()
	}
}

func (c *latexCleaner) writeString(s string) {
	for _, r := range s {
		c.writeRune(r)
	}
}

func (c *latexCleaner) applyMarks() {
	k := 0
	// Compose the common case (one accent on a letter) directly, which
	// usually spares the final NFC pass.
	if base, size := utf8.DecodeLastRune(c.out); size > 0 {
		if r, ok := latexComposed()[[2]rune{base, c.marks[0]}]; ok {
			c.out = utf8.AppendRune(c.out[:len(c.out)-size], r)
			k = 1
		}
	}
	for ; k < c.nmarks; k++ {
		c.out = utf8.AppendRune(c.out, c.marks[k])
	}
	if c.track {
		c.noteOut()
	}
	c.nmarks = 0
	c.markGroup = -1
}

// latexComposed maps a letter and a combining accent that TeX can put on it
// to the precomposed letter, when Unicode has one.
var latexComposed = sync.OnceValue(func() map[[2]rune]rune {
	m := map[[2]rune]rune{}
	var marks []rune
	for _, r := range latexSymbolAccents {
		if r != 0 {
			marks = append(marks, r)
		}
	}
	for _, r := range latexWordAccents {
		marks = append(marks, r)
	}
	bases := []rune("ıȷøØæÆåÅ")
	for r := 'A'; r <= 'Z'; r++ {
		bases = append(bases, r, r+'a'-'A')
	}
	for _, b := range bases {
		for _, mk := range marks {
			comp := []rune(norm.NFC.String(string([]rune{b, mk})))
			if len(comp) == 1 {
				m[[2]rune{b, mk}] = comp[0]
			}
		}
	}
	return m
})

func (c *latexCleaner) addMark(m rune) {
	if c.nmarks < len(c.marks) {
		c.marks[c.nmarks] = m
		c.nmarks++
	}
}

// dropMarks forgets pending accents that found no base letter. An empty
// \~{} or \^{} stands for the bare character.
func (c *latexCleaner) dropMarks(emptyGroup bool) {
	if emptyGroup && c.nmarks == 1 {
		m := c.marks[0]
		c.nmarks = 0
		c.markGroup = -1
		switch m {
		case 0x0303:
			c.writeByte('~')
		case 0x0302:
			c.writeByte('^')
		}
		return
	}
	c.nmarks = 0
	c.markGroup = -1
}

func (c *latexCleaner) run() {
	s := c.src
	for c.i < len(s) {
		b := s[c.i]
		if b < utf8.RuneSelf && !c.special[b] {
			c.i++
			switch {
			case b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v':
				if c.nmarks == 0 {
					c.space()
				}
			case b < 0x20 || b == 0x7f:
				c.space()
			default:
				c.writeByte(b)
			}
			continue
		}
		switch b {
		case '\\':
			c.command()
		case '{':
			c.i++
			if c.depth == 0 {
				c.specialGroup = c.i < len(s) && s[c.i] == '\\'
			}
			c.depth++
			if c.nmarks > 0 && c.markGroup < 0 {
				c.markGroup = c.depth
			}
		case '}':
			c.i++
			if c.nmarks > 0 {
				c.dropMarks(c.markGroup == c.depth)
			}
			if c.depth > 0 {
				c.depth--
			}
		case '$':
			c.math()
		case '~':
			c.i++
			c.space()
		case '-':
			n := 0
			for c.i < len(s) && s[c.i] == '-' {
				n++
				c.i++
			}
			for ; n >= 3; n -= 3 {
				c.writeRune('—')
			}
			if n == 2 {
				c.writeRune('–')
			} else if n == 1 {
				c.writeByte('-')
			}
		case '`':
			if c.i+1 < len(s) && s[c.i+1] == '`' {
				c.i += 2
				c.writeRune('“')
			} else {
				c.i++
				c.openSingle++
				c.writeRune('‘')
			}
		case '\'':
			if c.i+1 < len(s) && s[c.i+1] == '\'' {
				c.i += 2
				c.writeRune('”')
			} else {
				c.i++
				if c.openSingle > 0 {
					c.openSingle--
					c.writeRune('’')
				} else {
					c.writeByte('\'')
				}
			}
		case '<':
			c.tag()
		case '&':
			c.entity()
		default:
			r, size := utf8.DecodeRuneInString(s[c.i:])
			c.i += size
			if unicode.IsSpace(r) {
				if c.nmarks == 0 {
					c.space()
				}
				continue
			}
			c.writeRune(r)
		}
	}
}

func latexIsLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// skipSpaces advances past ASCII white space.
func (c *latexCleaner) skipSpaces() {
	for c.i < len(c.src) {
		switch c.src[c.i] {
		case ' ', '\t', '\n', '\r':
			c.i++
		default:
			return
		}
	}
}

// peekBrace reports whether the next non-space byte is '{' and returns its
// index.
func (c *latexCleaner) peekBrace() (int, bool) {
	j := c.i
	for j < len(c.src) && (c.src[j] == ' ' || c.src[j] == '\t' || c.src[j] == '\n' || c.src[j] == '\r') {
		j++
	}
	return j, j < len(c.src) && c.src[j] == '{'
}

// groupEnd returns the index just past the brace group opening at open, or
// -1 when it is not closed. Escaped braces do not count. The matching pairs
// of the whole string are found in one pass the first time they are needed,
// so that many unclosed groups cannot make CleanText quadratic.
func (c *latexCleaner) groupEnd(open int) int {
	if c.opens == nil {
		c.matchBraces()
	}
	k, found := slices.BinarySearch(c.opens, open)
	if !found {
		return -1
	}
	if e := c.closes[k]; e >= 0 {
		return e + 1
	}
	return -1
}

func (c *latexCleaner) matchBraces() {
	s := c.src
	c.opens = make([]int, 0, 8)
	var stack []int
	for j := 0; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '{':
			stack = append(stack, len(c.opens))
			c.opens = append(c.opens, j)
			c.closes = append(c.closes, -1)
		case '}':
			if n := len(stack); n > 0 {
				c.closes[stack[n-1]] = j
				stack = stack[:n-1]
			}
		}
	}
}

// textAccents maps control-symbol accents to combining marks.
var latexSymbolAccents = [256]rune{
	'"': 0x0308, '\'': 0x0301, '`': 0x0300, '^': 0x0302, '~': 0x0303,
	'=': 0x0304, '.': 0x0307,
}

// latexWordAccents maps control-word accents to combining marks.
var latexWordAccents = map[string]rune{
	"v": 0x030C, "c": 0x0327, "u": 0x0306, "H": 0x030B, "k": 0x0328,
	"r": 0x030A, "d": 0x0323, "b": 0x0331, "t": 0x0361, "G": 0x030F,
	"U": 0x030E, "f": 0x0311, "h": 0x0309,
}

// latexSpecialLetters are control words that stand for a letter; TeX skips the
// space after them (Stra\ss e → Straße).
var latexSpecialLetters = map[string]string{
	"o": "ø", "O": "Ø", "ss": "ß", "SS": "SS", "i": "ı", "j": "ȷ",
	"ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å", "AA": "Å",
	"l": "ł", "L": "Ł", "dh": "ð", "DH": "Ð", "th": "þ", "TH": "Þ",
	"dj": "đ", "DJ": "Đ", "ng": "ŋ", "NG": "Ŋ", "ij": "ĳ", "IJ": "Ĳ",
}

// latexSymbolWords are control words that produce text.
var latexSymbolWords = map[string]string{
	"ldots": "…", "dots": "…", "textellipsis": "…",
	"textendash": "–", "textemdash": "—",
	"copyright": "©", "textcopyright": "©", "textregistered": "®",
	"texttrademark": "™", "S": "§", "P": "¶", "pounds": "£",
	"textsterling": "£", "euro": "€", "texteuro": "€", "EUR": "€",
	"textdegree": "°", "textquoteleft": "‘", "textquoteright": "’",
	"textquotedblleft": "“", "textquotedblright": "”", "textquotedbl": "\"",
	"textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^",
	"textbraceleft": "{", "textbraceright": "}", "textasciigrave": "`",
	"textunderscore": "_", "textdollar": "$", "textbar": "|",
	"textquotesingle": "'", "slash": "/", "textslash": "/",
	"textless": "<", "textgreater": ">", "textbullet": "•",
	"textperiodcentered": "·", "dag": "†", "ddag": "‡", "textdagger": "†",
	"textdaggerdbl": "‡", "guillemotleft": "«", "guillemotright": "»",
	"guillemetleft": "«", "guillemetright": "»", "textexclamdown": "¡",
	"textquestiondown": "¿", "textsection": "§", "textparagraph": "¶",
	"textmu": "µ", "textonehalf": "½", "textonequarter": "¼",
	"textthreequarters": "¾", "texttimes": "×", "textdiv": "÷",
	"textpm": "±", "textperthousand": "‰", "textcent": "¢", "textyen": "¥",
	"textcelsius": "℃", "textnumero": "№", "textordfeminine": "ª",
	"textordmasculine": "º", "textasteriskcentered": "*",
	"LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "LaTeXe": "LaTeX2e",
	"XeTeX": "XeTeX", "LuaTeX": "LuaTeX", "BibLaTeX": "BibLaTeX",
	// logos and abbreviations files define for themselves (TUGboat's,
	// papers' \ie): an unknown command would be dropped with its word
	"XeLaTeX": "XeLaTeX", "LuaLaTeX": "LuaLaTeX", "pdfTeX": "pdfTeX",
	"pdfLaTeX": "pdfLaTeX", "eTeX": "e-TeX", "ConTeXt": "ConTeXt",
	"AMS": "AMS", "AmS": "AMS", "AmSTeX": "AMS-TeX", "AMSTeX": "AMS-TeX",
	"AmSLaTeX": "AMS-LaTeX", "MF": "Metafont", "MP": "MetaPost",
	"METAFONT": "METAFONT", "METAPOST": "METAPOST", "MetaPost": "MetaPost",
	"SliTeX": "SliTeX", "LyX": "LyX", "TUB": "TUGboat", "TUG": "TUG",
	"CTAN": "CTAN", "ie": "i.e.", "eg": "e.g.", "etal": "et al.",
	"wrt": "w.r.t.", "cf": "cf.", "vs": "vs.", "etc": "etc.",
	"ell":  "ℓ",
	"quad": " ", "qquad": " ", "space": " ", "enspace": " ", "thinspace": " ",
	"newline": " ", "linebreak": " ", "par": " ", "newblock": " ",
	"break": " ", "hfill": " ", "hfil": " ",
	"times": "×", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥", "geq": "≥",
	"neq": "≠", "ne": "≠", "infty": "∞", "to": "→", "rightarrow": "→",
	"leftarrow": "←", "Rightarrow": "⇒", "approx": "≈", "cdot": "·",
	"alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε",
	"varepsilon": "ε", "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ",
	"iota": "ι", "kappa": "κ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ",
	"pi": "π", "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ",
	"varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "φ", "varphi": "φ",
	"chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
	"Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ",
	"Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}

// latexDropWords are commands and switches that print nothing themselves; a
// following brace group (their argument, if any) is kept.
var latexDropWords = map[string]bool{
	"textit": true, "textbf": true, "emph": true, "texttt": true,
	"textsc": true, "textrm": true, "textsf": true, "textsl": true,
	"textup": true, "textmd": true, "textnormal": true, "mbox": true,
	"hbox": true, "text": true, "textsuperscript": true,
	"textsubscript": true, "uline": true, "underline": true,
	"MakeUppercase": true, "MakeLowercase": true, "MakeTextUppercase": true,
	"MakeTextLowercase": true, "uppercase": true, "lowercase": true,
	"NoCaseChange": true, "ensuremath": true, "mathrm": true, "mathit": true,
	"mathbf": true, "mathsf": true, "mathtt": true, "mathnormal": true,
	"em": true, "it": true, "bf": true, "sc": true, "rm": true, "tt": true,
	"sf": true, "sl": true, "up": true, "md": true, "normalfont": true,
	"itshape": true, "bfseries": true, "scshape": true, "upshape": true,
	"ttfamily": true, "rmfamily": true, "sffamily": true, "slshape": true,
	"mdseries": true, "small": true, "large": true, "Large": true,
	"LARGE": true, "tiny": true, "footnotesize": true, "scriptsize": true,
	"normalsize": true, "huge": true, "Huge": true, "relax": true,
	"protect": true, "noindent": true, "unskip": true, "nobreak": true,
	"ignorespaces": true, "xspace": true, "null": true, "smallskip": true,
	"medskip": true, "bigskip": true, "sloppy": true, "centering": true,
	"noexpand": true, "boldmath": true,
	"unboldmath": true,
}

// latexVerbatimWords keep their argument as it is written (URLs hold ~, %, --).
var latexVerbatimWords = map[string]bool{
	"url": true, "nolinkurl": true, "path": true, "doi": true,
}

// latexArgDropWords lose their first argument.
var latexArgDropWords = map[string]bool{
	"label": true, "index": true, "cite": true, "citep": true, "citet": true,
	"ref": true, "pageref": true, "eqref": true, "noopsort": true,
	"hspace": true, "vspace": true, "color": true, "selectlanguage": true,
	"begin": true, "end": true, "hyphenation": true, "footnote": true,
	"thanks": true, "sortnoop": true, "SortNoop": true, "nocite": true,
	"bibliographystyle": true, "bibliography": true, "pagecolor": true,
	"setlength": true, "addtolength": true,
}

// latexSecondArgWords keep only their second argument (\href{url}{text}).
var latexSecondArgWords = map[string]bool{
	"href": true, "textcolor": true, "foreignlanguage": true,
	"texorpdfstring": true, "colorbox": true,
	"hyperlink": true, "hypertarget": true,
}

// latexOperatorWords are math operators, which print their names, set
// apart from a following letter (\log{n} -> "log n").
var latexOperatorWords = map[string]bool{
	"log": true, "ln": true, "exp": true, "sin": true, "cos": true,
	"tan": true, "max": true, "min": true, "sup": true, "inf": true,
	"lim": true, "arg": true, "det": true, "dim": true, "Pr": true,
	"gcd": true, "deg": true, "argmax": true, "argmin": true,
}

// latexDimenWords take a dimension (\raise 0.5ex, \kern-1pt), dropped with
// them.
var latexDimenWords = map[string]bool{
	"raise": true, "lower": true, "kern": true, "mkern": true, "hskip": true,
	"vskip": true, "mskip": true, "moveleft": true, "moveright": true,
}

// latexCommands merges the tables above into one lookup.
var latexCommands = func() map[string]latexCommand {
	m := map[string]latexCommand{}
	for k := range latexDimenWords {
		m[k] = latexCommand{kind: cmdDimen}
	}
	m["char"] = latexCommand{kind: cmdChar}
	for k := range latexOperatorWords {
		m[k] = latexCommand{kind: cmdOperator, text: k}
	}
	for k, v := range latexSecondArgWords {
		if v {
			m[k] = latexCommand{kind: cmdSecondArg}
		}
	}
	for k, v := range latexArgDropWords {
		if v {
			m[k] = latexCommand{kind: cmdDropArg}
		}
	}
	for k, v := range latexVerbatimWords {
		if v {
			m[k] = latexCommand{kind: cmdVerbatim}
		}
	}
	for k, v := range latexDropWords {
		if v {
			m[k] = latexCommand{kind: cmdDrop}
		}
	}
	for k, v := range latexSymbolWords {
		m[k] = latexCommand{kind: cmdSymbol, text: v}
	}
	for k, v := range latexSpecialLetters {
		m[k] = latexCommand{kind: cmdLetter, text: v}
	}
	for k, v := range latexWordAccents {
		m[k] = latexCommand{kind: cmdAccent, mark: v}
	}
	return m
}()

type latexCommand struct {
	kind int
	text string
	mark rune
}

// Kinds of known control words.
const (
	cmdUnknown = iota
	cmdAccent
	cmdLetter
	cmdSymbol
	cmdDrop
	cmdVerbatim
	cmdDropArg
	cmdSecondArg
	cmdDimen
	cmdChar
	cmdOperator
)

func (c *latexCleaner) command() {
	s := c.src
	c.i++ // backslash
	if c.i >= len(s) {
		return
	}
	b := s[c.i]
	if !latexIsLetter(b) {
		c.i++
		if m := latexSymbolAccents[b]; m != 0 {
			c.addMark(m)
			return
		}
		switch b {
		case '&', '%', '$', '#', '_', '{', '}':
			c.writeByte(b)
		case '\\', ' ', '\t', '\n', '\r', ',', ';', ':', '>':
			c.space()
		case '!', '-', '/', '@', '*':
			// negative thin space, hyphenation hint, italic correction...
		default:
			if b >= utf8.RuneSelf {
				c.i--
				r, size := utf8.DecodeRuneInString(s[c.i:])
				c.i += size
				c.writeRune(r)
			} else {
				c.writeByte(b)
			}
		}
		return
	}
	start := c.i
	for c.i < len(s) && latexIsLetter(s[c.i]) {
		c.i++
	}
	name := s[start:c.i]

	cmd := latexCommands[name]
	switch cmd.kind {
	case cmdAccent:
		c.addMark(cmd.mark)
		return
	case cmdLetter:
		l := cmd.text
		if c.nmarks > 0 && (name == "i" || name == "j") {
			l = name
		}
		c.writeString(l)
		c.skipSpaces()
		return
	case cmdSymbol:
		if cmd.text == " " {
			c.space()
		} else {
			c.writeString(cmd.text)
		}
		// \LaTeX{} : the empty group only ends the command name.
		if strings.HasPrefix(s[c.i:], "{}") {
			c.i += 2
		}
		return
	case cmdDrop:
		c.skipSpaces()
		return
	case cmdVerbatim:
		if j, ok := c.peekBrace(); ok {
			if end := c.groupEnd(j); end > 0 {
				c.verbatim(s[j+1 : end-1])
				c.i = end
				return
			}
		}
		return
	case cmdDropArg:
		if j, ok := c.peekBrace(); ok {
			if end := c.groupEnd(j); end > 0 {
				c.i = end
			}
		}
		return
	case cmdSecondArg:
		if j, ok := c.peekBrace(); ok {
			if end := c.groupEnd(j); end > 0 {
				c.i = end
				if _, ok := c.peekBrace(); !ok {
					// \href{x} with no second argument: keep the first.
					c.verbatim(s[j+1 : end-1])
				}
			}
		}
		return
	case cmdDimen:
		c.skipDimen()
		return
	case cmdChar:
		c.charCode()
		return
	case cmdOperator:
		c.writeString(cmd.text)
		j := c.i
		for j < len(s) && (s[j] == ' ' || s[j] == '{') {
			j++
		}
		if j < len(s) && (latexIsLetter(s[j]) || s[j] == '\\' && j+1 < len(s) && latexIsLetter(s[j+1])) {
			c.space()
		}
		return
	}
	// Unknown command. With an argument in braces ("\llap{x}") it is a
	// macro of the source's own: dropped, its argument kept. First in a
	// group and followed by more of it ("{\ssf BM2FONT}", "{\cyr X}") it
	// is a switch, a font's most likely: dropped with the spaces after it,
	// as TeX skips them. Anywhere else it stands for a word ("the
	// \framework is", "{\ouralg}") or is an accent gone wrong in a
	// conversion ("Clémen\con", "Ze\vcević" in the ML Anthology's names):
	// it loses only its backslash, which keeps such names' letters.
	if j, ok := c.peekBrace(); ok && !strings.HasPrefix(s[j:], "{}") {
		c.i = j
		return
	}
	groupStart := start-2 >= 0 && s[start-2] == '{' && !(start-3 >= 0 && s[start-3] == '\\')
	if groupStart && c.i < len(s) && (s[c.i] == ' ' || s[c.i] == '\t' || s[c.i] == '\n') {
		c.skipSpaces()
		if c.i < len(s) && s[c.i] != '}' {
			return
		}
	}
	c.writeString(name)
	if strings.HasPrefix(s[c.i:], "{}") {
		c.i += 2
	}
}

// charCode writes the character \char gives ("\char13", "\char'15",
// "\char\"41"): the upright quote of TeX's fonts for 13 (O\char13Reilly),
// an ASCII character for 32 to 126; other codes are font-dependent and
// give nothing.
func (c *latexCleaner) charCode() {
	s := c.src
	c.skipSpaces()
	base := 10
	if c.i < len(s) && (s[c.i] == '\'' || s[c.i] == '"') {
		base = 8
		if s[c.i] == '"' {
			base = 16
		}
		c.i++
	}
	n, digits := 0, 0
	for c.i < len(s) && digits < 6 {
		d := strings.IndexByte("0123456789ABCDEF"[:base], s[c.i])
		if d < 0 {
			break
		}
		n = n*base + d
		digits++
		c.i++
	}
	switch {
	case digits == 0:
	case n == 13:
		c.writeByte('\'')
	case n >= 32 && n <= 126:
		c.writeByte(byte(n))
	}
}

// skipDimen skips the dimension a command such as \raise or \hskip takes
// ("0.5ex", "-3pt", "2em plus 1fil minus 1pt"), so that it does not become
// text; anything else is left to be read.
func (c *latexCleaner) skipDimen() {
	for part := 0; ; part++ {
		if part > 0 {
			// glue: "plus" or "minus" and another dimension
			save := c.i
			c.skipSpaces()
			if !strings.HasPrefix(c.src[c.i:], "plus") && !strings.HasPrefix(c.src[c.i:], "minus") {
				// TeX takes one optional space after a unit.
				c.i = save
				if c.i < len(c.src) && c.src[c.i] == ' ' {
					c.i++
				}
				return
			}
			if c.src[c.i] == 'p' {
				c.i += len("plus")
			} else {
				c.i += len("minus")
			}
		}
		c.skipSpaces()
		s := c.src
		j := c.i
		for j < len(s) && (s[j] == '-' || s[j] == '+') {
			j++
		}
		digits := j
		for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == ',') {
			j++
		}
		if j == digits {
			return // no number: a register or a box follows, read as usual
		}
		k := j
		for k < len(s) && s[k] == ' ' {
			k++
		}
		if strings.HasPrefix(s[k:], "true") {
			k += len("true")
		}
		unit := k
		for k < len(s) && latexIsLetter(s[k]) {
			k++
		}
		if !latexDimenUnits[s[unit:k]] {
			c.i = j // a bare number: drop it all the same
			return
		}
		c.i = k
	}
}

// latexDimenUnits are TeX's units of length, and glue's infinite ones.
var latexDimenUnits = map[string]bool{
	"pt": true, "pc": true, "in": true, "bp": true, "cm": true, "mm": true,
	"dd": true, "cc": true, "sp": true, "em": true, "ex": true, "mu": true,
	"px": true, "fil": true, "fill": true, "filll": true,
}

// verbatim writes v as it stands, only collapsing white space.
func (c *latexCleaner) verbatim(v string) {
	for k := 0; k < len(v); {
		r, size := utf8.DecodeRuneInString(v[k:])
		k += size
		c.writeRune(r)
	}
}

// latexMathPlain reports whether math content is only text: letters, digits,
// spaces, simple punctuation, braces and escaped specials.
func latexMathPlain(m string) bool {
	if strings.TrimSpace(m) == "" {
		return false
	}
	for k := 0; k < len(m); k++ {
		b := m[k]
		switch {
		case b >= utf8.RuneSelf:
		case b >= '0' && b <= '9', latexIsLetter(b):
		case b == '\\':
			if k+1 >= len(m) {
				return false
			}
			switch m[k+1] {
			case '%', '&', '$', '#', '_', '{', '}', ' ', ',':
				k++
			default:
				return false
			}
		default:
			if strings.IndexByte(" .,;:!?()[]/+-=<>|*'{}\t\n\r", b) < 0 {
				return false
			}
		}
	}
	return true
}

// latexFindDollar returns the index of the next unescaped "$" (or "$$") at or
// after from, or -1.
func latexFindDollar(s string, from int, double bool) int {
	for j := from; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '$':
			if !double {
				return j
			}
			if j+1 < len(s) && s[j+1] == '$' {
				return j
			}
		}
	}
	return -1
}

func (c *latexCleaner) math() {
	s := c.src
	if c.nmarks > 0 {
		c.dropMarks(false)
	}
	double := c.i+1 < len(s) && s[c.i+1] == '$'
	width := 1
	if double {
		width = 2
	}
	if (double && c.noDoubleDollar) || (!double && c.noDollar) {
		c.i++
		c.writeByte('$')
		return
	}
	start := c.i + width
	end := latexFindDollar(s, start, double)
	if end < 0 {
		if double {
			c.noDoubleDollar = true
		} else {
			c.noDollar = true
		}
		c.i++
		c.writeByte('$')
		return
	}
	m := s[start:end]
	plain := latexMathPlain(m)
	if plain && !double && (m[0] == ' ' || m[len(m)-1] == ' ') {
		// "about $4, $8 and $10": dollars as currency, not math (TeX
		// authors do not pad plain math with spaces).
		c.i++
		c.writeByte('$')
		return
	}
	c.i = end + width
	if plain {
		for k := 0; k < len(m); k++ {
			b := m[k]
			switch b {
			case '{', '}':
			case '\\':
				k++
				if m[k] == ' ' || m[k] == ',' {
					c.space()
				} else {
					c.writeByte(m[k])
				}
			case ' ', '\t', '\n', '\r':
				c.space()
			default:
				if b >= utf8.RuneSelf {
					r, size := utf8.DecodeRuneInString(m[k:])
					k += size - 1
					c.writeRune(r)
				} else {
					c.writeByte(b)
				}
			}
		}
		return
	}
	c.verbatim(s[start-width : c.i])
}

// latexInlineTags are HTML tags removed without a trace; latexBlockTags leave a space.
var latexInlineTags = map[string]bool{
	"i": true, "b": true, "u": true, "em": true, "strong": true, "sub": true,
	"sup": true, "sc": true, "scp": true, "span": true, "tt": true,
	"small": true, "big": true, "a": true, "font": true, "code": true,
	"s": true, "strike": true, "cite": true, "q": true, "abbr": true,
	"ins": true, "del": true, "mark": true, "var": true, "kbd": true,
	"samp": true, "wbr": true, "nobr": true, "italic": true, "bold": true,
	"monospace": true, "underline": true, "inline-formula": true,
	"mi": true, "mo": true, "mn": true, "mrow": true, "msub": true,
	"msup": true, "math": true, "mtext": true, "mstyle": true,
}

var latexBlockTags = map[string]bool{
	"p": true, "br": true, "div": true, "li": true, "ul": true, "ol": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"hr": true, "blockquote": true, "section": true, "sec": true,
	"title": true, "abstract": true, "table": true, "tr": true, "td": true,
	"th": true, "pre": true, "label": true, "list": true, "list-item": true,
	"trans-abstract": true, "disp-formula": true, "caption": true,
}

// tag removes an HTML/XML tag at c.i when it is one we know; otherwise the
// "<" is written as text.
func (c *latexCleaner) tag() {
	s := c.src
	j := c.i + 1
	if j < len(s) && s[j] == '/' {
		j++
	}
	nameStart := j
	if j >= len(s) || !latexIsLetter(s[j]) {
		c.i++
		c.writeByte('<')
		return
	}
	for j < len(s) && (latexIsLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == ':' || s[j] == '-' || s[j] == '_' || s[j] == '.') {
		j++
	}
	name := strings.ToLower(s[nameStart:j])
	end := -1
	switch {
	case j < len(s) && s[j] == '>':
		end = j + 1
	case j+1 < len(s) && s[j] == '/' && s[j+1] == '>':
		end = j + 2
	case j < len(s) && (s[j] == ' ' || s[j] == '\t' || s[j] == '\n' || s[j] == '\r'):
		for k := j; k < len(s) && k < j+512; k++ {
			if s[k] == '<' {
				break
			}
			if s[k] == '>' {
				end = k + 1
				break
			}
		}
	}
	local := name
	if k := strings.LastIndexByte(name, ':'); k >= 0 {
		local = name[k+1:]
	}
	known := latexInlineTags[name] || latexBlockTags[name] || (local != name && local != "")
	if end < 0 || !known {
		c.i++
		c.writeByte('<')
		return
	}
	c.i = end
	if latexBlockTags[local] {
		c.space()
	}
}

// entity decodes an HTML character reference at c.i.
func (c *latexCleaner) entity() {
	s := c.src
	j := c.i + 1
	for j < len(s) && j < c.i+12 && (latexIsLetter(s[j]) || s[j] >= '0' && s[j] <= '9' || s[j] == '#') {
		j++
	}
	if j > c.i+1 && j < len(s) && s[j] == ';' {
		ref := s[c.i : j+1]
		if dec := html.UnescapeString(ref); dec != ref {
			c.i = j + 1
			c.writeString(dec)
			return
		}
	}
	c.i++
	c.writeByte('&')
}
