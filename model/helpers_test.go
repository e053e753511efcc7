package model_test

import (
	"encoding/json"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func ip(n int) *int           { return &n }
func fp(x float64) *float64   { return &x }
func nan() float64            { return math.NaN() }
func inf(sign int) float64    { return math.Inf(sign) }
func ss(s ...string) []string { return s }
func km(kv ...any) map[string]float64 {
	m := map[string]float64{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1].(float64)
	}
	return m
}

// baseInstance returns a fresh, valid instance with no warnings. Every test
// that mutates it gets its own copy.
//
//	scenarios  base 0.75, shock 0.25
//	markets    de (I 4, δ 25, cap display 2), vn (I 3, δ 10)
//	firms      0 L1 large pioneer K 1000 R 300 [display ic]  κ default 0.8, n 3
//	           1 L2 large         K 800  R 200 [display]     κ de 0.7 default 0.4
//	           2 S1 sme           K 100  R 40  [display]     κ default 0.2
//	           3 S2 sme           K 80   R 20  [ic display]  κ default 0.6
//	           4 T1 supporting    K 60   R 30  [display ic]  κ default 0.5
//	opps       0 p1 de display acquisition C 500 npv 60 G 5 k 0.6 max 3 loss (0.02, 0.2)
//	           1 p2 vn ic      joint_rnd   C 200 npv 10 G 3 k 0.5     loss (0.05, 0.25)
//	           2 p3 de display non_equity  C 40  npv 5  G 1 k 0.3     loss (0.1, 0.5)
//	           3 p4 vn display greenfield  C 300 npv 20 G 2 k 0.4
//	           4 p5 de ic      production  C 50  npv 4  G 1 k 0.2     loss (0, 0.4)
//	policy     B 100, β 0.5, subsidy joint_rnd 0.2, α 0.9, promoted de
//	objective  λ_G 2, λ_L 3, G* 5, ρ 0.5
func baseInstance() *model.Instance {
	return &model.Instance{
		Name:     "base",
		Currency: "CNY million",
		Scenarios: []model.Scenario{
			{ID: "base", Probability: 0.75},
			{ID: "shock", Probability: 0.25},
		},
		Markets: []model.Market{
			{ID: "de", Name: "Germany", InfoCost: 4, Dissipation: 25, Capacity: map[string]int{"display": 2}},
			{ID: "vn", Name: "Vietnam", InfoCost: 3, Dissipation: 10},
		},
		Firms: []model.Firm{
			{ID: "L1", Role: model.Large, Pioneer: true, Capital: 1000, RiskLimit: 300,
				Segments: ss("display", "ic"), Knowledge: km("default", 0.8), MaxProjects: ip(3)},
			{ID: "L2", Role: model.Large, Capital: 800, RiskLimit: 200,
				Segments: ss("display"), Knowledge: km("de", 0.7, "default", 0.4)},
			{ID: "S1", Role: model.SME, Capital: 100, RiskLimit: 40,
				Segments: ss("display"), Knowledge: km("default", 0.2)},
			{ID: "S2", Role: model.SME, Capital: 80, RiskLimit: 20,
				Segments: ss("ic", "display"), Knowledge: km("default", 0.6)},
			{ID: "T1", Role: model.Supporting, Capital: 60, RiskLimit: 30,
				Segments: ss("display", "ic"), Knowledge: km("default", 0.5)},
		},
		Opportunities: []model.Opportunity{
			{ID: "p1", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 500, NPV: 60,
				MarketPower: 5, KnowledgeRequired: 0.6, MaxPartners: ip(3),
				Loss: km("base", 0.02, "shock", 0.2)},
			{ID: "p2", Market: "vn", Segment: "ic", Mode: model.JointRnD, Cost: 200, NPV: 10,
				MarketPower: 3, KnowledgeRequired: 0.5, Loss: km("base", 0.05, "shock", 0.25)},
			{ID: "p3", Market: "de", Segment: "display", Mode: model.NonEquity, Cost: 40, NPV: 5,
				MarketPower: 1, KnowledgeRequired: 0.3, Loss: km("base", 0.1, "shock", 0.5)},
			{ID: "p4", Market: "vn", Segment: "display", Mode: model.Greenfield, Cost: 300, NPV: 20,
				MarketPower: 2, KnowledgeRequired: 0.4},
			{ID: "p5", Market: "de", Segment: "ic", Mode: model.Production, Cost: 50, NPV: 4,
				MarketPower: 1, KnowledgeRequired: 0.2, Loss: km("base", 0.0, "shock", 0.4)},
		},
		Policy: model.Policy{CreditLine: 100, CreditPerFirm: 0.5,
			Subsidy:         map[model.Mode]float64{model.JointRnD: 0.2},
			CVaRAlpha:       fp(0.9),
			PromotedMarkets: ss("de")},
		Objective: model.Objective{MarketPowerValue: 2, LearningValue: 3,
			MarketPowerTarget: 5, SMEParticipationTarget: 0.5},
	}
}

// issueStrings formats issues as "path: message", in order.
func issueStrings(is []model.Issue) []string {
	out := make([]string, len(is))
	for i, x := range is {
		out[i] = x.String()
	}
	return out
}

// wantIssues fails t unless got, formatted, equals want exactly (order included).
func wantIssues(t *testing.T, what string, got []model.Issue, want []string) {
	t.Helper()
	g := issueStrings(got)
	if len(want) == 0 {
		want = nil
	}
	if len(g) == 0 {
		g = nil
	}
	if !slices.Equal(g, want) {
		t.Errorf("%s:\n got  %s\n want %s", what, fmtList(g), fmtList(want))
	}
}

func fmtList(s []string) string {
	if len(s) == 0 {
		return "(none)"
	}
	return "\n    " + strings.Join(s, "\n    ")
}

// near reports |a − b| ≤ tol·max(1, |b|).
func near(a, b, tol float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

// equalJSON reports whether a and b marshal to the same JSON.
func equalJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
