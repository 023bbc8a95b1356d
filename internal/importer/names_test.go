package importer

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
)

func TestParseName(t *testing.T) {
	type P = Person
	tests := []struct {
		in   string
		want Person
	}{
		// Tame the BeaST, section 11 (First von Last).
		{"jean de la fontaine", P{Family: "jean de la fontaine"}},
		{"Jean de la fontaine", P{Given: "Jean", Family: "de la fontaine"}},
		{"Jean {de} la fontaine", P{Given: "Jean {de}", Family: "la fontaine"}},
		{"jean {de} {la} fontaine", P{Family: "jean {de} {la} fontaine"}},
		{"Jean {de} {la} fontaine", P{Given: "Jean {de} {la}", Family: "fontaine"}},
		{"Jean De La Fontaine", P{Given: "Jean De La", Family: "Fontaine"}},
		{"jean De la Fontaine", P{Family: "jean De la Fontaine"}},
		{"Jean de La Fontaine", P{Given: "Jean", Family: "de La Fontaine"}},
		// Tame the BeaST (von Last, First).
		{"jean de la fontaine,", P{Family: "jean de la fontaine"}},
		{"de la fontaine, Jean", P{Given: "Jean", Family: "de la fontaine"}},
		{"De La Fontaine, Jean", P{Given: "Jean", Family: "De La Fontaine"}},
		{"De la Fontaine, Jean", P{Given: "Jean", Family: "De la Fontaine"}},
		{"de La Fontaine, Jean", P{Given: "Jean", Family: "de La Fontaine"}},
		{"de La fontaine, Jean", P{Given: "Jean", Family: "de La fontaine"}},
		// von Last, Jr, First
		{"Ford, Jr., Henry", P{Given: "Henry", Family: "Ford", Suffix: "Jr."}},
		{"de la Fontaine, Jr., Jean", P{Given: "Jean", Family: "de la Fontaine", Suffix: "Jr."}},
		{"Ford, Jr, Henry, the Elder", P{Given: "Henry, the Elder", Family: "Ford", Suffix: "Jr"}},
		// btxdoc examples
		{"Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
			P{Given: "Charles Louis Xavier Joseph", Family: "de la Vall{\\'e}e Poussin"}},
		{"{\\'E}mile Zola", P{Given: "{\\'E}mile", Family: "Zola"}},
		{"Jean-Pierre Serre", P{Given: "Jean-Pierre", Family: "Serre"}},
		{"Donald E. Knuth", P{Given: "Donald E.", Family: "Knuth"}},
		{"Knuth, Donald E.", P{Given: "Donald E.", Family: "Knuth"}},
		{"Per Brinch Hansen", P{Given: "Per Brinch", Family: "Hansen"}},
		{"Brinch Hansen, Per", P{Given: "Per", Family: "Brinch Hansen"}},
		{"{Brinch Hansen}, Per", P{Given: "Per", Family: "{Brinch Hansen}"}},
		{"Per {Brinch Hansen}", P{Given: "Per", Family: "{Brinch Hansen}"}},
		{"Ludwig van Beethoven", P{Given: "Ludwig", Family: "van Beethoven"}},
		{"van Beethoven, Ludwig", P{Given: "Ludwig", Family: "van Beethoven"}},
		{"Johannes Martinus Albertus Maria van de Groot",
			P{Given: "Johannes Martinus Albertus Maria", Family: "van de Groot"}},
		{"Juan de la Cierva y Codorn{\\'\\i}u", P{Given: "Juan", Family: "de la Cierva y Codorn{\\'\\i}u"}},
		// special characters decide case by their letter
		{"Ecole {\\'e}cole Normale", P{Given: "Ecole", Family: "{\\'e}cole Normale"}},
		{"Tom {\\o}rsted Hansen", P{Given: "Tom", Family: "{\\o}rsted Hansen"}},
		{"Tom {\\O}rsted Hansen", P{Given: "Tom {\\O}rsted", Family: "Hansen"}},
		{"Jean {\\relax de} Bar", P{Given: "Jean", Family: "{\\relax de} Bar"}},
		{"Jean {\\relax Ch}ristophe Bar", P{Given: "Jean {\\relax Ch}ristophe", Family: "Bar"}},
		{"{\\v{Z}}ukovsk{\\'y}, Nikolaj", P{Given: "Nikolaj", Family: "{\\v{Z}}ukovsk{\\'y}"}},
		// a brace group before any letter is skipped when deciding case
		{"Anna {X}von Zed", P{Given: "Anna", Family: "{X}von Zed"}},
		// hyphens and ties
		{"Jean-Pierre van der Berg", P{Given: "Jean-Pierre", Family: "van der Berg"}},
		{"John Smith-Jones", P{Given: "John", Family: "Smith-Jones"}},
		{"Donald~E. Knuth", P{Given: "Donald~E.", Family: "Knuth"}},
		{"Donald E.~Knuth", P{Given: "Donald E.", Family: "Knuth"}},
		// single word, display names (OpenAlex style), Unicode case
		{"Aristotle", P{Family: "Aristotle"}},
		{"  Plato  ", P{Family: "Plato"}},
		{"Yonghui Wu", P{Given: "Yonghui", Family: "Wu"}},
		{"Émile Zola", P{Given: "Émile", Family: "Zola"}},
		{"Ursula von der Leyen", P{Given: "Ursula", Family: "von der Leyen"}},
		{"Ángel Ñúñez", P{Given: "Ángel", Family: "Ñúñez"}},
		{"王小明", P{Family: "王小明"}},
		{"J. R. R. Tolkien", P{Given: "J. R. R.", Family: "Tolkien"}},
		// suffix extension
		{"Henry Ford Jr.", P{Given: "Henry", Family: "Ford", Suffix: "Jr."}},
		{"Martin Luther King, Jr.", P{Given: "Martin Luther", Family: "King", Suffix: "Jr."}},
		{"Ford, Jr.", P{Family: "Ford", Suffix: "Jr."}},
		{"Ford Jr., Henry", P{Given: "Henry", Family: "Ford", Suffix: "Jr."}},
		{"Henry Ford III", P{Given: "Henry", Family: "Ford", Suffix: "III"}},
		// corporate names
		{"{Barnes and Noble, Inc.}", P{Family: "Barnes and Noble, Inc.", Literal: true}},
		{"{World Health Organization}", P{Family: "World Health Organization", Literal: true}},
		{"{{IEEE}}", P{Family: "{IEEE}", Literal: true}},
		{"{\\'E}", P{Family: "{\\'E}"}},
		{"{A} {B}", P{Given: "{A}", Family: "{B}"}},
		// odd input
		{"", P{}},
		{"   ", P{}},
		{",", P{}},
		{", Jean", P{Given: "Jean"}},
		{"Smith,", P{Family: "Smith"}},
		{"{unbalanced", P{Family: "{unbalanced"}},
		{"un}balanced Name", P{Family: "un}balanced Name"}},
		{"a - b", P{Family: "a - b"}},
		{"- -", P{}},
	}
	for _, tt := range tests {
		if got := ParseName(tt.in); got != tt.want {
			t.Errorf("ParseName(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}

func TestSplitNames(t *testing.T) {
	type P = Person
	tests := []struct {
		in   string
		want []Person
	}{
		{"", nil},
		{"Knuth, Donald E.", []P{{Given: "Donald E.", Family: "Knuth"}}},
		{"Goossens, Michel and Mittelbach, Frank and Samarin, Alexander", []P{
			{Given: "Michel", Family: "Goossens"},
			{Given: "Frank", Family: "Mittelbach"},
			{Given: "Alexander", Family: "Samarin"}}},
		{"A. One AND B. Two\nand\tC. Three  And D. Four", []P{
			{Given: "A.", Family: "One"}, {Given: "B.", Family: "Two"},
			{Given: "C.", Family: "Three"}, {Given: "D.", Family: "Four"}}},
		{"{Barnes and Noble, Inc.} and Smith, J.", []P{
			{Family: "Barnes and Noble, Inc.", Literal: true},
			{Given: "J.", Family: "Smith"}}},
		{"Alice Anderson and others", []P{{Given: "Alice", Family: "Anderson"}}},
		{"Alice Anderson and Others", []P{{Given: "Alice", Family: "Anderson"}}},
		// "and" inside a word or without spaces does not split
		{"Sandy Andrews", []P{{Given: "Sandy", Family: "Andrews"}}},
		{"Anderson,Alice", []P{{Given: "Alice", Family: "Anderson"}}},
		{"a and", []P{{Family: "a and"}}},
		{"and b", []P{{Family: "and b"}}},
		{"A. X and and B. Y", []P{{Given: "A.", Family: "X"}, {Given: "B.", Family: "Y"}}},
		{"A. X and  and B. Y", []P{{Given: "A.", Family: "X"}, {Given: "B.", Family: "Y"}}},
		{"A. X and ", []P{{Given: "A.", Family: "X"}}},
		{"{A and B} and {C and D}", []P{
			{Family: "A and B", Literal: true}, {Family: "C and D", Literal: true}}},
		{"A {and} B", []P{{Given: "A {and}", Family: "B"}}},
		{"x~and~y", []P{{Family: "x~and~y"}}},
		{"X~and~Y", []P{{Given: "X", Family: "and~Y"}}},
	}
	for _, tt := range tests {
		if got := SplitNames(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("SplitNames(%q) =\n %+v, want\n %+v", tt.in, got, tt.want)
		}
	}
}

func TestSplitNamesMany(t *testing.T) {
	const n = 450
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(" and ")
		}
		fmt.Fprintf(&b, "Family%d, Given%d", i, i)
	}
	b.WriteString(" and others")
	got := SplitNames(b.String())
	if len(got) != n {
		t.Fatalf("got %d people, want %d", len(got), n)
	}
	for i, p := range got {
		want := Person{Family: fmt.Sprintf("Family%d", i), Given: fmt.Sprintf("Given%d", i)}
		if p != want {
			t.Fatalf("person %d = %+v, want %+v", i, p, want)
		}
	}
}

func TestSplitNamesLimit(t *testing.T) {
	field := strings.Repeat("A and ", 1_000_000) + "B"
	if got := SplitNames(field); len(got) != MaxAuthors+1 {
		t.Errorf("got %d people, want MaxAuthors+1 = %d", len(got), MaxAuthors+1)
	}
}

func BenchmarkSplitNames(b *testing.B) {
	field := strings.Repeat("van der Berg, Jean-Pierre and ", 20) + "Knuth, Donald E."
	b.SetBytes(int64(len(field)))
	for b.Loop() {
		SplitNames(field)
	}
}
