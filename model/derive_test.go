package model_test

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// deriveInstance is a hand-built case for the derived sets.
//
//	firms  0 P large pioneer κ 0.9  K 1000      [x]
//	       1 Q sme   pioneer κ 0.9  K 200       [x]
//	       2 S sme           κ 0.1  K 100       [x]
//	       3 T supporting    κ 0.1  K 100 R 10  [x]
//	       4 U sme   pioneer κ 0.1  K 100       [x]   a pioneer lacking knowledge
//	       5 V large         κ 0.9  K 100       [y]
//	opps   0 o1 acquisition x k 0.5  C 1000        no loss
//	       1 o2 non_equity  x k 0.5  C 200 (σ 0.5) loss (0.1, 0.4)
//	       2 o3 production  x k 0.95 C 100
//	       3 o4 greenfield  y k 0.5  C 100
//	       4 o5 joint_rnd   x k 0    C 100
//	policy B 30, β 0.5 (credit = min(β·K, B) = 30 for everybody), α 0.9
func deriveInstance() *model.Instance {
	firm := func(id string, r model.Role, pioneer bool, k, capital, risk float64, seg string) model.Firm {
		return model.Firm{ID: id, Role: r, Pioneer: pioneer, Capital: capital, RiskLimit: risk,
			Segments: ss(seg), Knowledge: km("default", k)}
	}
	return &model.Instance{
		Name:      "derive",
		Scenarios: []model.Scenario{{ID: "s1", Probability: 0.75}, {ID: "s2", Probability: 0.25}},
		Markets:   []model.Market{{ID: "m", InfoCost: 1, Dissipation: 1}},
		Firms: []model.Firm{
			firm("P", model.Large, true, 0.9, 1000, 1000, "x"),
			firm("Q", model.SME, true, 0.9, 200, 1000, "x"),
			firm("S", model.SME, false, 0.1, 100, 1000, "x"),
			firm("T", model.Supporting, false, 0.1, 100, 10, "x"),
			firm("U", model.SME, true, 0.1, 100, 1000, "x"),
			firm("V", model.Large, false, 0.9, 100, 1000, "y"),
		},
		Opportunities: []model.Opportunity{
			{ID: "o1", Market: "m", Segment: "x", Mode: model.Acquisition, Cost: 1000, KnowledgeRequired: 0.5},
			{ID: "o2", Market: "m", Segment: "x", Mode: model.NonEquity, Cost: 200, KnowledgeRequired: 0.5,
				Loss: km("s1", 0.1, "s2", 0.4)},
			{ID: "o3", Market: "m", Segment: "x", Mode: model.Production, Cost: 100, KnowledgeRequired: 0.95},
			{ID: "o4", Market: "m", Segment: "y", Mode: model.Greenfield, Cost: 100, KnowledgeRequired: 0.5},
			{ID: "o5", Market: "m", Segment: "x", Mode: model.JointRnD, Cost: 100, KnowledgeRequired: 0},
		},
		Policy: model.Policy{CreditLine: 30, CreditPerFirm: 0.5,
			Subsidy: map[model.Mode]float64{model.NonEquity: 0.5}},
	}
}

// pairString renders a pair compactly: firm id, flags, cap and max stake.
func pairString(in *model.Instance, pr model.Pair) string {
	var flags []string
	if pr.Learning {
		flags = append(flags, "learning")
	}
	if pr.Lead {
		flags = append(flags, "lead")
	}
	if pr.Reward {
		flags = append(flags, "reward")
	}
	return fmt.Sprintf("%s[%s] cap %.4g max %.4g", in.Firms[pr.Firm].ID, strings.Join(flags, ","), pr.StakeCap, pr.MaxStake)
}

func pairStrings(d *model.Derived, p int) []string {
	var out []string
	for _, pr := range d.Pairs[p] {
		out = append(out, pairString(d.Inst, pr))
	}
	return out
}

func ids(in *model.Instance, fs []int) string {
	var s []string
	for _, f := range fs {
		s = append(s, in.Firms[f].ID)
	}
	return "{" + strings.Join(s, ",") + "}"
}

func TestDerivePairs(t *testing.T) {
	in := deriveInstance()
	if errs := model.Errors(model.Validate(in)); len(errs) > 0 {
		t.Fatalf("deriveInstance is invalid: %v", issueStrings(errs))
	}
	d := model.Derive(in)
	tests := []struct {
		opp      string
		pioneers string
		pairs    []string
	}{
		// o1, a = 1000, no loss: only budgets bind. P (1000+30)/1000 → 1;
		// Q (200+30)/1000 = 0.23 < σ_min; S (100+30)/1000 = 0.13. U is a
		// pioneer without the knowledge: pioneers never learn, even beside
		// the pioneers P and Q. T's role is not allowed, V serves y.
		{"o1", "{P,Q}", []string{
			"P[lead] cap 1 max 1",
			"Q[] cap 0.3 max 0.23", // an SME pioneer knows: no learning, no reward
			"S[learning,reward] cap 0.3 max 0.13",
		}},
		// o2, non_equity (no lead: cap 1), a = (1 − 0.5)·200 = 100, unit CVaR
		// 0.4: T is held to 10/(100·0.4) = 0.25 by its risk limit. T learns
		// beside Q but is no SME, so no reward.
		{"o2", "{Q}", []string{
			"Q[] cap 1 max 1",
			"S[learning,reward] cap 1 max 1",
			"T[learning] cap 1 max 0.25",
		}},
		// o3: nobody knows 0.95 and no pioneer does: no pair at all.
		{"o3", "{}", nil},
		// o4: V alone, knows, leads; (100+30)/100 → 1.
		{"o4", "{}", []string{"V[lead] cap 1 max 1"}},
		// o5, k = 0: everybody knows, U is a pioneer of Π (κ 0.1 ≥ 0). S is
		// a reward pair without being a learning pair.
		{"o5", "{P,Q,U}", []string{
			"P[lead] cap 1 max 1",
			"Q[] cap 0.3 max 0.3",
			"S[reward] cap 0.3 max 0.3",
			"T[] cap 0.3 max 0.3",
			"U[] cap 0.3 max 0.3",
		}},
	}
	for _, tc := range tests {
		p := d.Opp[tc.opp]
		if got := ids(in, d.Pioneers[p]); got != tc.pioneers {
			t.Errorf("%s: Π = %s, want %s", tc.opp, got, tc.pioneers)
		}
		got := pairStrings(d, p)
		if strings.Join(got, "\n") != strings.Join(tc.pairs, "\n") {
			t.Errorf("%s: pairs%s\nwant%s", tc.opp, fmtList(got), fmtList(tc.pairs))
		}
	}
	if got, want := fmt.Sprint(d.FirmPairs), "[2 3 3 2 1 1]"; got != want {
		t.Errorf("FirmPairs = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(d.NetCost), "[1000 100 100 100 100]"; got != want {
		t.Errorf("NetCost = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(d.UnitCVaR), "[0 0.4 0 0 0]"; got != want {
		t.Errorf("UnitCVaR = %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(d.SMEs), "[1 2 4]"; got != want {
		t.Errorf("SMEs = %s, want %s", got, want)
	}
	if d.Firm["T"] != 3 || d.Opp["o4"] != 3 || d.Market["m"] != 0 || d.Scenario["s2"] != 1 {
		t.Errorf("index maps %v %v %v %v", d.Firm, d.Opp, d.Market, d.Scenario)
	}
	if d.MinStake != 0.05 || d.LeadStake != 0.5 || d.MinorityCap != 0.3 {
		t.Errorf("stake defaults %v %v %v", d.MinStake, d.LeadStake, d.MinorityCap)
	}
	if got := d.Loss(1, 1); got != 40 {
		t.Errorf("Loss(o2, s2) = %v, want 0.4·100 = 40", got)
	}
	if len(d.Unfundable[2]) != 1 || !strings.HasPrefix(d.Unfundable[2][0], "knowledge gap: 4 firm(s)") {
		t.Errorf("Unfundable[o3] = %q", d.Unfundable[2])
	}
	// o1: Q 0.23 + S 0.13 + P 1; o4: V alone, leads. Fundable.
	for _, p := range []int{0, 1, 3, 4} {
		if len(d.Unfundable[p]) != 0 {
			t.Errorf("Unfundable[%s] = %q", in.Opportunities[p].ID, d.Unfundable[p])
		}
	}
}

// TestDeriveMaxStake varies the budget, credit and risk inputs of MaxStake.
func TestDeriveMaxStake(t *testing.T) {
	type tc struct {
		name   string
		mutate func(*model.Instance)
		opp    string
		want   []string
	}
	tests := []tc{
		{"credit is β·K when the line is larger", func(in *model.Instance) { in.Policy.CreditLine = 1000 }, "o1",
			// Q (200 + 100)/1000 = 0.3, S (100 + 50)/1000 = 0.15.
			[]string{"P[lead] cap 1 max 1", "Q[] cap 0.3 max 0.3", "S[learning,reward] cap 0.3 max 0.15"}},
		{"no credit", func(in *model.Instance) { in.Policy.CreditLine = 0 }, "o1",
			[]string{"P[lead] cap 1 max 1", "Q[] cap 0.3 max 0.2", "S[learning,reward] cap 0.3 max 0.1"}},
		{"credit line but β = 0", func(in *model.Instance) { in.Policy.CreditPerFirm = 0 }, "o1",
			[]string{"P[lead] cap 1 max 1", "Q[] cap 0.3 max 0.2", "S[learning,reward] cap 0.3 max 0.1"}},
		{"budget binds a lead", func(in *model.Instance) { in.Opportunities[0].Cost = 2060 }, "o1",
			// P (1000 + 30)/2060 = 0.5 exactly.
			[]string{"P[lead] cap 1 max 0.5", "Q[] cap 0.3 max 0.1117", "S[learning,reward] cap 0.3 max 0.06311"}},
		{"CVaR at α = 0.5", func(in *model.Instance) { in.Policy.CVaRAlpha = fp(0.5) }, "o2",
			// unit CVaR_0.5 = (0.25·0.4 + 0.25·0.1)/0.5 = 0.25: T 10/(100·0.25) = 0.4.
			[]string{"Q[] cap 1 max 1", "S[learning,reward] cap 1 max 1", "T[learning] cap 1 max 0.4"}},
		{"CVaR at α = 0 is the expected loss", func(in *model.Instance) { in.Policy.CVaRAlpha = fp(0) }, "o2",
			// 0.75·0.1 + 0.25·0.4 = 0.175: T 10/17.5 = 0.5714.
			[]string{"Q[] cap 1 max 1", "S[learning,reward] cap 1 max 1", "T[learning] cap 1 max 0.5714"}},
		{"no subsidy doubles the net cost", func(in *model.Instance) { in.Policy.Subsidy = nil }, "o2",
			// a = 200: S (100 + 30)/200 = 0.65, T min(130/200, 10/(200·0.4)) = 0.125.
			[]string{"Q[] cap 1 max 1", "S[learning,reward] cap 1 max 0.65", "T[learning] cap 1 max 0.125"}},
		{"risk limit 0", func(in *model.Instance) { in.Firms[3].RiskLimit = 0 }, "o2",
			[]string{"Q[] cap 1 max 1", "S[learning,reward] cap 1 max 1", "T[learning] cap 1 max 0"}},
		{"risk limit 0 on a riskless project", func(in *model.Instance) { in.Firms[3].RiskLimit = 0 }, "o5",
			[]string{"P[lead] cap 1 max 1", "Q[] cap 0.3 max 0.3", "S[reward] cap 0.3 max 0.3", "T[] cap 0.3 max 0.3", "U[] cap 0.3 max 0.3"}},
		{"minority_max_stake", func(in *model.Instance) { in.Rules.MinorityMaxStake = fp(0.1) }, "o5",
			[]string{"P[lead] cap 1 max 1", "Q[] cap 0.1 max 0.1", "S[reward] cap 0.1 max 0.1", "T[] cap 0.1 max 0.1", "U[] cap 0.1 max 0.1"}},
		{"mode override: SME-led acquisition", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {Roles: []model.Role{model.Large, model.SME}, Lead: model.SME}}
		}, "o1",
			[]string{"P[] cap 0.3 max 0.3", "Q[lead] cap 1 max 0.23", "S[learning,lead,reward] cap 1 max 0.13"}},
		{"mode override without lead", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {Roles: []model.Role{model.Large, model.SME, model.Supporting}}}
		}, "o1",
			[]string{"P[] cap 1 max 1", "Q[] cap 1 max 0.23", "S[learning,reward] cap 1 max 0.13", "T[learning] cap 1 max 0.13"}},
		{"the only pioneer loses its knowledge", func(in *model.Instance) { in.Firms[1].Knowledge["m"] = 0.2 }, "o2",
			// Π_o2 empty: S and T cannot learn, Q (a pioneer) never learns.
			nil},
	}
	for _, c := range tests {
		t.Run(c.name, func(t *testing.T) {
			in := deriveInstance()
			c.mutate(in)
			if errs := model.Errors(model.Validate(in)); len(errs) > 0 {
				t.Fatalf("invalid: %v", issueStrings(errs))
			}
			d := model.Derive(in)
			got := pairStrings(d, d.Opp[c.opp])
			if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
				t.Errorf("pairs%s\nwant%s", fmtList(got), fmtList(c.want))
			}
		})
	}
}

func TestDeriveSMETarget(t *testing.T) {
	tests := []struct {
		rho  float64
		smes int
		want int
	}{
		{0.2, 10, 2},    // 0.2·10 is 2 in floating point already
		{0.28, 25, 7},   // 0.28·25 = 7.000000000000001: the epsilon keeps it at 7
		{0.7, 10, 7},    // 0.7·10 = 7.000000000000001
		{0.29, 100, 29}, // 28.999999999999996 rounds up to 29
		{0.25, 10, 3},
		{0.21, 10, 3},
		{0, 10, 0},
		{1, 3, 3},
		{0.5, 0, 0},
		{1, 0, 0},
	}
	for _, tc := range tests {
		in := &model.Instance{Objective: model.Objective{SMEParticipationTarget: tc.rho}}
		for i := 0; i < tc.smes; i++ {
			in.Firms = append(in.Firms, model.Firm{ID: fmt.Sprint("s", i), Role: model.SME})
		}
		in.Firms = append(in.Firms, model.Firm{ID: "big", Role: model.Large})
		if got := model.Derive(in).SMETarget; got != tc.want {
			t.Errorf("ρ %v, %d SMEs: SMETarget %d, want %d", tc.rho, tc.smes, got, tc.want)
		}
	}
}

func TestCVaR(t *testing.T) {
	tests := []struct {
		name   string
		losses []float64
		probs  []float64
		alpha  float64
		want   float64
	}{
		{"tail inside the worst scenario", []float64{0, 100}, []float64{0.75, 0.25}, 0.9, 100},
		{"tail exactly the worst scenario", []float64{0, 100}, []float64{0.75, 0.25}, 0.75, 100},
		{"tail wider than the worst scenario", []float64{0, 100}, []float64{0.75, 0.25}, 0.5, 50},
		{"tail mixes two losses", []float64{10, 100}, []float64{0.75, 0.25}, 0.5, 55},
		{"α = 0 is the mean", []float64{0, 100}, []float64{0.75, 0.25}, 0, 25},
		{"α = 0 is the mean, three scenarios", []float64{10, 20, 60}, []float64{0.5, 0.3, 0.2}, 0, 23},
		{"order does not matter", []float64{100, 0}, []float64{0.25, 0.75}, 0.5, 50},
		{"three scenarios", []float64{0, 50, 100}, []float64{0.5, 0.3, 0.2}, 0.7, (0.2*100 + 0.1*50) / 0.3},
		{"ties", []float64{100, 0, 100}, []float64{0.1, 0.8, 0.1}, 0.9, 100},
		{"ties, wider tail", []float64{100, 0, 100}, []float64{0.1, 0.8, 0.1}, 0.5, 40},
		{"one scenario", []float64{42}, []float64{1}, 0.9, 42},
		{"no loss", []float64{0, 0}, []float64{0.5, 0.5}, 0.9, 0},
		{"empty", nil, nil, 0.9, 0},
		{"negative losses (gains)", []float64{-10, 20}, []float64{0.5, 0.5}, 0.5, 20},
	}
	for _, tc := range tests {
		if got := model.CVaR(tc.losses, tc.probs, tc.alpha); !near(got, tc.want, 1e-12) {
			t.Errorf("%s: CVaR_%v(%v, %v) = %v, want %v", tc.name, tc.alpha, tc.losses, tc.probs, got, tc.want)
		}
	}
	// Positive homogeneity, which MaxStake relies on: CVaR(s·L) = s·CVaR(L).
	l, p := []float64{0.02, 0.3, 0.07}, []float64{0.6, 0.1, 0.3}
	base := model.CVaR(l, p, 0.8)
	for _, s := range []float64{0.5, 3, 1000} {
		scaled := make([]float64, len(l))
		for i := range l {
			scaled[i] = s * l[i]
		}
		if got := model.CVaR(scaled, p, 0.8); !near(got, s*base, 1e-12) {
			t.Errorf("CVaR(%v·L) = %v, want %v", s, got, s*base)
		}
	}
	if math.IsNaN(base) {
		t.Fatal("NaN")
	}
}
