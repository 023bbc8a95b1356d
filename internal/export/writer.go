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
// the keys km gives; csv tunes the CSV rows.
func NewWriter(format string, w io.Writer, km *KeyMaker, csv CSVOptions) (Writer, error) {
	switch format {
	case "bibtex":
		return NewBibTeX(w, km), nil
	case "csljson":
		return NewCSLJSON(w, km), nil
	case "csv":
		return NewCSV(w, km, csv), nil
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

// ErrWriter keeps the first error of the writer underneath, W, in Err: a
// bufio.Writer over it returns the error only from the write that meets
// it, and a writer of rows must stop at the row after.
type ErrWriter struct {
	W   io.Writer
	Err error
}

func (e *ErrWriter) Write(p []byte) (int, error) {
	if e.Err != nil {
		return 0, e.Err
	}
	n, err := e.W.Write(p)
	e.Err = err
	return n, err
}
