package horizon

import (
	"math"

	"github.com/ofdi/ofdi/model"
)

// reach holds, for every firm and market, an upper bound on the knowledge
// κ_fmt the firm can have at the start of each period t = 1..T+1 under K1:
// the initial knowledge plus the largest gain its possible participations
// could bring (see docs/formulation.md, "Multi-period reductions").
type reach struct {
	// kappa[f][m][t-1] bounds κ_fmt; kappa[f][m][0] is κ_f(m) itself.
	kappa [][][]float64
	// candidate[p] are the firms whose role and segment match p.
	candidate [][]int
}

// newReach computes the bounds. A participation in m adds at most
// g_f = g_D + g_P (g_P only for an SME that is not a pioneer, the only
// firms with learning-reward pairs) to κ_fm and φ·g_f to every other
// market; by the end of period t the firm has taken part in at most
// N_fm(t) opportunities of m, those whose role and segment match and that
// open in some period ≤ t, and in at most n_f in all.
func newReach(in *model.Instance, d *model.Derived) *reach {
	T := in.Periods()
	gD, gP, phi := in.Horizon.Gains()
	r := &reach{kappa: make([][][]float64, len(in.Firms)), candidate: make([][]int, len(in.Opportunities))}
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		rule := in.Rules.Mode(o.Mode)
		for f := range in.Firms {
			if rule.Allows(in.Firms[f].Role) && in.Firms[f].Serves(o.Segment) {
				r.candidate[p] = append(r.candidate[p], f)
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
	for f := range in.Firms {
		firm := &in.Firms[f]
		g := gD
		if firm.Role == model.SME && !firm.Pioneer {
			g += gP
		}
		limit := math.Inf(1)
		if firm.MaxProjects != nil {
			limit = float64(*firm.MaxProjects)
		}
		// count[m][t] = N_fm(t), t = 0..T.
		count := make([][]float64, nM)
		for m := range count {
			count[m] = make([]float64, T+1)
		}
		for p := range in.Opportunities {
			if !contains(r.candidate[p], f) || first[p] > T {
				continue
			}
			m := d.Market[in.Opportunities[p].Market]
			for t := first[p]; t <= T; t++ {
				count[m][t]++
			}
		}
		r.kappa[f] = make([][]float64, nM)
		for m := range in.Markets {
			k0 := firm.KnowledgeOf(in.Markets[m].ID)
			ks := make([]float64, T+1)
			for t := 0; t <= T; t++ { // ks[t] bounds κ at the start of period t+1
				own, other := math.Min(count[m][t], limit), 0.0
				for m2 := range in.Markets {
					if m2 != m {
						other += count[m2][t]
					}
				}
				other = math.Min(other, limit)
				ks[t] = math.Min(1, k0+g*(own+phi*other))
			}
			r.kappa[f][m] = ks
		}
	}
	return r
}

func contains(s []int, x int) bool {
	for _, y := range s {
		if y == x {
			return true
		}
	}
	return false
}
