package main

import (
	"bytes"
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// TestSynth checks that the output is the same for the same seed, and that
// catalog's CSL-JSON parser reads and normalizes every paper.
func TestSynth(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl.gz"), filepath.Join(dir, "b.jsonl.gz")
	for _, f := range []string{a, b} {
		if err := run(300, 7, f); err != nil {
			t.Fatal(err)
		}
	}
	da, _ := os.ReadFile(a)
	db, _ := os.ReadFile(b)
	if sha256.Sum256(da) != sha256.Sum256(db) || len(da) == 0 {
		t.Fatal("two runs with the same seed differ")
	}
	in, err := importer.OpenInput(a, nil, "")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if in.Format != "csljson" {
		t.Fatalf("detected as %s", in.Format)
	}
	n := 0
	for {
		rec, err := in.Parser.Next()
		if err != nil {
			break
		}
		n++
		p, err := importer.Normalize(rec)
		if err != nil {
			t.Fatalf("record %d: %v", n, err)
		}
		if len(p.Authors) < 1 || len(p.Authors) > 20 || p.Year < 1950 || p.Year > 2025 || p.Abstract == "" {
			t.Errorf("record %d out of range: %d authors, year %d", n, len(p.Authors), p.Year)
		}
	}
	if n != 300 {
		t.Errorf("read %d records, want 300", n)
	}
	if !bytes.Contains(da[:2], []byte{0x1f}) {
		t.Error("not gzipped")
	}
}
