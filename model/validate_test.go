package model_test

import (
	"errors"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func TestValidateBase(t *testing.T) {
	in := baseInstance()
	wantIssues(t, "Validate(base)", model.Validate(in), nil)
	if err := model.ValidateErr(in); err != nil {
		t.Errorf("ValidateErr(base) = %v", err)
	}
	// Validate does not modify the instance.
	if got := baseInstance(); !equalJSON(t, got, in) {
		t.Errorf("Validate modified the instance")
	}
	// Boundary values that are valid.
	in.Scenarios[1].Probability = 0.2500005 // sum off by 5e-7, within ±1e-6
	in.Policy.CVaRAlpha = fp(0)
	in.Policy.CreditLine = 0
	in.Policy.CreditPerFirm = 0
	in.Policy.Subsidy[model.Greenfield] = 0
	in.Firms[0].MaxProjects = ip(0)
	in.Firms[1].RiskLimit = 0
	in.Firms[1].Knowledge["de"] = 1
	in.Firms[2].Knowledge["default"] = 0
	in.Markets[0].Capacity["display"] = 0
	in.Markets[1].InfoCost, in.Markets[1].Dissipation = 0, 0
	in.Opportunities[0].KnowledgeRequired = 1
	in.Opportunities[0].MinPartners, in.Opportunities[0].MaxPartners = ip(2), ip(2)
	in.Opportunities[1].NPV = -1e12
	in.Opportunities[2].Loss["shock"] = 1
	in.Opportunities[3].MarketPower = 0
	in.Rules.MinStake, in.Rules.LeadMinStake, in.Rules.MinorityMaxStake = fp(1), fp(0), fp(1)
	in.Objective = model.Objective{SMEParticipationTarget: 1}
	if errs := model.Errors(model.Validate(in)); len(errs) > 0 {
		t.Errorf("boundary values refused: %v", issueStrings(errs))
	}
}

func TestValidateErr(t *testing.T) {
	in := baseInstance()
	in.Firms[3].Capital = -5
	in.Markets[0].InfoCost = -1
	err := model.ValidateErr(in)
	if !errors.Is(err, model.ErrInvalid) {
		t.Fatalf("ValidateErr = %v, want an error wrapping ErrInvalid", err)
	}
	var ve *model.ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("ValidateErr = %T, want *ValidationError", err)
	}
	want := "invalid instance: 2 problems:\n  firms[3].capital: must be > 0, got -5\n  markets[0].info_cost: must be >= 0, got -1"
	if err.Error() != want {
		t.Errorf("Error():\n got  %q\n want %q", err.Error(), want)
	}
	// Warnings alone are no error.
	in = baseInstance()
	in.Opportunities[4].Segment = "memory"
	is := model.Validate(in)
	if len(model.Warnings(is)) == 0 || len(model.Errors(is)) != 0 {
		t.Fatalf("want warnings only, got %v", issueStrings(is))
	}
	if err := model.ValidateErr(in); err != nil {
		t.Errorf("ValidateErr with warnings only = %v", err)
	}
	for _, x := range model.Warnings(is) {
		if x.Severity != model.Warning || x.Severity.String() != "warning" {
			t.Errorf("severity of %v = %v", x, x.Severity)
		}
	}
	if model.Error.String() != "error" {
		t.Errorf("Error.String() = %q", model.Error.String())
	}
}

// TestValidate applies one mutation per case to the base instance and
// compares every issue Validate reports (errors and warnings, in order).
func TestValidate(t *testing.T) {
	noLoss := func(in *model.Instance) {
		for i := range in.Opportunities {
			in.Opportunities[i].Loss = nil
		}
	}
	tests := []struct {
		name   string
		mutate func(*model.Instance)
		want   []string
	}{
		// scenarios
		{"scenarios empty", func(in *model.Instance) { in.Scenarios = nil; noLoss(in) },
			[]string{"scenarios: must list at least one scenario"}},
		{"probability 0", func(in *model.Instance) { in.Scenarios[1].Probability = 0 },
			[]string{"scenarios[1].probability: must be in (0,1], got 0",
				"scenarios: probabilities must sum to 1 (±1e-6), got 0.75"}},
		{"probability < 0 and > 1, summing to 1", func(in *model.Instance) {
			in.Scenarios[0].Probability, in.Scenarios[1].Probability = 1.25, -0.25
		}, []string{"scenarios[0].probability: must be in (0,1], got 1.25",
			"scenarios[1].probability: must be in (0,1], got -0.25"}},
		{"probabilities sum below 1", func(in *model.Instance) { in.Scenarios[1].Probability = 0.2 },
			[]string{"scenarios: probabilities must sum to 1 (±1e-6), got 0.95"}},
		{"probabilities sum above 1 beyond tolerance", func(in *model.Instance) { in.Scenarios[1].Probability = 0.250002 },
			[]string{"scenarios: probabilities must sum to 1 (±1e-6), got 1.000002"}},
		{"duplicate scenario id", func(in *model.Instance) {
			in.Scenarios = []model.Scenario{{ID: "base", Probability: 0.5}, {ID: "shock", Probability: 0.25}, {ID: "base", Probability: 0.25}}
		}, []string{`scenarios[2].id: duplicate id "base" (also scenarios[0])`}},
		{"empty scenario id", func(in *model.Instance) {
			in.Scenarios = append(in.Scenarios, model.Scenario{Probability: 0.25})
			in.Scenarios[0].Probability = 0.5
		}, []string{"scenarios[2].id: must be a non-empty string"}},

		// markets
		{"markets empty", func(in *model.Instance) { in.Markets = nil }, []string{
			"markets: must list at least one market",
			`firms[1].knowledge.de: unknown market "de" (use a market id or "default")`,
			`opportunities[0].market: unknown market "de"`,
			`opportunities[1].market: unknown market "vn"`,
			`opportunities[2].market: unknown market "de"`,
			`opportunities[3].market: unknown market "vn"`,
			`opportunities[4].market: unknown market "de"`,
			`policy.promoted_markets[0]: unknown market "de"`}},
		{"duplicate market id", func(in *model.Instance) { in.Markets[1].ID = "de" }, []string{
			`markets[1].id: duplicate id "de" (also markets[0])`,
			`opportunities[1].market: unknown market "vn"`,
			`opportunities[3].market: unknown market "vn"`}},
		{"empty market id", func(in *model.Instance) {
			in.Markets = append(in.Markets, model.Market{Name: "nowhere"})
		}, []string{"markets[2].id: must be a non-empty string"}},
		{"info_cost < 0", func(in *model.Instance) { in.Markets[0].InfoCost = -1 },
			[]string{"markets[0].info_cost: must be >= 0, got -1"}},
		{"dissipation < 0", func(in *model.Instance) { in.Markets[1].Dissipation = -2.5 },
			[]string{"markets[1].dissipation: must be >= 0, got -2.5"}},
		{"capacity < 0", func(in *model.Instance) { in.Markets[0].Capacity["display"] = -1 },
			[]string{"markets[0].capacity.display: must be >= 0, got -1"}},
		{"capacities < 0 reported in key order", func(in *model.Instance) {
			in.Markets[1].Capacity = map[string]int{"ic": -2, "display": -3, "memory": 4}
		}, []string{"markets[1].capacity.display: must be >= 0, got -3",
			"markets[1].capacity.ic: must be >= 0, got -2"}},

		// firms
		{"firms empty", func(in *model.Instance) { in.Firms = nil }, []string{
			"firms: must list at least one firm",
			`opportunities[0].segment: no firm serves segment "display"`,
			`opportunities[1].segment: no firm serves segment "ic"`,
			`opportunities[2].segment: no firm serves segment "display"`,
			`opportunities[3].segment: no firm serves segment "display"`,
			`opportunities[4].segment: no firm serves segment "ic"`}},
		{"unknown role", func(in *model.Instance) { in.Firms[4].Role = "boss" },
			[]string{`firms[4].role: unknown role "boss" (want large, sme or supporting)`}},
		{"empty role", func(in *model.Instance) { in.Firms[4].Role = "" },
			[]string{`firms[4].role: unknown role "" (want large, sme or supporting)`}},
		{"capital < 0", func(in *model.Instance) { in.Firms[3].Capital = -5 },
			[]string{"firms[3].capital: must be > 0, got -5"}},
		{"capital 0", func(in *model.Instance) { in.Firms[0].Capital = 0 },
			[]string{"firms[0].capital: must be > 0, got 0"}},
		{"risk_limit < 0", func(in *model.Instance) { in.Firms[2].RiskLimit = -1 },
			[]string{"firms[2].risk_limit: must be >= 0, got -1"}},
		{"segments empty", func(in *model.Instance) { in.Firms[2].Segments = nil },
			[]string{"firms[2].segments: must list at least one segment"}},
		{"duplicate segment", func(in *model.Instance) { in.Firms[0].Segments = ss("display", "ic", "display") },
			[]string{`firms[0].segments[2]: duplicate segment "display"`}},
		{"empty segment", func(in *model.Instance) { in.Firms[0].Segments = ss("display", "") },
			[]string{"firms[0].segments[1]: must be a non-empty string"}},
		{"knowledge > 1", func(in *model.Instance) { in.Firms[1].Knowledge["de"] = 1.2 },
			[]string{"firms[1].knowledge.de: must be in [0,1], got 1.2"}},
		{"knowledge default < 0", func(in *model.Instance) { in.Firms[1].Knowledge["default"] = -0.1 },
			[]string{"firms[1].knowledge.default: must be in [0,1], got -0.1"}},
		{"knowledge of unknown market", func(in *model.Instance) { in.Firms[1].Knowledge["fr"] = 0.5 },
			[]string{`firms[1].knowledge.fr: unknown market "fr" (use a market id or "default")`}},
		{"knowledge of unknown market, out of range", func(in *model.Instance) { in.Firms[1].Knowledge["fr"] = 2 },
			[]string{`firms[1].knowledge.fr: unknown market "fr" (use a market id or "default")`,
				"firms[1].knowledge.fr: must be in [0,1], got 2"}},
		{"max_projects < 0", func(in *model.Instance) { in.Firms[0].MaxProjects = ip(-1) },
			[]string{"firms[0].max_projects: must be >= 0, got -1"}},
		{"duplicate firm id", func(in *model.Instance) { in.Firms[4].ID = "L1" },
			[]string{`firms[4].id: duplicate id "L1" (also firms[0])`}},
		{"empty firm id", func(in *model.Instance) { in.Firms[2].ID = "" },
			[]string{"firms[2].id: must be a non-empty string"}},
		{"capital above MaxMoney", func(in *model.Instance) { in.Firms[0].Capital = 2e12 },
			[]string{"firms[0].capital: 2e+12 is too large for reliable numerics (limit 1e+12): express money in a larger unit, e.g. millions"}},
		{"negative risk_limit above MaxMoney", func(in *model.Instance) { in.Firms[0].RiskLimit = -2e12 },
			[]string{"firms[0].risk_limit: -2e+12 is too large for reliable numerics (limit 1e+12): express money in a larger unit, e.g. millions",
				"firms[0].risk_limit: must be >= 0, got -2e+12"}},

		// opportunities
		{"opportunities empty", func(in *model.Instance) { in.Opportunities = nil },
			[]string{"opportunities: must list at least one opportunity"}},
		{"unknown market", func(in *model.Instance) { in.Opportunities[4].Market = "atlantis" },
			[]string{`opportunities[4].market: unknown market "atlantis"`}},
		{"empty market", func(in *model.Instance) { in.Opportunities[4].Market = "" },
			[]string{`opportunities[4].market: unknown market ""`}},
		{"segment served by no firm (warning)", func(in *model.Instance) { in.Opportunities[4].Segment = "memory" },
			[]string{`opportunities[4].segment: no firm serves segment "memory"`,
				`opportunities[4]: no coalition can ever fund "p5": no firm of an allowed role (sme, supporting) serves segment "memory"`}},
		{"misspelt opportunity segment (warning, did you mean)", func(in *model.Instance) { in.Opportunities[4].Segment = "Ic" },
			[]string{`opportunities[4].segment: no firm serves segment "Ic" (did you mean "ic"?)`,
				`opportunities[4]: no coalition can ever fund "p5": no firm of an allowed role (sme, supporting) serves segment "Ic"`}},
		{"empty opportunity segment", func(in *model.Instance) { in.Opportunities[4].Segment = "" },
			[]string{"opportunities[4].segment: must be a non-empty string"}},
		{"unknown mode", func(in *model.Instance) { in.Opportunities[2].Mode = "franchise" },
			[]string{`opportunities[2].mode: unknown mode "franchise" (want acquisition, greenfield, non_equity, production, joint_rnd or distribution)`}},
		{"cost 0", func(in *model.Instance) { in.Opportunities[0].Cost = 0 },
			[]string{"opportunities[0].cost: must be > 0, got 0"}},
		{"cost < 0", func(in *model.Instance) { in.Opportunities[3].Cost = -300 },
			[]string{"opportunities[3].cost: must be > 0, got -300"}},
		{"market_power < 0", func(in *model.Instance) { in.Opportunities[0].MarketPower = -1 },
			[]string{"opportunities[0].market_power: must be >= 0, got -1"}},
		{"knowledge_required > 1", func(in *model.Instance) { in.Opportunities[1].KnowledgeRequired = 1.5 },
			[]string{"opportunities[1].knowledge_required: must be in [0,1], got 1.5"}},
		{"knowledge_required < 0", func(in *model.Instance) { in.Opportunities[1].KnowledgeRequired = -0.5 },
			[]string{"opportunities[1].knowledge_required: must be in [0,1], got -0.5"}},
		{"min_partners 0", func(in *model.Instance) { in.Opportunities[0].MinPartners = ip(0) },
			[]string{"opportunities[0].min_partners: must be >= 1, got 0"}},
		{"max_partners < min_partners", func(in *model.Instance) {
			in.Opportunities[0].MinPartners, in.Opportunities[0].MaxPartners = ip(3), ip(2)
		}, []string{"opportunities[0].max_partners: must be >= min_partners (3), got 2"}},
		{"max_partners 0 with default min_partners", func(in *model.Instance) { in.Opportunities[0].MaxPartners = ip(0) },
			[]string{"opportunities[0].max_partners: must be >= min_partners (1), got 0"}},
		{"loss of unknown scenario", func(in *model.Instance) { in.Opportunities[1].Loss["crash"] = 0.1 },
			[]string{`opportunities[1].loss.crash: unknown scenario "crash"`}},
		{"loss > 1", func(in *model.Instance) { in.Opportunities[1].Loss["shock"] = 1.2 },
			[]string{"opportunities[1].loss.shock: must be in [0,1], got 1.2"}},
		{"loss < 0", func(in *model.Instance) { in.Opportunities[1].Loss["base"] = -0.05 },
			[]string{"opportunities[1].loss.base: must be in [0,1], got -0.05"}},
		{"duplicate opportunity id", func(in *model.Instance) { in.Opportunities[3].ID = "p1" },
			[]string{`opportunities[3].id: duplicate id "p1" (also opportunities[0])`}},
		{"npv above MaxMoney", func(in *model.Instance) { in.Opportunities[0].NPV = -3e12 },
			[]string{"opportunities[0].npv: -3e+12 is too large for reliable numerics (limit 1e+12): express money in a larger unit, e.g. millions"}},
		{"cost ratio above MaxCostRatio", func(in *model.Instance) { in.Opportunities[2].Cost = 1e-7 },
			[]string{"opportunities: costs span 1e-07 to 500, a ratio above 1e+09 that GLPK cannot handle reliably: drop the extreme opportunities or rescale"}},

		// policy
		{"credit_line < 0", func(in *model.Instance) { in.Policy.CreditLine = -1 },
			[]string{"policy.credit_line: must be >= 0, got -1"}},
		{"credit_line above MaxMoney", func(in *model.Instance) { in.Policy.CreditLine = 1.5e12 },
			[]string{"policy.credit_line: 1.5e+12 is too large for reliable numerics (limit 1e+12): express money in a larger unit, e.g. millions"}},
		{"credit_per_firm < 0", func(in *model.Instance) { in.Policy.CreditPerFirm = -0.5 },
			[]string{"policy.credit_per_firm: must be >= 0, got -0.5"}},
		{"credit_per_firm huge", func(in *model.Instance) { in.Policy.CreditPerFirm = 2e6 },
			[]string{"policy.credit_per_firm: must be at most 1e6 (a multiple of capital), got 2e+06"}},
		{"subsidy of unknown mode", func(in *model.Instance) { in.Policy.Subsidy["franchise"] = 0.1 },
			[]string{`policy.subsidy.franchise: unknown mode "franchise"`}},
		{"subsidy 1", func(in *model.Instance) { in.Policy.Subsidy[model.JointRnD] = 1 },
			[]string{"policy.subsidy.joint_rnd: must be in [0,1), got 1"}},
		{"subsidy < 0", func(in *model.Instance) { in.Policy.Subsidy[model.Greenfield] = -0.1 },
			[]string{"policy.subsidy.greenfield: must be in [0,1), got -0.1"}},
		{"cvar_alpha 1", func(in *model.Instance) { in.Policy.CVaRAlpha = fp(1) },
			[]string{"policy.cvar_alpha: must be in [0,1), got 1"}},
		{"cvar_alpha < 0", func(in *model.Instance) { in.Policy.CVaRAlpha = fp(-0.1) },
			[]string{"policy.cvar_alpha: must be in [0,1), got -0.1"}},
		{"promoted market unknown", func(in *model.Instance) { in.Policy.PromotedMarkets = ss("de", "mars") },
			[]string{`policy.promoted_markets[1]: unknown market "mars"`}},

		// rules
		{"min_stake 0", func(in *model.Instance) { in.Rules.MinStake = fp(0) },
			[]string{"rules.min_stake: must be in (0,1], got 0"}},
		{"min_stake > 1", func(in *model.Instance) { in.Rules.MinStake = fp(1.5) },
			[]string{"rules.min_stake: must be in (0,1], got 1.5"}},
		{"lead_min_stake > 1", func(in *model.Instance) { in.Rules.LeadMinStake = fp(1.1) },
			[]string{"rules.lead_min_stake: must be in [0,1], got 1.1"}},
		{"lead_min_stake < 0", func(in *model.Instance) { in.Rules.LeadMinStake = fp(-0.5) },
			[]string{"rules.lead_min_stake: must be in [0,1], got -0.5"}},
		{"minority_max_stake < 0", func(in *model.Instance) { in.Rules.MinorityMaxStake = fp(-0.2) },
			[]string{"rules.minority_max_stake: must be in [0,1], got -0.2"}},
		{"minority_max_stake > 1", func(in *model.Instance) { in.Rules.MinorityMaxStake = fp(2) },
			[]string{"rules.minority_max_stake: must be in [0,1], got 2"}},
		{"mode override with unknown role", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Acquisition: {Roles: []model.Role{model.Large, "boss"}, Lead: model.Large}}
		}, []string{`rules.modes.acquisition.roles[1]: unknown role "boss"`}},
		{"lead not among roles", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.NonEquity: {Roles: []model.Role{model.SME}, Lead: model.Large}}
		}, []string{`rules.modes.non_equity.lead: lead role "large" is not among the mode's roles`}},
		{"lead of unknown role", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.NonEquity: {Roles: []model.Role{model.SME}, Lead: "boss"}}
		}, []string{`rules.modes.non_equity.lead: unknown role "boss"`}},
		{"requires not among roles", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Production: {Roles: []model.Role{model.SME}, Requires: []model.Role{model.Supporting}}}
		}, []string{`rules.modes.production.requires[0]: required role "supporting" is not among the mode's roles`}},
		{"requires unknown role", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Production: {Roles: []model.Role{model.SME}, Requires: []model.Role{model.SME, "boss"}}}
		}, []string{`rules.modes.production.requires[1]: unknown role "boss"`}},
		{"empty roles", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{model.Greenfield: {}}
		}, []string{"rules.modes.greenfield.roles: must list at least one role"}},
		{"unknown mode key", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{"franchise": {Roles: []model.Role{model.Large}}}
		}, []string{`rules.modes.franchise: unknown mode "franchise"`}},
		{"several mode problems, modes in key order", func(in *model.Instance) {
			in.Rules.Modes = map[model.Mode]model.ModeRule{
				model.Production:  {Roles: []model.Role{"boss"}},
				model.Acquisition: {Roles: []model.Role{model.SME}, Lead: model.Large},
			}
		}, []string{`rules.modes.acquisition.lead: lead role "large" is not among the mode's roles`,
			`rules.modes.production.roles[0]: unknown role "boss"`}},

		// objective
		{"market_power_value < 0", func(in *model.Instance) { in.Objective.MarketPowerValue = -1 },
			[]string{"objective.market_power_value: must be >= 0, got -1"}},
		{"learning_value < 0", func(in *model.Instance) { in.Objective.LearningValue = -3 },
			[]string{"objective.learning_value: must be >= 0, got -3"}},
		{"learning_value above MaxMoney", func(in *model.Instance) { in.Objective.LearningValue = 5e12 },
			[]string{"objective.learning_value: 5e+12 is too large for reliable numerics (limit 1e+12): express money in a larger unit, e.g. millions"}},
		{"market_power_target < 0", func(in *model.Instance) { in.Objective.MarketPowerTarget = -40 },
			[]string{"objective.market_power_target: must be >= 0, got -40"}},
		{"sme_participation_target > 1", func(in *model.Instance) { in.Objective.SMEParticipationTarget = 1.2 },
			[]string{"objective.sme_participation_target: must be in [0,1], got 1.2"}},
		{"sme_participation_target < 0", func(in *model.Instance) { in.Objective.SMEParticipationTarget = -0.2 },
			[]string{"objective.sme_participation_target: must be in [0,1], got -0.2"}},

		// Non-finite numbers, possible only when an instance is built in Go:
		// reported once each, as not finite.
		{"NaN and Inf", func(in *model.Instance) {
			in.Scenarios[0].Probability = nan()
			in.Markets[0].InfoCost = nan()
			in.Markets[0].Dissipation = inf(1)
			in.Markets[1].Distance = inf(-1)
			in.Firms[0].Capital = nan()
			in.Firms[1].RiskLimit = inf(1)
			in.Firms[2].Knowledge["de"] = nan()
			in.Opportunities[0].Cost = inf(1)
			in.Opportunities[0].NPV = nan()
			in.Opportunities[0].MarketPower = inf(-1)
			in.Opportunities[0].KnowledgeRequired = nan()
			in.Opportunities[0].Loss["shock"] = inf(1)
			in.Policy.CreditLine = nan()
			in.Policy.CreditPerFirm = inf(1)
			in.Policy.Subsidy[model.JointRnD] = nan()
			in.Policy.CVaRAlpha = fp(nan())
			in.Rules.MinStake = fp(nan())
			in.Rules.LeadMinStake = fp(inf(1))
			in.Rules.MinorityMaxStake = fp(nan())
			in.Objective = model.Objective{MarketPowerValue: inf(1), LearningValue: nan(),
				MarketPowerTarget: nan(), SMEParticipationTarget: inf(-1)}
		}, []string{
			"scenarios[0].probability: must be a finite number, got NaN",
			"firms[0].capital: must be a finite number, got NaN",
			"firms[1].risk_limit: must be a finite number, got +Inf",
			"firms[2].knowledge.de: must be a finite number, got NaN",
			"markets[0].info_cost: must be a finite number, got NaN",
			"markets[0].dissipation: must be a finite number, got +Inf",
			"markets[1].distance: must be a finite number, got -Inf",
			"opportunities[0].cost: must be a finite number, got +Inf",
			"opportunities[0].npv: must be a finite number, got NaN",
			"opportunities[0].market_power: must be a finite number, got -Inf",
			"opportunities[0].knowledge_required: must be a finite number, got NaN",
			"opportunities[0].loss.shock: must be a finite number, got +Inf",
			"policy.credit_line: must be a finite number, got NaN",
			"policy.credit_per_firm: must be a finite number, got +Inf",
			"policy.subsidy.joint_rnd: must be a finite number, got NaN",
			"policy.cvar_alpha: must be a finite number, got NaN",
			"rules.min_stake: must be a finite number, got NaN",
			"rules.lead_min_stake: must be a finite number, got +Inf",
			"rules.minority_max_stake: must be a finite number, got NaN",
			"objective.market_power_value: must be a finite number, got +Inf",
			"objective.learning_value: must be a finite number, got NaN",
			"objective.market_power_target: must be a finite number, got NaN",
			"objective.sme_participation_target: must be a finite number, got -Inf",
		}},
		{"credit_per_firm -Inf", func(in *model.Instance) { in.Policy.CreditPerFirm = inf(-1) },
			[]string{"policy.credit_per_firm: must be a finite number, got -Inf"}},
		{"credit_per_firm NaN", func(in *model.Instance) { in.Policy.CreditPerFirm = nan() },
			[]string{"policy.credit_per_firm: must be a finite number, got NaN"}},

		// Several independent problems are all reported.
		{"many problems", func(in *model.Instance) {
			in.Firms[3].Capital = -5
			in.Opportunities[4].Market = "atlantis"
			in.Policy.Subsidy[model.JointRnD] = 1
			in.Rules.MinStake = fp(0)
			in.Objective.SMEParticipationTarget = 2
		}, []string{
			"firms[3].capital: must be > 0, got -5",
			`opportunities[4].market: unknown market "atlantis"`,
			"policy.subsidy.joint_rnd: must be in [0,1), got 1",
			"rules.min_stake: must be in (0,1], got 0",
			"objective.sme_participation_target: must be in [0,1], got 2",
		}},
	}
	seen := map[string]bool{}
	for _, tc := range tests {
		if seen[tc.name] {
			t.Fatalf("duplicate case name %q", tc.name)
		}
		seen[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			in := baseInstance()
			tc.mutate(in)
			got := model.Validate(in)
			wantIssues(t, "Validate", got, tc.want)
			// Severity: only the segment and funding notes are warnings.
			for _, x := range got {
				isWarning := x.Severity == model.Warning
				if want := isWarningText(x.Message); isWarning != want {
					t.Errorf("%v: severity %v", x, x.Severity)
				}
			}
			err := model.ValidateErr(in)
			if hasErr := len(model.Errors(got)) > 0; hasErr != (err != nil) {
				t.Errorf("ValidateErr = %v with errors %v", err, issueStrings(model.Errors(got)))
			}
		})
	}
}

func isWarningText(msg string) bool {
	for _, prefix := range []string{"no firm serves segment", "no coalition can ever fund", "firm "} {
		if len(msg) >= len(prefix) && msg[:len(prefix)] == prefix {
			return true
		}
	}
	return false
}

// TestValidateWarnings covers every reason an opportunity can never be
// funded, and firms that can take part nowhere. Numbers refer to the base
// instance (see baseInstance); a_p is the net cost, the unit CVaR_0.9 of p1
// is 0.2, of p3 0.5, of p4 0.
func TestValidateWarnings(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*model.Instance)
		want   []string
	}{
		{"no firm of an allowed role serves the segment", func(in *model.Instance) {
			// Only the large L1 serves optics; production admits sme and supporting.
			in.Firms[0].Segments = append(in.Firms[0].Segments, "optics")
			in.Opportunities[4].Segment = "optics"
		}, []string{`opportunities[4]: no coalition can ever fund "p5": no firm of an allowed role (sme, supporting) serves segment "optics"`}},
		{"knowledge gap, no pioneer knows enough", func(in *model.Instance) {
			// L1 (pioneer, 0.8), L2 (0.7), S1 (0.2), S2 (0.6) all below 0.95.
			in.Opportunities[0].KnowledgeRequired = 0.95
		}, []string{`opportunities[0]: no coalition can ever fund "p1": knowledge gap: 4 firm(s) could take part but none knows market "de" to the required 0.95 and no pioneer does`}},
		{"knowledge gap, the only knowing pioneer is not of an allowed role", func(in *model.Instance) {
			// non_equity admits sme and supporting; the pioneer L1 is large.
			in.Opportunities[2].KnowledgeRequired = 0.7
		}, []string{`opportunities[2]: no coalition can ever fund "p3": knowledge gap: 3 firm(s) could take part but none knows market "de" to the required 0.70 and no pioneer does`}},
		{"no eligible lead", func(in *model.Instance) {
			// Only S1 serves pcb: no large firm for a greenfield lead, and S1
			// alone holds at most σ_min = 30%.
			in.Firms[2].Segments = ss("display", "pcb")
			in.Opportunities[3].Segment = "pcb"
			in.Opportunities[3].KnowledgeRequired = 0.1
		}, []string{
			`opportunities[3]: no coalition can ever fund "p4": no eligible lead: no large firm can take part`,
			`opportunities[3]: no coalition can ever fund "p4": eligible firms together can hold at most 30% of the net cost 300 within their budgets and risk limits`}},
		{"lead cannot afford σ_lead within its risk limit", func(in *model.Instance) {
			// CVaR of p1 held whole is 0.2·500 = 100: R 40 caps L1 and L2 at 0.4 < 0.5.
			in.Firms[0].RiskLimit, in.Firms[1].RiskLimit = 40, 40
		}, []string{`opportunities[0]: no coalition can ever fund "p1": no eligible large firm can afford the lead stake 0.50 of net cost 500 within its budget and risk limit`}},
		{"lead cannot afford σ_lead within its budget", func(in *model.Instance) {
			// a = 3000: L1 (1000 + min(0.5·1000, 100))/3000 = 0.367, L2 900/3000 = 0.3,
			// S1 min(0.3, 150/3000) = 0.05, S2 120/3000 = 0.04 < s_min.
			in.Opportunities[3].Cost = 3000
		}, []string{
			`opportunities[3]: no coalition can ever fund "p4": no eligible large firm can afford the lead stake 0.50 of net cost 3000 within its budget and risk limit`,
			`opportunities[3]: no coalition can ever fund "p4": eligible firms together can hold at most 72% of the net cost 3000 within their budgets and risk limits`}},
		{"lead affordable only with credit", func(in *model.Instance) {
			// a = 2100: L1 holds (1000 + min(0.5·1000, 100))/2100 = 0.524 ≥ 0.5
			// thanks to credit; L2 0.429, S1 0.071, S2 0.057 make 108%.
			in.Opportunities[3].Cost = 2100
		}, nil},
		{"lead unaffordable without credit", func(in *model.Instance) {
			// Without the credit line: L1 1000/2100 = 0.476 < 0.5, L2 0.381,
			// S1 0.048 and S2 0.038 below s_min: 86% in all.
			in.Opportunities[3].Cost = 2100
			in.Policy.CreditLine = 0
		}, []string{
			`opportunities[3]: no coalition can ever fund "p4": no eligible large firm can afford the lead stake 0.50 of net cost 2100 within its budget and risk limit`,
			`opportunities[3]: no coalition can ever fund "p4": eligible firms together can hold at most 86% of the net cost 2100 within their budgets and risk limits`}},
		{"no firm of the required role", func(in *model.Instance) {
			// joint_rnd requires supporting; T1 no longer serves ic.
			in.Firms[4].Segments = ss("display")
		}, []string{`opportunities[1]: no coalition can ever fund "p2": no eligible firm of required role supporting`}},
		{"required role cannot hold the minimum stake", func(in *model.Instance) {
			// T1 with R 0 can hold nothing of a risky project.
			in.Firms[4].RiskLimit = 0
			in.Opportunities[4].Loss = nil
		}, []string{`opportunities[1]: no coalition can ever fund "p2": no eligible firm of required role supporting`}},
		{"too few partners", func(in *model.Instance) {
			in.Opportunities[0].MinPartners, in.Opportunities[0].MaxPartners = ip(5), nil
		}, []string{`opportunities[0]: no coalition can ever fund "p1": needs at least 5 partners but only 4 eligible firm(s) can hold the minimum stake`}},
		{"total capacity below 100%", func(in *model.Instance) {
			// a = 1000, unit CVaR 0.5: S2 min(120/1000, 20/500) = 0.04 < s_min,
			// T1 min(90/1000, 30/500) = 0.06.
			in.Opportunities[2].Cost = 1000
		}, []string{`opportunities[2]: no coalition can ever fund "p3": eligible firms together can hold at most 6% of the net cost 1000 within their budgets and risk limits`}},
		{"nobody can hold the minimum stake", func(in *model.Instance) {
			in.Firms[3].RiskLimit, in.Firms[4].RiskLimit = 0, 0
			in.Opportunities[1].Loss = nil
		}, []string{
			`opportunities[2]: no coalition can ever fund "p3": needs at least 1 partners but only 0 eligible firm(s) can hold the minimum stake`,
			`opportunities[4]: no coalition can ever fund "p5": needs at least 1 partners but only 0 eligible firm(s) can hold the minimum stake`}},
		{"firm that can take part nowhere", func(in *model.Instance) {
			in.Firms = append(in.Firms, model.Firm{ID: "X1", Role: model.Supporting, Capital: 10, RiskLimit: 1, Segments: ss("memory")})
		}, []string{`firms[5]: firm "X1" cannot take part in any opportunity (no eligible role, segment and knowledge match)`}},
		{"pioneer never learns", func(in *model.Instance) {
			// An SME pioneer that lacks knowledge: it would learn beside L1
			// in p1 and p4 were it not a pioneer.
			in.Firms = append(in.Firms, model.Firm{ID: "P9", Role: model.SME, Pioneer: true, Capital: 50, RiskLimit: 10,
				Segments: ss("display"), Knowledge: km("default", 0.1)})
		}, []string{`firms[5]: firm "P9" cannot take part in any opportunity (no eligible role, segment and knowledge match)`}},
		{"non-pioneer learns", func(in *model.Instance) {
			in.Firms = append(in.Firms, model.Firm{ID: "S9", Role: model.SME, Capital: 50, RiskLimit: 10,
				Segments: ss("display"), Knowledge: km("default", 0.1)})
		}, nil},
		{"role of no mode", func(in *model.Instance) {
			// With every mode open to large firms only (and no required
			// role), the SMEs and T1 can take part nowhere; L1 and L2 can
			// still fund every opportunity. No SME can take part, so the
			// SME target (1 of 2) is out of reach before any solve.
			rules := map[model.Mode]model.ModeRule{}
			for _, m := range model.Modes {
				rules[m] = model.ModeRule{Roles: []model.Role{model.Large}}
			}
			in.Rules.Modes = rules
		}, []string{
			`objective.sme_participation_target: 0.5 needs 1 of 2 SMEs to take part, but at most 0 can hold a stake in a fundable opportunity; every solve will be infeasible`,
			`firms[2]: firm "S1" cannot take part in any opportunity (no eligible role, segment and knowledge match)`,
			`firms[3]: firm "S2" cannot take part in any opportunity (no eligible role, segment and knowledge match)`,
			`firms[4]: firm "T1" cannot take part in any opportunity (no eligible role, segment and knowledge match)`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInstance()
			tc.mutate(in)
			got := model.Validate(in)
			wantIssues(t, "Validate", got, tc.want)
			for _, x := range got {
				if x.Severity != model.Warning {
					t.Errorf("%v: severity %v, want warning", x, x.Severity)
				}
			}
		})
	}
}
