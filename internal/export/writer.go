package export

import (
	"fmt"
	"io"

	"github.com/catalog-dev/catalog/internal/store"
)

// Writer writes papers one at a time, as they are read (store.EachPaper),
// so that an export holds one paper at a time, not the whole selection.
// Write returns the first error of the output underneath, once it is
// known (output is buffered), and Close writes what is left and returns
// any error.
type Writer interface {
	Write(p *store.Paper) error
	Close() error
}

// NewWriter returns the Writer of format (bibtex, csljson or csv) over w, with
// the keys km gives.
func NewWriter(format string, w io.Writer, km *KeyMaker) (Writer, error) {
	switch format {
	case "bibtex":
		return NewBibTeX(w, km), nil
	case "csljson":
		return NewCSLJSON(w, km), nil
	case "csv":
		return NewCSV(w, km), nil
	}
	return nil, fmt.Errorf("unknown export format %q", format)
}

// writeAll writes papers through wr and closes it.
func writeAll(wr Writer, papers []store.Paper) error {
	for i := range papers {
		if err := wr.Write(&papers[i]); err != nil {
			return err
		}
	}
	return wr.Close()
}

// keyMaker is the KeyMaker for papers held at once.
func keyMaker(papers []store.Paper) *KeyMaker {
	own := make([]string, len(papers))
	for i, p := range papers {
		own[i] = p.CitationKey
	}
	return NewKeyMaker(own)
}

// errWriter keeps the first error of the writer underneath, which a
// bufio.Writer returns only from the write that meets it.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}
