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
	D *model.Derived
	// Prob is the MIP; nil in a formulation from BuildStructure, which has
	// the index fields below but no columns or rows.
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
	// Gain[p] is what y_p alone is worth, npv + subsidy + λ_G·G_p: the
	// negated objective coefficient of y_p (set when Y[p] is a column).
	Gain []float64
	// CreditCap[f] is c_f's upper bound (0 when C[f] is none).
	CreditCap []float64
	// Size is the size of the MIP, also when Prob is nil.
	Size Size
	// Forced lists the opportunities fixed in by Force, in the order
	// given; forced marks them by index (nil when none).
	Forced []int
	forced []bool
}

// Size counts a formulation's columns, binary columns and rows.
type Size struct {
	Cols, Binaries, Rows int
}

var safeName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.]*$`)

type namer struct {
	d       *model.Derived
	byIndex bool
	// none makes every name empty: BuildStructure writes no names.
	none bool
}

// id returns the instance id when it is safe in LP files, else prefix+i.
func (n namer) id(id, prefix string, i int) string {
	if n.none {
		return ""
	}
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

// pair returns the tag firm_opportunity of a pair's columns and rows.
func (n namer) pair(f, p int) string {
	if n.none {
		return ""
	}
	return n.firm(f) + "_" + n.opp(p)
}

// Build writes the MIP of d's instance. Names use the instance's ids where
// they are safe in LP files (x_f12_p7), else indices.
func Build(d *model.Derived) (*Formulation, error) {
	return BuildContext(context.Background(), d)
}

// BuildContext is Build that gives up, returning ctx.Err(), soon after ctx
// ends: building a province-size model takes seconds.
func BuildContext(ctx context.Context, d *model.Derived) (*Formulation, error) {
	fm := build(ctx, d, namer{d: d}, true)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := fm.Prob.Validate(); err != nil {
		// ids that collide once joined with "_": fall back to index names.
		fm = build(ctx, d, namer{d: d, byIndex: true}, true)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := fm.Prob.Validate(); err != nil {
			return nil, fmt.Errorf("build model: %w", err)
		}
	}
	return fm, nil
}

// BuildStructure is BuildContext without the MIP itself: it runs the same
// construction and fills the same index fields (Y, U, Pairs, C, Eta, T, Z,
// E, Reason), Gain, CreditCap and Size (the exact size the MIP would have),
// but stores no column, row or name, so Prob is nil. It takes a fraction
// of the time and memory of the full build (the rows dominate both), and is
// enough for Greedy, UncoupledBound and StaticInfeasibility; Encode,
// Violations, Objective and the GLPK steps need BuildContext's formulation.
func BuildStructure(ctx context.Context, d *model.Derived) (*Formulation, error) {
	fm := build(ctx, d, namer{d: d, none: true}, false)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return fm, nil
}

// build constructs the formulation. With full false it only counts the
// columns and rows it would write (Size) and keeps no MIP (Prob is nil);
// every other field is the same.
func build(ctx context.Context, d *model.Derived, nm namer, full bool) *Formulation {
	// stop is checked every 256 opportunities or firms in the long loops;
	// the caller looks at ctx.Err() and drops the partial model.
	stop := func(i int) bool { return i&255 == 0 && ctx.Err() != nil }
	in := d.Inst
	nF, nP, nM, nK := len(in.Firms), len(in.Opportunities), len(in.Markets), len(in.Scenarios)
	fm := &Formulation{D: d, Y: fill(nP), U: fill(nM), Pairs: make([][]PairCols, nP),
		C: fill(nF), Eta: fill(nF), T: make([][]int, nF), Z: fill(nF), E: map[[2]string]int{}, Reason: make([]string, nP),
		Gain: make([]float64, nP), CreditCap: make([]float64, nF)}
	var pr *mip.Problem
	if full {
		pr = &mip.Problem{Name: problemName(in.Name)}
		fm.Prob = pr
	}
	col := func(name string, lo, hi float64, kind mip.Kind, obj float64) int {
		j := fm.Size.Cols
		fm.Size.Cols++
		if kind == mip.Binary {
			fm.Size.Binaries++
		}
		if full {
			pr.AddCol(mip.Col{Name: name, Lo: lo, Hi: hi, Kind: kind, Obj: obj})
		}
		return j
	}
	// A row is written term by term into one scratch buffer (term), then
	// stored by row, which copies the terms only when full.
	var rInd []int
	var rVal []float64
	term := func(j int, v float64) {
		rInd, rVal = append(rInd, j), append(rVal, v)
	}
	row := func(name string, lo, hi float64) {
		fm.Size.Rows++
		if full {
			pr.AddRow(mip.Row{Name: name, Lo: lo, Hi: hi,
				Ind: append(make([]int, 0, len(rInd)), rInd...), Val: append(make([]float64, 0, len(rVal)), rVal...)})
		}
		rInd, rVal = rInd[:0], rVal[:0]
	}
	inf := math.Inf(1)
	lam := in.Objective

	// Which pairs can hold the minimum stake; which opportunities can run.
	usable := make([][]model.Pair, nP)
	for p := range in.Opportunities {
		n := 0
		for _, pair := range d.Pairs[p] {
			if pair.MaxStake >= d.MinStake-1e-12 {
				n++
			}
		}
		if n == len(d.Pairs[p]) {
			usable[p] = d.Pairs[p] // read only: no copy when all are usable
		} else {
			usable[p] = make([]model.Pair, 0, n)
			for _, pair := range d.Pairs[p] {
				if pair.MaxStake >= d.MinStake-1e-12 {
					usable[p] = append(usable[p], pair)
				}
			}
		}
		fm.Reason[p] = staticReason(d, p, usable[p])
	}

	if full {
		nPairs := 0
		for p := range usable {
			nPairs += len(usable[p])
		}
		// Pre-size: the per-pair columns and rows dominate on large clusters.
		pr.Cols = make([]mip.Col, 0, 4*nPairs+nP+nM+nF*(nK+3))
		pr.Rows = make([]mip.Row, 0, 7*nPairs+3*nP+nF*(nK+3))
	}

	// y_p, u_m.
	for p := range in.Opportunities {
		if fm.Reason[p] != "" {
			continue
		}
		o := &in.Opportunities[p]
		fm.Gain[p] = o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + lam.MarketPowerValue*o.MarketPower
		fm.Y[p] = col("y_"+nm.opp(p), 0, 1, mip.Binary, -fm.Gain[p])
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
		fm.Pairs[p] = make([]PairCols, 0, len(usable[p]))
		for _, pair := range usable[p] {
			tag := nm.pair(pair.Firm, p)
			pc := PairCols{Pair: pair, L: none, W: none}
			pc.X = col("x_"+tag, 0, 1, mip.Binary, 0)
			pc.S = col("s_"+tag, 0, pair.MaxStake, mip.Continuous, 0)
			if pair.Lead && pair.MaxStake >= d.LeadStake-1e-12 {
				pc.L = col("l_"+tag, 0, 1, mip.Binary, 0)
			}
			fm.Pairs[p] = append(fm.Pairs[p], pc)
		}
		usable[p] = nil
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
		term(y, -1)
		for _, pc := range pairs {
			term(pc.S, 1)
		}
		row("fund_"+op, 0, 0)
		for _, pc := range pairs {
			tag := nm.pair(pc.Firm, p)
			term(pc.S, 1)
			term(pc.X, -d.MinStake)
			row("smin_"+tag, 0, inf)
			term(pc.S, 1)
			term(pc.X, -pc.MaxStake)
			row("smax_"+tag, -inf, 0)
			term(pc.X, 1)
			term(y, -1)
			row("xy_"+tag, -inf, 0)
		}
		if rule.Lead != "" {
			for _, pc := range pairs {
				if pc.L == none {
					continue
				}
				tag := nm.pair(pc.Firm, p)
				term(pc.L, 1)
				term(pc.X, -1)
				row("lx_"+tag, -inf, 0)
				term(pc.S, 1)
				term(pc.L, -d.LeadStake)
				row("ls_"+tag, 0, inf)
			}
			term(y, -1)
			for _, pc := range pairs {
				if pc.L != none {
					term(pc.L, 1)
				}
			}
			row("lead_"+op, 0, 0)
		}
		for _, r := range rule.Requires {
			term(y, -1)
			for _, pc := range pairs {
				if in.Firms[pc.Firm].Role == r {
					term(pc.X, 1)
				}
			}
			row("req_"+op+"_"+string(r), 0, inf)
		}
		minP := o.MinPartnersOr()
		if minP > 1 {
			term(y, -float64(minP))
			for _, pc := range pairs {
				term(pc.X, 1)
			}
			row("pmin_"+op, 0, inf)
		}
		if o.MaxPartners != nil && *o.MaxPartners < len(pairs) {
			term(y, -float64(*o.MaxPartners))
			for _, pc := range pairs {
				term(pc.X, 1)
			}
			row("pmax_"+op, -inf, 0)
		}
		pioneers := pioneerPairs(d, pairs)
		for _, pc := range pairs {
			if !pc.Learning {
				continue
			}
			term(pc.X, 1)
			if full { // learners × pioneers terms, the bulk at scale: not when only counting
				for _, g := range pioneers {
					if g.Firm != pc.Firm {
						term(g.X, -1)
					}
				}
			}
			row("learn_"+nm.pair(pc.Firm, p), -inf, 0)
		}
		m := d.Market[o.Market]
		term(y, 1)
		term(fm.U[m], -1)
		row("enter_"+op, -inf, 0)
	}
	// (15) learning reward, only when it is worth something.
	if lam.LearningValue > 0 {
		for p := range fm.Pairs {
			if stop(p) {
				return fm
			}
			all := pioneerPairs(d, fm.Pairs[p])
			for i := range fm.Pairs[p] {
				pc := &fm.Pairs[p][i]
				if !pc.Reward {
					continue
				}
				// The pioneers of Π_p other than pc's firm (each firm has
				// one pair per opportunity).
				others := len(all)
				if pc.Pioneer {
					others--
				}
				if others == 0 {
					continue
				}
				tag := nm.pair(pc.Firm, p)
				pc.W = col("w_"+tag, 0, 1, mip.Continuous, -lam.LearningValue)
				term(pc.W, 1)
				term(pc.X, -1)
				row("wx_"+tag, -inf, 0)
				term(pc.W, 1)
				if full { // as for the learn_ rows
					for _, g := range all {
						if g.Firm != pc.Firm {
							term(g.X, -1)
						}
					}
				}
				row("wg_"+tag, -inf, 0)
			}
		}
	}
	// Per-firm rows: (8) budget with credit, (9) CVaR, (10) capacity.
	byFirm := fm.byFirm()
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
			pc := &fm.Pairs[x.p][x.i]
			maxSpend += d.NetCost[x.p] * pc.MaxStake
			maxRisk += d.NetCost[x.p] * pc.MaxStake * d.UnitCVaR[x.p]
		}
		// (8) The budget row is redundant when the firm cannot spend more
		// than its capital even holding every stake at its maximum.
		if maxSpend > firm.Capital*(1+1e-12) {
			for _, x := range fp {
				term(fm.Pairs[x.p][x.i].S, d.NetCost[x.p])
			}
			if cmax := math.Min(in.Policy.CreditPerFirm*firm.Capital, in.Policy.CreditLine); cmax > 0 {
				fm.CreditCap[f] = math.Min(cmax, maxSpend-firm.Capital)
				fm.C[f] = col("c_"+name, 0, fm.CreditCap[f], mip.Continuous, 0)
				creditCols = append(creditCols, f)
				term(fm.C[f], -1)
			}
			row("budget_"+name, -inf, firm.Capital)
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
				term(fm.T[f][k], 1)
				term(fm.Eta[f], 1)
				for _, x := range fp {
					if l := d.Loss(x.p, k); l > 0 {
						term(fm.Pairs[x.p][x.i].S, -l)
					}
				}
				row("cvar_"+name+"_"+nm.scenario(k), 0, inf)
			}
			term(fm.Eta[f], 1)
			for k := 0; k < nK; k++ {
				term(fm.T[f][k], d.Probs[k]/(1-alpha))
			}
			row("risk_"+name, -inf, firm.RiskLimit)
		}
		if firm.MaxProjects != nil && *firm.MaxProjects < len(fp) {
			for _, x := range fp {
				term(fm.Pairs[x.p][x.i].X, 1)
			}
			row("cap_"+name, -inf, float64(*firm.MaxProjects))
		}
	}
	if len(creditCols) > 0 {
		total := 0.0
		for _, f := range creditCols {
			total += fm.CreditCap[f]
		}
		if total > in.Policy.CreditLine {
			for _, f := range creditCols {
				term(fm.C[f], 1)
			}
			row("creditline", -inf, in.Policy.CreditLine)
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
		term(e, 1)
		for _, y := range ys {
			term(y, -1)
		}
		row("dissip_"+tag, -float64(capacity), inf)
	}
	// (13) market power target.
	if g := lam.MarketPowerTarget; g > 0 {
		for p, y := range fm.Y {
			if y != none && in.Opportunities[p].MarketPower > 0 {
				term(y, in.Opportunities[p].MarketPower)
			}
		}
		row(rowMarketPower, g, inf)
	}
	// (14) SME participation target.
	if d.SMETarget > 0 {
		var zs []int
		for _, f := range d.SMEs {
			if len(byFirm[f]) == 0 {
				continue
			}
			name := nm.firm(f)
			fm.Z[f] = col("z_"+name, 0, 1, mip.Continuous, 0)
			term(fm.Z[f], 1)
			for _, x := range byFirm[f] {
				term(fm.Pairs[x.p][x.i].X, -1)
			}
			row("sme_"+name, -inf, 0)
			zs = append(zs, fm.Z[f])
		}
		for _, z := range zs {
			term(z, 1)
		}
		row(rowSMETarget, float64(d.SMETarget), inf)
	}
	return fm
}

// firmPair locates one pair of a firm: fm.Pairs[p][i].
type firmPair struct{ p, i int }

// byFirm lists each firm's pairs, in opportunity order.
func (fm *Formulation) byFirm() [][]firmPair {
	n := make([]int, len(fm.D.Inst.Firms))
	for p := range fm.Pairs {
		for _, pc := range fm.Pairs[p] {
			n[pc.Firm]++
		}
	}
	out := make([][]firmPair, len(n))
	for f := range out {
		out[f] = make([]firmPair, 0, n[f])
	}
	for p := range fm.Pairs {
		for i, pc := range fm.Pairs[p] {
			out[pc.Firm] = append(out[pc.Firm], firmPair{p: p, i: i})
		}
	}
	return out
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
