package horizon

import (
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// reach holds, for every firm and market, an upper bound on the knowledge
// κ_fmt the firm can have at the start of each period t = 1..T+1 under K1:
// the initial knowledge plus the largest gain its possible participations
// could bring (see docs/formulation.md, "Multi-period reductions").
type reach struct {
	// kappa[f][m][t-1] bounds κ_fmt; kappa[f][m][0] is κ_f(m) itself.
	kappa [][][]float64
	// use[f][m][t-1] bounds κ_fmt for a firm that takes part in a project
	// starting in t: that project is one of its n_f, so at most n_f − 1
	// participations came before it. It decides which pairs may become
	// eligible by knowledge.
	use [][][]float64
	// candidate[p] are the firms whose role and segment match p.
	candidate [][]int
}

// newReach computes the bounds. A participation in p adds at most
// g_p = g_D + g_P (g_P only for a learning-reward pair: an SME, not a
// pioneer, with a pioneer of Π_p other than itself) to κ_f(m(p)) and
// φ·g_p to every other market. By the end of period t the firm has taken
// part in each opportunity whose role and segment match and that opens in
// some period ≤ t at most once, and in at most n_f opportunities in all:
// so κ_fm,t+1 is at most κ_fm1 plus the n_f largest of those
// participations' weights in m (g_p in m(p), φ·g_p elsewhere); use has
// the n_f − 1 largest.
func newReach(in *model.Instance, d *model.Derived) *reach {
	T := in.Periods()
	gD, gP, phi := in.Horizon.Gains()
	r := &reach{kappa: make([][][]float64, len(in.Firms)), use: make([][][]float64, len(in.Firms)), candidate: make([][]int, len(in.Opportunities))}
	// byFirm[f] are the opportunities f is a candidate of.
	byFirm := make([][]int, len(in.Firms))
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		rule := in.Rules.Mode(o.Mode)
		for f := range in.Firms {
			if rule.Allows(in.Firms[f].Role) && in.Firms[f].Serves(o.Segment) {
				r.candidate[p] = append(r.candidate[p], f)
				byFirm[f] = append(byFirm[f], p)
			}
		}
	}
	// first[p] is p's first open period (T+1 when none).
	first := make([]int, len(in.Opportunities))
	for p := range in.Opportunities {
		first[p] = T + 1
		for t := T; t >= 1; t-- {
			if in.Opportunities[p].OpenIn(t) {
				first[p] = t
			}
		}
	}
	nM := len(in.Markets)
	weights := make([]float64, 0, len(in.Opportunities))
	for f := range in.Firms {
		firm := &in.Firms[f]
		limit := len(in.Opportunities)
		if firm.MaxProjects != nil {
			limit = *firm.MaxProjects
		}
		// gain[i] is g_p of the firm's i-th candidate opportunity p.
		gain := make([]float64, len(byFirm[f]))
		for i, p := range byFirm[f] {
			gain[i] = gD
			if rewardable(in, d, f, p) {
				gain[i] += gP
			}
		}
		r.kappa[f], r.use[f] = make([][]float64, nM), make([][]float64, nM)
		for m := range in.Markets {
			k0 := firm.KnowledgeOf(in.Markets[m].ID)
			ks, us := make([]float64, T+1), make([]float64, T+1)
			for t := 0; t <= T; t++ { // ks[t] bounds κ at the start of period t+1
				weights = weights[:0]
				for i, p := range byFirm[f] {
					if first[p] > t {
						continue
					}
					g := gain[i]
					if d.Market[in.Opportunities[p].Market] != m {
						g *= phi
					}
					weights = append(weights, g)
				}
				ks[t] = math.Min(1, k0+largest(weights, limit))
				us[t] = math.Min(1, k0+largest(weights, limit-1))
			}
			r.kappa[f][m], r.use[f][m] = ks, us
		}
	}
	return r
}

// rewardable says whether f may earn a learning reward in p: an SME, not
// a pioneer, beside a pioneer of Π_p other than itself.
func rewardable(in *model.Instance, d *model.Derived, f, p int) bool {
	firm := &in.Firms[f]
	if firm.Role != model.SME || firm.Pioneer {
		return false
	}
	for _, g := range d.Pioneers[p] {
		if g != f {
			return true
		}
	}
	return false
}

// largest returns the sum of the n largest values of v (all of them when
// there are fewer); it reorders v.
func largest(v []float64, n int) float64 {
	sort.Sort(sort.Reverse(sort.Float64Slice(v)))
	sum := 0.0
	for i := 0; i < min(n, len(v)); i++ {
		sum += v[i]
	}
	return sum
}
