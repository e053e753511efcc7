package gen

import (
	"fmt"
	"strconv"
	"strings"
)

// ShapeParam describes one shape parameter as SetParams and
// `ofdi generate --set-shape` name it.
type ShapeParam struct {
	// Name is the parameter's name, e.g. "pioneer_share".
	Name string
	// Syntax shows the value's form, e.g. "F", "LO:HI".
	Syntax string
	// About says what the parameter changes, its range and its default.
	About string

	set func(s *Shape, v string) error
	get func(s *Shape) string // "" when zero
}

// ShapeParams lists the shape parameters in the order of Shape's fields.
func ShapeParams() []ShapeParam { return append([]ShapeParam(nil), shapeParams...) }

var shapeParams = []ShapeParam{
	intParam("scenarios", "number of scenarios 2–6: base and shocks of rising severity (default 2 or 3 at even odds)",
		func(s *Shape) *int { return &s.Scenarios }),
	floatParam("shock_prob", "total probability of the shocks, (0, 0.5] (default 0.25; needs scenarios)",
		func(s *Shape) *float64 { return &s.ShockProb }),
	floatParam("worst_prob", "probability of the worst shock, [0.001, shock_prob) (default 0.05 < 1 − α; needs scenarios)",
		func(s *Shape) *float64 { return &s.WorstProb }),
	floatParam("cvar_alpha", "the policy's cvar_alpha α, [0.5, 0.99] (default 0.9)",
		func(s *Shape) *float64 { return &s.CVaRAlpha }),
	floatParam("pioneer_share", "share of firms that are pioneers, (0, 0.5] (default 0.12)",
		func(s *Shape) *float64 { return &s.PioneerShare }),
	floatParam("sme_pioneer_share", "share of the pioneers that are SMEs, (0, 1] (default 0.3)",
		func(s *Shape) *float64 { return &s.SMEPioneerShare }),
	floatParam("sme_knowledge", "multiplies non-pioneer SMEs' knowledge, (0, 1] (default 1)",
		func(s *Shape) *float64 { return &s.SMEKnowledge }),
	intRangeParam("projects", "max_projects of every firm, 1 ≤ LO ≤ HI ≤ 20 (default by role: large 3:6, SME 1:3, supporting 2:4)",
		func(s *Shape) *IntRange { return &s.Projects }),
	rangeParam("risk", "risk_limit as a share of capital, 0 < LO ≤ HI ≤ 1 (default 0.10:0.25)",
		func(s *Shape) *Range { return &s.Risk }),
	floatParam("capital_spread", "large firms' median capital over the SMEs', [1, 100] (default 13.3: 2000 / 150)",
		func(s *Shape) *float64 { return &s.CapitalSpread }),
	floatParam("acquisition_cost", "multiplies the acquisitions' median cost of 800, [0.1, 10] (default 1)",
		func(s *Shape) *float64 { return &s.AcquisitionCost }),
	intRangeParam("max_partners", "max_partners of every opportunity, 2 ≤ LO ≤ HI ≤ 20 (default 3:6)",
		func(s *Shape) *IntRange { return &s.MaxPartners }),
	intParam("segments", "number of segments 3–6 (default 5: ic, display, iot, software, components; 6th equipment)",
		func(s *Shape) *int { return &s.Segments }),
	{Name: "mode_mix", Syntax: "A:G:N:P:J:D",
		About: "weights of acquisition, greenfield, non_equity, production, joint_rnd, distribution, ≥ 0 (default 12:13:15:20:20:20)",
		set:   setMix, get: getMix},
	rangeParam("mp_target", "market_power_target as a share f of G_open, 0 ≤ LO ≤ HI ≤ 1 (default 0.15:0.25)",
		func(s *Shape) *Range { return &s.MarketPowerTarget }),
	floatParam("mp_cap", "caps market_power_target at this share of the generator's plan, (0, 1] (default 0.9)",
		func(s *Shape) *float64 { return &s.MarketPowerCap }),
	rangeParam("sme_target", "sme_participation_target ρ before it is lowered to what the generator's plan meets, 0 ≤ LO ≤ HI ≤ 1 (default 0.10:0.20)",
		func(s *Shape) *Range { return &s.SMETarget }),
}

func floatParam(name, about string, f func(*Shape) *float64) ShapeParam {
	return ShapeParam{Name: name, Syntax: "F", About: about,
		set: func(s *Shape, v string) error {
			x, err := parseFloat(v)
			if err != nil {
				return err
			}
			*f(s) = x
			return nil
		},
		get: func(s *Shape) string { return fmtFloat(*f(s)) }}
}

func intParam(name, about string, f func(*Shape) *int) ShapeParam {
	return ShapeParam{Name: name, Syntax: "N", About: about,
		set: func(s *Shape, v string) error {
			x, err := strconv.Atoi(v)
			if err != nil {
				return fmt.Errorf("%q is not an integer", v)
			}
			*f(s) = x
			return nil
		},
		get: func(s *Shape) string {
			if *f(s) == 0 {
				return ""
			}
			return strconv.Itoa(*f(s))
		}}
}

func rangeParam(name, about string, f func(*Shape) *Range) ShapeParam {
	return ShapeParam{Name: name, Syntax: "LO:HI", About: about,
		set: func(s *Shape, v string) error {
			lo, hi, err := splitPair(v, parseFloat)
			if err != nil {
				return err
			}
			*f(s) = Range{lo, hi}
			return nil
		},
		get: func(s *Shape) string {
			r := *f(s)
			if r == (Range{}) {
				return ""
			}
			return strconv.FormatFloat(r.Lo, 'g', -1, 64) + ":" + strconv.FormatFloat(r.Hi, 'g', -1, 64)
		}}
}

func intRangeParam(name, about string, f func(*Shape) *IntRange) ShapeParam {
	return ShapeParam{Name: name, Syntax: "LO:HI", About: about,
		set: func(s *Shape, v string) error {
			lo, hi, err := splitPair(v, func(x string) (int, error) {
				n, err := strconv.Atoi(x)
				if err != nil {
					return 0, fmt.Errorf("%q is not an integer", x)
				}
				return n, nil
			})
			if err != nil {
				return err
			}
			*f(s) = IntRange{lo, hi}
			return nil
		},
		get: func(s *Shape) string {
			r := *f(s)
			if r == (IntRange{}) {
				return ""
			}
			return fmt.Sprintf("%d:%d", r.Lo, r.Hi)
		}}
}

func setMix(s *Shape, v string) error {
	parts := strings.Split(v, ":")
	if len(parts) != len(s.ModeMix) {
		return fmt.Errorf("want %d weights separated by ':', got %q", len(s.ModeMix), v)
	}
	for i, p := range parts {
		x, err := parseFloat(p)
		if err != nil {
			return err
		}
		s.ModeMix[i] = x
	}
	return nil
}

func getMix(s *Shape) string {
	if s.ModeMix == ([6]float64{}) {
		return ""
	}
	parts := make([]string, len(s.ModeMix))
	for i, w := range s.ModeMix {
		parts[i] = strconv.FormatFloat(w, 'g', -1, 64)
	}
	return strings.Join(parts, ":")
}

// splitPair reads "LO:HI", or "X" for X:X.
func splitPair[T any](v string, parse func(string) (T, error)) (lo, hi T, err error) {
	a, b, found := strings.Cut(v, ":")
	if lo, err = parse(a); err != nil {
		return lo, hi, err
	}
	if !found {
		return lo, lo, nil
	}
	hi, err = parse(b)
	return lo, hi, err
}

func parseFloat(v string) (float64, error) {
	x, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
	if err != nil {
		return 0, fmt.Errorf("%q is not a number", v)
	}
	return x, nil
}

func fmtFloat(x float64) string {
	if x == 0 {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Set sets the parameter called name (see ShapeParams) from its text form.
// It checks the form only; Validate checks the ranges. An unknown name is
// an error wrapping ErrShape that lists the known ones.
func (s *Shape) Set(name, value string) error {
	for _, p := range shapeParams {
		if p.Name == name {
			if err := p.set(s, strings.TrimSpace(value)); err != nil {
				return shapeErr(name, "%v", err)
			}
			return nil
		}
	}
	names := make([]string, len(shapeParams))
	for i, p := range shapeParams {
		names[i] = p.Name
	}
	return fmt.Errorf("%w: unknown parameter %q (known: %s)", ErrShape, name, strings.Join(names, ", "))
}

// SetParams applies "name=value,name=value,…" to s with Set, in
// order, then checks the result with Validate.
func (s *Shape) SetParams(spec string) error {
	for _, item := range strings.Split(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, value, ok := strings.Cut(item, "=")
		if !ok {
			return fmt.Errorf("%w: %q: want name=value", ErrShape, item)
		}
		if err := s.Set(strings.TrimSpace(name), value); err != nil {
			return err
		}
	}
	return s.Validate()
}

// String lists the parameters that differ from the default as
// "name=value,…" (SetParams reads it back); "" for the default.
func (s Shape) String() string {
	var parts []string
	for _, p := range shapeParams {
		if v := p.get(&s); v != "" {
			parts = append(parts, p.Name+"="+v)
		}
	}
	return strings.Join(parts, ",")
}
