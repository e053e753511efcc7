package cluster

import (
	"context"
	"fmt"
	"math"
	"regexp"
	"strconv"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/mip"
)

// none marks an absent column.
const none = -1

// PairCols holds the columns of one usable eligible pair.
type PairCols struct {
	model.Pair
	X, S, L, W int // L and W are none when the pair has no lead / reward column
}

// Formulation is the MIP of one instance with the map from model objects to
// columns.
type Formulation struct {
	D    *model.Derived
	Prob *mip.Problem
	// Y[p] is y_p's column, none when p can never be undertaken.
	Y []int
	// U[m] is u_m's column, none when no opportunity of m can be undertaken.
	U []int
	// Pairs[p] are the pairs of p that can hold at least the minimum stake.
	Pairs [][]PairCols
	// C[f] is c_f's column (credit), none when f cannot borrow.
	C []int
	// Eta[f] is η_f's column and T[f][k] t_fk's, none/nil when f's CVaR row is redundant.
	Eta []int
	T   [][]int
	// Z[f] is z_f (SME taking part), none when the SME target is 0.
	Z []int
	// E maps a (market, segment) group to its excess column.
	E map[[2]string]int
	// Reason[p] says why y_p has no column (empty when it has one).
	Reason []string
}

var safeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)

type namer struct {
	d       *model.Derived
	byIndex bool
}

// id returns the instance id when it is safe in LP files, else prefix+i.
func (n namer) id(id, prefix string, i int) string {
	if !n.byIndex && safeName.MatchString(id) {
		return id
	}
	return prefix + strconv.Itoa(i)
}

func (n namer) firm(f int) string     { return n.id(n.d.Inst.Firms[f].ID, "f", f) }
func (n namer) opp(p int) string      { return n.id(n.d.Inst.Opportunities[p].ID, "p", p) }
func (n namer) market(m int) string   { return n.id(n.d.Inst.Markets[m].ID, "m", m) }
func (n namer) scenario(k int) string { return n.id(n.d.Inst.Scenarios[k].ID, "k", k) }
func (n namer) segment(s string, i int) string {
	return n.id(s, "g", i)
}

// Build writes the MIP of d's instance. Names use the instance's ids where
// they are safe in LP files (x_f12_p7), else indices.
func Build(d *model.Derived) (*Formulation, error) {
	return BuildContext(context.Background(), d)
}

// BuildContext is Build that gives up, returning ctx.Err(), soon after ctx
// ends: building a province-size model takes seconds.
func BuildContext(ctx context.Context, d *model.Derived) (*Formulation, error) {
	fm := build(ctx, d, namer{d: d})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := fm.Prob.Validate(); err != nil {
		// ids that collide once joined with "_": fall back to index names.
		fm = build(ctx, d, namer{d: d, byIndex: true})
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fm.Prob.Validate(); err != nil {
			return nil, fmt.Errorf("build model: %w", err)
		}
	}
	return fm, nil
}

func build(ctx context.Context, d *model.Derived, nm namer) *Formulation {
	// stop is checked every 256 opportunities or firms in the long loops;
	// the caller looks at ctx.Err() and drops the partial model.
	stop := func(i int) bool { return i&255 == 0 && ctx.Err() != nil }
	in := d.Inst
	nF, nP, nM, nK := len(in.Firms), len(in.Opportunities), len(in.Markets), len(in.Scenarios)
	pr := &mip.Problem{Name: problemName(in.Name)}
	fm := &Formulation{D: d, Prob: pr, Y: fill(nP), U: fill(nM), Pairs: make([][]PairCols, nP),
		C: fill(nF), Eta: fill(nF), T: make([][]int, nF), Z: fill(nF), E: map[[2]string]int{}, Reason: make([]string, nP)}
	col := func(name string, lo, hi float64, kind mip.Kind, obj float64) int {
		return pr.AddCol(mip.Col{Name: name, Lo: lo, Hi: hi, Kind: kind, Obj: obj})
	}
	row := func(name string, lo, hi float64, ind []int, val []float64) {
		pr.AddRow(mip.Row{Name: name, Lo: lo, Hi: hi, Ind: ind, Val: val})
	}
	inf := math.Inf(1)
	lam := in.Objective

	// Which pairs can hold the minimum stake; which opportunities can run.
	usable := make([][]model.Pair, nP)
	for p := range in.Opportunities {
		for _, pair := range d.Pairs[p] {
			if pair.MaxStake >= d.MinStake-1e-12 {
				usable[p] = append(usable[p], pair)
			}
		}
		fm.Reason[p] = staticReason(d, p, usable[p])
	}

	nPairs := 0
	for p := range usable {
		nPairs += len(usable[p])
	}
	// Pre-size: the per-pair columns and rows dominate on large clusters.
	pr.Cols = make([]mip.Col, 0, 4*nPairs+nP+nM+nF*(nK+3))
	pr.Rows = make([]mip.Row, 0, 7*nPairs+3*nP+nF*(nK+3))

	// y_p, u_m.
	for p := range in.Opportunities {
		if fm.Reason[p] != "" {
			continue
		}
		o := &in.Opportunities[p]
		gain := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + lam.MarketPowerValue*o.MarketPower
		fm.Y[p] = col("y_"+nm.opp(p), 0, 1, mip.Binary, -gain)
		if m := d.Market[o.Market]; fm.U[m] == none {
			fm.U[m] = col("u_"+nm.market(m), 0, 1, mip.Binary, in.Markets[m].InfoCost)
		}
	}
	// x, s, l per pair.
	for p := range in.Opportunities {
		if stop(p) {
			return fm
		}
		if fm.Y[p] == none {
			continue
		}
		for _, pair := range usable[p] {
			f := pair.Firm
			tag := nm.firm(f) + "_" + nm.opp(p)
			pc := PairCols{Pair: pair, L: none, W: none}
			pc.X = col("x_"+tag, 0, 1, mip.Binary, 0)
			pc.S = col("s_"+tag, 0, pair.MaxStake, mip.Continuous, 0)
			if pair.Lead && pair.MaxStake >= d.LeadStake-1e-12 {
				pc.L = col("l_"+tag, 0, 1, mip.Binary, 0)
			}
			fm.Pairs[p] = append(fm.Pairs[p], pc)
		}
	}
	// Per-opportunity rows: (1) funding, (2) stakes, (3) lead, (4) required
	// roles, (5) partners, (7) learning, (11) market entry.
	for p := range in.Opportunities {
		if stop(p) {
			return fm
		}
		y := fm.Y[p]
		if y == none {
			continue
		}
		o := &in.Opportunities[p]
		op := nm.opp(p)
		rule := in.Rules.Mode(o.Mode)
		pairs := fm.Pairs[p]
		ind, val := []int{y}, []float64{-1}
		for _, pc := range pairs {
			ind, val = append(ind, pc.S), append(val, 1)
		}
		row("fund_"+op, 0, 0, ind, val)
		for _, pc := range pairs {
			tag := nm.firm(pc.Firm) + "_" + op
			row("smin_"+tag, 0, inf, []int{pc.S, pc.X}, []float64{1, -d.MinStake})
			row("smax_"+tag, -inf, 0, []int{pc.S, pc.X}, []float64{1, -pc.MaxStake})
			row("xy_"+tag, -inf, 0, []int{pc.X, y}, []float64{1, -1})
		}
		if rule.Lead != "" {
			ind, val := []int{y}, []float64{-1}
			for _, pc := range pairs {
				if pc.L == none {
					continue
				}
				tag := nm.firm(pc.Firm) + "_" + op
				ind, val = append(ind, pc.L), append(val, 1)
				row("lx_"+tag, -inf, 0, []int{pc.L, pc.X}, []float64{1, -1})
				row("ls_"+tag, 0, inf, []int{pc.S, pc.L}, []float64{1, -d.LeadStake})
			}
			row("lead_"+op, 0, 0, ind, val)
		}
		for _, r := range rule.Requires {
			ind, val := []int{y}, []float64{-1}
			for _, pc := range pairs {
				if in.Firms[pc.Firm].Role == r {
					ind, val = append(ind, pc.X), append(val, 1)
				}
			}
			row("req_"+op+"_"+string(r), 0, inf, ind, val)
		}
		minP := o.MinPartnersOr()
		if minP > 1 {
			ind, val := []int{y}, []float64{-float64(minP)}
			for _, pc := range pairs {
				ind, val = append(ind, pc.X), append(val, 1)
			}
			row("pmin_"+op, 0, inf, ind, val)
		}
		if o.MaxPartners != nil && *o.MaxPartners < len(pairs) {
			ind, val := []int{y}, []float64{-float64(*o.MaxPartners)}
			for _, pc := range pairs {
				ind, val = append(ind, pc.X), append(val, 1)
			}
			row("pmax_"+op, -inf, 0, ind, val)
		}
		pioneers := pioneerPairs(d, pairs)
		for _, pc := range pairs {
			if !pc.Learning {
				continue
			}
			ind, val := []int{pc.X}, []float64{1}
			for _, g := range pioneers {
				if g.Firm != pc.Firm {
					ind, val = append(ind, g.X), append(val, -1)
				}
			}
			row("learn_"+nm.firm(pc.Firm)+"_"+op, -inf, 0, ind, val)
		}
		m := d.Market[o.Market]
		row("enter_"+op, -inf, 0, []int{y, fm.U[m]}, []float64{1, -1})
	}
	// (15) learning reward, only when it is worth something.
	if lam.LearningValue > 0 {
		for p := range fm.Pairs {
			all := pioneerPairs(d, fm.Pairs[p])
			for i := range fm.Pairs[p] {
				pc := &fm.Pairs[p][i]
				if !pc.Reward {
					continue
				}
				var pioneers []int
				for _, g := range all {
					if g.Firm != pc.Firm {
						pioneers = append(pioneers, g.X)
					}
				}
				if len(pioneers) == 0 {
					continue
				}
				tag := nm.firm(pc.Firm) + "_" + nm.opp(p)
				pc.W = col("w_"+tag, 0, 1, mip.Continuous, -lam.LearningValue)
				row("wx_"+tag, -inf, 0, []int{pc.W, pc.X}, []float64{1, -1})
				ind, val := []int{pc.W}, []float64{1}
				for _, g := range pioneers {
					ind, val = append(ind, g), append(val, -1)
				}
				row("wg_"+tag, -inf, 0, ind, val)
			}
		}
	}
	// Per-firm rows: (8) budget with credit, (9) CVaR, (10) capacity.
	byFirm := make([][]firmPair, nF)
	for p := range fm.Pairs {
		for _, pc := range fm.Pairs[p] {
			byFirm[pc.Firm] = append(byFirm[pc.Firm], firmPair{p: p, pc: pc})
		}
	}
	alpha := in.Policy.Alpha()
	var creditCols []int
	for f := range in.Firms {
		if stop(f) {
			return fm
		}
		fp := byFirm[f]
		if len(fp) == 0 {
			continue
		}
		firm := &in.Firms[f]
		name := nm.firm(f)
		maxSpend, maxRisk := 0.0, 0.0
		for _, x := range fp {
			maxSpend += d.NetCost[x.p] * x.pc.MaxStake
			maxRisk += d.NetCost[x.p] * x.pc.MaxStake * d.UnitCVaR[x.p]
		}
		// (8) The budget row is redundant when the firm cannot spend more
		// than its capital even holding every stake at its maximum.
		if maxSpend > firm.Capital*(1+1e-12) {
			ind, val := []int{}, []float64{}
			for _, x := range fp {
				ind, val = append(ind, x.pc.S), append(val, d.NetCost[x.p])
			}
			if cmax := math.Min(in.Policy.CreditPerFirm*firm.Capital, in.Policy.CreditLine); cmax > 0 {
				fm.C[f] = col("c_"+name, 0, math.Min(cmax, maxSpend-firm.Capital), mip.Continuous, 0)
				creditCols = append(creditCols, fm.C[f])
				ind, val = append(ind, fm.C[f]), append(val, -1)
			}
			row("budget_"+name, -inf, firm.Capital, ind, val)
		}
		// (9) CVaR is subadditive, so the row is redundant when the sum of
		// the stand-alone CVaRs at maximum stakes stays within the limit.
		if maxRisk > firm.RiskLimit*(1+1e-12) {
			fm.Eta[f] = col("eta_"+name, 0, firm.RiskLimit, mip.Continuous, 0)
			fm.T[f] = make([]int, nK)
			for k := 0; k < nK; k++ {
				fm.T[f][k] = col("t_"+name+"_"+nm.scenario(k), 0, inf, mip.Continuous, 0)
			}
			for k := 0; k < nK; k++ {
				ind, val := []int{fm.T[f][k], fm.Eta[f]}, []float64{1, 1}
				for _, x := range fp {
					if l := d.Loss(x.p, k); l > 0 {
						ind, val = append(ind, x.pc.S), append(val, -l)
					}
				}
				row("cvar_"+name+"_"+nm.scenario(k), 0, inf, ind, val)
			}
			ind, val := []int{fm.Eta[f]}, []float64{1}
			for k := 0; k < nK; k++ {
				ind, val = append(ind, fm.T[f][k]), append(val, d.Probs[k]/(1-alpha))
			}
			row("risk_"+name, -inf, firm.RiskLimit, ind, val)
		}
		if firm.MaxProjects != nil && *firm.MaxProjects < len(fp) {
			ind, val := []int{}, []float64{}
			for _, x := range fp {
				ind, val = append(ind, x.pc.X), append(val, 1)
			}
			row("cap_"+name, -inf, float64(*firm.MaxProjects), ind, val)
		}
	}
	if len(creditCols) > 0 {
		total := 0.0
		for _, c := range creditCols {
			total += pr.Cols[c].Hi
		}
		if total > in.Policy.CreditLine {
			row("creditline", -inf, in.Policy.CreditLine, creditCols, ones(len(creditCols)))
		}
	}
	// (12) dissipation per (market, segment) group that can exceed capacity.
	segIndex := map[string]int{}
	groups := map[[2]string][]int{}
	var order [][2]string
	for p := range in.Opportunities {
		if fm.Y[p] == none {
			continue
		}
		o := &in.Opportunities[p]
		key := [2]string{o.Market, o.Segment}
		if _, ok := groups[key]; !ok {
			order = append(order, key)
		}
		if _, ok := segIndex[o.Segment]; !ok {
			segIndex[o.Segment] = len(segIndex)
		}
		groups[key] = append(groups[key], fm.Y[p])
	}
	for _, key := range order {
		m := d.Market[key[0]]
		mk := &in.Markets[m]
		ys := groups[key]
		capacity := mk.Cap(key[1])
		if len(ys) <= capacity || mk.Dissipation == 0 {
			continue
		}
		tag := nm.market(m) + "_" + nm.segment(key[1], segIndex[key[1]])
		e := col("e_"+tag, 0, float64(len(ys)-capacity), mip.Continuous, mk.Dissipation)
		fm.E[key] = e
		row("dissip_"+tag, -float64(capacity), inf, append([]int{e}, ys...), append([]float64{1}, negOnes(len(ys))...))
	}
	// (13) market power target.
	if g := lam.MarketPowerTarget; g > 0 {
		ind, val := []int{}, []float64{}
		for p, y := range fm.Y {
			if y != none && in.Opportunities[p].MarketPower > 0 {
				ind, val = append(ind, y), append(val, in.Opportunities[p].MarketPower)
			}
		}
		row("market_power", g, inf, ind, val)
	}
	// (14) SME participation target.
	if d.SMETarget > 0 {
		ind := []int{}
		for _, f := range d.SMEs {
			if len(byFirm[f]) == 0 {
				continue
			}
			name := nm.firm(f)
			fm.Z[f] = col("z_"+name, 0, 1, mip.Continuous, 0)
			xi, xv := []int{fm.Z[f]}, []float64{1}
			for _, x := range byFirm[f] {
				xi, xv = append(xi, x.pc.X), append(xv, -1)
			}
			row("sme_"+name, -inf, 0, xi, xv)
			ind = append(ind, fm.Z[f])
		}
		row("sme_target", float64(d.SMETarget), inf, ind, ones(len(ind)))
	}
	return fm
}

type firmPair struct {
	p  int
	pc PairCols
}

// pioneerPairs returns the pairs of Π_p among pairs: pioneers that know
// the market well enough (pioneers never learn).
func pioneerPairs(d *model.Derived, pairs []PairCols) []PairCols {
	var out []PairCols
	for _, pc := range pairs {
		if pc.Pioneer {
			out = append(out, pc)
		}
	}
	return out
}

// staticReason says why opportunity p can never be undertaken given its
// usable pairs, or returns "".
func staticReason(d *model.Derived, p int, pairs []model.Pair) string {
	in := d.Inst
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	if len(pairs) == 0 {
		return "no firm can hold the minimum stake"
	}
	if rule.Lead != "" {
		ok := false
		for _, pr := range pairs {
			ok = ok || (pr.Lead && pr.MaxStake >= d.LeadStake-1e-12)
		}
		if !ok {
			return "no firm can lead"
		}
	}
	for _, r := range rule.Requires {
		ok := false
		for _, pr := range pairs {
			ok = ok || in.Firms[pr.Firm].Role == r
		}
		if !ok {
			return "no firm of required role " + string(r)
		}
	}
	total := 0.0
	for _, pr := range pairs {
		total += pr.MaxStake
	}
	if total < 1-1e-9 {
		return "eligible firms cannot fund it"
	}
	if o.MinPartnersOr() > len(pairs) {
		return "too few eligible partners"
	}
	return ""
}

func fill(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = none
	}
	return s
}

func ones(n int) []float64 {
	s := make([]float64, n)
	for i := range s {
		s[i] = 1
	}
	return s
}

func negOnes(n int) []float64 {
	s := ones(n)
	for i := range s {
		s[i] = -1
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
