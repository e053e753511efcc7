package check

import (
	"errors"
	"math"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func ip(n int) *int                      { return &n }
func fp(x float64) *float64              { return &x }
func roles(r ...model.Role) []model.Role { return r }

// testInstance is a small cluster. Defaults used: cvar_alpha 0.9, min_stake
// 0.05, lead_min_stake 0.5, minority_max_stake 0.3, the mode table of MODEL.md.
func testInstance() *model.Instance {
	return &model.Instance{
		Name:      "test",
		Scenarios: []model.Scenario{{ID: "base", Probability: 0.75}, {ID: "shock", Probability: 0.25}},
		Markets: []model.Market{
			// display has the default capacity 1.
			{ID: "de", InfoCost: 4, Dissipation: 25, Capacity: map[string]int{"ic": 3}},
			{ID: "us", InfoCost: 3, Dissipation: 10},
			{ID: "fr", InfoCost: 2, Dissipation: 5},
		},
		Firms: []model.Firm{
			{ID: "L1", Role: model.Large, Pioneer: true, Capital: 1000, RiskLimit: 300,
				Segments: []string{"display", "ic"}, Knowledge: map[string]float64{"default": 0.8}, MaxProjects: ip(2)},
			{ID: "L2", Role: model.Large, Capital: 800, RiskLimit: 200,
				Segments: []string{"display"}, Knowledge: map[string]float64{"de": 0.7, "default": 0.5}},
			{ID: "S1", Role: model.SME, Capital: 100, RiskLimit: 40,
				Segments: []string{"display"}, Knowledge: map[string]float64{"default": 0.2}},
			{ID: "S2", Role: model.SME, Capital: 80, RiskLimit: 20,
				Segments: []string{"ic"}, Knowledge: map[string]float64{"default": 0.6}},
			{ID: "T1", Role: model.Supporting, Capital: 50, RiskLimit: 35,
				Segments: []string{"display", "ic"}, Knowledge: map[string]float64{"default": 0.5}},
		},
		Opportunities: []model.Opportunity{
			{ID: "p1", Market: "de", Segment: "display", Mode: model.Acquisition, Cost: 500, NPV: 60,
				MarketPower: 5, KnowledgeRequired: 0.6, MaxPartners: ip(3),
				Loss: map[string]float64{"base": 0.02, "shock": 0.2}},
			{ID: "p2", Market: "us", Segment: "ic", Mode: model.JointRnD, Cost: 200, NPV: 10,
				MarketPower: 3, KnowledgeRequired: 0.5,
				Loss: map[string]float64{"base": 0.05, "shock": 0.25}},
			{ID: "p3", Market: "de", Segment: "display", Mode: model.NonEquity, Cost: 40, NPV: 5,
				MarketPower: 1, KnowledgeRequired: 0.3,
				Loss: map[string]float64{"base": 0.1, "shock": 0.5}},
			{ID: "p4", Market: "de", Segment: "display", Mode: model.Greenfield, Cost: 300, NPV: 20,
				MarketPower: 2, KnowledgeRequired: 0.4},
		},
		Policy: model.Policy{CreditLine: 100, CreditPerFirm: 0.5,
			Subsidy: map[model.Mode]float64{model.JointRnD: 0.2}},
		Objective: model.Objective{MarketPowerValue: 2, LearningValue: 3,
			MarketPowerTarget: 8, SMEParticipationTarget: 0.5},
	}
}

// clusterMetrics are the metrics of clusterPlan, worked by hand.
//
// Net costs a_p: p1 500, p2 (1−0.2)·200 = 160, p3 40.
// Investments: L1 0.7·500 + 0.6·160 = 446; S1 0.3·500 = 150 ≤ 100 + credit 50;
// S2 0.2·160 = 32; T1 0.2·160 + 40 = 72 ≤ 50 + credit 25.
// Losses (base, shock), CVaR_0.9 = the shock loss (its 25% covers the 10% tail):
// L1 (7 + 4.8, 70 + 24) → 94 / 300; S1 (3, 30) → 30 / 40 = 0.75;
// S2 (1.6, 8) → 8 / 20 = 0.4; T1 (1.6 + 4, 8 + 20) → 28 / 35 = 0.8.
// Info cost de 4 + us 3 = 7. Dissipation: de/display holds p1 and p3 with
// capacity 1 → 25. Value 60 + (10 + 0.2·200) + 5 = 115. Market power 9.
// Learning: S1 in p1 with pioneer L1 (learning pair), S2 in p2 with L1 → 2.
// Z = 7 + 25 − 115 − 2·9 − 3·2 = −107.
func clusterMetrics() *model.Metrics {
	return &model.Metrics{
		InfoCost: 7, Dissipation: 25, Value: 115, MarketPower: 9, Learning: 2, Projects: 3,
		FirmsByRole:      map[model.Role]int{model.Large: 1, model.SME: 2, model.Supporting: 1},
		SMEParticipation: 1, CapitalDeployed: 700, CreditDrawn: 75,
		CVaRUtilisationMax: 0.8, CVaRUtilisationMean: (94.0/300 + 0.75 + 0.4 + 0.8) / 4,
		TargetsMet: true, MarketPowerTarget: true, SMETarget: true,
	}
}

func clusterPlan() *model.Plan {
	return &model.Plan{
		Instance: "test", Method: model.MethodCluster, Status: model.StatusOptimal,
		Objective: fp(-107), Bound: fp(-107.5), Gap: fp(0.5 / 107),
		Metrics: clusterMetrics(),
		Plan: &model.Assignment{
			Projects: []model.Project{
				{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "L1",
					Participants: []model.Stake{{Firm: "L1", Stake: 0.7}, {Firm: "S1", Stake: 0.3}}},
				{ID: "p2", Market: "us", Mode: model.JointRnD, Lead: "L1",
					Participants: []model.Stake{{Firm: "L1", Stake: 0.6}, {Firm: "T1", Stake: 0.2}, {Firm: "S2", Stake: 0.2}}},
				{ID: "p3", Market: "de", Mode: model.NonEquity,
					Participants: []model.Stake{{Firm: "T1", Stake: 1}}},
			},
			MarketsEntered: []string{"us", "de"},
			Credit:         []model.Credit{{Firm: "S1", Amount: 50}, {Firm: "T1", Amount: 25}},
		},
	}
}

// baselinePlan: L1 takes p1 alone, T1 takes p3 alone.
//
// Info cost per firm and market: L1 de 4 + T1 de 4 = 8. Dissipation 25
// (p1, p3 in de/display). Value 65, market power 6, learning 0.
// Z = 8 + 25 − 65 − 12 = −44. CVaR: L1 shock 0.2·500 = 100 → 100/300;
// T1 shock 0.5·40 = 20 → 20/35. Targets: 6 < 8, 0 SMEs < 1: not met.
func baselinePlan() *model.Plan {
	return &model.Plan{
		Instance: "test", Method: model.MethodIndependent, Status: model.StatusFeasible,
		Objective: fp(-44),
		Metrics: &model.Metrics{
			InfoCost: 8, Dissipation: 25, Value: 65, MarketPower: 6, Learning: 0, Projects: 2,
			FirmsByRole:      map[model.Role]int{model.Large: 1, model.SME: 0, model.Supporting: 1},
			SMEParticipation: 0, CapitalDeployed: 540, CreditDrawn: 0,
			CVaRUtilisationMax: 20.0 / 35, CVaRUtilisationMean: (100.0/300 + 20.0/35) / 2,
		},
		Plan: &model.Assignment{
			Projects: []model.Project{
				{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "L1",
					Participants: []model.Stake{{Firm: "L1", Stake: 1}}},
				{ID: "p3", Market: "de", Mode: model.NonEquity,
					Participants: []model.Stake{{Firm: "T1", Stake: 1}}},
			},
			MarketsEntered: []string{"de"},
		},
	}
}

func firm(in *model.Instance, id string) *model.Firm {
	for i := range in.Firms {
		if in.Firms[i].ID == id {
			return &in.Firms[i]
		}
	}
	panic("no firm " + id)
}

func opp(in *model.Instance, id string) *model.Opportunity {
	for i := range in.Opportunities {
		if in.Opportunities[i].ID == id {
			return &in.Opportunities[i]
		}
	}
	panic("no opportunity " + id)
}

func proj(pl *model.Plan, id string) *model.Project {
	for i := range pl.Plan.Projects {
		if pl.Plan.Projects[i].ID == id {
			return &pl.Plan.Projects[i]
		}
	}
	panic("no project " + id)
}

func constraints(r *Report) []string {
	var out []string
	for _, v := range r.Violations {
		if !slices.Contains(out, v.Constraint) {
			out = append(out, v.Constraint)
		}
	}
	sort.Strings(out)
	return out
}

func TestCheckValidPlans(t *testing.T) {
	for _, tc := range []struct {
		name    string
		plan    func() *model.Plan
		metrics func() *model.Metrics
		z       float64
		cvar    map[string]float64
	}{
		{"cluster", clusterPlan, clusterMetrics, -107,
			map[string]float64{"L1": 94, "S1": 30, "S2": 8, "T1": 28}},
		{"independent", baselinePlan, func() *model.Metrics { return baselinePlan().Metrics }, -44,
			map[string]float64{"L1": 100, "T1": 20}},
		{"policy_push", func() *model.Plan {
			pl := baselinePlan()
			pl.Method = model.MethodPolicyPush
			return pl
		}, func() *model.Metrics { return baselinePlan().Metrics }, -44,
			map[string]float64{"L1": 100, "T1": 20}},
	} {
		r := Check(testInstance(), tc.plan(), Options{})
		if !r.OK() {
			t.Errorf("%s: unexpected violations:\n%v", tc.name, r.Err())
		}
		if r.Err() != nil && r.OK() {
			t.Errorf("%s: Err non-nil on an OK report", tc.name)
		}
		if !metricsClose(r.Metrics, *tc.metrics()) {
			t.Errorf("%s: metrics\n got %+v\nwant %+v", tc.name, r.Metrics, *tc.metrics())
		}
		if math.Abs(r.Objective-tc.z) > 1e-9 {
			t.Errorf("%s: objective %v, want %v", tc.name, r.Objective, tc.z)
		}
		if len(r.CVaR) != len(tc.cvar) {
			t.Errorf("%s: CVaR %v, want %v", tc.name, r.CVaR, tc.cvar)
		}
		for f, want := range tc.cvar {
			if math.Abs(r.CVaR[f]-want) > 1e-9 {
				t.Errorf("%s: CVaR of %s = %v, want %v", tc.name, f, r.CVaR[f], want)
			}
		}
	}
}

func metricsClose(a, b model.Metrics) bool {
	eq := func(x, y float64) bool { return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y)) }
	return eq(a.InfoCost, b.InfoCost) && eq(a.Dissipation, b.Dissipation) && eq(a.Value, b.Value) &&
		eq(a.MarketPower, b.MarketPower) && a.Learning == b.Learning && a.Projects == b.Projects &&
		len(a.FirmsByRole) == len(b.FirmsByRole) &&
		a.FirmsByRole[model.Large] == b.FirmsByRole[model.Large] &&
		a.FirmsByRole[model.SME] == b.FirmsByRole[model.SME] &&
		a.FirmsByRole[model.Supporting] == b.FirmsByRole[model.Supporting] &&
		eq(a.SMEParticipation, b.SMEParticipation) && eq(a.CapitalDeployed, b.CapitalDeployed) &&
		eq(a.CreditDrawn, b.CreditDrawn) && eq(a.CVaRUtilisationMax, b.CVaRUtilisationMax) &&
		eq(a.CVaRUtilisationMean, b.CVaRUtilisationMean) && a.TargetsMet == b.TargetsMet &&
		a.MarketPowerTarget == b.MarketPowerTarget && a.SMETarget == b.SMETarget
}

// TestCheckCorruptions breaks the valid cluster plan (or its instance) one
// way at a time. want is the exact set of constraint names reported; msg, if
// set, must occur in one of the messages.
func TestCheckCorruptions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(in *model.Instance, pl *model.Plan)
		want   []string
		msg    string
	}{
		// Structure.
		{"unknown project", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Projects = append(pl.Plan.Projects, model.Project{ID: "p9", Market: "de", Mode: model.NonEquity,
				Participants: []model.Stake{{Firm: "T1", Stake: 1}}})
		}, []string{Structure}, `no opportunity "p9"`},
		{"duplicate project", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Projects = append(pl.Plan.Projects, pl.Plan.Projects[2])
		}, []string{Structure}, "listed more than once"},
		{"unknown firm", func(in *model.Instance, pl *model.Plan) {
			p := proj(pl, "p3")
			p.Participants = append(p.Participants, model.Stake{Firm: "zz", Stake: 0})
		}, []string{Structure}, `no firm "zz"`},
		{"duplicate participant", func(in *model.Instance, pl *model.Plan) {
			p := proj(pl, "p3")
			p.Participants = append(p.Participants, model.Stake{Firm: "T1", Stake: 0})
		}, []string{Structure}, "more than once"},
		{"market mismatch", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p1").Market = "us"
		}, []string{Structure}, `opportunity's market is "de"`},
		{"mode mismatch", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p1").Mode = model.Greenfield
		}, []string{Structure}, `opportunity's mode is "acquisition"`},
		{"NaN stake", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p3").Participants[0].Stake = math.NaN()
		}, []string{Funding, Metric, Stake, Structure}, "not finite"},
		{"instance name", func(in *model.Instance, pl *model.Plan) {
			pl.Instance = "other"
		}, []string{Instance}, `"other"`},
		{"unknown method", func(in *model.Instance, pl *model.Plan) {
			pl.Method = "magic"
		}, []string{Method}, `"magic"`},
		{"unknown status", func(in *model.Instance, pl *model.Plan) {
			pl.Status = "solved"
		}, []string{Status}, `"solved"`},
		{"infeasible with a plan", func(in *model.Instance, pl *model.Plan) {
			pl.Status = model.StatusInfeasible
		}, []string{Status}, "plan block is present"},
		{"optimal without a plan", func(in *model.Instance, pl *model.Plan) {
			pl.Plan = nil
		}, []string{Structure}, "no plan block"},

		// 1. Funding.
		{"stakes do not sum to 1", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p3").Participants[0].Stake = 0.9 // T1's CVaR changes too
		}, []string{Funding, Metric}, "stakes sum to 0.9, not 1"},

		// 2. Stakes.
		{"stake below min_stake", func(in *model.Instance, pl *model.Plan) {
			in.Rules.MinStake = fp(0.25) // T1 and S2 hold 0.2 in p2
		}, []string{Stake}, "stake 0.2 below min_stake 0.25"},
		{"stake below min_stake in the plan", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p2").Participants = []model.Stake{{Firm: "L1", Stake: 0.77}, {Firm: "T1", Stake: 0.2}, {Firm: "S2", Stake: 0.03}}
		}, []string{Metric, Stake}, "stake 0.03 below min_stake 0.05"},
		{"minority stake above minority_max_stake", func(in *model.Instance, pl *model.Plan) {
			in.Rules.MinorityMaxStake = fp(0.25) // S1 holds 0.3 in p1
		}, []string{Stake}, "stake 0.3 of a sme firm above minority_max_stake 0.25"},
		{"stake above 1", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p3").Participants[0].Stake = 1.5
		}, []string{Budget, CVaRLimit, Funding, Metric, Stake}, "stake 1.5 above 1"},

		// 3. Lead.
		{"lead missing", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p1").Lead = ""
		}, []string{Lead}, "no lead"},
		{"lead of the wrong role", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p2").Lead = "T1"
		}, []string{Lead}, "has role supporting"},
		{"lead not a participant", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p1").Lead = "L2"
		}, []string{Lead}, "not a participant"},
		{"lead stake below lead_min_stake", func(in *model.Instance, pl *model.Plan) {
			in.Rules.LeadMinStake = fp(0.65) // L1 holds 0.6 in p2
		}, []string{Lead}, "stake 0.6, below lead_min_stake 0.65"},
		{"lead in a mode without lead", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p3").Lead = "T1"
		}, []string{Lead}, "has no lead role"},

		// 4. Required roles.
		{"required role missing", func(in *model.Instance, pl *model.Plan) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {
				Roles: roles(model.Large, model.SME, model.Supporting), Lead: model.Large,
				Requires: roles(model.Supporting)}}
		}, []string{RequiredRole}, "requires a supporting participant"},
		{"required role missing in the plan", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p2").Participants = []model.Stake{{Firm: "L1", Stake: 0.8}, {Firm: "S2", Stake: 0.2}}
		}, []string{Metric, RequiredRole}, "requires a supporting participant"},

		// 5. Partners.
		{"too many partners", func(in *model.Instance, pl *model.Plan) {
			opp(in, "p1").MaxPartners = ip(1)
		}, []string{Partners}, "2 participants, more than max_partners 1"},
		{"too few partners", func(in *model.Instance, pl *model.Plan) {
			opp(in, "p2").MinPartners = ip(4)
		}, []string{Partners}, "3 participants, fewer than min_partners 4"},

		// Eligibility and learning (7).
		{"wrong segment", func(in *model.Instance, pl *model.Plan) {
			firm(in, "S1").Segments = []string{"ic"}
		}, []string{Eligibility}, `does not serve segment "display"`},
		{"wrong role", func(in *model.Instance, pl *model.Plan) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {
				Roles: roles(model.Large), Lead: model.Large}}
		}, []string{Eligibility}, `role "sme" may not take part`},
		{"wrong role in the plan", func(in *model.Instance, pl *model.Plan) {
			// L2 is large; non_equity admits sme and supporting.
			proj(pl, "p3").Participants = []model.Stake{{Firm: "T1", Stake: 0.5}, {Firm: "L2", Stake: 0.5}}
		}, []string{Eligibility, Metric}, `role "large" may not take part in mode "non_equity"`},
		{"knowledge too low, no pioneer", func(in *model.Instance, pl *model.Plan) {
			firm(in, "L1").Pioneer = false // S1 (0.2 < 0.6) had only L1 to learn from; learning drops to 0
		}, []string{Eligibility, Metric, Objective}, "no pioneer is eligible"},
		{"pioneer lacks knowledge", func(in *model.Instance, pl *model.Plan) {
			opp(in, "p1").KnowledgeRequired = 0.85 // L1 knows 0.8; S1 loses its pioneer too
		}, []string{Eligibility, Metric, Objective}, "pioneers never learn"},
		{"learning pair without its pioneer", func(in *model.Instance, pl *model.Plan) {
			p := proj(pl, "p1")
			p.Lead = "L2"
			p.Participants = []model.Stake{{Firm: "L2", Stake: 0.7}, {Firm: "S1", Stake: 0.3}}
		}, []string{Learning, Metric, Objective}, "no pioneer of {L1} takes part"},

		// 8. Budget and credit.
		{"budget exceeded without credit", func(in *model.Instance, pl *model.Plan) {
			firm(in, "S2").Capital = 30 // S2 invests 32
		}, []string{Budget}, "invests 32, above capital 30 (no credit)"},
		{"budget exceeded with credit", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Credit[0].Amount = 40 // S1 invests 150
			pl.Metrics.CreditDrawn = 65
		}, []string{Budget}, "invests 150, above capital 100 + credit 40 = 140"},
		{"credit above credit_per_firm", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Credit[1].Amount = 30 // T1: 0.5·50 = 25
			pl.Metrics.CreditDrawn = 80
		}, []string{Credit}, "amount 30 above credit_per_firm·capital = 0.5·50 = 25"},
		{"credit_per_firm lowered", func(in *model.Instance, pl *model.Plan) {
			in.Policy.CreditPerFirm = 0.4
		}, []string{Credit}, "= 20"},
		{"credit line exceeded", func(in *model.Instance, pl *model.Plan) {
			in.Policy.CreditLine = 70
		}, []string{CreditLine}, "credit drawn 75 exceeds credit_line 70"},
		{"credit for an unknown firm", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Credit = append(pl.Plan.Credit, model.Credit{Firm: "zz", Amount: 1})
		}, []string{Credit}, `no firm "zz"`},
		{"credit listed twice", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Credit = append(pl.Plan.Credit, model.Credit{Firm: "T1", Amount: 0})
		}, []string{Credit}, "more than once"},
		{"negative credit", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.Credit = append(pl.Plan.Credit, model.Credit{Firm: "L2", Amount: -5})
			pl.Metrics.CreditDrawn = 70
		}, []string{Credit}, "amount -5 is negative"},

		// 9. CVaR. L1 invests 350 in p1 and 96 in p2; its losses are
		// base 0.02·350 + 0.05·96 = 11.8 and shock 0.2·350 + 0.25·96 = 94.
		// At α = 0.9 the worst 10% lies within the shock (25%): CVaR = 94.
		{"CVaR above risk limit", func(in *model.Instance, pl *model.Plan) {
			firm(in, "L1").RiskLimit = 90
		}, []string{CVaRLimit, Metric}, "CVaR 94 exceeds risk_limit 90"},
		{"zero risk limit", func(in *model.Instance, pl *model.Plan) {
			firm(in, "S2").RiskLimit = 0 // S2's CVaR is 8; it leaves the utilisation average
		}, []string{CVaRLimit, Metric}, "CVaR 8 exceeds risk_limit 0"},

		// 10. Project count.
		{"max_projects exceeded", func(in *model.Instance, pl *model.Plan) {
			firm(in, "T1").MaxProjects = ip(1)
		}, []string{MaxProjects}, "takes part in 2 projects, more than max_projects 1"},

		// 11. Markets entered.
		{"market missing", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.MarketsEntered = []string{"de"}
		}, []string{MarketsEntered}, "not listed"},
		{"market extra", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.MarketsEntered = append(pl.Plan.MarketsEntered, "fr")
		}, []string{MarketsEntered}, "no project of the plan is in it"},
		{"market unknown", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.MarketsEntered = append(pl.Plan.MarketsEntered, "xx")
		}, []string{MarketsEntered}, "not a market of the instance"},
		{"market twice", func(in *model.Instance, pl *model.Plan) {
			pl.Plan.MarketsEntered = append(pl.Plan.MarketsEntered, "de")
		}, []string{MarketsEntered}, "listed more than once"},

		// 12. Targets.
		{"market power target unmet", func(in *model.Instance, pl *model.Plan) {
			in.Objective.MarketPowerTarget = 10
		}, []string{MarketPowerTarget, Metric}, "market power 9 below market_power_target 10"},
		{"SME target unmet", func(in *model.Instance, pl *model.Plan) {
			in.Firms = append(in.Firms, model.Firm{ID: "S3", Role: model.SME, Capital: 10,
				Segments: []string{"ic"}})
			in.Objective.SMEParticipationTarget = 1
		}, []string{Metric, SMETarget}, "2 of 3 SMEs take part, sme_participation_target 1 needs 3"},

		// 14. Metrics and objective.
		{"objective wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Objective = fp(-100)
			pl.Gap = fp(7.5 / 100) // consistent with the wrong Z
		}, []string{Objective}, "reported objective -100, recomputed -107"},
		{"objective missing", func(in *model.Instance, pl *model.Plan) {
			pl.Objective = nil
		}, []string{Objective}, "missing"},
		{"value wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.Value = 116
		}, []string{Metric}, "reported 116, recomputed 115"},
		{"info cost wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.InfoCost = 11
		}, []string{Metric}, "reported 11, recomputed 7"},
		{"dissipation wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.Dissipation = 0
		}, []string{Metric}, "reported 0, recomputed 25"},
		{"learning wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.Learning = 1
		}, []string{Metric}, "reported 1, recomputed 2"},
		{"firms_by_role key missing", func(in *model.Instance, pl *model.Plan) {
			delete(pl.Metrics.FirmsByRole, model.Supporting)
		}, []string{Metric}, `key "supporting" missing`},
		{"cvar utilisation wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.CVaRUtilisationMax = 0.75
		}, []string{Metric}, "reported 0.75, recomputed 0.8"},
		{"targets_met wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.TargetsMet = false
		}, []string{Metric}, "reported false, recomputed true"},
		{"metrics missing", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics = nil
		}, []string{Metric}, "metrics missing"},
		{"metric NaN", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.CapitalDeployed = math.NaN()
		}, []string{Metric}, "reported NaN"},

		// Bound and gap.
		{"bound above objective", func(in *model.Instance, pl *model.Plan) {
			pl.Bound = fp(-100)
			pl.Gap = fp(7.0 / 107)
		}, []string{Bound}, "bound -100 above the objective -107"},
		{"gap wrong", func(in *model.Instance, pl *model.Plan) {
			pl.Gap = fp(0.01)
		}, []string{Bound}, "reported gap 0.01"},
	} {
		in, pl := testInstance(), clusterPlan()
		tc.mutate(in, pl)
		r := Check(in, pl, Options{})
		got := constraints(r)
		want := slices.Clone(tc.want)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: constraints %v, want %v; violations:\n%v", tc.name, got, want, r.Err())
			continue
		}
		if tc.msg != "" && !strings.Contains(r.Err().Error(), tc.msg) {
			t.Errorf("%s: no message contains %q:\n%v", tc.name, tc.msg, r.Err())
		}
	}
}

func TestCheckBaselineCorruptions(t *testing.T) {
	for _, tc := range []struct {
		name   string
		mutate func(in *model.Instance, pl *model.Plan)
		want   []string
		msg    string
	}{
		{"targets are only reported", func(in *model.Instance, pl *model.Plan) {
			in.Objective.MarketPowerTarget = 100
			in.Objective.SMEParticipationTarget = 1
		}, nil, ""},
		{"info cost paid once, as for the cluster", func(in *model.Instance, pl *model.Plan) {
			pl.Metrics.InfoCost = 4
			pl.Objective = fp(-48)
		}, []string{Metric, Objective}, "reported 4, recomputed 8"},
		{"co-investment", func(in *model.Instance, pl *model.Plan) {
			// p3 split between T1 and a second supporting firm T2: valid
			// for the cluster, not for a baseline.
			in.Firms = append(in.Firms, model.Firm{ID: "T2", Role: model.Supporting, Capital: 50, RiskLimit: 35,
				Segments: []string{"display"}, Knowledge: map[string]float64{"default": 0.5}})
			proj(pl, "p3").Participants = []model.Stake{{Firm: "T1", Stake: 0.5}, {Firm: "T2", Stake: 0.5}}
		}, []string{Baseline, Metric, Objective}, "2 participants, a baseline project has exactly one"},
		{"partial stake", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p3").Participants[0].Stake = 0.9
		}, []string{Baseline, Funding, Metric}, "stake 0.9, a baseline firm funds the whole project"},
		{"baseline lead missing", func(in *model.Instance, pl *model.Plan) {
			proj(pl, "p1").Lead = ""
		}, []string{Lead}, "no lead"},
	} {
		in, pl := testInstance(), baselinePlan()
		tc.mutate(in, pl)
		r := Check(in, pl, Options{})
		got := constraints(r)
		want := slices.Clone(tc.want)
		sort.Strings(want)
		if !slices.Equal(got, want) {
			t.Errorf("%s: constraints %v, want %v; violations:\n%v", tc.name, got, want, r.Err())
			continue
		}
		if tc.msg != "" && !strings.Contains(r.Err().Error(), tc.msg) {
			t.Errorf("%s: no message contains %q:\n%v", tc.name, tc.msg, r.Err())
		}
	}
}

func TestCheckNoPlan(t *testing.T) {
	for _, status := range []string{model.StatusInfeasible, model.StatusNoSolution} {
		pl := &model.Plan{Instance: "test", Method: model.MethodCluster, Status: status, Bound: fp(-200)}
		r := Check(testInstance(), pl, Options{})
		if !r.OK() {
			t.Errorf("%s: unexpected violations:\n%v", status, r.Err())
		}
		pl.Metrics = clusterMetrics()
		pl.Objective = fp(-107)
		r = Check(testInstance(), pl, Options{})
		if got := constraints(r); !slices.Equal(got, []string{Status}) || len(r.Violations) != 2 {
			t.Errorf("%s with metrics and objective: %v", status, r.Violations)
		}
	}
	if r := Check(nil, clusterPlan(), Options{}); r.OK() {
		t.Error("nil instance accepted")
	}
	if r := Check(testInstance(), nil, Options{}); r.OK() {
		t.Error("nil plan accepted")
	}
}

func TestCheckTolerance(t *testing.T) {
	// A stake error of 1e-7 passes the default tolerance, 1e-5 does not.
	pl := clusterPlan()
	proj(pl, "p3").Participants[0].Stake = 1 - 1e-7
	if r := Check(testInstance(), pl, Options{}); !r.OK() {
		t.Errorf("error 1e-7 rejected:\n%v", r.Err())
	}
	proj(pl, "p3").Participants[0].Stake = 1 - 1e-5
	if r := Check(testInstance(), pl, Options{}); r.OK() {
		t.Error("error 1e-5 accepted at the default tolerance")
	}
	if r := Check(testInstance(), pl, Options{Tol: 1e-3}); !r.OK() {
		t.Errorf("error 1e-5 rejected at Tol 1e-3:\n%v", r.Err())
	}
	// Money is relative: on |Z| = 107 the allowance is 1e-6·107 = 1.07e-4.
	pl = clusterPlan()
	pl.Objective = fp(-107 + 5e-5)
	if r := Check(testInstance(), pl, Options{}); !r.OK() {
		t.Errorf("objective off by 5e-5 rejected:\n%v", r.Err())
	}
	pl.Objective = fp(-107 + 2e-4)
	if r := Check(testInstance(), pl, Options{}); r.OK() {
		t.Error("objective off by 2e-4 accepted")
	}
}

func TestReportErr(t *testing.T) {
	in, pl := testInstance(), clusterPlan()
	firm(in, "L1").RiskLimit = 90
	r := Check(in, pl, Options{})
	err := r.Err()
	var ce *Error
	if !errors.As(err, &ce) || len(ce.Violations) != len(r.Violations) {
		t.Fatalf("Err = %v, want *Error with %d violations", err, len(r.Violations))
	}
	if !strings.Contains(err.Error(), "cvar (firm L1): CVaR 94 exceeds risk_limit 90") {
		t.Errorf("error text:\n%v", err)
	}
}

// TestInfoCostAndDissipation checks the two plan-wide costs on their own:
// info cost once per market for the cluster and per firm and market for a
// baseline, markets not in the instance costing nothing; dissipation per
// (market, segment) beyond its capacity (de/ic 3, others 1).
func TestInfoCostAndDissipation(t *testing.T) {
	in := testInstance()
	tests := []struct {
		name        string
		cluster     bool
		firmMarkets map[string][]string
		perSegment  map[[2]string]int
		info, diss  float64
	}{
		{"nothing", true, nil, nil, 0, 0},
		{"cluster pays each market once", true,
			map[string][]string{"L1": {"de", "us"}, "L2": {"de"}, "S1": {"fr", "de"}}, nil, 4 + 3 + 2, 0},
		{"baseline pays per firm", false,
			map[string][]string{"L1": {"de", "us"}, "L2": {"de"}, "S1": {"fr", "de"}}, nil, (4 + 3) + 4 + (2 + 4), 0},
		{"unknown market costs nothing", true, map[string][]string{"L1": {"xx", "de"}}, nil, 4, 0},
		{"within capacity", true, nil, map[[2]string]int{{"de", "ic"}: 3, {"us", "display"}: 1}, 0, 0},
		{"beyond capacity", true, nil,
			map[[2]string]int{{"de", "ic"}: 5, {"de", "display"}: 2, {"us", "ic"}: 3, {"xx", "ic"}: 9}, 0, 25*2 + 25*1 + 10*2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := &checker{inst: in, cluster: tc.cluster, rep: &Report{}}
			c.index()
			tl := planTally{entered: map[string]bool{}, firmMarkets: map[string]map[string]bool{}}
			for f, ms := range tc.firmMarkets {
				tl.firmMarkets[f] = map[string]bool{}
				for _, m := range ms {
					tl.entered[m] = true
					tl.firmMarkets[f][m] = true
				}
			}
			if got := c.infoCost(tl); got != tc.info {
				t.Errorf("info cost %v, want %v", got, tc.info)
			}
			if got := c.dissipation(tc.perSegment); got != tc.diss {
				t.Errorf("dissipation %v, want %v", got, tc.diss)
			}
		})
	}
}
