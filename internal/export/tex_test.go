package export

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

func TestTeX(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "Attention Is All You Need", "Attention Is All You Need"},
		{"unicode stays", "Agić, Željko: Müller’s “quotes” — 東京", "Agić, Željko: Müller’s “quotes” — 東京"},
		{"specials", `50% of R&D #1 costs $5 in snake_case`, `50\% of R\&D \#1 costs \$5 in snake\_case`},
		{"backslash tilde caret", `a\b ~x^2`, `a\textbackslash{}b \textasciitilde{}x\textasciicircum{}2`},
		{"paired braces", "set {a, b}", `set \{a, b\}`},
		{"unpaired braces", "f(x} and {y", `f(x\textbraceright{} and \textbraceleft{}y`},
		{"lone brace in a word", "H{older-continuity", `H\textbraceleft{}older-continuity`},
		{"pairs and a lone one", "{a} {b", `\{a\} \textbraceleft{}b`},
		{"backquote", "`quoted'", "\\textasciigrave{}quoted'"},
		{"ligatures split", "a--b --- c''d", "a-{}-b -{}-{}- c'{}'d"},
		{"html-looking", "if a <b> then", `if a \textless{}b> then`},
		{"kept math", `$\alpha$-divergence and $x_{i}^2$`, `$\alpha$-divergence and $x_{i}^2$`},
		{"math the importer unwraps is escaped", `costs $x$ or y`, `costs \$x\$ or y`},
		{"lone dollar", `US$ 3`, `US\$ 3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TeX(tt.in); got != tt.want {
				t.Errorf("TeX(%q): got %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestTeXTitle(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ChatEval: Towards Better LLM-based Evaluators", "{ChatEval:} Towards Better {LLM-based} Evaluators"},
		{"BERT for GPT-4 and iPhone", "{BERT} for {GPT-4} and {iPhone}"},
		{"A Study of Things", "A Study of Things"},
		{"R&D in NLP_X", `{R\&D} in {NLP\_X}`},
		{"$\\alpha$-NeRF", "$\\alpha$-NeRF"},
	}
	for _, tt := range tests {
		if got := TeXTitle(tt.in); got != tt.want {
			t.Errorf("TeXTitle(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTeXReadsBack: whatever clean text the importer produces, escaping it
// and cleaning it again gives it back. The texts are every string in the
// importer's golden files (real titles, abstracts and names from the ACL
// Anthology, ML Anthology, biblatex-examples, OpenAlex, RIS samples)
// cleaned, plus hard cases.
func TestTeXReadsBack(t *testing.T) {
	texts := []string{
		`a \ b`, `~`, `^`, `{}`, `}{`, `$`, `$$`, `$a$b$`, `--`, `---`, `''`, `'`, `<i>x</i>`,
		`&amp;`, `&`, `%`, `\alpha`, `$\alpha$ and $5`, `x_1`, `{\"u}`, `{{a}}`, `a{b`,
		`$\frac{a}{b}$`, `C++ and C#`, `50–60% “quoted” ‘single’`, `@misc{x,`, `A -- B`,
	}
	files, _ := filepath.Glob("../importer/testdata/*/*.golden.json")
	if len(files) == 0 {
		t.Fatal("no golden files found in ../importer/testdata")
	}
	for _, f := range files {
		texts = append(texts, goldenStrings(t, f)...)
	}
	var clean []string
	for _, raw := range texts {
		clean = append(clean, importer.CleanText(raw))
	}
	// Clean text as the corpora hold it (decoded from \{, \`, or left
	// alone in math the importer could not read): lone braces and
	// backquotes.
	clean = append(clean, "H{older-continuity", "Rates{via Publicly", "cube -1,1}^n", "a ` b", "`x'",
		"$\\textbf{2.60$× and $\\textbf{2.23$×", `$\frac{2\gamma{(1-\gamma)^2}\epsilon$-optimal`,
		`the W{"orterbuch`, `O(1/\log T}$ rate`, "}{", "{{", "a}")
	checked := 0
	for _, clean := range clean {
		checked++
		if got := importer.CleanText(TeX(clean)); got != clean {
			t.Errorf("CleanText(TeX(%q)) = %q (TeX gave %q)", clean, got, TeX(clean))
		}
		if got := importer.CleanText(TeXTitle(clean)); got != clean {
			t.Errorf("CleanText(TeXTitle(%q)) = %q (TeXTitle gave %q)", clean, got, TeXTitle(clean))
		}
	}
	t.Logf("%d texts read back", checked)
}

// goldenStrings returns every string value in a golden file (JSON values,
// one after another).
func goldenStrings(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			out = append(out, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	dec := json.NewDecoder(f)
	for dec.More() {
		var v any
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		walk(v)
	}
	return out
}
