package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestReport(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "m.tsv")
	tsv := "corpus.import.seconds\ts\t60\ncorpus.import.seconds\ts\t50\ncorpus.import.seconds\ts\t70\n" +
		"floor.load.seconds\ts\t30\nsqlite_utils.load.seconds\ts\t100\ncorpus.reimport.seconds\ts\t20\n" +
		"corpus.papers\tcount\t1000\n"
	if err := os.WriteFile(in, []byte(tsv), 0o644); err != nil {
		t.Fatal(err)
	}
	js, md := filepath.Join(dir, "r.json"), filepath.Join(dir, "r.md")
	if err := run(in, js, md, map[string]string{"corpus_limit": "0"}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(js)
	if err != nil {
		t.Fatal(err)
	}
	var res results
	if err := json.Unmarshal(b, &res); err != nil {
		t.Fatal(err)
	}
	got := map[string]*measurement{}
	for _, m := range res.Measurements {
		got[m.Name] = m
	}
	check := func(name string, median float64, met bool) {
		t.Helper()
		m := got[name]
		switch {
		case m == nil:
			t.Errorf("%s missing", name)
		case m.Median != median:
			t.Errorf("%s median %g, want %g", name, m.Median, median)
		case m.Met == nil || *m.Met != met:
			t.Errorf("%s met %v, want %v", name, m.Met, met)
		}
	}
	check("corpus.import.vs_floor", 2, false)
	check("corpus.import.vs_sqlite_utils", 0.6, true)
	check("corpus.reimport.speedup", 3, false)
	if res.Machine.NProc < 1 || res.Machine.Go == "" || res.Format != "catalog-bench/1" {
		t.Errorf("machine %+v, format %q", res.Machine, res.Format)
	}
	text, _ := os.ReadFile(md)
	if !strings.Contains(string(text), "| 2.00x | not met |") {
		t.Errorf("markdown lacks the floor row:\n%s", text)
	}
}
