package cluster

// Windows on clusters too large for the whole MIP: the MIP of a few
// opportunities, with the rest of a plan fixed, written directly (without
// the whole model) and solved by GLPK; see largeSearch.

import (
	"context"
	"slices"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// fixedPart is what the projects of a plan outside a window commit: the
// constants of the window's firm-coupling rows. Its methods take a nil
// receiver as nothing fixed (the whole model).
type fixedPart struct {
	// spend[f] is firm f's net cost of its stakes outside the window,
	// loss[f][k] its loss in scenario k, projects[f] its project count.
	spend    []float64
	loss     [][]float64
	projects []int
	// smeIn marks the SMEs of d.SMEs that take part outside the window.
	smeIn []bool
	// groupCount counts the projects per (market, segment) group,
	// marketIn marks the markets entered, marketPower sums G_p.
	groupCount  map[[2]string]int
	marketIn    []bool
	marketPower float64
}

// newFixedPart sums the projects of a that are not in window.
func newFixedPart(d *model.Derived, a *model.Assignment, window []bool) *fixedPart {
	in := d.Inst
	nF := len(in.Firms)
	fp := &fixedPart{spend: make([]float64, nF), loss: make([][]float64, nF), projects: make([]int, nF),
		smeIn: make([]bool, nF), groupCount: map[[2]string]int{}, marketIn: make([]bool, len(in.Markets))}
	for f := range fp.loss {
		fp.loss[f] = make([]float64, len(in.Scenarios))
	}
	counts := make([]bool, nF) // the SMEs that count toward the target
	for _, f := range d.SMEs {
		counts[f] = true
	}
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		if window[p] {
			continue
		}
		o := &in.Opportunities[p]
		fp.groupCount[[2]string{o.Market, o.Segment}]++
		fp.marketIn[d.Market[o.Market]] = true
		fp.marketPower += o.MarketPower
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			fp.spend[f] += d.NetCost[p] * st.Stake
			fp.projects[f]++
			if counts[f] {
				fp.smeIn[f] = true
			}
			for k := range in.Scenarios {
				fp.loss[f][k] += d.Loss(p, k) * st.Stake
			}
		}
	}
	return fp
}

// spendOf, lossOf, projectsOf: firm f's fixed spending, loss in scenario
// k and project count.
func (fp *fixedPart) spendOf(f int) float64 {
	if fp == nil {
		return 0
	}
	return fp.spend[f]
}

func (fp *fixedPart) lossOf(f, k int) float64 {
	if fp == nil {
		return 0
	}
	return fp.loss[f][k]
}

func (fp *fixedPart) projectsOf(f int) int {
	if fp == nil {
		return 0
	}
	return fp.projects[f]
}

// riskOf is the CVaR of firm f's fixed losses.
func (fp *fixedPart) riskOf(f int, d *model.Derived) float64 {
	if fp == nil {
		return 0
	}
	return model.CVaR(fp.loss[f], d.Probs, d.Inst.Policy.Alpha())
}

// creditOutside is the credit the fixed part's firms without a credit
// column (cols[f] == none) draw: their fixed spending beyond their capital.
func (fp *fixedPart) creditOutside(d *model.Derived, cols []int) float64 {
	if fp == nil {
		return 0
	}
	c := 0.0
	for f, s := range fp.spend {
		if cols[f] == none && s > d.Inst.Firms[f].Capital {
			c += s - d.Inst.Firms[f].Capital
		}
	}
	return c
}

// groupOf counts the fixed projects of a (market, segment) group;
// entered reports whether they enter market m; power sums their G_p.
func (fp *fixedPart) groupOf(key [2]string) int {
	if fp == nil {
		return 0
	}
	return fp.groupCount[key]
}

func (fp *fixedPart) entered(m int) bool { return fp != nil && fp.marketIn[m] }

func (fp *fixedPart) power() float64 {
	if fp == nil {
		return 0
	}
	return fp.marketPower
}

// takesPart reports whether SME f takes part in a fixed project; smesIn
// counts those SMEs.
func (fp *fixedPart) takesPart(f int) bool { return fp != nil && fp.smeIn[f] }

func (fp *fixedPart) smesIn() int {
	n := 0
	if fp != nil {
		for _, in := range fp.smeIn {
			if in {
				n++
			}
		}
	}
	return n
}

// buildWindow writes the MIP of the opportunities in window (st is the
// structure of the whole model: its pairs and static reasons), with the
// projects of a outside the window fixed: the window's own rows as in the
// whole model, and every firm-coupling row (budget, CVaR, project count,
// credit line, dissipation, targets) with the fixed part as a constant
// (the writer's rows, given the fixed part). Its optimum, joined with a's
// projects outside the window, is the best plan that keeps them.
//
// keep, when not nil, limits the pairs written: keep[p][i] for the i-th
// pair of st.Pairs[p] (the others stay out: x = 0, a restriction). It must
// keep the pairs of a's members in the window.
func buildWindow(ctx context.Context, st *Formulation, a *model.Assignment, window []bool, keep [][]bool) (*Formulation, *fixedPart) {
	d := st.D
	w := newWriter(ctx, d, namer{d: d, byIndex: true}, true)
	w.fixed = newFixedPart(d, a, window)
	for p := range d.Inst.Opportunities {
		if window[p] && st.Reason[p] == "" && st.Y[p] != none {
			w.addWindowCols(st, p, keep)
		}
	}
	w.addOpportunityRows()
	w.addRewardRows()
	w.addLearnerRows()
	w.addFirmRows()
	w.addCreditLine()
	w.addDissipationRows()
	w.addMarketPowerRow()
	w.addSMERows()
	return w.fm, w.fixed
}

// addWindowCols adds y_p (u_m with it: fixed at 1, paid, when a fixed
// project enters m) and the x, s and l columns of st's pairs of p that
// keep keeps.
func (w *writer) addWindowCols(st *Formulation, p int, keep [][]bool) {
	in, fm := w.in, w.fm
	o := &in.Opportunities[p]
	fm.Gain[p] = st.Gain[p]
	fm.Y[p] = w.col("y_"+w.nm.opp(p), 0, 1, mip.Binary, -st.Gain[p])
	if m := w.d.Market[o.Market]; fm.U[m] == none {
		if w.fixed.entered(m) {
			fm.U[m] = w.col("u_"+w.nm.market(m), 1, 1, mip.Continuous, in.Markets[m].InfoCost)
		} else {
			fm.U[m] = w.col("u_"+w.nm.market(m), 0, 1, mip.Binary, in.Markets[m].InfoCost)
		}
	}
	fm.Pairs[p] = make([]PairCols, 0, len(st.Pairs[p]))
	for i, pc := range st.Pairs[p] {
		if keep != nil && !keep[p][i] {
			continue
		}
		tag := w.nm.pair(pc.Firm, p)
		c := PairCols{Pair: pc.Pair, L: none, W: none}
		c.X = w.col("x_"+tag, 0, 1, mip.Binary, 0)
		c.S = w.col("s_"+tag, 0, pc.MaxStake, mip.Continuous, 0)
		if pc.L != none {
			c.L = w.col("l_"+tag, 0, 1, mip.Binary, 0)
		}
		fm.Pairs[p] = append(fm.Pairs[p], c)
	}
}

// joinWindow returns a's projects outside window with the window's
// projects of x (a point of wfm, the window's MIP), the markets entered
// and the credit their spending needs.
func joinWindow(d *model.Derived, a *model.Assignment, window []bool, wfm *Formulation, x []float64) *model.Assignment {
	return assignmentOf(d, append(windowProjects(d, a, window, false), wfm.decodeProjects(x)...))
}

// joinPlans returns a's projects outside window with b's projects in it,
// the markets entered and the credit their spending needs.
func joinPlans(d *model.Derived, a *model.Assignment, window []bool, b *model.Assignment) *model.Assignment {
	return assignmentOf(d, append(windowProjects(d, a, window, false), windowProjects(d, b, window, true)...))
}

// windowProjects returns a's projects in the window (in) or outside it,
// each with its own copy of the participants, which assignmentOf sorts in
// place: the window search's workers read the plans they join from.
func windowProjects(d *model.Derived, a *model.Assignment, window []bool, in bool) []model.Project {
	var projects []model.Project
	for _, pj := range a.Projects {
		if window[d.Opp[pj.ID]] == in {
			pj.Participants = slices.Clone(pj.Participants)
			projects = append(projects, pj)
		}
	}
	return projects
}

// encodeWindow writes a's projects in the window as a point of wfm (the
// window's MIP, fixed its fixed part); nil if the point breaks a row (it
// should not: a is feasible).
func encodeWindow(wfm *Formulation, a *model.Assignment, window []bool, fixed *fixedPart) []float64 {
	inner := &model.Assignment{Projects: windowProjects(wfm.D, a, window, true)}
	x, err := wfm.encode(inner, fixed)
	if err != nil || len(wfm.Violations(x, 1e-6)) > 0 {
		return nil
	}
	return x
}
