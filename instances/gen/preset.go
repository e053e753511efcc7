package gen

import (
	"fmt"
	"strings"
)

// preset is a named Shape with a one-line description.
type preset struct {
	name, about string
	shape       Shape
}

// presets are the named shapes, in the order PresetNames lists them.
var presets = []preset{
	{"default", "the original generator: 2–3 scenarios, 12% pioneers, loose limits, modest targets", Shape{}},
	{"many-scenarios", "6 scenarios; the worst has probability 0.02 < 1 − α, so CVaR is a tail average",
		Shape{Scenarios: 6, ShockProb: 0.3, WorstProb: 0.02}},
	{"scarce-pioneers", "4% pioneers, hardly any SMEs among them, SME knowledge × 0.4: most SMEs need a pioneer beside them",
		Shape{PioneerShare: 0.04, SMEPioneerShare: 0.1, SMEKnowledge: 0.4}},
	{"tight-projects", "every firm takes part in 2–4 projects at most",
		Shape{Projects: IntRange{2, 4}}},
	{"tight-risk", "risk limits 4–10% of capital against 4 scenarios with a rare, heavy worst one: leads must share",
		Shape{Risk: Range{0.04, 0.10}, Scenarios: 4, ShockProb: 0.2, WorstProb: 0.04}},
	{"wide-capital", "large firms 20× the SMEs' capital; acquisitions cost 2.5× more (median 2000, above most firms' capital)",
		Shape{CapitalSpread: 20, AcquisitionCost: 2.5}},
	{"binding-targets", "market power target up to the generator's own plan, SME target 0.5–0.8, up to 8 partners",
		Shape{MarketPowerTarget: Range{0.5, 0.8}, MarketPowerCap: 1, SMETarget: Range{0.5, 0.8}, MaxPartners: IntRange{2, 8}}},
	{"nonequity-heavy", "3 segments; two thirds of the opportunities non_equity or production",
		Shape{Segments: 3, ModeMix: [6]float64{0.06, 0.06, 0.34, 0.34, 0.10, 0.10}}},
	{"mixed", "every axis at once: 5 scenarios, scarce pioneers, tight projects and risk, wide capital, binding targets, 4 segments",
		Shape{Scenarios: 5, ShockProb: 0.25, WorstProb: 0.03, PioneerShare: 0.05, SMEPioneerShare: 0.1, SMEKnowledge: 0.5,
			Projects: IntRange{2, 4}, Risk: Range{0.05, 0.12}, CapitalSpread: 20, AcquisitionCost: 2,
			MaxPartners: IntRange{2, 8}, Segments: 4, ModeMix: [6]float64{0.08, 0.08, 0.28, 0.28, 0.14, 0.14},
			MarketPowerTarget: Range{0.4, 0.7}, MarketPowerCap: 1, SMETarget: Range{0.3, 0.6}}},
}

// PresetNames lists the named shapes: "default" first, then the others.
func PresetNames() []string {
	out := make([]string, len(presets))
	for i, p := range presets {
		out[i] = p.name
	}
	return out
}

// PresetAbout describes the named shape in one line; "" for an unknown name.
func PresetAbout(name string) string {
	for _, p := range presets {
		if p.name == name {
			return p.about
		}
	}
	return ""
}

// Preset returns the named shape, its Name set to name. An unknown name is
// an error wrapping ErrShape that lists the known ones.
func Preset(name string) (Shape, error) {
	for _, p := range presets {
		if p.name == name {
			s := p.shape
			s.Name = name
			return s, nil
		}
	}
	return Shape{}, fmt.Errorf("%w: unknown preset %q (known: %s)", ErrShape, name, strings.Join(PresetNames(), ", "))
}
