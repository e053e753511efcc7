package cluster

import (
	"math"
	"sort"
)

// UncoupledBound is a valid lower bound on Z, computed in O(P log P)
// without any LP. It drops every constraint that couples opportunities
// through firms (budgets, credit, CVaR, project counts) and the targets,
// and lets each fundable opportunity count the most learning rewards its
// partner limit allows. What remains decomposes: per market, per segment,
// take the n most valuable opportunities where the n-th beyond capacity
// also pays the dissipation, and enter the market when the segments
// together are worth more than its info cost. Each step is exact for the
// relaxation, so the result is its optimum, hence a lower bound on Z.
func (fm *Formulation) UncoupledBound() float64 {
	d := fm.D
	in := d.Inst
	lamL := in.Objective.LearningValue
	type group struct{ vals []float64 }
	groups := map[[2]string]*group{}
	var order [][2]string
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		o := &in.Opportunities[p]
		v := fm.Gain[p]
		if lamL > 0 {
			rewards, pioneer := 0, false
			for _, pc := range fm.Pairs[p] {
				if pc.W != none {
					rewards++
				}
				pioneer = pioneer || pc.Pioneer
			}
			if o.MaxPartners != nil {
				rewards = min(rewards, *o.MaxPartners-1)
			}
			if pioneer && rewards > 0 {
				v += lamL * float64(rewards)
			}
		}
		key := [2]string{o.Market, o.Segment}
		g, ok := groups[key]
		if !ok {
			g = &group{}
			groups[key] = g
			order = append(order, key)
		}
		g.vals = append(g.vals, v)
	}
	marketValue := make([]float64, len(in.Markets))
	for _, key := range order {
		g := groups[key]
		sort.Sort(sort.Reverse(sort.Float64Slice(g.vals)))
		mk := &in.Markets[d.Market[key[0]]]
		best, _ := bestPrefix(len(g.vals), func(j int) float64 { return g.vals[j] }, mk.Cap(key[1]), mk.Dissipation)
		marketValue[d.Market[key[0]]] += best
	}
	z := 0.0
	for m, v := range marketValue {
		z += math.Min(0, in.Markets[m].InfoCost-v)
	}
	return z
}
