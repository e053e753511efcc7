package cluster

import (
	"context"
	"fmt"
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
	// Outside holds o_f per firm once Fair has added constraint (16)
	// (nil without it); FairRow[f] is the index of firm f's row 16 in
	// Prob.Rows, none when the row cannot bind (see fair.go).
	Outside []float64
	FairRow []int
	// fairSeed[p] is the firm that takes p alone in the independent
	// baseline, -1 when none (see independentSeed).
	fairSeed []int
	// nm names the rows and columns (kept for row families added later).
	nm namer
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

// needsPioneer reports whether every coalition of p holds a pioneer of
// Π_p: some pair is in Π_p, and the pairs that need no pioneer (neither
// learners nor in Π_p) cannot run p by themselves (staticReason: funding,
// a lead, the required roles, min_partners). A coalition without a pioneer
// of Π_p has no learner (7), so it would be made of those pairs alone.
func needsPioneer(d *model.Derived, p int, pairs []PairCols) bool {
	var alone []model.Pair
	pioneer := false
	for _, pc := range pairs {
		switch {
		case pc.Pioneer:
			pioneer = true
		case !pc.Learning:
			alone = append(alone, pc.Pair)
		}
	}
	return pioneer && !RunsAlone(d, p, alone)
}

// RunsAlone reports whether the pairs can run opportunity p by themselves
// as far as the static tests of staticReason see (funding, a lead, the
// required roles, min_partners): false means no coalition of these pairs
// alone exists. A pair's Lead counts when its MaxStake reaches σ_lead.
func RunsAlone(d *model.Derived, p int, pairs []model.Pair) bool {
	return staticReason(d, p, pairs) == ""
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
