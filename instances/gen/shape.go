package gen

import (
	"errors"
	"fmt"
	"math"

	"github.com/ofdi/ofdi/model"
)

// ErrShape is wrapped by every error about an invalid Shape or shape
// parameter.
var ErrShape = errors.New("gen: invalid shape")

// Range is a closed interval [Lo, Hi] of a uniform draw. The zero Range
// means the parameter's default.
type Range struct{ Lo, Hi float64 }

// IntRange is a closed interval [Lo, Hi] of a uniform integer draw. The
// zero IntRange means the parameter's default.
type IntRange struct{ Lo, Hi int }

// Shape sets the axes along which generated clusters differ. The zero
// Shape (every field zero) is the generator's original distribution,
// byte for byte; each zero field keeps that axis at its default, so a
// Shape changes only what it sets. Presets (Preset, PresetNames) name
// useful combinations; instances/README.md documents every parameter.
// Parameter names in brackets are those of SetParams and
// `ofdi generate --set-shape`.
type Shape struct {
	// Name labels the shape in the default instance name
	// (gen-<F>x<P>x<M>-<Name>-s<seed>); "" for a non-default shape means
	// "custom". It does not change any draw.
	Name string

	// Scenarios [scenarios] is the number of scenarios, 2–6: "base" and
	// Scenarios−1 shocks of rising severity and falling probability (see
	// ShockProb and WorstProb). 0 means the default: base/fx_shock
	// 0.8/0.2 or base/fx_shock/geopolitics 0.7/0.2/0.1 at even odds.
	Scenarios int
	// ShockProb [shock_prob] is the total probability of the shocks when
	// Scenarios is set, (0, 0.5]; 0 means 0.25. Ignored with 2 scenarios
	// (the one shock has WorstProb).
	ShockProb float64
	// WorstProb [worst_prob] is the probability of the worst shock when
	// Scenarios is set, [0.001, ShockProb); 0 means 0.05. Below 1 − α
	// the firms' CVaR averages the worst shock with milder ones, so η
	// matters. The other shocks share ShockProb − WorstProb, halving from
	// the mildest to the second worst.
	WorstProb float64
	// CVaRAlpha [cvar_alpha] is the policy's cvar_alpha, [0.5, 0.99];
	// 0 means 0.9.
	CVaRAlpha float64

	// PioneerShare [pioneer_share] is the share of firms that are
	// pioneers (at least one), (0, 0.5]; 0 means 0.12.
	PioneerShare float64
	// SMEPioneerShare [sme_pioneer_share] is the share of the pioneers
	// that are SMEs (the largest SMEs; the rest the largest large firms),
	// rounded, (0, 1]; 0 means 0.3. 0.01 gives no SME pioneer at the
	// usual sizes.
	SMEPioneerShare float64
	// SMEKnowledge [sme_knowledge] multiplies the knowledge of SMEs that
	// are not pioneers (default and market entries), (0, 1]; 0 means 1.
	// Low values make most SME participations learning pairs, which need
	// a pioneer beside them.
	SMEKnowledge float64

	// Projects [projects] is the max_projects range of every firm,
	// 1 ≤ Lo ≤ Hi ≤ 20; zero means by role: large 3–6, SME 1–3,
	// supporting 2–4.
	Projects IntRange
	// Risk [risk] is the risk_limit range as a share of capital,
	// 0 < Lo ≤ Hi ≤ 1; zero means 0.10–0.25.
	Risk Range
	// CapitalSpread [capital_spread] is the ratio of the large firms'
	// median capital (2000) to the SMEs', [1, 100]; supporting firms get
	// twice the SMEs' median. 0 means the default medians 2000 / 150 /
	// 300 (a ratio of 13.3).
	CapitalSpread float64
	// AcquisitionCost [acquisition_cost] multiplies the median cost of
	// acquisitions (800), [0.1, 10]; 0 means 1.
	AcquisitionCost float64

	// MaxPartners [max_partners] is the max_partners range of every
	// opportunity, 2 ≤ Lo ≤ Hi ≤ 20; zero means 3–6.
	MaxPartners IntRange
	// Segments [segments] is the number of the cluster's segments, 3–6:
	// the first of ic, display, iot, software, components, equipment.
	// 0 means the first 5.
	Segments int
	// ModeMix [mode_mix] weighs the modes in model.Modes order
	// (acquisition, greenfield, non_equity, production, joint_rnd,
	// distribution), each ≥ 0, normalised; every mode still appears once
	// when there are at least 6 opportunities. All zero means 0.12, 0.13,
	// 0.15, 0.20, 0.20, 0.20.
	ModeMix [6]float64

	// MarketPowerTarget [mp_target] is the range of f in
	// market_power_target = min(f·G_open, MarketPowerCap·G_plan),
	// 0 ≤ Lo ≤ Hi ≤ 1; zero means 0.15–0.25.
	MarketPowerTarget Range
	// MarketPowerCap [mp_cap] caps market_power_target at this share of
	// the generator's own plan's market power, (0, 1]; 0 means 0.9. At 1
	// the target can equal what that plan reaches.
	MarketPowerCap float64
	// SMETarget [sme_target] is the range of ρ, the
	// sme_participation_target before it is lowered to what the
	// generator's plan meets, 0 ≤ Lo ≤ Hi ≤ 1; zero means 0.10–0.20.
	SMETarget Range
}

// IsDefault reports whether s draws as the zero Shape (Name aside).
func (s Shape) IsDefault() bool {
	s.Name = ""
	return s == Shape{}
}

// label is the shape's part of the default instance name; "" for the
// default shape.
func (s Shape) label() string {
	switch {
	case s.IsDefault():
		return ""
	case s.Name != "":
		return s.Name
	}
	return "custom"
}

// shapeErr wraps ErrShape with the parameter's name.
func shapeErr(param, format string, args ...any) error {
	return fmt.Errorf("%w: %s: %s", ErrShape, param, fmt.Sprintf(format, args...))
}

// Validate reports the first out-of-range parameter, naming it as
// SetParams does; nil when s is valid.
func (s Shape) Validate() error {
	in := func(param string, v, lo, hi float64) error {
		if v != 0 && !(v >= lo && v <= hi) {
			return shapeErr(param, "must be 0 (default) or in [%g, %g], got %g", lo, hi, v)
		}
		return nil
	}
	rng := func(param string, r Range, lo, hi float64, openLo bool) error {
		if r == (Range{}) {
			return nil
		}
		if !(r.Lo >= lo && r.Lo <= r.Hi && r.Hi <= hi) || (openLo && r.Lo <= lo) {
			cmp := "≤"
			if openLo {
				cmp = "<"
			}
			return shapeErr(param, "want %g %s lo ≤ hi ≤ %g, got %g:%g", lo, cmp, hi, r.Lo, r.Hi)
		}
		return nil
	}
	intRng := func(param string, r IntRange, lo, hi int) error {
		if r != (IntRange{}) && !(r.Lo >= lo && r.Lo <= r.Hi && r.Hi <= hi) {
			return shapeErr(param, "want %d ≤ lo ≤ hi ≤ %d, got %d:%d", lo, hi, r.Lo, r.Hi)
		}
		return nil
	}
	if s.Scenarios != 0 && (s.Scenarios < 2 || s.Scenarios > maxScenarios) {
		return shapeErr("scenarios", "must be 0 (default) or in [2, %d], got %d", maxScenarios, s.Scenarios)
	}
	if s.Scenarios == 0 && (s.ShockProb != 0 || s.WorstProb != 0) {
		return shapeErr("shock_prob, worst_prob", "need scenarios to be set")
	}
	if s.Segments != 0 && (s.Segments < 3 || s.Segments > len(allSegments)) {
		return shapeErr("segments", "must be 0 (default) or in [3, %d], got %d", len(allSegments), s.Segments)
	}
	mixSum := 0.0
	for i, w := range s.ModeMix {
		if !(w >= 0) || math.IsInf(w, 0) {
			return shapeErr("mode_mix", "weight of %s must be ≥ 0, got %g", model.Modes[i], w)
		}
		mixSum += w
	}
	if s.ModeMix != ([6]float64{}) && !(mixSum > 0) {
		return shapeErr("mode_mix", "weights sum to 0")
	}
	for _, err := range []error{
		in("shock_prob", s.ShockProb, 1e-9, 0.5),
		in("worst_prob", s.WorstProb, 0.001, 0.5),
		in("cvar_alpha", s.CVaRAlpha, 0.5, 0.99),
		in("pioneer_share", s.PioneerShare, 1e-9, 0.5),
		in("sme_pioneer_share", s.SMEPioneerShare, 1e-9, 1),
		in("sme_knowledge", s.SMEKnowledge, 1e-9, 1),
		intRng("projects", s.Projects, 1, 20),
		rng("risk", s.Risk, 0, 1, true),
		in("capital_spread", s.CapitalSpread, 1, 100),
		in("acquisition_cost", s.AcquisitionCost, 0.1, 10),
		intRng("max_partners", s.MaxPartners, 2, 20),
		rng("mp_target", s.MarketPowerTarget, 0, 1, false),
		in("mp_cap", s.MarketPowerCap, 1e-9, 1),
		rng("sme_target", s.SMETarget, 0, 1, false),
	} {
		if err != nil {
			return err
		}
	}
	if s.Scenarios > 2 {
		if shock, worst := s.resolveShock(); worst >= shock {
			return shapeErr("worst_prob", "must be below shock_prob (%g), got %g", shock, worst)
		}
	}
	return nil
}

// Defaults of the shaped scenarios.
const (
	defaultShockProb = 0.25
	defaultWorstProb = 0.05
	maxScenarios     = 6
)

func (s Shape) resolveShock() (shock, worst float64) {
	shock, worst = s.ShockProb, s.WorstProb
	if shock == 0 {
		shock = defaultShockProb
	}
	if worst == 0 {
		worst = defaultWorstProb
	}
	return shock, worst
}

// or returns v, or def when v is 0.
func or(v, def float64) float64 {
	if v == 0 {
		return def
	}
	return v
}

// orRange returns r, or def when r is zero.
func orRange(r, def Range) Range {
	if r == (Range{}) {
		return def
	}
	return r
}
