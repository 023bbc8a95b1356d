package export

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"github.com/catalog-dev/catalog/internal/store"
)

// cslItem is one CSL-JSON item, the fields catalog has.
// https://citeproc-js.readthedocs.io/en/latest/csl-json/markup.html
type cslItem struct {
	ID             string    `json:"id"`
	Type           string    `json:"type"`
	Title          string    `json:"title,omitempty"`
	Author         []cslName `json:"author,omitempty"`
	Editor         []cslName `json:"editor,omitempty"`
	Translator     []cslName `json:"translator,omitempty"`
	Issued         *cslDate  `json:"issued,omitempty"`
	ContainerTitle string    `json:"container-title,omitempty"`
	Volume         string    `json:"volume,omitempty"`
	Issue          string    `json:"issue,omitempty"`
	Page           string    `json:"page,omitempty"`
	Publisher      string    `json:"publisher,omitempty"`
	PublisherPlace string    `json:"publisher-place,omitempty"`
	DOI            string    `json:"DOI,omitempty"`
	URL            string    `json:"URL,omitempty"`
	Abstract       string    `json:"abstract,omitempty"`
}

type cslName struct {
	Family  string `json:"family,omitempty"`
	Given   string `json:"given,omitempty"`
	Suffix  string `json:"suffix,omitempty"`
	Literal string `json:"literal,omitempty"`
}

type cslDate struct {
	DateParts [][]int `json:"date-parts"`
}

// CSLJSON writes papers as a CSL-JSON array, one item per line, with the
// keys Keys gives as ids. A name without a given name is a "literal" (a
// corporate author must not be split or re-cased). Text is the catalog's
// clean Unicode, unescaped: CSL-JSON has no markup of its own beyond a few
// HTML-like tags.
func CSLJSON(w io.Writer, papers []store.Paper) error {
	return writeAll(NewCSLJSON(w, keyMaker(papers)), papers)
}

// NewCSLJSON returns a Writer of a CSL-JSON array (see CSLJSON), with the
// keys km gives as ids; Close ends the array.
func NewCSLJSON(w io.Writer, km *KeyMaker) Writer {
	c := &cslWriter{ew: &ErrWriter{W: w}, km: km}
	c.bw = bufio.NewWriter(c.ew)
	c.enc = json.NewEncoder(&c.item)
	c.enc.SetEscapeHTML(false)
	c.bw.WriteString("[")
	return c
}

type cslWriter struct {
	ew   *ErrWriter
	bw   *bufio.Writer
	km   *KeyMaker
	item bytes.Buffer
	enc  *json.Encoder
	n    int
}

func (c *cslWriter) Write(p *store.Paper) error {
	c.item.Reset()
	if err := c.enc.Encode(cslFrom(p, c.km.Next(p))); err != nil {
		return err
	}
	if c.n > 0 {
		c.bw.WriteString(",")
	}
	c.n++
	c.bw.WriteString("\n")
	c.bw.Write(bytes.TrimSuffix(c.item.Bytes(), []byte("\n")))
	return c.ew.Err
}

func (c *cslWriter) Close() error {
	c.bw.WriteString("\n]\n")
	return c.bw.Flush()
}

func cslFrom(p *store.Paper, key string) cslItem {
	it := cslItem{
		ID: key, Type: CSLType(p.Type, p.Venue), Title: p.Title,
		ContainerTitle: p.Venue, Volume: p.Volume, Issue: p.Issue, Page: p.Pages,
		Publisher: p.Publisher, PublisherPlace: p.Address,
		DOI: p.DOI, URL: p.URL, Abstract: p.Abstract,
		Author: cslNames(p.Authors), Editor: cslNames(p.Editors), Translator: cslNames(p.Translators),
	}
	if p.Year != 0 {
		parts := []int{p.Year}
		if p.Month >= 1 && p.Month <= 12 {
			parts = append(parts, p.Month)
		}
		it.Issued = &cslDate{DateParts: [][]int{parts}}
	}
	return it
}

// cslNames writes people as CSL names.
func cslNames(people []store.Author) []cslName {
	var out []cslName
	for _, a := range people {
		suffix := a.Suffix()
		if a.Given == "" && suffix == "" {
			out = append(out, cslName{Literal: a.Family})
			continue
		}
		out = append(out, cslName{Family: a.Family, Given: a.Given, Suffix: suffix})
	}
	return out
}

// cslTypes maps the types sources give to CSL types.
var cslTypes = map[string]string{
	// BibTeX and BibLaTeX
	"article": "article-journal", "inproceedings": "paper-conference", "conference": "paper-conference",
	"book": "book", "inbook": "chapter", "incollection": "chapter", "booklet": "book",
	"proceedings": "book", "collection": "book", "phdthesis": "thesis", "mastersthesis": "thesis",
	"thesis": "thesis", "techreport": "report", "report": "report", "manual": "report",
	"unpublished": "manuscript", "misc": "document", "online": "webpage",
	// RIS
	"jour": "article-journal", "conf": "paper-conference", "cpaper": "paper-conference",
	"chap": "chapter", "thes": "thesis", "rprt": "report", "gen": "document", "elec": "webpage",
	"unpb": "manuscript",
	// OpenAlex
	"book-chapter": "chapter", "dissertation": "thesis", "preprint": "article",
}

// cslKnown are CSL 1.0.2's item types, kept as they are.
var cslKnown = strings.Fields(`article article-journal article-magazine article-newspaper
	bill book broadcast chapter classic collection dataset document entry entry-dictionary
	entry-encyclopedia event figure graphic hearing interview legal_case legislation manuscript
	map motion_picture musical_score pamphlet paper-conference patent performance periodical
	personal_communication post post-weblog regulation report review review-book software song
	speech standard thesis treaty webpage`)

// CSLType is the CSL item type for a paper of the given source type: the
// matching CSL type (BibTeX's article, the common case, is a journal
// article), a CSL type as it is, else article-journal when it has a venue, else
// document.
func CSLType(typ, venue string) string {
	t := strings.ToLower(typ)
	if c, ok := cslTypes[t]; ok {
		return c
	}
	for _, k := range cslKnown {
		if k == t {
			return t
		}
	}
	if venue != "" {
		return "article-journal"
	}
	return "document"
}
