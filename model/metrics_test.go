package model_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

func stakes(kv ...any) []model.Stake {
	var out []model.Stake
	for i := 0; i < len(kv); i += 2 {
		out = append(out, model.Stake{Firm: kv[i].(string), Stake: kv[i+1].(float64)})
	}
	return out
}

// clusterPlan is a cluster plan on baseInstance.
//
//	p1 (de display, a 500):  L1 0.7 (lead), S1 0.3
//	p2 (vn ic, a 160):       L1 0.6 (lead), S2 0.2, T1 0.2
//	p3 (de display, a 40):   S2 0.5, T1 0.5
//	credit: S1 50
func clusterPlan() *model.Assignment {
	return &model.Assignment{
		Projects: []model.Project{
			{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "L1", Participants: stakes("L1", 0.7, "S1", 0.3)},
			{ID: "p2", Market: "vn", Mode: model.JointRnD, Lead: "L1", Participants: stakes("L1", 0.6, "S2", 0.2, "T1", 0.2)},
			{ID: "p3", Market: "de", Mode: model.NonEquity, Participants: stakes("S2", 0.5, "T1", 0.5)},
		},
		MarketsEntered: ss("de", "vn"),
		Credit:         []model.Credit{{Firm: "S1", Amount: 50}},
	}
}

// baselinePlan is a plan of single-firm projects on baseInstance.
func baselinePlan() *model.Assignment {
	return &model.Assignment{
		Projects: []model.Project{
			{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "L1", Participants: stakes("L1", 1.0)},
			{ID: "p2", Market: "vn", Mode: model.JointRnD, Lead: "L1", Participants: stakes("L1", 1.0)},
			{ID: "p3", Market: "de", Mode: model.NonEquity, Participants: stakes("S2", 1.0)},
			{ID: "p4", Market: "vn", Mode: model.Greenfield, Lead: "L2", Participants: stakes("L2", 1.0)},
			{ID: "p5", Market: "de", Mode: model.Production, Participants: stakes("S2", 1.0)},
		},
		MarketsEntered: ss("de", "vn"),
	}
}

func roles(large, sme, supporting int) map[model.Role]int {
	return map[model.Role]int{model.Large: large, model.SME: sme, model.Supporting: supporting}
}

// metricsDiff lists the fields where got and want differ (reals to 1e-12).
func metricsDiff(got, want model.Metrics) []string {
	var d []string
	real := func(name string, g, w float64) {
		if !near(g, w, 1e-12) {
			d = append(d, fmt.Sprintf("%s: got %v, want %v", name, g, w))
		}
	}
	other := func(name string, g, w any) {
		if !reflect.DeepEqual(g, w) {
			d = append(d, fmt.Sprintf("%s: got %v, want %v", name, g, w))
		}
	}
	real("info_cost", got.InfoCost, want.InfoCost)
	real("dissipation", got.Dissipation, want.Dissipation)
	real("value", got.Value, want.Value)
	real("market_power", got.MarketPower, want.MarketPower)
	other("learning", got.Learning, want.Learning)
	other("projects", got.Projects, want.Projects)
	other("firms_by_role", got.FirmsByRole, want.FirmsByRole)
	real("sme_participation", got.SMEParticipation, want.SMEParticipation)
	real("capital_deployed", got.CapitalDeployed, want.CapitalDeployed)
	real("credit_drawn", got.CreditDrawn, want.CreditDrawn)
	real("cvar_utilisation_max", got.CVaRUtilisationMax, want.CVaRUtilisationMax)
	real("cvar_utilisation_mean", got.CVaRUtilisationMean, want.CVaRUtilisationMean)
	other("market_power_target_met", got.MarketPowerTarget, want.MarketPowerTarget)
	other("sme_participation_target_met", got.SMETarget, want.SMETarget)
	other("targets_met", got.TargetsMet, want.TargetsMet)
	return d
}

// TestEvaluateHand checks every metric and Z against figures worked by hand.
//
// CVaR_0.9 with probabilities (0.75, 0.25) is the shock-scenario loss
// whenever that is the larger one (the 10% tail lies inside the 25% shock).
func TestEvaluateHand(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*model.Instance)
		plan   func() *model.Assignment
		method string
		want   model.Metrics
		z      float64
	}{
		{
			// Info cost de 4 + vn 3 = 7, once per market. de/display holds p1
			// and p3, capacity 2: no dissipation. Value 60 + (10 + 0.2·200) + 5
			// = 115; market power 5 + 3 + 1 = 9. Learning: S1 in p1 and S2 in
			// p2, each beside the pioneer L1 = 2 (S2, T1 in p3: Π_p3 empty).
			// Net costs 500 + 160 + 40 = 700. Losses (base, shock):
			// L1 0.7·500·(0.02, 0.2) + 0.6·160·(0.05, 0.25) = (11.8, 94) → 94/300;
			// S1 0.3·500·(0.02, 0.2) = (3, 30) → 30/40 = 0.75;
			// S2 0.2·160·(0.05, 0.25) + 0.5·40·(0.1, 0.5) = (3.6, 18) → 18/20 = 0.9;
			// T1 the same (3.6, 18) → 18/30 = 0.6.
			// Targets: 9 ≥ 5, 2 SMEs ≥ ⌈0.5·2⌉ = 1.
			// Z = 7 + 0 − 115 − 2·9 − 3·2 = −132.
			name: "cluster", plan: clusterPlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 0, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
				FirmsByRole: roles(1, 2, 1), SMEParticipation: 1, CapitalDeployed: 700, CreditDrawn: 50,
				CVaRUtilisationMax: 0.9, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.9 + 0.6) / 4,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -132,
		},
		{
			// Capacity 1 for de/display: p1 and p3 exceed it by 1: δ 25.
			name: "cluster, dissipation", mutate: func(in *model.Instance) { in.Markets[0].Capacity = nil },
			plan: clusterPlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 25, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
				FirmsByRole: roles(1, 2, 1), SMEParticipation: 1, CapitalDeployed: 700, CreditDrawn: 50,
				CVaRUtilisationMax: 0.9, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.9 + 0.6) / 4,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -107,
		},
		{
			// Capacity 0 everywhere: every project is excess, de 2·25 + vn 1·10.
			name: "cluster, capacity 0", mutate: func(in *model.Instance) {
				in.Markets[0].Capacity = map[string]int{"display": 0}
				in.Markets[1].Capacity = map[string]int{"ic": 0}
			},
			plan: clusterPlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 60, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
				FirmsByRole: roles(1, 2, 1), SMEParticipation: 1, CapitalDeployed: 700, CreditDrawn: 50,
				CVaRUtilisationMax: 0.9, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.9 + 0.6) / 4,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -72,
		},
		{
			// T1 with risk limit 0 is left out of the utilisation; targets
			// missed: market power 9 < 10, 2 SMEs < ⌈1·3⌉ with a third SME.
			name: "cluster, targets missed", mutate: func(in *model.Instance) {
				in.Firms[4].RiskLimit = 0
				in.Objective.MarketPowerTarget = 10
				in.Objective.SMEParticipationTarget = 1
				in.Firms = append(in.Firms, model.Firm{ID: "S3", Role: model.SME, Capital: 10, RiskLimit: 1, Segments: ss("display")})
			},
			plan: clusterPlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 0, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
				FirmsByRole: roles(1, 2, 1), SMEParticipation: 2.0 / 3, CapitalDeployed: 700, CreditDrawn: 50,
				CVaRUtilisationMax: 0.9, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.9) / 3,
				TargetsMet: false, MarketPowerTarget: false, SMETarget: false},
			z: -132,
		},
		{
			// The market power target holds within 1e-6·G*.
			name: "cluster, target within tolerance", mutate: func(in *model.Instance) {
				in.Objective.MarketPowerTarget = 9 + 5e-6
			},
			plan: clusterPlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 0, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
				FirmsByRole: roles(1, 2, 1), SMEParticipation: 1, CapitalDeployed: 700, CreditDrawn: 50,
				CVaRUtilisationMax: 0.9, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.9 + 0.6) / 4,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -132,
		},
		{
			// Per firm and market: L1 de + vn = 7, S2 de = 4, L2 vn = 3: 14.
			// Value 60 + 50 + 5 + 20 + 4 = 139, market power 12, no learning.
			// de/display p1, p3 (cap 2), vn/display p4, de/ic p5, vn/ic p2: no excess.
			// L1 (10 + 8, 100 + 40) → 140/300; L2 p4 has no loss → 0;
			// S2 40·(0.1, 0.5) + 50·(0, 0.4) = (4, 40) → 40/20 = 2.
			// Z = 14 − 139 − 2·12 = −149.
			name: "independent", plan: baselinePlan, method: model.MethodIndependent,
			want: model.Metrics{InfoCost: 14, Dissipation: 0, Value: 139, MarketPower: 12, Learning: 0, Projects: 5,
				FirmsByRole: roles(2, 1, 0), SMEParticipation: 0.5, CapitalDeployed: 1050, CreditDrawn: 0,
				CVaRUtilisationMax: 2, CVaRUtilisationMean: (140.0/300 + 0 + 2) / 3,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -149,
		},
		{
			name: "policy_push pays per firm too", plan: baselinePlan, method: model.MethodPolicyPush,
			want: model.Metrics{InfoCost: 14, Dissipation: 0, Value: 139, MarketPower: 12, Learning: 0, Projects: 5,
				FirmsByRole: roles(2, 1, 0), SMEParticipation: 0.5, CapitalDeployed: 1050, CreditDrawn: 0,
				CVaRUtilisationMax: 2, CVaRUtilisationMean: (140.0/300 + 0 + 2) / 3,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -149,
		},
		{
			// The same plan scored as a cluster plan pays de and vn once: 7.
			name: "baseline plan scored as cluster", plan: baselinePlan, method: model.MethodCluster,
			want: model.Metrics{InfoCost: 7, Dissipation: 0, Value: 139, MarketPower: 12, Learning: 0, Projects: 5,
				FirmsByRole: roles(2, 1, 0), SMEParticipation: 0.5, CapitalDeployed: 1050, CreditDrawn: 0,
				CVaRUtilisationMax: 2, CVaRUtilisationMean: (140.0/300 + 0 + 2) / 3,
				TargetsMet: true, MarketPowerTarget: true, SMETarget: true},
			z: -156,
		},
		{
			// Learning needs a pioneer of Π_p other than the SME itself: an
			// SME pioneer alone earns nothing, an SME beside it does.
			name: "SME pioneer", mutate: func(in *model.Instance) {
				in.Firms[3].Pioneer = true // S2, κ 0.6 ≥ 0.3 of p3: Π_p3 = {S2}
				in.Firms = append(in.Firms, model.Firm{ID: "S4", Role: model.SME, Capital: 100, RiskLimit: 10,
					Segments: ss("display"), Knowledge: km("default", 0.1)})
			},
			plan: func() *model.Assignment {
				return &model.Assignment{Projects: []model.Project{
					{ID: "p3", Participants: stakes("S2", 0.6, "S4", 0.4)},
					{ID: "p5", Participants: stakes("S2", 1.0)},
				}}
			}, method: model.MethodCluster,
			// Info de 4; de/display 1 ≤ 2, de/ic 1; value 9, power 2; learning 1
			// (S4 beside S2 in p3). S2: 24·(0.1, 0.5) + 50·(0, 0.4) = (2.4, 32)
			// → 32/20 = 1.6; S4 16·(0.1, 0.5) → 8/10 = 0.8. 2 of 3 SMEs.
			// Z = 4 − 9 − 2·2 − 3·1 = −12.
			want: model.Metrics{InfoCost: 4, Dissipation: 0, Value: 9, MarketPower: 2, Learning: 1, Projects: 2,
				FirmsByRole: roles(0, 2, 0), SMEParticipation: 2.0 / 3, CapitalDeployed: 90, CreditDrawn: 0,
				CVaRUtilisationMax: 1.6, CVaRUtilisationMean: (1.6 + 0.8) / 2,
				TargetsMet: false, MarketPowerTarget: false, SMETarget: true},
			z: -12,
		},
		{
			name: "empty plan", plan: func() *model.Assignment { return &model.Assignment{} }, method: model.MethodCluster,
			want: model.Metrics{FirmsByRole: roles(0, 0, 0), MarketPowerTarget: false, SMETarget: false},
			z:    0,
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInstance()
			if tc.mutate != nil {
				tc.mutate(in)
			}
			d := model.Derive(in)
			a := tc.plan()
			m, z, err := d.Evaluate(a, tc.method)
			if err != nil {
				t.Fatal(err)
			}
			if diff := metricsDiff(m, tc.want); len(diff) > 0 {
				t.Errorf("metrics differ:%s", fmtList(diff))
			}
			if !near(z, tc.z, 1e-12) {
				t.Errorf("Z = %v, want %v", z, tc.z)
			}
			// The independent checker agrees.
			rep := check.Check(in, &model.Plan{Instance: in.Name, Method: tc.method, Status: model.StatusFeasible,
				Objective: &z, Metrics: &m, Plan: a}, check.Options{})
			for _, v := range rep.Violations {
				if v.Constraint == check.Metric || v.Constraint == check.Objective {
					t.Errorf("check: %v", v)
				}
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	d := model.Derive(baseInstance())
	tests := []struct {
		a    *model.Assignment
		want string
	}{
		{&model.Assignment{Projects: []model.Project{{ID: "p9"}}}, `plan: unknown opportunity "p9"`},
		{&model.Assignment{Projects: []model.Project{{ID: "p1", Participants: stakes("L1", 0.5, "ZZ", 0.5)}}},
			`plan: project "p1": unknown firm "ZZ"`},
		{&model.Assignment{Credit: []model.Credit{{Firm: "ZZ", Amount: 5}}}, `plan: credit: unknown firm "ZZ"`},
	}
	for _, tc := range tests {
		_, _, err := d.Evaluate(tc.a, model.MethodCluster)
		if err == nil || err.Error() != tc.want {
			t.Errorf("Evaluate(%+v) = %v, want %q", tc.a, err, tc.want)
		}
	}
}

// TestEvaluateDeterministic: the same plan gives bit-identical figures on
// every call, although sums of such info costs depend on their order.
func TestEvaluateDeterministic(t *testing.T) {
	in := baseInstance()
	in.Markets = nil
	in.Opportunities = nil
	a := &model.Assignment{}
	for i := 0; i < 12; i++ {
		id := fmt.Sprint("m", i)
		in.Markets = append(in.Markets, model.Market{ID: id, InfoCost: 0.1 * float64(i+1), Dissipation: 0.3})
		for j := 0; j < 3; j++ {
			o := model.Opportunity{ID: fmt.Sprint("o", i, "_", j), Market: id, Segment: fmt.Sprint("s", j%2),
				Mode: model.NonEquity, Cost: 1, NPV: 0.1}
			in.Opportunities = append(in.Opportunities, o)
			a.Projects = append(a.Projects, model.Project{ID: o.ID, Participants: stakes("T1", 1.0)})
		}
	}
	d := model.Derive(in)
	for _, method := range []string{model.MethodCluster, model.MethodIndependent} {
		m0, z0, err := d.Evaluate(a, method)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 50; k++ {
			m, z, _ := d.Evaluate(a, method)
			if math.Float64bits(z) != math.Float64bits(z0) || m.InfoCost != m0.InfoCost || m.Dissipation != m0.Dissipation {
				t.Fatalf("%s: run %d gives Z %v (info %v, dissipation %v), first run %v (%v, %v)",
					method, k, z, m.InfoCost, m.Dissipation, z0, m0.InfoCost, m0.Dissipation)
			}
		}
	}
}

// TestFirmCVaR: CVaR of each firm's loss under the cluster plan.
func TestFirmCVaR(t *testing.T) {
	d := model.Derive(baseInstance())
	got := d.FirmCVaR(clusterPlan())
	want := []float64{94, 0, 30, 18, 18}
	for f := range want {
		if !near(got[f], want[f], 1e-12) {
			t.Errorf("FirmCVaR[%s] = %v, want %v", d.Inst.Firms[f].ID, got[f], want[f])
		}
	}
}

// TestEvaluateMatchesCheck compares Evaluate with the independent checker
// on random plans, feasible or not, on random variants of the base instance.
func TestEvaluateMatchesCheck(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	methods := []string{model.MethodCluster, model.MethodIndependent, model.MethodPolicyPush}
	for trial := 0; trial < 200; trial++ {
		in := randomVariant(rng)
		d := model.Derive(in)
		a := randomPlan(rng, d)
		method := methods[rng.IntN(len(methods))]
		m, z, err := d.Evaluate(a, method)
		if err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		rep := check.Check(in, &model.Plan{Instance: in.Name, Method: method, Status: model.StatusOptimal,
			Objective: &z, Metrics: &m, Plan: a}, check.Options{})
		if diff := metricsDiff(m, rep.Metrics); len(diff) > 0 || !near(z, rep.Objective, 1e-9) {
			t.Fatalf("trial %d (%s): Evaluate and check disagree: Z %v vs %v%s\nplan %+v",
				trial, method, z, rep.Objective, fmtList(diff), a)
		}
		for _, v := range rep.Violations {
			if v.Constraint == check.Metric || v.Constraint == check.Objective {
				t.Fatalf("trial %d: %v", trial, v)
			}
		}
	}
}

// randomVariant perturbs the base instance: capacities, CVaR level, risk
// limits, pioneers, subsidies and objective weights and targets.
func randomVariant(rng *rand.Rand) *model.Instance {
	in := baseInstance()
	for i := range in.Markets {
		in.Markets[i].Capacity = map[string]int{"display": rng.IntN(3), "ic": rng.IntN(3)}
		in.Markets[i].InfoCost = math.Round(rng.Float64()*100) / 10
		in.Markets[i].Dissipation = math.Round(rng.Float64()*300) / 10
	}
	in.Policy.CVaRAlpha = fp([]float64{0, 0.5, 0.8, 0.9, 0.95}[rng.IntN(5)])
	in.Policy.Subsidy = map[model.Mode]float64{model.Modes[rng.IntN(len(model.Modes))]: rng.Float64() * 0.5}
	for i := range in.Firms {
		if rng.IntN(5) == 0 {
			in.Firms[i].RiskLimit = 0
		}
		in.Firms[i].Pioneer = rng.IntN(3) == 0
	}
	in.Scenarios[0].Probability = 0.5 + 0.4*rng.Float64()
	in.Scenarios[1].Probability = 1 - in.Scenarios[0].Probability
	in.Objective = model.Objective{
		MarketPowerValue:       rng.Float64() * 5,
		LearningValue:          rng.Float64() * 5,
		MarketPowerTarget:      float64(rng.IntN(12)),
		SMEParticipationTarget: []float64{0, 0.5, 1}[rng.IntN(3)],
	}
	return in
}

// randomPlan picks random opportunities and, for each, a random non-empty
// coalition of distinct firms with random stakes summing to 1 (half the time
// among the eligible firms, else among all), plus random credit.
func randomPlan(rng *rand.Rand, d *model.Derived) *model.Assignment {
	in := d.Inst
	a := &model.Assignment{}
	entered := map[string]bool{}
	for _, p := range rng.Perm(len(in.Opportunities)) {
		if rng.IntN(2) == 0 {
			continue
		}
		o := in.Opportunities[p]
		pool := rng.Perm(len(in.Firms))
		if len(d.Pairs[p]) > 0 && rng.IntN(2) == 0 {
			pool = pool[:0]
			for _, i := range rng.Perm(len(d.Pairs[p])) {
				pool = append(pool, d.Pairs[p][i].Firm)
			}
		}
		n := 1 + rng.IntN(len(pool))
		weights := make([]float64, n)
		sum := 0.0
		for i := range weights {
			weights[i] = 0.05 + rng.Float64()
			sum += weights[i]
		}
		pj := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode}
		for i, f := range pool[:n] {
			pj.Participants = append(pj.Participants, model.Stake{Firm: in.Firms[f].ID, Stake: weights[i] / sum})
		}
		if in.Rules.Mode(o.Mode).Lead != "" {
			pj.Lead = pj.Participants[0].Firm
		}
		a.Projects = append(a.Projects, pj)
		if !entered[o.Market] {
			entered[o.Market] = true
			a.MarketsEntered = append(a.MarketsEntered, o.Market)
		}
	}
	for _, f := range rng.Perm(len(in.Firms))[:rng.IntN(3)] {
		a.Credit = append(a.Credit, model.Credit{Firm: in.Firms[f].ID, Amount: math.Round(rng.Float64() * 50)})
	}
	return a
}

// TestSortAssignment: canonical order of plan output.
func TestSortAssignment(t *testing.T) {
	d := model.Derive(baseInstance())
	a := &model.Assignment{
		Projects: []model.Project{
			{ID: "p3", Participants: stakes("T1", 0.5, "S2", 0.5)},
			{ID: "p1", Participants: stakes("S1", 0.3, "L1", 0.7)},
		},
		MarketsEntered: ss("vn", "de"),
		Credit:         []model.Credit{{Firm: "T1", Amount: 1}, {Firm: "S1", Amount: 2}},
	}
	d.SortAssignment(a)
	var got []string
	for _, p := range a.Projects {
		var ps []string
		for _, s := range p.Participants {
			ps = append(ps, fmt.Sprintf("%s %v", s.Firm, s.Stake))
		}
		got = append(got, p.ID+": "+strings.Join(ps, ", "))
	}
	got = append(got, strings.Join(a.MarketsEntered, " "), a.Credit[0].Firm+" "+a.Credit[1].Firm)
	want := []string{"p1: L1 0.7, S1 0.3", "p3: S2 0.5, T1 0.5", "de vn", "S1 T1"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("sorted%s\nwant%s", fmtList(got), fmtList(want))
	}
}
