package baseline_test

import (
	"reflect"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// twoScenarios sets scenarios base (0.8) and crisis (0.2) and α = 0.5, so
// that CVaR of losses (L_base, L_crisis), L_crisis ≥ L_base, is
// (0.2·L_crisis + 0.3·L_base)/0.5.
func twoScenarios(in *model.Instance) {
	in.Scenarios = []model.Scenario{{ID: "base", Probability: 0.8}, {ID: "crisis", Probability: 0.2}}
	in.Policy.CVaRAlpha = floatp(0.5)
}

// risky is opportunity A of the CVaR cases: a = 100, losses (10, 50), so
// CVaR_0.5 = (0.2·50 + 0.3·10)/0.5 = 26.
func risky(id string, npv float64) model.Opportunity {
	o := opp(id, "de", model.Acquisition, 100, npv)
	o.Loss = map[string]float64{"base": 0.1, "crisis": 0.5}
	return o
}

func withRisk(f model.Firm, r float64) model.Firm {
	f.RiskLimit = r
	return f
}

func withMax(f model.Firm, n int) model.Firm {
	f.MaxProjects = intp(n)
	return f
}

func pioneer(f model.Firm) model.Firm {
	f.Pioneer = true
	return f
}

func TestRules(t *testing.T) {
	large := func(id string, k float64) model.Firm { return firm(id, model.Large, k) }
	acq := func(id, market string, cost, npv float64) model.Opportunity {
		return opp(id, market, model.Acquisition, cost, npv)
	}
	credit := func(beta, line float64) func(*model.Instance) {
		return func(in *model.Instance) { in.Policy.CreditPerFirm, in.Policy.CreditLine = beta, line }
	}
	info := func(de, vn float64) func(*model.Instance) {
		return func(in *model.Instance) { in.Markets[0].InfoCost, in.Markets[1].InfoCost = de, vn }
	}
	promote := func(ms ...string) func(*model.Instance) {
		return func(in *model.Instance) { in.Policy.PromotedMarkets = ms }
	}
	both := func(edits ...func(*model.Instance)) func(*model.Instance) {
		return func(in *model.Instance) {
			for _, e := range edits {
				e(in)
			}
		}
	}
	type want struct {
		taken  map[string]string
		credit map[string]float64
	}
	tests := []struct {
		name  string
		inst  *model.Instance
		indep want
		push  *want // nil: same as indep
	}{
		{
			// A needs 60 > K = 50 and there is no credit; B costs exactly K.
			name:  "budget without credit",
			inst:  instance([]model.Firm{large("L", 50)}, []model.Opportunity{acq("A", "de", 60, 10), acq("B", "de", 50, 1)}, nil),
			indep: want{taken: map[string]string{"B": "L"}},
		},
		{
			// A: 60 ≤ 50 + min(β·K = 25, B = 100): draws 10. Then B: 110 >
			// 50 + 25 = 75.
			name:  "budget with credit",
			inst:  instance([]model.Firm{large("L", 50)}, []model.Opportunity{acq("A", "de", 60, 10), acq("B", "de", 50, 1)}, credit(0.5, 100)),
			indep: want{taken: map[string]string{"A": "L"}, credit: map[string]float64{"L": 10}},
		},
		{
			// Line 20, β·K = 25. A (60) draws 10, line 10 left. B (5): 65 ≤
			// 50 + min(25, 10 drawn + 10 left) = 70, draws 5 more.
			name: "credit drawn adds to what the line still holds",
			inst: instance([]model.Firm{large("L", 50)}, []model.Opportunity{acq("A", "de", 60, 10), acq("B", "de", 5, 1)},
				credit(0.5, 20)),
			indep: want{taken: map[string]string{"A": "L", "B": "L"}, credit: map[string]float64{"L": 15}},
		},
		{
			// β·K = 5 < the 10 A needs, whatever the line holds.
			name:  "credit per firm cap",
			inst:  instance([]model.Firm{large("L", 50)}, []model.Opportunity{acq("A", "de", 60, 10), acq("B", "de", 50, 1)}, credit(0.1, 100)),
			indep: want{taken: map[string]string{"B": "L"}},
		},
		{
			// Line 30. L1 (K 100) goes first, takes A (120) and draws 20; 10
			// left. L2 (K 90) needs 20 for B (110): 90 + min(45, 10) = 100 <
			// 110. Round 2: L1 can't afford B either (230 > 100 + 50).
			name: "credit line exhausted first come first served",
			inst: instance([]model.Firm{large("L2", 90), large("L1", 100)},
				[]model.Opportunity{acq("A", "de", 120, 10), acq("B", "de", 110, 9)}, credit(0.5, 30)),
			indep: want{taken: map[string]string{"A": "L1"}, credit: map[string]float64{"L1": 20}},
		},
		{
			// As above but B costs 100: L2 draws the last 10 of the line.
			name: "credit line drawn to the end",
			inst: instance([]model.Firm{large("L2", 90), large("L1", 100)},
				[]model.Opportunity{acq("A", "de", 120, 10), acq("B", "de", 100, 9)}, credit(0.5, 30)),
			indep: want{taken: map[string]string{"A": "L1", "B": "L2"}, credit: map[string]float64{"L1": 20, "L2": 10}},
		},
		{
			// CVaR_0.5 of A is 26 = R.
			name:  "CVaR at the limit",
			inst:  instance([]model.Firm{withRisk(large("L", 1000), 26)}, []model.Opportunity{risky("A", 10)}, twoScenarios),
			indep: want{taken: map[string]string{"A": "L"}},
		},
		{
			name:  "CVaR above the limit",
			inst:  instance([]model.Firm{withRisk(large("L", 1000), 25.9)}, []model.Opportunity{risky("A", 10)}, twoScenarios),
			indep: want{},
		},
		{
			// After A the CVaR is 26; A+B has losses (20, 100), CVaR 52 > 40,
			// so B is refused; C carries no loss and is taken.
			name: "CVaR accumulates over the firm's projects",
			inst: instance([]model.Firm{withRisk(large("L", 1000), 40)},
				[]model.Opportunity{risky("A", 10), risky("B", 9), acq("C", "de", 10, 1)}, twoScenarios),
			indep: want{taken: map[string]string{"A": "L", "C": "L"}},
		},
		{
			// A has losses (0, 50), CVaR (0.2·50)/0.5 = 20; B has (10, 0),
			// CVaR 10 (the worst half of the mass lies in base). Together
			// (10, 50): CVaR (0.2·50 + 0.3·10)/0.5 = 26 ≤ R = 27, although
			// 20 + 10 = 30 > 27: the limit is on the portfolio.
			name: "CVaR of the portfolio, not the sum of project CVaRs",
			inst: instance([]model.Firm{withRisk(large("L", 1000), 27)}, []model.Opportunity{
				{ID: "A", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 100, NPV: 10, Loss: map[string]float64{"crisis": 0.5}},
				{ID: "B", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 100, NPV: 9, Loss: map[string]float64{"base": 0.1}},
			}, twoScenarios),
			indep: want{taken: map[string]string{"A": "L", "B": "L"}},
		},
		{
			name:  "max_projects 1",
			inst:  instance([]model.Firm{withMax(large("L", 100), 1)}, []model.Opportunity{acq("A", "de", 10, 5), acq("B", "de", 10, 10)}, nil),
			indep: want{taken: map[string]string{"B": "L"}},
		},
		{
			name:  "max_projects 0",
			inst:  instance([]model.Firm{withMax(large("L", 100), 0)}, []model.Opportunity{acq("A", "de", 10, 5)}, nil),
			indep: want{},
		},
		{
			// Acquisition allows SMEs but is led by a large firm: an SME alone
			// would hold stake 1 > σ_min. The large firm takes it (as lead).
			name: "lead role",
			inst: instance([]model.Firm{firm("S", model.SME, 1000), large("L", 10)},
				[]model.Opportunity{acq("A", "de", 100, 10), acq("B", "de", 10, 1)}, nil),
			indep: want{taken: map[string]string{"B": "L"}},
		},
		{
			// An instance may make the SME the lead of acquisition.
			name: "lead role overridden",
			inst: instance([]model.Firm{firm("S", model.SME, 1000)}, []model.Opportunity{acq("A", "de", 100, 10)},
				func(in *model.Instance) {
					in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {Roles: []model.Role{model.SME}, Lead: model.SME}}
				}),
			indep: want{taken: map[string]string{"A": "S"}},
		},
		{
			// joint_rnd is led by a large firm and requires a supporting one:
			// no single firm can do both.
			name: "required role",
			inst: instance([]model.Firm{large("L", 1000), firm("P", model.Supporting, 1000)},
				[]model.Opportunity{opp("J", "de", model.JointRnD, 100, 10)}, nil),
			indep: want{},
		},
		{
			// Without a lead, requiring supporting: only the supporting firm
			// may take it alone (the large firm goes first and may not).
			name: "required role without lead",
			inst: instance([]model.Firm{firm("P", model.Supporting, 500), large("L", 1000)},
				[]model.Opportunity{opp("J", "de", model.JointRnD, 100, 10)}, func(in *model.Instance) {
					in.Rules.Modes = map[model.Mode]model.ModeRule{model.JointRnD: {
						Roles: []model.Role{model.Large, model.Supporting}, Requires: []model.Role{model.Supporting}}}
				}),
			indep: want{taken: map[string]string{"J": "P"}},
		},
		{
			name: "required role equal to the lead",
			inst: instance([]model.Firm{firm("P", model.Supporting, 500)},
				[]model.Opportunity{opp("D", "de", model.Distribution, 100, 10)}, func(in *model.Instance) {
					in.Rules.Modes = map[model.Mode]model.ModeRule{model.Distribution: {
						Roles: []model.Role{model.Supporting}, Lead: model.Supporting, Requires: []model.Role{model.Supporting}}}
				}),
			indep: want{taken: map[string]string{"D": "P"}},
		},
		{
			name: "min_partners above 1",
			inst: instance([]model.Firm{large("L", 1000)}, []model.Opportunity{acq("A", "de", 100, 10), acq("B", "de", 100, 1)},
				func(in *model.Instance) {
					in.Opportunities[0].MinPartners = intp(2)
					in.Opportunities[1].MinPartners = intp(1)
				}),
			indep: want{taken: map[string]string{"B": "L"}},
		},
		{
			// s knows de to 0.5 < 0.6 (A), vn to exactly 0.6 (B). The pioneer
			// G knows both but cannot afford A: s would be a learning pair in
			// the cluster model, yet alone it has nobody to learn from.
			name: "knowledge",
			inst: instance([]model.Firm{
				{ID: "s", Role: model.SME, Capital: 1000, RiskLimit: 1e6, Segments: []string{"display"},
					Knowledge: map[string]float64{"default": 0.5, "vn": 0.6}},
				pioneer(firm("G", model.Supporting, 1)),
			}, []model.Opportunity{
				{ID: "A", Market: "de", Segment: "display", Mode: model.NonEquity, Cost: 100, NPV: 10, KnowledgeRequired: 0.6},
				{ID: "B", Market: "vn", Segment: "display", Mode: model.NonEquity, Cost: 100, NPV: 5, KnowledgeRequired: 0.6},
			}, nil),
			indep: want{taken: map[string]string{"B": "s"}},
		},
		{
			name: "segment",
			inst: instance([]model.Firm{func() model.Firm { f := large("L", 1000); f.Segments = []string{"ic"}; return f }()},
				[]model.Opportunity{acq("A", "de", 100, 10)}, nil),
			indep: want{},
		},
		{
			name:  "role not allowed by the mode",
			inst:  instance([]model.Firm{large("L", 1000)}, []model.Opportunity{opp("N", "de", model.NonEquity, 100, 10)}, nil),
			indep: want{},
		},
		{
			// Score 5 − I_de 5 = 0 is not > 0. No promoted market.
			name:  "score zero is not taken",
			inst:  instance([]model.Firm{large("L", 1000)}, []model.Opportunity{acq("A", "de", 100, 5)}, info(5, 0)),
			indep: want{},
		},
		{
			// B in promoted vn scores −2 − 1 = −3: independent skips it,
			// policy_push takes it. A (score 0) is never taken.
			name: "negative score in a promoted market",
			inst: instance([]model.Firm{large("L", 1000)}, []model.Opportunity{acq("A", "de", 100, 5), acq("B", "vn", 100, -2)},
				both(info(5, 1), promote("vn"))),
			indep: want{},
			push:  &want{taken: map[string]string{"B": "L"}},
		},
		{
			// One project only: policy_push spends it in the promoted market.
			name: "promoted market first",
			inst: instance([]model.Firm{withMax(large("L", 1000), 1)}, []model.Opportunity{acq("A", "de", 100, 100), acq("B", "vn", 100, 1)},
				promote("vn")),
			indep: want{taken: map[string]string{"A": "L"}},
			push:  &want{taken: map[string]string{"B": "L"}},
		},
		{
			// Without max_projects the promoted B (score −1) comes first, A
			// in round 2; independent never takes B.
			name: "promoted market first, then the rest",
			inst: instance([]model.Firm{large("L", 1000)}, []model.Opportunity{acq("A", "de", 100, 100), acq("B", "vn", 100, -1)},
				promote("vn")),
			indep: want{taken: map[string]string{"A": "L"}},
			push:  &want{taken: map[string]string{"A": "L", "B": "L"}},
		},
		{
			// B in the promoted market is beyond the firm's capital: policy_push
			// falls back to the independent rule.
			name: "unaffordable promoted project",
			inst: instance([]model.Firm{large("L", 100)}, []model.Opportunity{acq("A", "de", 100, 5), acq("B", "vn", 200, 50)},
				promote("vn")),
			indep: want{taken: map[string]string{"A": "L"}},
		},
		{
			// Promoted markets are pooled: C (de, 3) beats B (vn, 1); D in
			// the unpromoted us is better but comes after.
			name: "best among all promoted markets",
			inst: instance([]model.Firm{withMax(large("L", 1000), 1)},
				[]model.Opportunity{acq("B", "vn", 10, 1), acq("C", "de", 10, 3), acq("D", "us", 10, 50)},
				func(in *model.Instance) {
					in.Markets = append(in.Markets, model.Market{ID: "us"})
					in.Policy.PromotedMarkets = []string{"vn", "de"}
				}),
			indep: want{taken: map[string]string{"D": "L"}},
			push:  &want{taken: map[string]string{"C": "L"}},
		},
		{
			// Identical opportunities: the first listed ("z") goes to the
			// first firm, not the smaller id.
			name: "tie to file order within a market",
			inst: instance([]model.Firm{withMax(large("L2", 50), 1), withMax(large("L1", 100), 1)},
				[]model.Opportunity{acq("z", "de", 10, 5), acq("a", "de", 10, 5)}, nil),
			indep: want{taken: map[string]string{"z": "L1", "a": "L2"}},
		},
		{
			name: "tie to file order across markets",
			inst: instance([]model.Firm{withMax(large("L", 100), 1)},
				[]model.Opportunity{acq("z", "vn", 10, 5), acq("a", "de", 10, 5)}, nil),
			indep: want{taken: map[string]string{"z": "L"}},
		},
		{
			// Both markets promoted; z (vn) and a (de) tie: z, listed first.
			name: "tie to file order across promoted markets",
			inst: instance([]model.Firm{withMax(large("L", 100), 1)},
				[]model.Opportunity{acq("z", "vn", 10, -5), acq("a", "de", 10, -5)}, promote("de", "vn")),
			indep: want{},
			push:  &want{taken: map[string]string{"z": "L"}},
		},
		{
			// I_de = 6. Round 1: A 12−6 = 6 beats C (vn, I 0) 4.5 and B
			// 5−6 = −1. Round 2: B now scores 5 > C 4.5.
			name: "entering a market lifts its other projects",
			inst: instance([]model.Firm{withMax(large("L", 1000), 2)},
				[]model.Opportunity{acq("A", "de", 10, 12), acq("B", "de", 10, 5), acq("C", "vn", 10, 4.5)}, info(6, 0)),
			indep: want{taken: map[string]string{"A": "L", "B": "L"}},
		},
		{
			// P (pioneer) enters de with A; for Q, B still scores 5 − 6 = −1:
			// every firm pays its own market intelligence.
			name: "info cost per firm",
			inst: instance([]model.Firm{large("Q", 1000), withMax(pioneer(large("P", 10)), 1)},
				[]model.Opportunity{acq("A", "de", 10, 10), acq("B", "de", 10, 5)}, info(6, 0)),
			indep: want{taken: map[string]string{"A": "P"}},
		},
		{
			// Order c (pioneer), d (200), a, b (100 each, by id).
			name: "turn order",
			inst: instance([]model.Firm{withMax(large("b", 100), 1), withMax(large("a", 100), 1),
				withMax(pioneer(large("c", 50)), 1), withMax(large("d", 200), 1)},
				[]model.Opportunity{acq("o4", "de", 10, 1), acq("o3", "de", 10, 2), acq("o2", "de", 10, 3), acq("o1", "de", 10, 4)}, nil),
			indep: want{taken: map[string]string{"o1": "c", "o2": "d", "o3": "a", "o4": "b"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := model.ValidateErr(tc.inst); err != nil {
				t.Fatal(err)
			}
			d := model.Derive(tc.inst)
			for _, method := range []string{model.MethodIndependent, model.MethodPolicyPush} {
				w := tc.indep
				if method == model.MethodPolicyPush && tc.push != nil {
					w = *tc.push
				}
				p := run(t, d, method)
				if got := taken(p); !reflect.DeepEqual(got, nonNil(w.taken)) {
					t.Errorf("%s: taken %v, want %v", method, got, w.taken)
				}
				if got := credits(p); !sameCredit(got, w.credit) {
					t.Errorf("%s: credit %v, want %v", method, got, w.credit)
				}
				for _, pj := range p.Plan.Projects {
					lead := ""
					if tc.inst.Rules.Mode(pj.Mode).Lead != "" {
						lead = pj.Participants[0].Firm
					}
					if pj.Lead != lead || len(pj.Participants) != 1 || pj.Participants[0].Stake != 1 {
						t.Errorf("%s: project %+v, want one participant of stake 1 and lead %q", method, pj, lead)
					}
				}
			}
		})
	}
}

func nonNil(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func sameCredit(got, want map[string]float64) bool {
	if len(got) != len(want) {
		return false
	}
	for f, c := range want {
		if !near(got[f], c) {
			return false
		}
	}
	return true
}

func TestRunUnknownMethod(t *testing.T) {
	d := model.Derive(instance([]model.Firm{firm("L", model.Large, 100)}, []model.Opportunity{opp("A", "de", model.Acquisition, 10, 1)}, nil))
	for _, m := range []string{model.MethodCluster, "", "Independent"} {
		if p, err := baseline.Run(d, m); err == nil || p != nil {
			t.Errorf("Run(%q) = %v, %v; want an error", m, p, err)
		}
	}
}
