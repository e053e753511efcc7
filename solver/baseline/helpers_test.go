package baseline_test

import (
	"math"
	"reflect"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver/baseline"
)

func near(got, want float64) bool {
	return math.Abs(got-want) <= 1e-9*math.Max(1, math.Abs(want))
}

// run runs method on d and asserts what every baseline plan must satisfy:
// the independent checker finds no violation.
func run(t *testing.T, d *model.Derived, method string) *model.Plan {
	t.Helper()
	p, err := baseline.Run(d, method)
	if err != nil {
		t.Fatal(err)
	}
	if rep := check.Check(d.Inst, p, check.Options{}); !rep.OK() {
		t.Errorf("%s plan fails the checker: %v", method, rep.Err())
	}
	return p
}

func sameAssignment(t *testing.T, got, want *model.Assignment) {
	t.Helper()
	if !reflect.DeepEqual(got.Projects, want.Projects) {
		t.Errorf("projects\n got %+v\nwant %+v", got.Projects, want.Projects)
	}
	if !reflect.DeepEqual(got.MarketsEntered, want.MarketsEntered) {
		t.Errorf("markets_entered %v, want %v", got.MarketsEntered, want.MarketsEntered)
	}
	if len(got.Credit) != len(want.Credit) {
		t.Errorf("credit %+v, want %+v", got.Credit, want.Credit)
		return
	}
	for i := range got.Credit {
		if got.Credit[i].Firm != want.Credit[i].Firm || !near(got.Credit[i].Amount, want.Credit[i].Amount) {
			t.Errorf("credit %+v, want %+v", got.Credit, want.Credit)
			return
		}
	}
}

func sameMetrics(t *testing.T, got, want *model.Metrics) {
	t.Helper()
	money := []struct {
		name      string
		got, want float64
	}{
		{"info_cost", got.InfoCost, want.InfoCost},
		{"dissipation", got.Dissipation, want.Dissipation},
		{"value", got.Value, want.Value},
		{"market_power", got.MarketPower, want.MarketPower},
		{"sme_participation", got.SMEParticipation, want.SMEParticipation},
		{"capital_deployed", got.CapitalDeployed, want.CapitalDeployed},
		{"credit_drawn", got.CreditDrawn, want.CreditDrawn},
		{"cvar_utilisation_max", got.CVaRUtilisationMax, want.CVaRUtilisationMax},
		{"cvar_utilisation_mean", got.CVaRUtilisationMean, want.CVaRUtilisationMean},
	}
	for _, m := range money {
		if !near(m.got, m.want) {
			t.Errorf("%s = %v, want %v", m.name, m.got, m.want)
		}
	}
	if got.Learning != want.Learning || got.Projects != want.Projects {
		t.Errorf("learning %d projects %d, want %d %d", got.Learning, got.Projects, want.Learning, want.Projects)
	}
	if !reflect.DeepEqual(got.FirmsByRole, want.FirmsByRole) {
		t.Errorf("firms_by_role %v, want %v", got.FirmsByRole, want.FirmsByRole)
	}
	if got.TargetsMet != want.TargetsMet || got.MarketPowerTarget != want.MarketPowerTarget || got.SMETarget != want.SMETarget {
		t.Errorf("targets %v %v %v, want %v %v %v", got.TargetsMet, got.MarketPowerTarget, got.SMETarget,
			want.TargetsMet, want.MarketPowerTarget, want.SMETarget)
	}
}

// taken maps each project of a plan to its firm.
func taken(p *model.Plan) map[string]string {
	out := map[string]string{}
	for _, pj := range p.Plan.Projects {
		out[pj.ID] = pj.Participants[0].Firm
	}
	return out
}

func credits(p *model.Plan) map[string]float64 {
	out := map[string]float64{}
	for _, c := range p.Plan.Credit {
		out[c.Firm] = c.Amount
	}
	return out
}

func intp(n int) *int { return &n }

func floatp(x float64) *float64 { return &x }

// opp is an opportunity in segment display with knowledge requirement 0.
func opp(id, market string, mode model.Mode, cost, npv float64) model.Opportunity {
	return model.Opportunity{ID: id, Market: market, Segment: "display", Mode: mode, Cost: cost, NPV: npv}
}

// firm is a firm serving display with knowledge 1 everywhere and a
// generous risk limit.
func firm(id string, role model.Role, capital float64) model.Firm {
	return model.Firm{ID: id, Role: role, Capital: capital, RiskLimit: 1e6,
		Segments: []string{"display"}, Knowledge: map[string]float64{"default": 1}}
}

// instance is a one-scenario instance with markets de and vn (no info cost,
// no dissipation) unless edit changes it.
func instance(firms []model.Firm, opps []model.Opportunity, edit func(*model.Instance)) *model.Instance {
	in := &model.Instance{
		Name:          "case",
		Scenarios:     []model.Scenario{{ID: "base", Probability: 1}},
		Markets:       []model.Market{{ID: "de"}, {ID: "vn"}},
		Firms:         firms,
		Opportunities: opps,
	}
	if edit != nil {
		edit(in)
	}
	return in
}
