package model

import (
	"fmt"
	"math"
)

// PeriodPlan is one period of a multi-period plan: the plan JSON's
// "periods" entries.
type PeriodPlan struct {
	Period int `json:"period"`
	// Projects are the ids started in the period, in file order.
	Projects []string `json:"projects"`
	// MarketsEntered are the markets the cluster (a baseline: any firm)
	// enters for the first time in the period.
	MarketsEntered []string `json:"markets_entered"`
	// Joined are the firms taking part in a project for the first time.
	Joined []string `json:"joined,omitempty"`
	// Learning lists who learns beside which pioneers (cluster plans).
	Learning []LearningLink `json:"learning,omitempty"`
}

// LearningLink is one learning participation: an SME beside the pioneers
// of Π_p in the same project.
type LearningLink struct {
	Firm     string   `json:"firm"`
	Project  string   `json:"project"`
	Pioneers []string `json:"pioneers"`
}

// KnowledgePath is a firm's knowledge of one market κ_fm1..κ_fm,T+1, the
// largest values K1 allows given the plan.
type KnowledgePath struct {
	Firm   string    `json:"firm"`
	Market string    `json:"market"`
	Values []float64 `json:"values"`
}

// StageCount counts the SMEs in each Uppsala stage after a period.
type StageCount struct {
	Period      int `json:"period"`
	Pre         int `json:"pre"`
	Early       int `json:"early"`
	Experienced int `json:"experienced"`
}

// HorizonView is what a multi-period plan adds to the plan JSON.
type HorizonView struct {
	Periods   []PeriodPlan
	Knowledge []KnowledgePath
	Stages    []StageCount
}

// EvaluateHorizon computes the metrics, the discounted objective Z and the
// periods, knowledge paths and stages of a multi-period assignment (each
// project with its Period in 1..T). Money metrics (info cost, dissipation
// increments, value) are discounted to period 1; market power, learning
// and the participation counts are not (they are quantities, and the
// targets count them over the horizon). Knowledge grows by K1 with the
// largest values it allows; the baselines learn by doing only. It fails
// on unknown ids and periods out of range, not on infeasibility.
func (d *Derived) EvaluateHorizon(a *Assignment, method string) (Metrics, float64, *HorizonView, error) {
	in := d.Inst
	m, _, err := d.Evaluate(a, method)
	if err != nil {
		return m, 0, nil, err
	}
	T := in.Periods()
	byPeriod := make([][]int, T) // project indices of a, by period
	for i, pj := range a.Projects {
		if pj.Period < 1 || pj.Period > T {
			return m, 0, nil, fmt.Errorf("plan: project %q: period %d is not in 1..%d", pj.ID, pj.Period, T)
		}
		byPeriod[pj.Period-1] = append(byPeriod[pj.Period-1], i)
	}
	ev := horizonEval{d: d, a: a, method: method, byPeriod: byPeriod, view: &HorizonView{}}
	z := ev.money(&m)
	ev.knowledge()
	n := ev.stages()
	m.SMEExperienced = &n
	return m, z, ev.view, nil
}

// horizonEval walks a multi-period assignment period by period.
type horizonEval struct {
	d        *Derived
	a        *Assignment
	method   string
	byPeriod [][]int
	view     *HorizonView
	// kappa[f][m][t] is κ at the start of period t+1, t = 0..T.
	kappa [][][]float64
	// first[f] is the first period f takes part in (0: never).
	first []int
}

// learners returns, for project pj, each SME (not a pioneer) beside a
// pioneer of Π_p other than itself, with those pioneers.
func (ev *horizonEval) learners(pj *Project) []LearningLink {
	d := ev.d
	p := d.Opp[pj.ID]
	in := d.Inst
	member := map[int]bool{}
	for _, st := range pj.Participants {
		member[d.Firm[st.Firm]] = true
	}
	var out []LearningLink
	for _, st := range pj.Participants {
		f := d.Firm[st.Firm]
		if in.Firms[f].Role != SME || in.Firms[f].Pioneer {
			continue
		}
		var ps []string
		for _, g := range d.Pioneers[p] {
			if g != f && member[g] {
				ps = append(ps, in.Firms[g].ID)
			}
		}
		if len(ps) > 0 {
			out = append(out, LearningLink{Firm: st.Firm, Project: pj.ID, Pioneers: ps})
		}
	}
	return out
}

// money fills the discounted money metrics and the periods, and returns Z.
func (ev *horizonEval) money(m *Metrics) float64 {
	d, in := ev.d, ev.d.Inst
	h := in.Horizon
	lam := in.Objective
	m.InfoCost, m.Dissipation, m.Value = 0, 0, 0
	cluster := ev.method == MethodCluster
	entered := map[int]bool{}        // markets entered (by the cluster or any firm)
	firmEntered := map[[2]int]bool{} // (firm, market) entered, for baselines
	count := map[[2]string]int{}     // projects per (market, segment) so far
	ev.first = make([]int, len(in.Firms))
	power, learning := 0.0, 0.0
	for t, idx := range ev.byPeriod {
		w := h.DiscountAt(t + 1)
		pp := PeriodPlan{Period: t + 1, Projects: []string{}, MarketsEntered: []string{}}
		excessBefore := map[[2]string]int{}
		for _, i := range idx {
			o := &in.Opportunities[d.Opp[ev.a.Projects[i].ID]]
			key := [2]string{o.Market, o.Segment}
			if _, ok := excessBefore[key]; !ok {
				excessBefore[key] = max(0, count[key]-in.Markets[d.Market[o.Market]].Cap(o.Segment))
			}
		}
		for _, p := range ev.sortedByFile(idx) {
			pj := &ev.a.Projects[p]
			o := &in.Opportunities[d.Opp[pj.ID]]
			mi := d.Market[o.Market]
			pp.Projects = append(pp.Projects, pj.ID)
			if !entered[mi] {
				entered[mi] = true
				pp.MarketsEntered = append(pp.MarketsEntered, o.Market)
				if cluster {
					m.InfoCost += w * in.Markets[mi].InfoCost
				}
			}
			for _, st := range pj.Participants {
				f := d.Firm[st.Firm]
				if ev.first[f] == 0 {
					ev.first[f] = t + 1
					pp.Joined = append(pp.Joined, st.Firm)
				}
				if !cluster && !firmEntered[[2]int{f, mi}] {
					firmEntered[[2]int{f, mi}] = true
					m.InfoCost += w * in.Markets[mi].InfoCost
				}
			}
			count[[2]string{o.Market, o.Segment}]++
			m.Value += w * (o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost)
			power += w * o.MarketPower
			if cluster {
				links := ev.learners(pj)
				pp.Learning = append(pp.Learning, links...)
				learning += w * float64(len(links))
			}
		}
		for _, key := range sortedGroups(d, excessBefore) {
			mk := &in.Markets[d.Market[key[0]]]
			after := max(0, count[key]-mk.Cap(key[1]))
			m.Dissipation += w * mk.Dissipation * float64(after-excessBefore[key])
		}
		sortByIndex(pp.MarketsEntered, d.Market)
		ev.view.Periods = append(ev.view.Periods, pp)
	}
	return m.InfoCost + m.Dissipation - m.Value - lam.MarketPowerValue*power - lam.LearningValue*learning
}

// sortedByFile returns the assignment indices idx ordered by the
// opportunities' file order.
func (ev *horizonEval) sortedByFile(idx []int) []int {
	out := append([]int(nil), idx...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && ev.d.Opp[ev.a.Projects[out[j]].ID] < ev.d.Opp[ev.a.Projects[out[j-1]].ID]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func sortedGroups(d *Derived, groups map[[2]string]int) [][2]string {
	out := make([][2]string, 0, len(groups))
	for k := range groups {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && groupLess(d, out[j], out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

func groupLess(d *Derived, a, b [2]string) bool {
	if a[0] != b[0] {
		return d.Market[a[0]] < d.Market[b[0]]
	}
	return a[1] < b[1]
}

// knowledge computes κ by K1 with the largest values it allows, and the
// paths of the firms and markets whose knowledge changed.
func (ev *horizonEval) knowledge() {
	d, in := ev.d, ev.d.Inst
	T := len(ev.byPeriod)
	gD, gP, phi := in.Horizon.Gains()
	if ev.method != MethodCluster {
		gP = 0 // nobody learns beside a pioneer when firms act alone
	}
	nM := len(in.Markets)
	ev.kappa = make([][][]float64, len(in.Firms))
	for f := range in.Firms {
		ev.kappa[f] = make([][]float64, nM)
		for mi := range in.Markets {
			ev.kappa[f][mi] = make([]float64, T+1)
			ev.kappa[f][mi][0] = in.Firms[f].KnowledgeOf(in.Markets[mi].ID)
		}
	}
	for t, idx := range ev.byPeriod {
		gain := make([][]float64, len(in.Firms)) // own-market gains of period t
		for f := range gain {
			gain[f] = make([]float64, nM)
		}
		for _, i := range idx {
			pj := &ev.a.Projects[i]
			mi := d.Market[pj.Market]
			if p, ok := d.Opp[pj.ID]; ok {
				mi = d.Market[in.Opportunities[p].Market]
			}
			for _, st := range pj.Participants {
				gain[d.Firm[st.Firm]][mi] += gD
			}
			if gP > 0 {
				for _, l := range ev.learners(pj) {
					gain[d.Firm[l.Firm]][mi] += gP
				}
			}
		}
		for f := range in.Firms {
			total := 0.0
			for mi := range in.Markets {
				total += gain[f][mi]
			}
			for mi := range in.Markets {
				g := gain[f][mi] + phi*(total-gain[f][mi])
				ev.kappa[f][mi][t+1] = math.Min(1, ev.kappa[f][mi][t]+g)
			}
		}
	}
	for f := range in.Firms {
		for mi := range in.Markets {
			ks := ev.kappa[f][mi]
			if ks[T] != ks[0] {
				vs := make([]float64, len(ks))
				for i, k := range ks {
					vs[i] = Round(k)
				}
				ev.view.Knowledge = append(ev.view.Knowledge, KnowledgePath{Firm: in.Firms[f].ID, Market: in.Markets[mi].ID, Values: vs})
			}
		}
	}
}

// stages counts the SMEs per stage after each period and returns the
// number experienced after the last.
func (ev *horizonEval) stages() int {
	d, in := ev.d, ev.d.Inst
	theta := in.Horizon.ExperiencedAtOr()
	for t := range ev.byPeriod {
		sc := StageCount{Period: t + 1}
		for _, f := range d.SMEs {
			switch {
			case ev.first[f] == 0 || ev.first[f] > t+1:
				sc.Pre++
			case ev.maxKnowledge(f, t+1) >= theta-1e-9:
				sc.Experienced++
			default:
				sc.Early++
			}
		}
		ev.view.Stages = append(ev.view.Stages, sc)
	}
	if len(ev.view.Stages) == 0 {
		return 0
	}
	return ev.view.Stages[len(ev.view.Stages)-1].Experienced
}

func (ev *horizonEval) maxKnowledge(f, t int) float64 {
	best := 0.0
	for _, ks := range ev.kappa[f] {
		best = math.Max(best, ks[t])
	}
	return best
}

// sortByIndex sorts ids by their file order.
func sortByIndex(ids []string, index map[string]int) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && index[ids[j]] < index[ids[j-1]]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}
