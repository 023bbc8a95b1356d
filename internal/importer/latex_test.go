package importer

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct{ in, want string }{
		// plain text and white space
		{"", ""},
		{"plain", "plain"},
		{"  a \t b\n\nc  ", "a b c"},
		{"already clean text", "already clean text"},
		{"a\u00a0b", "a b"},
		{"x\x00y", "x y"},

		// accents, every spelling
		{`{\"u}`, "ü"},
		{`\"{u}`, "ü"},
		{`\"u`, "ü"},
		{`M{\"u}ller`, "Müller"},
		{`M\"uller`, "Müller"},
		{`M\"{u}ller`, "Müller"},
		{`\" u`, "ü"},
		{`{\v{Z}}ukovsk\'y`, "Žukovský"},
		{`\v Z`, "Ž"},
		{`\c{c}`, "ç"},
		{`Fran\c cois`, "François"},
		{`Fran\c{c}ois`, "François"},
		{`\'e`, "é"},
		{`\'{e}`, "é"},
		{`{\'e}`, "é"},
		{`\'{\i}`, "í"},
		{`\'\i`, "í"},
		{`{\'\i}`, "í"},
		{`\"{\i}`, "ï"},
		{`\v{\j}`, "ǰ"},
		{`\~n`, "ñ"},
		{`Espa\~{n}a`, "España"},
		{`\^o`, "ô"},
		{`\=a`, "ā"},
		{`\.z`, "ż"},
		{`\.{Z}`, "Ż"},
		{`\u{g}`, "ğ"},
		{`\H{o}`, "ő"},
		{`Erd\H{o}s`, "Erdős"},
		{`\k{a}`, "ą"},
		{`\r{a}`, "å"},
		{`\r a`, "å"},
		{`\d{s}`, "ṣ"},
		{`\b{o}`, "o̱"},
		{`\b{}`, ""},
		{`a\b{}b`, "ab"},
		{"\\`a", "à"},
		{"\\`{A}", "À"},
		{`\t{oo}`, "o͡o"},
		{`\"{\"u}`, "ü̈"},
		{`Ra\'{u}l Su\'arez`, "Raúl Suárez"},
		{`Ha\v{s}ek`, "Hašek"},
		{`{\u{G}}\"{o}k`, "Ğök"},
		{`\'`, ""},
		{`x\'`, "x"},
		{`\~{}`, "~"},
		{`\^{}`, "^"},
		{`\'{}`, ""},
		{`{\'}e`, "e"},
		{`\'$x$`, "x"},

		// special letters
		{`{\o}`, "ø"},
		{`Bj{\o}rn`, "Bjørn"},
		{`Bj\o rn`, "Bjørn"},
		{`\O`, "Ø"},
		{`{\O}ystein`, "Øystein"},
		{`Stra\ss e`, "Straße"},
		{`Stra{\ss}e`, "Straße"},
		{`\i`, "ı"},
		{`\j`, "ȷ"},
		{`\ae`, "æ"},
		{`\AE`, "Æ"},
		{`{\oe}uvre`, "œuvre"},
		{`\OE`, "Œ"},
		{`\aa`, "å"},
		{`\AA{}ngstr\"om`, "Ångström"},
		{`{\AA}ngstr{\"o}m`, "Ångström"},
		{`\l`, "ł"},
		{`{\L}{\'o}d{\'z}`, "Łódź"},
		{`Wroc{\l}aw`, "Wrocław"},
		{`\dh`, "ð"},
		{`\DH`, "Ð"},
		{`\th`, "þ"},
		{`\TH`, "Þ"},
		{`\dj`, "đ"},
		{`\ng`, "ŋ"},
		{`\d{h}`, "ḥ"},

		// dashes, ties, escapes
		{`1--10`, "1–10"},
		{`a---b`, "a—b"},
		{`a - b`, "a - b"},
		{`----`, "—-"},
		{`Donald~E. Knuth`, "Donald E. Knuth"},
		{`a~~b`, "a b"},
		{`\&`, "&"},
		{`AT\&T`, "AT&T"},
		{`50\% off`, "50% off"},
		{`\$5`, "$5"},
		{`\#1`, "#1"},
		{`snake\_case`, "snake_case"},
		{`\{x\}`, "{x}"},
		{`line\\break`, "line break"},
		{`a\ b`, "a b"},
		{`10\,000`, "10 000"},
		{`hy\-phen`, "hyphen"},
		{`a\/b`, "ab"},

		// quotes
		{"``quoted''", "“quoted”"},
		{"`single'", "‘single’"},
		{"O'Brien", "O'Brien"},
		{"`it's' fine", "‘it’s' fine"},
		{"don't ``stop''", "don't “stop”"},

		// formatting commands keep their argument
		{`\textit{x}`, "x"},
		{`\textbf{Bold} text`, "Bold text"},
		{`\emph{Drosophila} genes`, "Drosophila genes"},
		{`\texttt{incollection}`, "incollection"},
		{`\textsc{Bert}`, "Bert"},
		{`\mbox{A-B}`, "A-B"},
		{`{\em emphasis} here`, "emphasis here"},
		{`{\bf bold}`, "bold"},
		{`{\it it}{\sc caps}`, "itcaps"},
		{`\textsuperscript{th}`, "th"},
		{`\textit {spaced}`, "spaced"},
		{`\textit{\textbf{nested}}`, "nested"},
		{`\url{http://example.org/~me/a--b_c%20}`, "http://example.org/~me/a--b_c%20"},
		{`see \url{x}`, "see x"},
		{`\href{http://x.org}{the text}`, "the text"},
		{`\href{http://x.org}`, "http://x.org"},
		{`\textcolor{red}{warm}`, "warm"},
		{`\foreignlanguage{german}{Haus}`, "Haus"},
		{`\texorpdfstring{$\alpha$}{alpha}`, "alpha"},
		{`\label{x}Title`, "Title"},
		{`A\cite{key} B`, "A B"},
		{`{\noopsort{a}}Zeta`, "Zeta"},
		{`\LaTeX{} rocks`, "LaTeX rocks"},
		{`\LaTeX\ rocks`, "LaTeX rocks"},
		{`Wait\ldots{} there`, "Wait… there"},
		{`\copyright 2020`, "© 2020"},
		{`\textendash`, "–"},
		{`\textbackslash`, `\`},
		{`H\textbraceleft{}older, 1\textbraceright{}`, "H{older, 1}"},
		{"\\textasciigrave{}x", "`x"},
		// in the ACL Anthology's titles and abstracts
		{`\textquotesingle{}things\textquotesingle{}`, "'things'"},
		{`input\slash{}output`, "input/output"},
		{`\textbraceleft{}C\textbraceright{}hinese`, "{C}hinese"},
		{`\alpha-helix`, "α-helix"},

		// braces
		{`{B}ERT`, "BERT"},
		{`{{BERT}}`, "BERT"},
		{`The {RNA} World`, "The RNA World"},
		{`{}`, ""},
		{`}}a{{`, "a"},

		// unknown commands: with an argument, dropped and the argument
		// kept; first in a group, a switch, dropped; elsewhere a word
		{`\framework`, "framework"},
		{`the \framework is`, "the framework is"},
		{`\framework{} is`, "framework is"},
		{`{\ssf BM2FONT}: a conversion program`, "BM2FONT: a conversion program"},
		{`called {\ouralg} (short`, "called ouralg (short"},
		{`{\log n} and {\ell}`, "log n and ℓ"},
		{`\(O(\log{n})\) and \(O(\log(n))\) and \log\log n`, "(O(log n)) and (O(log(n))) and log log n"},
		{`\llap{x}y`, "xy"},
		{`\llap {x}y`, "xy"},
		{`Cl\'emen\con`, "Clémencon"},
		{`\{\framework`, "{framework"},
		// \char gives its character
		{`O\char13Reilly`, "O'Reilly"},
		{`\char'101\char"42\char 67`, "ABC"},
		{`\char200x`, "x"},
		// commands that take a dimension lose it too
		{`Th\^e\llap{\raise 0.5ex\hbox{\'{}}} Th\` + "`" + `anh`, "Thê Thành"},
		{`a\kern-1pt b`, "ab"},
		{`a\hskip 2em plus 1fil minus 1pt b`, "ab"},
		{`a\kern.5em{}b`, "ab"},
		{`\raise\hbox{x}`, "x"},
		// logos and abbreviations that files define for themselves
		{`The \TUB{} index`, "The TUGboat index"},
		{`\MF\ and \MP`, "Metafont and MetaPost"},
		{`as shown \eg{} here`, "as shown e.g. here"},
		{`\foo{bar}`, "bar"},
		{`\foo {bar} baz`, "bar baz"},
		{`\`, ""},
		{`a\`, "a"},
		{`\@`, ""},
		{`\é`, "é"},

		// math
		{`$69\%$`, "69%"},
		{`$3$`, "3"},
		{`$n$-gram`, "n-gram"},
		{`top-$k$ results`, "top-k results"},
		{`${3}$`, "3"},
		{`$\alpha$-divergence`, `$\alpha$-divergence`},
		{`$x^2$`, "$x^2$"},
		{`H$_2$O`, "H$_2$O"},
		{`$O(n \log n)$ time`, `$O(n \log n)$ time`},
		{`costs \$5 and $3$`, "costs $5 and 3"},
		{`a $ b`, "a $ b"},
		{`$a$ $b`, "a $b"},
		{`$$x$$`, "x"},
		{`$$\sum$$`, `$$\sum$$`},
		{`$$`, "$$"},
		{`$ $`, "$ $"},
		{`$\mathcal{O}(1)$`, `$\mathcal{O}(1)$`},
		{"$a  \n b$", "a b"},
		{`about $4, $8 and $10 per hour`, "about $4, $8 and $10 per hour"},
		{`costs $5 or $x$`, "costs $5 or x"},
		{`$ 3$`, "$ 3$"},
		{`$ \alpha $`, `$ \alpha $`},

		// HTML
		{`<i>Escherichia coli</i> strains`, "Escherichia coli strains"},
		{`CO<sub>2</sub>`, "CO2"},
		{`<jats:p>First.</jats:p><jats:p>Second.</jats:p>`, "First. Second."},
		{`<jats:title>Abstract</jats:title><jats:p>Text</jats:p>`, "Abstract Text"},
		{`x<sup>2</sup>`, "x2"},
		{`<b>bold</b>`, "bold"},
		{`a<br/>b`, "a b"},
		{`a<br />b`, "a b"},
		{`<span class="x">y</span>`, "y"},
		{`<mml:math><mml:mi>x</mml:mi></mml:math>`, "x"},
		{`a < b and c > d`, "a < b and c > d"},
		{`x<y>z`, "x<y>z"},
		{`<unknown>`, "<unknown>"},
		{`<`, "<"},
		{`<i`, "<i"},
		{`AT&amp;T`, "AT&T"},
		{`&lt;tag&gt;`, "<tag>"},
		{`&#8211;`, "–"},
		{`&#x2014;`, "—"},
		{`a&nbsp;b`, "a b"},
		{`R&D`, "R&D"},
		{`&bogus;`, "&bogus;"},
		{`&`, "&"},

		// Unicode input, NFC
		{"e\u0301", "é"},
		{"Müller", "Müller"},
		{"Chairman’s", "Chairman’s"},
		{"bad\xffbyte", "bad\ufffdbyte"},

		// realistic titles
		{`The {{\LaTeX}} Companion`, "The LaTeX Companion"},
		{`{Chairman's} introductory review`, "Chairman's introductory review"},
		{`Angew.~Chem. Int.~Ed.`, "Angew. Chem. Int. Ed."},
		{`Lo{\"i}c and Fran{\c{c}}ois`, "Loïc and François"},
		{`{\'E}mile Zola`, "Émile Zola"},
		{`Charles Louis Xavier Joseph de la Vall{\'e}e Poussin`, "Charles Louis Xavier Joseph de la Vallée Poussin"},
		{`{\textquotedblleft}a{\textquotedblright}`, "“a”"},
		{`Bulgarian {\cyr X}`, "Bulgarian X"},
	}
	for _, tt := range tests {
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestCleanTextDeepNesting checks that nesting does not grow the stack and
// that pathological inputs stay linear.
func TestCleanTextDeepNesting(t *testing.T) {
	const n = 1 << 20
	inputs := []string{
		strings.Repeat("{", n) + "x" + strings.Repeat("}", n),
		strings.Repeat(`\"{`, n) + "u",
		strings.Repeat("$", n),
		strings.Repeat("$$a", n),
		strings.Repeat("$a", n),
		strings.Repeat("$a ", n),
		strings.Repeat(`\url{`, n),
		strings.Repeat(`\href{`, n),
		strings.Repeat("<i ", n),
		strings.Repeat("&#", n),
		strings.Repeat(`\`, n),
		strings.Repeat("`", n) + strings.Repeat("'", n),
		strings.Repeat("-", n),
	}
	for _, in := range inputs {
		for _, clean := range []func(string) string{CleanText, CleanPlainText} {
			start := time.Now()
			out := clean(in)
			if !utf8.ValidString(out) {
				t.Errorf("invalid UTF-8 output for %.20q...", in)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Errorf("cleaning %.20q... took %v", in, d)
			}
		}
	}
}

func BenchmarkCleanText(b *testing.B) {
	in := `The {{\LaTeX}} Companion: M{\"u}ller and Erd\H{o}s on $\alpha$-divergence, pages 1--10 with <i>E. coli</i>`
	b.SetBytes(int64(len(in)))
	for b.Loop() {
		CleanText(in)
	}
}

func TestCollapsed(t *testing.T) {
	for _, s := range []string{"", "a", "a b", " a", "a ", "a  b", "a\tb", "a\nb", "é b", "a\u00a0b", "a\u2003b", "\u0085", "a\xffb", "a \xff", "x y z"} {
		checkCollapsed(t, s)
	}
}

func FuzzCollapsed(f *testing.F) {
	for _, s := range []string{"a b", " a", "a\u00a0b", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(checkCollapsed)
}

// checkCollapsed holds collapsed to what it stands for.
func checkCollapsed(t *testing.T, s string) {
	if got, want := collapsed(s), strings.Join(strings.Fields(s), " ") == s; got != want {
		t.Errorf("collapsed(%q) = %v, want %v", s, got, want)
	}
}
