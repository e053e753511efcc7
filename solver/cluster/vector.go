package cluster

import (
	"fmt"
	"math"
	"sort"

	"github.com/ofdi/ofdi/model"
)

// Decode turns a solver's column vector into an assignment: projects with
// y_p = 1, their participants (x_fp = 1) with stakes s_fp, their lead, the
// markets entered and, per firm, the least credit its spending needs.
func (fm *Formulation) Decode(x []float64) *model.Assignment {
	return assignmentOf(fm.D, fm.decodeProjects(x))
}

// decodeProjects returns the projects of x, in opportunity order.
func (fm *Formulation) decodeProjects(x []float64) []model.Project {
	in := fm.D.Inst
	projects := []model.Project{}
	for p, y := range fm.Y {
		if y == none || x[y] < 0.5 {
			continue
		}
		o := &in.Opportunities[p]
		pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode, Participants: []model.Stake{}}
		for _, pc := range fm.Pairs[p] {
			if x[pc.X] < 0.5 {
				continue
			}
			s := math.Max(0, math.Min(1, x[pc.S]))
			pj.Participants = append(pj.Participants, model.Stake{Firm: in.Firms[pc.Firm].ID, Stake: s})
			if pc.L != none && x[pc.L] > 0.5 {
				pj.Lead = in.Firms[pc.Firm].ID
			}
		}
		projects = append(projects, pj)
	}
	return projects
}

// assignmentOf completes projects into an assignment: the markets they
// enter, in file order, and the least credit each firm's spending needs;
// then the canonical order.
func assignmentOf(d *model.Derived, projects []model.Project) *model.Assignment {
	in := d.Inst
	a := &model.Assignment{Projects: projects, MarketsEntered: []string{}}
	spend := make([]float64, len(in.Firms))
	entered := make([]bool, len(in.Markets))
	for _, pj := range projects {
		p := d.Opp[pj.ID]
		entered[d.Market[pj.Market]] = true
		for _, st := range pj.Participants {
			spend[d.Firm[st.Firm]] += st.Stake * d.NetCost[p]
		}
	}
	for m, e := range entered {
		if e {
			a.MarketsEntered = append(a.MarketsEntered, in.Markets[m].ID)
		}
	}
	a.Credit = CreditNeeded(d, spend)
	d.SortAssignment(a)
	return a
}

// CreditNeeded returns, for each firm whose spending exceeds its capital,
// the credit that covers the difference, in file order.
func CreditNeeded(d *model.Derived, spend []float64) []model.Credit {
	out := []model.Credit{}
	for f, s := range spend {
		if c := s - d.Inst.Firms[f].Capital; c > 1e-9 {
			out = append(out, model.Credit{Firm: d.Inst.Firms[f].ID, Amount: c})
		}
	}
	return out
}

// Encode writes assignment a as a full column vector of the formulation:
// the inverse of Decode, with η_f at the firm's value at risk and every
// auxiliary column at its least feasible value. It fails when a uses a pair
// or project that has no column.
func (fm *Formulation) Encode(a *model.Assignment) ([]float64, error) {
	return fm.encode(a, nil)
}

// encode is Encode for a formulation written with a fixed part (a
// window's, nil: none), whose spending, losses and projects count in the
// auxiliary columns.
func (fm *Formulation) encode(a *model.Assignment, fixed *fixedPart) ([]float64, error) {
	d := fm.D
	in := d.Inst
	x := make([]float64, len(fm.Prob.Cols))
	spend := make([]float64, len(in.Firms))
	losses := make([][]float64, len(in.Firms))
	for f := range losses {
		spend[f] = fixed.spendOf(f)
		losses[f] = make([]float64, len(in.Scenarios))
		for k := range losses[f] {
			losses[f][k] = fixed.lossOf(f, k)
		}
	}
	taking := make([]bool, len(in.Firms))
	count := map[[2]string]int{}
	for m, u := range fm.U {
		if u != none && fixed.entered(m) {
			x[u] = 1
		}
	}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok || fm.Y[p] == none {
			return nil, fmt.Errorf("encode: project %q cannot be undertaken", pj.ID)
		}
		o := &in.Opportunities[p]
		x[fm.Y[p]] = 1
		x[fm.U[d.Market[o.Market]]] = 1
		count[[2]string{o.Market, o.Segment}]++
		member := map[int]bool{}
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			pc := fm.pair(p, f)
			if pc == nil {
				return nil, fmt.Errorf("encode: project %q: firm %q has no column", pj.ID, st.Firm)
			}
			member[f] = true
			taking[f] = true
			x[pc.X], x[pc.S] = 1, st.Stake
			if st.Firm == pj.Lead {
				if pc.L == none {
					return nil, fmt.Errorf("encode: project %q: firm %q cannot lead", pj.ID, st.Firm)
				}
				x[pc.L] = 1
			}
			spend[f] += st.Stake * d.NetCost[p]
			for k := range losses[f] {
				losses[f][k] += st.Stake * d.Loss(p, k)
			}
		}
		for _, w := range fm.rewarded(p, member) {
			x[w] = 1
		}
	}
	for f := range in.Firms {
		if c := fm.C[f]; c != none {
			x[c] = math.Min(fm.Prob.Cols[c].Hi, math.Max(0, spend[f]-in.Firms[f].Capital))
		}
		if fm.Eta[f] != none {
			eta := valueAtRisk(losses[f], d.Probs, in.Policy.Alpha())
			eta = math.Max(0, math.Min(eta, in.Firms[f].RiskLimit))
			x[fm.Eta[f]] = eta
			for k, t := range fm.T[f] {
				x[t] = math.Max(0, losses[f][k]-eta)
			}
		}
		if fm.Z[f] != none && taking[f] {
			x[fm.Z[f]] = 1
		}
	}
	for key, e := range fm.E {
		capacity := in.Markets[d.Market[key[0]]].Cap(key[1])
		x[e] = math.Max(0, float64(count[key]+fixed.groupOf(key)-capacity))
	}
	return x, nil
}

// pair returns firm f's pair of opportunity p, nil when it has none. The
// pairs of p are in firm order (as model.Derive lists them).
func (fm *Formulation) pair(p, f int) *PairCols {
	pairs := fm.Pairs[p]
	i := sort.Search(len(pairs), func(i int) bool { return pairs[i].Firm >= f })
	if i < len(pairs) && pairs[i].Firm == f {
		return &pairs[i]
	}
	return nil
}

// valueAtRisk returns the η that minimises the Rockafellar–Uryasev
// function, the α-quantile of the loss distribution.
func valueAtRisk(losses, probs []float64, alpha float64) float64 {
	idx := make([]int, len(losses))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return losses[idx[a]] < losses[idx[b]] })
	cum := 0.0
	for _, i := range idx {
		cum += probs[i]
		if cum >= alpha-1e-12 {
			return losses[i]
		}
	}
	return losses[idx[len(idx)-1]]
}

// Violations lists the rows and bounds of the formulation that x violates
// by more than tol (scaled by the row's magnitude); nil means x is feasible.
func (fm *Formulation) Violations(x []float64, tol float64) []string {
	var out []string
	for j, c := range fm.Prob.Cols {
		if x[j] < c.Lo-tol || x[j] > c.Hi+tol {
			out = append(out, fmt.Sprintf("column %s = %g outside [%g, %g]", c.Name, x[j], c.Lo, c.Hi))
		}
	}
	for _, r := range fm.Prob.Rows {
		act, scale := 0.0, 1.0
		for i, j := range r.Ind {
			act += r.Val[i] * x[j]
			scale = math.Max(scale, math.Abs(r.Val[i]*x[j]))
		}
		if act < r.Lo-tol*scale || act > r.Hi+tol*scale {
			out = append(out, fmt.Sprintf("row %s = %g outside [%g, %g]", r.Name, act, r.Lo, r.Hi))
		}
	}
	return out
}

// Objective returns the objective value of x.
func (fm *Formulation) Objective(x []float64) float64 {
	z := fm.Prob.ObjConst
	for j, c := range fm.Prob.Cols {
		z += c.Obj * x[j]
	}
	return z
}

// rewarded returns the w columns of p whose learning reward the coalition
// member realises: a reward pair taking part beside another pioneer of Π_p.
func (fm *Formulation) rewarded(p int, member map[int]bool) []int {
	var out []int
	for _, pc := range fm.Pairs[p] {
		if pc.W == none || !member[pc.Firm] {
			continue
		}
		for _, g := range fm.Pairs[p] {
			if g.Firm != pc.Firm && member[g.Firm] && g.Pioneer {
				out = append(out, pc.W)
				break
			}
		}
	}
	return out
}

// warmStart encodes a plan given to start from, or returns nil when there
// is none or it does not fit this model (an opportunity or pair that does
// not exist here, a violated row).
func (fm *Formulation) warmStart(a *model.Assignment) []float64 {
	if a == nil {
		return nil
	}
	x, err := fm.Encode(a)
	if err != nil || len(fm.Violations(x, 1e-7)) > 0 {
		return nil
	}
	return x
}
