package horizon

import (
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// none marks an absent column.
const none = -1

// knowTol is the tolerance of "knows enough": κ ≥ k_p − knowTol.
const knowTol = 1e-9

// Pair holds the columns of one firm in one opportunity in one period.
type Pair struct {
	Firm int
	// X, S are x_fpt and s_fpt; L (lead), W (learning reward) and Q (knows
	// enough on its own, K2) are none when absent.
	X, S, L, W, Q int
	// Learning is true when the firm's initial knowledge is below k_p:
	// K3 holds its participation to q_fpt or a pioneer of Π_p beside it.
	Learning bool
	// Pioneer is true when the firm is in Π_p.
	Pioneer bool
	// MaxStake is the largest stake the firm can hold in period t alone
	// (stake cap, capital released by t plus credit, risk limit).
	MaxStake float64
	// canLearn: the firm lacks k_p initially but may reach it by t (a q column).
	canLearn bool
}

// Formulation is the multi-period MIP of one instance with the map from
// model objects to columns. Periods are indexed from 0 (period t is t−1).
type Formulation struct {
	Inst *model.Instance
	D    *model.Derived
	Prob *mip.Problem
	// T is the number of periods.
	T int
	// Y[p][t] is y_p,t+1's column, none when p cannot start then.
	Y [][]int
	// Pairs[p][t] are the pairs of p in period t+1 (empty without Y).
	Pairs [][][]Pair
	// U[m][t] is u_m,t+1, none when no project of m can start in t+1.
	U [][]int
	// Kappa[f][m][t] is κ_f,m,t+1's column (none for t = 0, a constant,
	// and where no q needs it); nil for (f, m) without any.
	Kappa [][][]int
	// C[f] is credit c_f, Eta[f] and Tk[f][k] the CVaR columns, Z[f] the
	// SME participation column; none/nil when absent.
	C, Eta, Z []int
	Tk        [][]int
	// E maps a (market, segment) group to e_ms,t+1 per period (none
	// before the group can exceed its capacity).
	E map[[2]string][]int
	// Outside are the outside options o_f of constraint (16) (Fair), one
	// per firm; nil without it. FairRow[f] is firm f's row 16, none when
	// it cannot bind.
	Outside []float64
	FairRow []int
	// Forced are the opportunities Force fixed in (Σ_t y_pt = 1), in the
	// order given; nil without any.
	Forced []int

	forced []bool

	reach *reach
	nm    namer
	// byFirm[f][t] are f's pairs in period t+1.
	byFirm [][][]firmPair
	// rows under construction.
	ind []int
	val []float64
}

var safeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)

// namer names columns and rows by instance ids where they are safe in LP
// files, else by index.
type namer struct {
	in      *model.Instance
	byIndex bool
}

func (n namer) id(id, prefix string, i int) string {
	if !n.byIndex && safeName.MatchString(id) {
		return id
	}
	return prefix + strconv.Itoa(i)
}

func (n namer) firm(f int) string   { return n.id(n.in.Firms[f].ID, "f", f) }
func (n namer) opp(p int) string    { return n.id(n.in.Opportunities[p].ID, "p", p) }
func (n namer) market(m int) string { return n.id(n.in.Markets[m].ID, "m", m) }
func (n namer) scen(k int) string   { return n.id(n.in.Scenarios[k].ID, "k", k) }
func (n namer) seg(s string, i int) string {
	return n.id(s, "g", i)
}
func per(t int) string { return "_t" + strconv.Itoa(t+1) }

// Build writes the multi-period MIP of a valid instance (model.Validate)
// with a horizon block (or without: then T = 1).
func Build(in *model.Instance) (*Formulation, error) {
	d := model.Derive(in)
	fm := build(in, d, namer{in: in})
	if err := fm.Prob.Validate(); err != nil {
		// ids that collide once joined with "_": fall back to index names.
		fm = build(in, d, namer{in: in, byIndex: true})
		if err := fm.Prob.Validate(); err != nil {
			return nil, fmt.Errorf("build horizon model: %w", err)
		}
	}
	return fm, nil
}

func build(in *model.Instance, d *model.Derived, nm namer) *Formulation {
	T := in.Periods()
	fm := &Formulation{Inst: in, D: d, T: T, nm: nm, reach: newReach(in, d),
		Prob: &mip.Problem{Name: problemName(in.Name)}, E: map[[2]string][]int{}}
	fm.addPairCols()
	fm.addMarketCols()
	fm.addKnowledgeCols()
	fm.byFirm = fm.pairsByFirm()
	fm.C, fm.Eta, fm.Tk = fill(len(in.Firms)), fill(len(in.Firms)), make([][]int, len(in.Firms))
	for p := range in.Opportunities {
		for t := 0; t < T; t++ {
			if fm.Y[p][t] != none {
				fm.addPeriodRows(p, t)
			}
		}
		fm.addOnceRow(p)
	}
	fm.addKnowledgeRows()
	fm.addKnowCapRows()
	for f := range in.Firms {
		fm.addFirmRows(f)
	}
	fm.addCreditLine()
	fm.addDissipation()
	fm.addTargets()
	return fm
}

func (fm *Formulation) col(name string, lo, hi float64, kind mip.Kind, obj float64) int {
	return fm.Prob.AddCol(mip.Col{Name: name, Lo: lo, Hi: hi, Kind: kind, Obj: obj})
}

func (fm *Formulation) term(j int, v float64) {
	fm.ind, fm.val = append(fm.ind, j), append(fm.val, v)
}

func (fm *Formulation) row(name string, lo, hi float64) {
	fm.Prob.AddRow(mip.Row{Name: name, Lo: lo, Hi: hi,
		Ind: append([]int(nil), fm.ind...), Val: append([]float64(nil), fm.val...)})
	fm.ind, fm.val = fm.ind[:0], fm.val[:0]
}

var inf = math.Inf(1)

// weight returns d^t, the discount of period t+1.
func (fm *Formulation) weight(t int) float64 { return fm.Inst.Horizon.DiscountAt(t + 1) }

func (fm *Formulation) tag(f, p, t int) string { return fm.nm.firm(f) + "_" + fm.nm.opp(p) + per(t) }

// pairsAt returns the usable pairs of p in period t+1: role and segment
// match, the firm knows enough, could know enough by then (a q column) or
// has a pioneer of Π_p to learn beside, and it can hold the minimum stake.
func (fm *Formulation) pairsAt(p, t int) []Pair {
	in, d := fm.Inst, fm.D
	o := &in.Opportunities[p]
	m := d.Market[o.Market]
	rule := in.Rules.Mode(o.Mode)
	a := d.NetCost[p]
	var out []Pair
	for _, f := range fm.reach.candidate[p] {
		firm := &in.Firms[f]
		knows := firm.KnowledgeOf(o.Market) >= o.KnowledgeRequired
		canLearn := !knows && fm.reach.use[f][m][t] >= o.KnowledgeRequired-knowTol
		beside := false
		for _, g := range d.Pioneers[p] {
			beside = beside || g != f
		}
		if !knows && !canLearn && (firm.Pioneer || !beside) {
			continue
		}
		pr := Pair{Firm: f, L: none, W: none, Q: none, Learning: !knows, Pioneer: firm.Pioneer && knows, canLearn: canLearn}
		capS := 1.0
		if rule.Lead != "" && firm.Role != rule.Lead {
			capS = d.MinorityCap
		}
		credit := in.Policy.MostCredit(firm.Capital)
		pr.MaxStake = math.Min(capS, (in.Horizon.Release(t+1)*firm.Capital+credit)/a)
		if d.UnitCVaR[p] > 0 {
			pr.MaxStake = math.Min(pr.MaxStake, firm.RiskLimit/(a*d.UnitCVaR[p]))
		}
		if pr.MaxStake < d.MinStake-1e-12 {
			continue
		}
		out = append(out, pr)
	}
	return out
}

// fundable says whether the pairs can meet (1), (3), (4) and (5).
func (fm *Formulation) fundable(p int, pairs []Pair) bool {
	in, d := fm.Inst, fm.D
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	if len(pairs) == 0 || o.MinPartnersOr() > len(pairs) {
		return false
	}
	total, lead := 0.0, rule.Lead == ""
	for _, pr := range pairs {
		total += pr.MaxStake
		lead = lead || (in.Firms[pr.Firm].Role == rule.Lead && pr.MaxStake >= d.LeadStake-1e-12)
	}
	for _, r := range rule.Requires {
		ok := false
		for _, pr := range pairs {
			ok = ok || in.Firms[pr.Firm].Role == r
		}
		if !ok {
			return false
		}
	}
	return lead && total >= 1-1e-9
}

// rewardable says whether f may earn a learning reward in p: an SME, not
// a pioneer, beside a pioneer of Π_p other than itself.
func (fm *Formulation) rewardable(f, p int) bool { return rewardable(fm.Inst, fm.D, f, p) }

// addPairCols adds y_pt and the x, s, l, w, q columns of its pairs.
func (fm *Formulation) addPairCols() {
	in, d := fm.Inst, fm.D
	lam := in.Objective
	fm.Pairs = fm.pairLists()
	fm.Y = make([][]int, len(in.Opportunities))
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		fm.Y[p] = fill(fm.T)
		gain := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + lam.MarketPowerValue*o.MarketPower
		rule := in.Rules.Mode(o.Mode)
		for t, pairs := range fm.Pairs[p] {
			if pairs == nil {
				continue
			}
			w := fm.weight(t)
			fm.Y[p][t] = fm.col("y_"+fm.nm.opp(p)+per(t), 0, 1, mip.Binary, -w*gain)
			for i := range pairs {
				pr := &pairs[i]
				tag := fm.tag(pr.Firm, p, t)
				pr.X = fm.col("x_"+tag, 0, 1, mip.Binary, 0)
				pr.S = fm.col("s_"+tag, 0, pr.MaxStake, mip.Continuous, 0)
				if rule.Lead != "" && in.Firms[pr.Firm].Role == rule.Lead && pr.MaxStake >= d.LeadStake-1e-12 {
					pr.L = fm.col("l_"+tag, 0, 1, mip.Binary, 0)
				}
				// w drives knowledge (g_P) in later periods, and is worth
				// λ_L now.
				if fm.hasReward(pr.Firm, p, t) {
					pr.W = fm.col("w_"+tag, 0, 1, mip.Continuous, -w*lam.LearningValue)
				}
				if pr.canLearn {
					pr.Q = fm.col("q_"+tag, 0, 1, mip.Binary, 0)
				}
			}
		}
	}
}

// addMarketCols adds u_mt for the periods in which a project of m can
// start: buying intelligence earlier than the first project never costs
// less (d ≤ 1).
func (fm *Formulation) addMarketCols() {
	in := fm.Inst
	fm.U = make([][]int, len(in.Markets))
	for m := range fm.U {
		fm.U[m] = fill(fm.T)
	}
	for p := range in.Opportunities {
		m := fm.D.Market[in.Opportunities[p].Market]
		for t := 0; t < fm.T; t++ {
			if fm.Y[p][t] != none && fm.U[m][t] == none {
				fm.U[m][t] = fm.col("u_"+fm.nm.market(m)+per(t), 0, 1, mip.Binary, fm.weight(t)*in.Markets[m].InfoCost)
			}
		}
	}
}

// addKnowledgeCols adds κ_fmt for t = 2..t_last, where t_last is the last
// period in which some q of f in m needs it, bounded by the reachable value.
func (fm *Formulation) addKnowledgeCols() {
	in := fm.Inst
	last := make([][]int, len(in.Firms))
	for f := range last {
		last[f] = fill(len(in.Markets))
	}
	for p := range fm.Pairs {
		m := fm.D.Market[in.Opportunities[p].Market]
		for t, pairs := range fm.Pairs[p] {
			for _, pr := range pairs {
				if pr.Q != none {
					last[pr.Firm][m] = max(last[pr.Firm][m], t)
				}
			}
		}
	}
	fm.Kappa = make([][][]int, len(in.Firms))
	for f := range in.Firms {
		fm.Kappa[f] = make([][]int, len(in.Markets))
		for m := range in.Markets {
			if last[f][m] == none {
				continue
			}
			ks := fill(fm.T)
			// κ never falls below the instance's κ_f(m) at its largest
			// value under K1 (the only one that matters), so K2 may be
			// written from κ_f(m) up (rows.go).
			k0 := in.Firms[f].KnowledgeOf(in.Markets[m].ID)
			for t := 1; t <= last[f][m]; t++ {
				ks[t] = fm.col("k_"+fm.nm.firm(f)+"_"+fm.nm.market(m)+per(t), min(k0, fm.reach.kappa[f][m][t]), fm.reach.kappa[f][m][t], mip.Continuous, 0)
			}
			fm.Kappa[f][m] = ks
		}
	}
}

func fill(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = none
	}
	return s
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.]`)

// problemName makes the instance name safe for LP and MPS files.
func problemName(name string) string {
	n := unsafeChars.ReplaceAllString(name, "_")
	if !safeName.MatchString(n) {
		n = "ofdi_" + n
	}
	return n
}
