package bench

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// LossModel says how a stress draw realises the loss of each opportunity.
// Every model first draws the scenario k with probability π_k; they differ
// in what happens to each opportunity p within that draw:
//
//   - WriteOff (the default): p is written off — its whole net cost a_p is
//     lost — with probability ℓ_pk, and loses nothing otherwise. The
//     expected realised fraction in scenario k is ℓ_pk, exactly the loss
//     the model plans with, but each project now fails or succeeds on its
//     own: the risk of a single overseas venture, which is what a firm
//     investing alone carries in full and what a coalition's small stakes
//     spread.
//   - ScenarioLoss: p loses exactly ℓ_pk·a_p. Losses are perfectly
//     correlated through the scenario and take only the values the MIP's
//     CVaR constraint already sees: whenever the worst scenario of every
//     firm has probability ≥ 1 − α (all bundled and generated instances),
//     CVaR_α is that worst loss, so no plan satisfying constraint 9 — the
//     cluster's or a baseline's — can ever show a distressed firm.
//   - IndependentScenarios: each opportunity draws its own scenario k_p
//     (independently, with probabilities π) and loses ℓ_{p,k_p}·a_p; the
//     drawn k is unused. Losses are uncorrelated, but each still takes only
//     its scenario values.
type LossModel string

// The loss models of the stress test.
const (
	WriteOff             LossModel = "writeoff"
	ScenarioLoss         LossModel = "scenario"
	IndependentScenarios LossModel = "independent"
)

// LossModels lists the valid loss models, the default first.
var LossModels = []LossModel{WriteOff, ScenarioLoss, IndependentScenarios}

func (m LossModel) normalized() (LossModel, error) {
	if m == "" {
		return WriteOff, nil
	}
	for _, v := range LossModels {
		if m == v {
			return m, nil
		}
	}
	return "", fmt.Errorf("bench: unknown loss model %q (want writeoff, scenario or independent)", string(m))
}

// StressOptions configure Stress.
type StressOptions struct {
	// Draws is the number of Monte Carlo draws (≥ 1).
	Draws int
	// Seed seeds the random stream.
	Seed uint64
	// LossModel is how losses are realised; "" means WriteOff.
	LossModel LossModel
}

// StressResult summarises the stress test of one plan. A firm is
// distressed in a draw when its realised loss exceeds its risk limit R_f;
// it is over capital when its realised loss exceeds its capital K_f (which
// only money borrowed through the credit line makes possible).
type StressResult struct {
	Draws int `json:"draws"`
	// FirmsAtRisk is the number of firms holding a stake in the plan.
	FirmsAtRisk int `json:"firms_at_risk"`
	// DistressedMean and DistressedMax are the mean and the largest number
	// of distressed firms in one draw.
	DistressedMean float64 `json:"distressed_mean"`
	DistressedMax  int     `json:"distressed_max"`
	// DistressRate is DistressedMean / FirmsAtRisk: the chance that a firm
	// taking part in the plan is distressed in a draw (0 without any).
	// It compares plans that put different numbers of firms at risk.
	DistressRate float64 `json:"distress_rate"`
	// DistressShare is the share of draws with at least one distressed firm.
	DistressShare float64 `json:"distress_share"`
	// DistressedFirms lists, in file order, the firms distressed in at
	// least one draw.
	DistressedFirms []string `json:"distressed_firms"`
	// The same for losses beyond capital.
	OverCapitalMean  float64  `json:"over_capital_mean"`
	OverCapitalMax   int      `json:"over_capital_max"`
	OverCapitalShare float64  `json:"over_capital_share"`
	OverCapitalFirms []string `json:"over_capital_firms"`
	// ExcessLossMean is the mean over draws of Σ_f max(0, L_f − R_f): the
	// realised loss firms carry beyond what they said they could bear.
	ExcessLossMean float64 `json:"excess_loss_mean"`
	// The cluster's total realised loss Σ_f L_f = Σ_p a_p·(realised
	// fraction of p): mean and the 5th, 50th and 95th percentiles
	// (nearest rank) over the draws.
	LossMean float64 `json:"loss_mean"`
	LossP5   float64 `json:"loss_p5"`
	LossP50  float64 `json:"loss_p50"`
	LossP95  float64 `json:"loss_p95"`
}

// riskTol is the relative tolerance above a limit before a loss counts as
// beyond it: plans meet their CVaR limits only up to solver tolerances, and
// model/check accepts them within 1e-6·max(1, R_f).
const riskTol = 1e-6

// Stress draws opts.Draws outcomes of the instance behind d and measures
// the realised losses of plan a (see LossModel for how a draw realises
// losses). A firm's realised loss is L_f = Σ_p s_fp·a_p·(realised fraction
// of p) over the projects of a.
//
// The random stream is a PCG seeded with (opts.Seed, FNV-1a hash of the
// instance name), and every draw consumes the same numbers whatever the
// plan: one for the scenario and one per opportunity of the instance (in
// file order, taken or not). So the plans of one instance are stressed on
// the same outcomes (common random numbers), and the same seed gives the
// same result.
func Stress(d *model.Derived, a *model.Assignment, opts StressOptions) (*StressResult, error) {
	if opts.Draws < 1 {
		return nil, fmt.Errorf("bench: stress draws must be >= 1, got %d", opts.Draws)
	}
	lm, err := opts.LossModel.normalized()
	if err != nil {
		return nil, err
	}
	st, err := newStresser(d, a, lm)
	if err != nil {
		return nil, err
	}
	h := fnv.New64a()
	h.Write([]byte(d.Inst.Name))
	rng := rand.New(rand.NewPCG(opts.Seed, h.Sum64()))
	t := newStressTally(len(d.Inst.Firms), opts.Draws)
	for n := range opts.Draws {
		st.draw(rng)
		t.record(n, st.realise(), st.firmLoss, d.Inst.Firms)
	}
	return t.result(st, d.Inst.Firms), nil
}

// hold is one firm's money at stake a_p·s_fp in one project.
type hold struct {
	firm  int
	money float64
}

// stresser realises the losses of one plan, draw by draw.
type stresser struct {
	lm       LossModel
	stakes   [][]hold    // per opportunity: the holdings in it (none if not taken)
	atRisk   []bool      // per firm: holds a stake
	loss     [][]float64 // loss[p][k] = ℓ_pk
	cum      []float64   // cumulative scenario probabilities
	total    float64     // their sum, which the draws are scaled to
	frac     []float64   // per opportunity: the fraction of a_p lost in this draw
	firmLoss []float64   // per firm: its loss in this draw
}

// newStresser resolves plan a against the instance behind d.
func newStresser(d *model.Derived, a *model.Assignment, lm LossModel) (*stresser, error) {
	in := d.Inst
	nF, nP, nK := len(in.Firms), len(in.Opportunities), len(in.Scenarios)
	st := &stresser{lm: lm, stakes: make([][]hold, nP), atRisk: make([]bool, nF),
		loss: make([][]float64, nP), cum: make([]float64, nK), frac: make([]float64, nP), firmLoss: make([]float64, nF)}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			return nil, fmt.Errorf("bench: plan: unknown opportunity %q", pj.ID)
		}
		for _, s := range pj.Participants {
			f, ok := d.Firm[s.Firm]
			if !ok {
				return nil, fmt.Errorf("bench: plan: project %q: unknown firm %q", pj.ID, s.Firm)
			}
			st.stakes[p] = append(st.stakes[p], hold{f, s.Stake * d.NetCost[p]})
			st.atRisk[f] = true
		}
	}
	for p := range st.loss {
		st.loss[p] = make([]float64, nK)
		for k, s := range in.Scenarios {
			st.loss[p][k] = in.Opportunities[p].Loss[s.ID]
		}
	}
	for k, pr := range d.Probs {
		st.total += pr
		st.cum[k] = st.total
	}
	return st, nil
}

// pick returns the scenario that the uniform draw u ∈ [0, 1) falls in.
func (st *stresser) pick(u float64) int {
	u *= st.total
	for k, c := range st.cum {
		if u < c {
			return k
		}
	}
	return len(st.cum) - 1
}

// draw sets frac for one draw. It takes one number for the scenario and
// one per opportunity, in file order, whatever the loss model and plan.
func (st *stresser) draw(rng *rand.Rand) {
	k := st.pick(rng.Float64())
	for p := range st.frac {
		u := rng.Float64()
		switch st.lm {
		case WriteOff:
			if u < st.loss[p][k] {
				st.frac[p] = 1
			} else {
				st.frac[p] = 0
			}
		case ScenarioLoss:
			st.frac[p] = st.loss[p][k]
		case IndependentScenarios:
			st.frac[p] = st.loss[p][st.pick(u)]
		}
	}
}

// realise sets each firm's loss in the draw and returns the cluster's.
func (st *stresser) realise() float64 {
	clear(st.firmLoss)
	total := 0.0
	for p, hs := range st.stakes {
		if st.frac[p] == 0 {
			continue
		}
		for _, hd := range hs {
			l := hd.money * st.frac[p]
			st.firmLoss[hd.firm] += l
			total += l
		}
	}
	return total
}

// stressTally accumulates the draws' outcomes.
type stressTally struct {
	draws                    int
	everDistressed, everOver []bool    // per firm
	clusterLoss              []float64 // per draw
	distressDraws, overDraws int       // draws with a distressed / over-capital firm
	distressedSum, overSum   int       // firms distressed / over capital, over all draws
	distressedMax, overMax   int
	excessSum, lossSum       float64
}

func newStressTally(nF, draws int) *stressTally {
	return &stressTally{draws: draws, everDistressed: make([]bool, nF), everOver: make([]bool, nF),
		clusterLoss: make([]float64, draws)}
}

// record adds draw n: the cluster's loss and each firm's, against its
// risk limit and capital (within riskTol).
func (t *stressTally) record(n int, clusterLoss float64, firmLoss []float64, firms []model.Firm) {
	t.clusterLoss[n] = clusterLoss
	t.lossSum += clusterLoss
	distressed, over := 0, 0
	for f := range firms {
		fm := &firms[f]
		l := firmLoss[f]
		if l > fm.RiskLimit+riskTol*math.Max(1, fm.RiskLimit) {
			distressed++
			t.everDistressed[f] = true
			t.excessSum += l - fm.RiskLimit
		}
		if l > fm.Capital+riskTol*math.Max(1, fm.Capital) {
			over++
			t.everOver[f] = true
		}
	}
	t.distressedSum += distressed
	t.overSum += over
	t.distressedMax = max(t.distressedMax, distressed)
	t.overMax = max(t.overMax, over)
	if distressed > 0 {
		t.distressDraws++
	}
	if over > 0 {
		t.overDraws++
	}
}

// result summarises the tally; it sorts the cluster losses.
func (t *stressTally) result(st *stresser, firms []model.Firm) *StressResult {
	res := &StressResult{Draws: t.draws, DistressedFirms: []string{}, OverCapitalFirms: []string{},
		DistressedMax: t.distressedMax, OverCapitalMax: t.overMax}
	for _, r := range st.atRisk {
		if r {
			res.FirmsAtRisk++
		}
	}
	nd := float64(t.draws)
	res.DistressedMean = float64(t.distressedSum) / nd
	if res.FirmsAtRisk > 0 {
		res.DistressRate = res.DistressedMean / float64(res.FirmsAtRisk)
	}
	res.OverCapitalMean = float64(t.overSum) / nd
	res.DistressShare = float64(t.distressDraws) / nd
	res.OverCapitalShare = float64(t.overDraws) / nd
	res.ExcessLossMean = t.excessSum / nd
	res.LossMean = t.lossSum / nd
	for f := range firms {
		if t.everDistressed[f] {
			res.DistressedFirms = append(res.DistressedFirms, firms[f].ID)
		}
		if t.everOver[f] {
			res.OverCapitalFirms = append(res.OverCapitalFirms, firms[f].ID)
		}
	}
	sort.Float64s(t.clusterLoss)
	res.LossP5 = percentile(t.clusterLoss, 0.05)
	res.LossP50 = percentile(t.clusterLoss, 0.50)
	res.LossP95 = percentile(t.clusterLoss, 0.95)
	return res
}

// percentile returns the nearest-rank q-quantile of sorted xs: the
// smallest x with at least q·n values ≤ x.
func percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	i := int(math.Ceil(q*float64(n)-1e-9)) - 1
	i = max(0, min(n-1, i))
	return sorted[i]
}
