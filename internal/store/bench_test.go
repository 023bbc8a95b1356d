package store

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"

	"github.com/catalog-dev/catalog/internal/importer"
)

// synthPapers makes n papers with realistic text sizes: 10-word titles,
// 150-word abstracts, 1-8 authors from a pool of pool names. Fixed seed.
func synthPapers(n, pool int) []*importer.Paper {
	r := rand.New(rand.NewPCG(1, 2))
	words := strings.Fields(`model learning neural language data training network graph attention
		representation inference optimization robust sparse adversarial policy reinforcement vision
		speech translation parsing semantic retrieval generative diffusion transformer embedding
		kernel bayesian causal federated contrastive supervised benchmark dataset evaluation`)
	word := func() string { return words[r.IntN(len(words))] + fmt.Sprint(r.IntN(2000)) }
	sentence := func(k int) string {
		parts := make([]string, k)
		for i := range parts {
			parts[i] = word()
		}
		return strings.Join(parts, " ")
	}
	out := make([]*importer.Paper, n)
	for i := range out {
		rec := importer.Record{Title: sentence(10), Abstract: sentence(150), Year: 1990 + r.IntN(35)}
		for j := 0; j <= r.IntN(8); j++ {
			k := r.IntN(pool)
			rec.Authors = append(rec.Authors, importer.Person{Family: fmt.Sprintf("Family%d", k), Given: fmt.Sprintf("Given%d", k%97)})
		}
		p, err := importer.Normalize(&rec)
		if err != nil {
			panic(err)
		}
		out[i] = p
	}
	return out
}

// BenchmarkImportWrite measures the database write path: 5,000 papers into
// a fresh catalog per iteration, FTS index included.
func BenchmarkImportWrite(b *testing.B) {
	const n = 5000
	papers := synthPapers(n, 3000)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, err := Open(ctx, filepath.Join(b.TempDir(), fmt.Sprintf("b%d.db", i)), Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		im, err := s.BeginImport(ctx)
		if err != nil {
			b.Fatal(err)
		}
		if err := im.StartSource(ctx, SourceInfo{Path: "synth", SHA256: "x", Format: "bibtex"}); err != nil {
			b.Fatal(err)
		}
		for j, p := range papers {
			if err := im.Add(ctx, j+1, j+1, p); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := im.EndSource(ctx); err != nil {
			b.Fatal(err)
		}
		if err := im.Commit(ctx); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		s.Close()
		b.StartTimer()
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "papers/s")
}
