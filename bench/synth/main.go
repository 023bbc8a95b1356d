// Command synth writes a synthetic corpus of research papers as CSL-JSON
// lines (gzipped when the output name ends in .gz), for catalog's import
// and search benchmarks (bench/run).
//
//	synth -n 1000000 -seed 1 -o synth.csl.jsonl.gz
//
// The same -n and -seed always give the same bytes. Each paper has:
//   - a title of 8-15 words and an abstract of 120-250 words in sentences,
//     drawn from a Zipf-like vocabulary of 50,000 words: English function
//     words and common research words first ("the", "of", "learning",
//     "model", "neural" are very common), then a long tail of rarer real
//     words and made-up ones, so a term's document frequency ranges from
//     nearly every paper to a handful;
//   - 1-20 authors (mostly 2-6, median 3) from a pool of 300,000 distinct names,
//     prolific authors far more often than others; family names follow a
//     Zipf law too (Wang, Zhang, Li ... are very common), some with
//     diacritics and particles (Müller, García, van der Berg);
//   - a year from 1950 to 2025, recent years far more often;
//   - a venue, pages, and a DOI for about 60% of papers.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	vocabSize  = 50000
	authorPool = 300000
	familySize = 60000
	givenSize  = 3000
)

func main() {
	n := flag.Int("n", 1000000, "number of papers")
	seed := flag.Uint64("seed", 1, "random seed")
	out := flag.String("o", "-", "output file (.gz: gzipped); - is standard output")
	flag.Parse()
	if *n < 1 {
		fmt.Fprintln(os.Stderr, "synth: -n must be at least 1")
		os.Exit(2)
	}
	if err := run(*n, *seed, *out); err != nil {
		fmt.Fprintf(os.Stderr, "synth: %v\n", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, out string) error {
	var w io.Writer = os.Stdout
	var f *os.File
	if out != "-" {
		var err error
		if f, err = os.Create(out); err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	var zw *gzip.Writer
	dst := io.Writer(bw)
	if strings.HasSuffix(out, ".gz") {
		zw, _ = gzip.NewWriterLevel(bw, gzip.BestSpeed)
		dst = zw
	}
	g := newGen(seed)
	enc := json.NewEncoder(dst)
	enc.SetEscapeHTML(false)
	for i := 1; i <= n; i++ {
		if err := enc.Encode(g.paper(i)); err != nil {
			return err
		}
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return err
		}
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if f != nil {
		return f.Close()
	}
	return nil
}

// item is one CSL-JSON item, as catalog's CSL-JSON parser reads it.
type item struct {
	ID             string   `json:"id"`
	Type           string   `json:"type"`
	Title          string   `json:"title"`
	Author         []person `json:"author"`
	Issued         issued   `json:"issued"`
	ContainerTitle string   `json:"container-title"`
	Page           string   `json:"page,omitempty"`
	DOI            string   `json:"DOI,omitempty"`
	Abstract       string   `json:"abstract"`
}

type person struct {
	Family string `json:"family"`
	Given  string `json:"given"`
}

type issued struct {
	DateParts [][]int `json:"date-parts"`
}

type gen struct {
	r       *rand.Rand
	vocab   []string
	words   *rand.Zipf
	authors []person
	nAuth   []int // pick weights: cumulative share of papers with k authors
	b       strings.Builder
	picked  []int
}

func newGen(seed uint64) *gen {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	g := &gen{r: r}
	g.vocab = vocabulary(r)
	g.words = rand.NewZipf(r, 1.1, 2, uint64(len(g.vocab)-1))
	g.authors = authorPoolNames(r)
	return g
}

// vocabulary is the word list by rank: common words, then the tail of rare
// real words spread among made-up ones.
func vocabulary(r *rand.Rand) []string {
	seen := make(map[string]bool, vocabSize)
	var v []string
	add := func(w string) {
		if !seen[w] {
			seen[w] = true
			v = append(v, w)
		}
	}
	for _, w := range strings.Fields(commonWords) {
		add(w)
	}
	rare := strings.Fields(rareWords)
	// The rare real words sit at ranks from about 3,000 to 45,000, so some
	// match thousands of papers in a million and the last only dozens.
	next := 3000
	step := (45000 - next) / len(rare)
	for len(v) < vocabSize {
		if len(v) >= next && len(rare) > 0 {
			add(rare[0])
			rare = rare[1:]
			next += step
			continue
		}
		add(madeUpWord(r, 2+r.IntN(2)))
	}
	return v
}

var (
	onsets = strings.Fields("b c d f g h j k l m n p r s t v w z br cr dr fr gr pr tr st sp sk pl bl cl gl fl sl ch sh th qu")
	vowels = strings.Fields("a e i o u a e i o ai ea ou io")
	codas  = []string{"", "", "", "n", "r", "l", "s", "t", "m", "x", "nd", "st", "rk"}
)

func madeUpWord(r *rand.Rand, syllables int) string {
	var b strings.Builder
	for i := 0; i < syllables; i++ {
		b.WriteString(onsets[r.IntN(len(onsets))])
		b.WriteString(vowels[r.IntN(len(vowels))])
		if i == syllables-1 || r.IntN(4) == 0 {
			b.WriteString(codas[r.IntN(len(codas))])
		}
	}
	return b.String()
}

// authorPoolNames makes authorPool distinct names: a family name by a Zipf
// law over familySize names (real common ones first), a given name uniform
// over givenSize.
func authorPoolNames(r *rand.Rand) []person {
	seen := make(map[string]bool, familySize)
	var families []string
	for _, f := range strings.Split(strings.ReplaceAll(realFamilies, "\n", ""), "|") {
		if f = strings.TrimSpace(f); f != "" && !seen[f] {
			seen[f] = true
			families = append(families, f)
		}
	}
	for len(families) < familySize {
		f := capitalize(madeUpWord(r, 2+r.IntN(2)))
		if !seen[f] {
			seen[f] = true
			families = append(families, f)
		}
	}
	gseen := make(map[string]bool, givenSize)
	var givens []string
	for _, g := range strings.Fields(realGivens) {
		if !gseen[g] {
			gseen[g] = true
			givens = append(givens, g)
		}
	}
	for len(givens) < givenSize {
		g := capitalize(madeUpWord(r, 2+r.IntN(2)))
		if !gseen[g] {
			gseen[g] = true
			givens = append(givens, g)
		}
	}
	fz := rand.NewZipf(r, 1.05, 8, familySize-1)
	pool := make([]person, 0, authorPool)
	names := make(map[[2]int32]bool, authorPool)
	for len(pool) < authorPool {
		k := [2]int32{int32(fz.Uint64()), int32(r.IntN(givenSize))}
		if names[k] {
			continue
		}
		names[k] = true
		pool = append(pool, person{Family: families[k[0]], Given: givens[k[1]]})
	}
	return pool
}

func capitalize(s string) string {
	c, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(c)) + s[size:]
}

var venues = []string{
	"Advances in Neural Information Processing Systems",
	"International Conference on Machine Learning",
	"International Conference on Learning Representations",
	"Proceedings of the Annual Meeting of the Association for Computational Linguistics",
	"Conference on Empirical Methods in Natural Language Processing",
	"IEEE Conference on Computer Vision and Pattern Recognition",
	"European Conference on Computer Vision",
	"AAAI Conference on Artificial Intelligence",
	"International Joint Conference on Artificial Intelligence",
	"Journal of Machine Learning Research",
	"Transactions of the Association for Computational Linguistics",
	"Computational Linguistics",
	"Artificial Intelligence",
	"Machine Learning",
	"Neural Computation",
	"IEEE Transactions on Pattern Analysis and Machine Intelligence",
	"Conference on Learning Theory",
	"International Conference on Artificial Intelligence and Statistics",
	"Uncertainty in Artificial Intelligence",
	"Proceedings of the ACM SIGKDD Conference on Knowledge Discovery and Data Mining",
	"The Web Conference",
	"Proceedings of the ACM SIGIR Conference",
	"International Conference on Computational Linguistics",
	"Findings of the Association for Computational Linguistics",
	"Interspeech",
	"Robotics: Science and Systems",
	"Conference on Robot Learning",
	"Journal of Artificial Intelligence Research",
	"Nature Machine Intelligence",
	"Zeitschrift für Informatik",
}

// paper makes the i-th paper. Every draw comes from g.r in a fixed order,
// so the output depends only on the seed and i's predecessors.
func (g *gen) paper(i int) *item {
	r := g.r
	it := &item{ID: fmt.Sprintf("synth-%d", i), Type: "paper-conference"}
	if r.IntN(4) == 0 {
		it.Type = "article-journal"
	}
	it.Title = g.text(8+r.IntN(8), false)
	// 1-20 authors, mostly 2-6: log-normal, median 3.3.
	k := int(math.Round(math.Exp(1.2 + 0.55*r.NormFloat64())))
	k = min(max(k, 1), 20)
	g.picked = g.picked[:0]
	for len(g.picked) < k {
		u := r.Float64()
		a := int(u * u * authorPool) // prolific authors first: density ~ 1/sqrt
		dup := false
		for _, p := range g.picked {
			dup = dup || p == a
		}
		if !dup {
			g.picked = append(g.picked, a)
		}
	}
	it.Author = make([]person, k)
	for j, a := range g.picked {
		it.Author[j] = g.authors[a]
	}
	// Years 1950-2025, the recent ones far more often.
	u := r.Float64()
	year := 2025 - int(math.Floor(76*u*u*u))
	it.Issued.DateParts = [][]int{{year}}
	it.ContainerTitle = venues[r.IntN(len(venues))]
	first := 1 + r.IntN(3000)
	it.Page = fmt.Sprintf("%d-%d", first, first+4+r.IntN(20))
	if r.IntN(10) < 6 {
		it.DOI = fmt.Sprintf("10.99999/synth.%d.%d", year, i)
	}
	it.Abstract = g.text(120+r.IntN(131), true)
	return it
}

// text draws n words: a title (first letter capitalized) or an abstract in
// sentences of 8-30 words with the odd comma.
func (g *gen) text(n int, sentences bool) string {
	r := g.r
	b := &g.b
	b.Reset()
	left := 0
	for i := 0; i < n; i++ {
		w := g.vocab[g.words.Uint64()]
		start := i == 0 || (sentences && left == 0)
		if i > 0 {
			switch {
			case sentences && left == 0:
				b.WriteString(". ")
			case sentences && r.IntN(14) == 0:
				b.WriteString(", ")
			default:
				b.WriteByte(' ')
			}
		}
		if start {
			left = 8 + r.IntN(23)
			w = capitalize(w)
		}
		left--
		b.WriteString(w)
	}
	if sentences {
		b.WriteByte('.')
	}
	return b.String()
}

// commonWords are ranked roughly by their frequency in paper abstracts:
// function words, then the vocabulary of machine learning and language
// research.
const commonWords = `the of and a to in is we for that on with this by as are an be
from our which can it or at these show results based not their using has have
model learning data neural network models method approach paper methods problem
propose performance training new task deep two networks proposed language
also than such more its one information used both time between algorithm
been into existing over different show state use large set work number
however while only each other framework tasks system where then when they
all how under multiple well first high generation representation function
inference text art dataset datasets through analysis via image features
optimization structure semantic experiments demonstrate efficient feature space
graph low training prior linear knowledge approaches machine loss robust
real attention transformer reinforcement policy agent agents learn learned
distribution generative adversarial embedding embeddings classification
detection segmentation translation speech retrieval question answering
parsing generation supervised unsupervised self representations pretrained
fine tuning transfer domain adaptation benchmark benchmarks evaluation
accuracy objective gradient stochastic convex bound bounds theoretical
empirical sample samples complexity kernel bayesian probabilistic posterior
variational latent sequence sequences recurrent convolutional layer layers
hidden parameters parameter scale scalable sparse matrix vector vectors
dimensional local global temporal spatial visual video object objects scene
word words sentence sentences document documents corpus corpora lexical
syntactic entity entities relation relations dialogue summarization
reasoning commonsense causal counterfactual explanation interpretability
fairness privacy federated differential adversarial robustness uncertainty
estimation regression clustering ranking recommendation contrastive diffusion
energy bandit bandits regret exploration reward markov decision planning
control continuous discrete online offline active meta few shot zero
multilingual cross lingual low resource neural machine translation
encoder decoder autoregressive masked token tokens vocabulary character
morphological phonological acoustic audio signal noise noisy label labels
annotation annotated human humans evaluation metric metrics quality
efficient efficiency memory compute computation hardware parallel
distributed communication compression quantization pruning distillation
architecture architectures search hyperparameter hyperparameters optimization
convergence theorem proof guarantees minimax optimal suboptimal lower upper
nonconvex smooth manifold geometry topology invariance equivariant symmetry
physics molecular protein biological medical clinical health social
network networks community communities node nodes edge edges link
prediction forecasting anomaly outlier robust invariant shift generalization
overfitting regularization dropout normalization batch adaptive momentum
learning rate schedule curriculum augmentation synthetic simulation sim
language models large scale pretraining instruction alignment preference
feedback chain thought prompting prompt prompts in context retrieval
augmented tool tools code program programs synthesis verification formal
logic symbolic neuro compositional systematic hierarchical tree trees
dependency constituency grammar grammars treebank annotation scheme
sentiment emotion stance hate speech toxicity bias biases gender
question questions answer answers reading comprehension open domain
knowledge graph base bases ontology semantic web linked data`

// rareWords are real words that the synthetic corpus uses rarely; the
// committed query set (bench/queries.txt) searches for some of them.
const rareWords = `coreference anaphora ellipsis zeugma metonymy sarcasm irony
humor pun idiom idioms collocation collocations hyponymy meronymy
polysemy homonymy synonymy antonymy lemmatization stemming diacritics
transliteration romanization orthography tokenizer tokenization
morpheme allomorph agglutinative polysynthetic ergative
Winograd Turing Bayes Markov Gaussian Dirichlet Wasserstein Hilbert
Laplacian Hessian Jacobian Lipschitz Nesterov Adam RMSProp
variational autoencoder backpropagation perceptron Boltzmann Hopfield
eigenvalue eigenvector singular decomposition factorization tensor
spectral wavelet Fourier Kalman particle filter smoothing
hypergraph simplicial homology persistent cohomology sheaf
thermodynamic entropy enthalpy stochasticity ergodic martingale
submodular matroid polytope lattice semidefinite conic duality
quaternion isometry diffeomorphism geodesic Riemannian Grassmannian
Shapley counterfactuals saliency attribution probing mechanistic
superposition grokking memorization hallucination sycophancy jailbreak
watermarking steganography membership inversion poisoning backdoor
neuromorphic spiking memristor photonic quantum qubit annealing
phylogenetic genomic proteomic transcriptomic metagenomic epigenetic
radiology histopathology dermatology ophthalmology cardiology oncology
seismic hydrological meteorological climatological oceanographic
Sanskrit Tamil Yoruba Swahili Amharic Quechua Basque Welsh Icelandic
Inuktitut Navajo Cherokee Hawaiian Maori Tagalog Uyghur Tibetan`

// realFamilies lead the family names, most common first.
const realFamilies = `Wang|Zhang|Li|Liu|Chen|Yang|Huang|Zhao|Wu|Zhou|Xu|Sun|Ma|Zhu|Hu|Guo|Lin|He|Gao|Luo|
Kim|Lee|Park|Choi|Jung|Smith|Johnson|Brown|Jones|Garcia|Miller|Davis|Rodriguez|Martinez|Wilson|
Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|
Nguyen|Tran|Le|Pham|Singh|Kumar|Sharma|Gupta|Patel|Reddy|Das|Iyer|
Tanaka|Suzuki|Sato|Takahashi|Watanabe|Ito|Yamamoto|Nakamura|Kobayashi|Kato|
Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Dubois|Martin|Bernard|Thomas|Petit|Durand|Leroy|Moreau|
Ivanov|Smirnov|Kuznetsov|Popov|Novak|Kowalski|Nowak|Wiśniewski|Dvořák|
Silva|Santos|Oliveira|Souza|Pereira|Costa|Fernández|González|López|Pérez|Sánchez|Ramírez|Torres|
Jensen|Nielsen|Hansen|Andersen|Johansson|Karlsson|Nilsson|Larsson|Øberg|
Cohen|Levi|Mizrahi|Yılmaz|Kaya|Demir|Şahin|Öztürk|Ahmed|Ali|Khan|Hassan|Hussain|
van der Berg|de Jong|van Dijk|de Vries|van den Broek|O'Brien|Murphy|Kelly|Ryan|McCarthy|
Manning|Bengio|Hinton|LeCun|Schmidhuber|Jurafsky|Goldberg|Collins|Klein|Jordan`

// realGivens lead the given names.
const realGivens = `Wei Jing Li Min Hui Yan Lei Jun Xin Yu Hao Yang Chen Jie Tao Ying
Ji-hoon Min-jun Seo-yeon Hyun
James John Robert Michael David William Richard Joseph Thomas Daniel
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen
Anna Maria Laura Sofia Julia Elena Marie Eva Sara Nina
Hans Jürgen Klaus Stefan Andreas Thomas Wolfgang Matthias Katrin Ute
Rahul Amit Priya Anil Sunil Ravi Deepak Neha Pooja Arjun
Hiroshi Takeshi Yuki Kenji Akira Haruto Sakura Yui
Luca Marco Giuseppe Francesco Alessandro Chiara Giulia
Pierre Jean Louis Antoine François Hélène Céline Amélie
Ivan Dmitri Sergei Olga Natalia Piotr Tomasz Agnieszka
José João Pedro Ana Lucía Carmen Javier Alejandro Mateo
Lars Erik Nils Ingrid Astrid Søren Björn
Noam Yael Mehmet Ayşe Emre Omar Fatima Aisha Mohammed Ahmad`
