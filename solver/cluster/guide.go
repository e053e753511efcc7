package cluster

import (
	"math"
	"sort"
)

// lagGuide is the average of the Lagrangian relaxation's solutions over
// the iterates of one run of the subgradient method: how often each
// opportunity was taken and each firm was in its coalition. Such averages
// approach an optimal solution of the LP the Lagrangian dual equals (the
// primal side of the dual's convexification), so where the incumbent
// departs from them is where a better plan is likely to differ: the guided
// neighbourhoods (familyGuide) free those opportunities first.
type lagGuide struct {
	// iterates counts the solutions added.
	iterates int
	// taken[p] counts the iterates that took opportunity p (indexed like
	// Formulation.Y), member[p][f] those with firm f in its coalition.
	taken  []float64
	member []map[int]float64
}

// lagGuideMinIterates: a run with fewer iterates replaces no guide (its
// average is too close to one solution to rank anything).
const lagGuideMinIterates = 20

// newLagGuide returns an empty guide over nP opportunities.
func newLagGuide(nP int) *lagGuide {
	return &lagGuide{taken: make([]float64, nP), member: make([]map[int]float64, nP)}
}

// add counts one iterate's solution (nothing on a nil guide).
func (g *lagGuide) add(lg *lagrangian, pr primal) {
	if g == nil {
		return
	}
	g.iterates++
	for i, on := range pr.taken {
		if on {
			g.taken[lg.projects[i].p]++
		}
	}
	for p, firms := range pr.members {
		if len(firms) > 0 && g.member[p] == nil {
			g.member[p] = map[int]float64{}
		}
		for _, f := range firms {
			g.member[p][f]++
		}
	}
}

// order returns the opportunities with a column, by how far the point x
// departs from the guide's average there (most first; ties in index
// order), leaving out those within lagGuideMinDeparture. The departure of
// p is |ȳ_p − y_p| plus, over the firms in either coalition, |x̄_fp − x_fp|.
func (g *lagGuide) order(fm *Formulation, x []float64) []int {
	if g == nil || g.iterates == 0 {
		return nil
	}
	n := float64(g.iterates)
	type scored struct {
		p     int
		score float64
	}
	var out []scored
	for p, y := range fm.Y {
		if y == none {
			continue
		}
		score := math.Abs(g.taken[p]/n - x[y])
		for _, pc := range fm.Pairs[p] {
			score += math.Abs(g.member[p][pc.Firm]/n - x[pc.X])
		}
		if score >= lagGuideMinDeparture {
			out = append(out, scored{p, score})
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].score > out[b].score })
	ord := make([]int, len(out))
	for i, s := range out {
		ord[i] = s.p
	}
	return ord
}

// favoured returns the opportunities not taken in x that the guide takes
// in at least lagGuideFavoured of its solutions, most often first (ties in
// the order of byValue).
func (g *lagGuide) favoured(fm *Formulation, byValue []int, x []float64) []int {
	if g == nil || g.iterates == 0 {
		return nil
	}
	var out []int
	for _, p := range byValue {
		if y := fm.Y[p]; y != none && x[y] < 0.5 && g.taken[p] >= lagGuideFavoured*float64(g.iterates) {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return g.taken[out[a]] > g.taken[out[b]] })
	return out
}

// lagGuideFavoured: an opportunity the guide takes in at least this share
// of its solutions is favoured (probed when x does not take it).
const lagGuideFavoured = 0.5

// lagGuideMinDeparture: opportunities where the point departs from the
// guide by less are left out of the guided windows.
const lagGuideMinDeparture = 0.25

// guide returns the Lagrangian's latest guide (nil: none).
func (res *LagrangianResult) guide() *lagGuide {
	if res.lg == nil {
		return nil
	}
	return res.lg.guide
}
