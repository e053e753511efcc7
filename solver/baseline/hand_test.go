package baseline_test

import (
	"testing"

	"github.com/ofdi/ofdi/model"
)

// handJSON is the worked example of the package tests and of Example.
//
// Markets: de (I = 6, δ = 10), vn (I = 4, δ = 3), capacity 1 per segment.
// Scenarios base (0.8) and crisis (0.2), α = 0.5: CVaR_0.5 of losses
// (L_base, L_crisis) with L_crisis ≥ L_base is the mean of the worst half of
// the probability mass, (0.2·L_crisis + 0.3·L_base)/0.5.
// Credit: line B = 30, β = 0.5. Subsidy: greenfield 20%. λ_G = 1.
//
// Firms in turn order — f1 (pioneer) first although f2 has more capital,
// then f2 (capital 150), then s1 (capital 40):
//
//	f1  large, pioneer, K 100, R 50, κ 0.9 everywhere, max_projects 2
//	f2  large,          K 150, R 100, κ_de 0.6, elsewhere 0
//	s1  sme,            K 40,  R 10,  κ 0.5 everywhere
//
// Opportunities (all in segment display), a = net cost, base = npv + σ·C + λ_G·G:
//
//	p1  de acquisition  C 80  a 80  npv 10  G 2  k .5  loss base .05 crisis .5  base 12
//	p2  de greenfield   C 50  a 40  npv 1   G 1  k .5  no loss                  base 1+10+1 = 12
//	p3  de non_equity   C 50  a 50  npv 8   G 0  k .3  no loss                  base 8
//	p4  vn production   C 20  a 20  npv 1   G 0  k .2  loss crisis .5           base 1
//	p5  de acquisition  C 30  a 30  npv 3   G 0  k .5  loss base .1 crisis .4  base 3
//
// Who may take what alone: acquisition and greenfield are led by large
// firms, so only f1 and f2 (κ_de ≥ .5) may take p1, p2, p5; non_equity and
// production admit sme and supporting only, so only s1 may take p3, p4.
//
// independent
//
//	round 1  f1: p1 6 (12−6), p2 6, p5 −3 (3−6). p1 and p2 tie: p1, listed
//	            first. 80 ≤ 100; L = (4, 40), CVaR = (8 + 1.2)/0.5 = 18.4 ≤ 50.
//	         f2: p2 6, p5 −3 → p2 (40 ≤ 150).
//	         s1: p3 2 (8−6), p4 −3 (1−4) → p3. 50 > 40: draws 10 of credit
//	            (≤ β·K = 20, line 30 → 20 left).
//	round 2  f1: p5 now scores 3 (f1 entered de). 80+30 = 110 > 100: draws 10
//	            (line 20 → 10); L = (7, 52), CVaR = (10.4 + 2.1)/0.5 = 25 ≤ 50.
//	            f1 reaches max_projects 2.
//	         f2: nothing free (p5 gone) → out.   s1: p4 scores −3 → out.
//	round 3  f1 is at max_projects: the round takes nothing; stop.
//
//	plan: p1 f1 (lead), p2 f2 (lead), p3 s1, p5 f1; markets [de];
//	      credit s1 10, f1 10.
//	info cost   f1·de 6 + f2·de 6 + s1·de 6 = 18
//	dissipation de/display holds 4 projects, capacity 1: 3·10 = 30
//	value       10 + (1 + 0.2·50) + 8 + 3 = 32;  market power 2 + 1 = 3
//	Z           18 + 30 − 32 − 1·3 = 13
//	capital deployed 80+40+50+30 = 200, credit 20; CVaR/R: f1 25/50 = 0.5,
//	f2 0, s1 0 → max 0.5, mean 0.5/3.
//
// policy_push (promoted: vn)
//
//	round 1  f1, f2: no project open to them in vn → as above: p1, p2.
//	         s1: p4 in vn is open (20 ≤ 40; L = (0, 10), CVaR = 2/0.5 = 4 ≤ 10):
//	            taken although its score is −3.
//	round 2  f1: p5, draws 10 (line 30 → 20), CVaR 25.
//	         f2: out.  s1: nothing left in vn; p3 scores 2 but 20+50 = 70 >
//	            40 + min(β·K = 20, …) = 60 → not affordable → out.
//	round 3  f1 at max_projects: stop.
//
//	plan: p1 f1, p2 f2, p4 s1, p5 f1; markets [de, vn]; credit f1 10.
//	info cost   f1·de 6 + f2·de 6 + s1·vn 4 = 16
//	dissipation de/display 3 projects: 2·10 = 20; vn/display 1: 0
//	value       10 + 11 + 1 + 3 = 25;  market power 3
//	Z           16 + 20 − 25 − 3 = 8
//	capital deployed 80+40+20+30 = 170, credit 10; CVaR/R: f1 0.5, f2 0,
//	s1 4/10 = 0.4 → max 0.5, mean 0.3.
const handJSON = `{
  "name": "hand",
  "scenarios": [{"id": "base", "probability": 0.8}, {"id": "crisis", "probability": 0.2}],
  "markets": [{"id": "de", "info_cost": 6, "dissipation": 10},
              {"id": "vn", "info_cost": 4, "dissipation": 3}],
  "firms": [
    {"id": "s1", "role": "sme", "capital": 40, "risk_limit": 10,
     "segments": ["display"], "knowledge": {"default": 0.5}},
    {"id": "f1", "role": "large", "pioneer": true, "capital": 100, "risk_limit": 50,
     "segments": ["display"], "knowledge": {"default": 0.9}, "max_projects": 2},
    {"id": "f2", "role": "large", "capital": 150, "risk_limit": 100,
     "segments": ["display"], "knowledge": {"de": 0.6}}
  ],
  "opportunities": [
    {"id": "p1", "market": "de", "segment": "display", "mode": "acquisition", "cost": 80,
     "npv": 10, "market_power": 2, "knowledge_required": 0.5, "loss": {"base": 0.05, "crisis": 0.5}},
    {"id": "p2", "market": "de", "segment": "display", "mode": "greenfield", "cost": 50,
     "npv": 1, "market_power": 1, "knowledge_required": 0.5},
    {"id": "p3", "market": "de", "segment": "display", "mode": "non_equity", "cost": 50,
     "npv": 8, "market_power": 0, "knowledge_required": 0.3},
    {"id": "p4", "market": "vn", "segment": "display", "mode": "production", "cost": 20,
     "npv": 1, "market_power": 0, "knowledge_required": 0.2, "loss": {"crisis": 0.5}},
    {"id": "p5", "market": "de", "segment": "display", "mode": "acquisition", "cost": 30,
     "npv": 3, "market_power": 0, "knowledge_required": 0.5, "loss": {"base": 0.1, "crisis": 0.4}}
  ],
  "policy": {"credit_line": 30, "credit_per_firm": 0.5, "subsidy": {"greenfield": 0.2},
             "cvar_alpha": 0.5, "promoted_markets": ["vn"]},
  "objective": {"market_power_value": 1}
}`

func handInstance(t testing.TB) *model.Instance {
	t.Helper()
	in, err := model.Parse([]byte(handJSON))
	if err != nil {
		t.Fatal(err)
	}
	if err := model.ValidateErr(in); err != nil {
		t.Fatal(err)
	}
	return in
}

func TestHandWorked(t *testing.T) {
	in := handInstance(t)
	d := model.Derive(in)
	tests := []struct {
		method string
		want   model.Assignment
		z      float64
		m      model.Metrics
	}{{
		method: model.MethodIndependent,
		want: model.Assignment{
			Projects: []model.Project{
				{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "f1", Participants: []model.Stake{{Firm: "f1", Stake: 1}}},
				{ID: "p2", Market: "de", Mode: model.Greenfield, Lead: "f2", Participants: []model.Stake{{Firm: "f2", Stake: 1}}},
				{ID: "p3", Market: "de", Mode: model.NonEquity, Participants: []model.Stake{{Firm: "s1", Stake: 1}}},
				{ID: "p5", Market: "de", Mode: model.Acquisition, Lead: "f1", Participants: []model.Stake{{Firm: "f1", Stake: 1}}},
			},
			MarketsEntered: []string{"de"},
			Credit:         []model.Credit{{Firm: "s1", Amount: 10}, {Firm: "f1", Amount: 10}},
		},
		z: 13,
		m: model.Metrics{
			InfoCost: 18, Dissipation: 30, Value: 32, MarketPower: 3, Projects: 4,
			FirmsByRole:      map[model.Role]int{model.Large: 2, model.SME: 1, model.Supporting: 0},
			SMEParticipation: 1, CapitalDeployed: 200, CreditDrawn: 20,
			CVaRUtilisationMax: 0.5, CVaRUtilisationMean: 0.5 / 3,
			TargetsMet: true, MarketPowerTarget: true, SMETarget: true,
		},
	}, {
		method: model.MethodPolicyPush,
		want: model.Assignment{
			Projects: []model.Project{
				{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "f1", Participants: []model.Stake{{Firm: "f1", Stake: 1}}},
				{ID: "p2", Market: "de", Mode: model.Greenfield, Lead: "f2", Participants: []model.Stake{{Firm: "f2", Stake: 1}}},
				{ID: "p4", Market: "vn", Mode: model.Production, Participants: []model.Stake{{Firm: "s1", Stake: 1}}},
				{ID: "p5", Market: "de", Mode: model.Acquisition, Lead: "f1", Participants: []model.Stake{{Firm: "f1", Stake: 1}}},
			},
			MarketsEntered: []string{"de", "vn"},
			Credit:         []model.Credit{{Firm: "f1", Amount: 10}},
		},
		z: 8,
		m: model.Metrics{
			InfoCost: 16, Dissipation: 20, Value: 25, MarketPower: 3, Projects: 4,
			FirmsByRole:      map[model.Role]int{model.Large: 2, model.SME: 1, model.Supporting: 0},
			SMEParticipation: 1, CapitalDeployed: 170, CreditDrawn: 10,
			CVaRUtilisationMax: 0.5, CVaRUtilisationMean: 0.3,
			TargetsMet: true, MarketPowerTarget: true, SMETarget: true,
		},
	}}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			p := run(t, d, tc.method)
			if p.Status != model.StatusFeasible || p.Method != tc.method || p.Instance != "hand" {
				t.Errorf("status %q method %q instance %q", p.Status, p.Method, p.Instance)
			}
			if p.Bound != nil || p.Gap != nil {
				t.Errorf("a baseline plan has no bound or gap")
			}
			if p.Statistics == nil || p.Statistics.Solver != "baseline" || p.Statistics.DurationSeconds < 0 {
				t.Errorf("statistics %+v", p.Statistics)
			}
			sameAssignment(t, p.Plan, &tc.want)
			if !near(*p.Objective, tc.z) {
				t.Errorf("objective %v, want %v", *p.Objective, tc.z)
			}
			sameMetrics(t, p.Metrics, &tc.m)
		})
	}
}
