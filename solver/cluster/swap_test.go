package cluster

import (
	"fmt"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// netInstance has two markets: m1 (information cost 3, dissipation 10,
// one project of segment a before it dissipates) with a1, a2 (segment a)
// and b1 (segment b), and m2 (information cost 4, dissipation 7) with c1.
// One SME may join all of them.
func netInstance(t *testing.T) (*model.Derived, *Formulation) {
	t.Helper()
	opp := func(id, market, segment string, npv float64) string {
		return fmt.Sprintf(`{"id": %q, "market": %q, "segment": %q, "mode": "production",
     "cost": 50, "npv": %g, "market_power": 0, "knowledge_required": 0.1,
     "min_partners": 1, "max_partners": 2, "loss": {"base": 0.01}}`, id, market, segment, npv)
	}
	js := fmt.Sprintf(`{
  "name": "net", "currency": "CNY million",
  "scenarios": [{"id": "base", "probability": 1}],
  "markets": [
    {"id": "m1", "name": "M1", "distance": 0.3, "info_cost": 3, "dissipation": 10, "capacity": {"a": 1}},
    {"id": "m2", "name": "M2", "distance": 0.3, "info_cost": 4, "dissipation": 7}
  ],
  "firms": [
    {"id": "f", "name": "F", "role": "sme", "capital": 1000, "risk_limit": 500,
     "segments": ["a", "b"], "knowledge": {"default": 0.9}, "max_projects": 4}
  ],
  "opportunities": [%s, %s, %s, %s],
  "policy": {"credit_line": 0, "credit_per_firm": 0, "cvar_alpha": 0.9}
}`, opp("a1", "m1", "a", 20), opp("a2", "m1", "a", 11), opp("b1", "m1", "b", 6), opp("c1", "m2", "a", 9))
	inst, err := model.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	d := model.Derive(inst)
	fm, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, fm
}

// takes returns a point of fm whose y columns take the named opportunities
// (the other columns zero: netValues and swapHood read only the y).
func takes(t *testing.T, d *model.Derived, fm *Formulation, ids ...string) []float64 {
	t.Helper()
	x := make([]float64, len(fm.Prob.Cols))
	for _, id := range ids {
		x[fm.Y[d.Opp[id]]] = 1
	}
	return x
}

// What a project adds to a plan is its gain less the dissipation it
// causes (its segment of its market at capacity without it) and the
// information cost when it is alone in its market.
func TestNetValues(t *testing.T) {
	d, fm := netInstance(t)
	for _, id := range []string{"a1", "a2", "b1", "c1"} {
		if fm.Y[d.Opp[id]] == none {
			t.Fatalf("%s has no y column: %s", id, fm.Reason[d.Opp[id]])
		}
	}
	gain := func(id string) float64 { return fm.Gain[d.Opp[id]] }
	for _, tc := range []struct {
		name  string
		taken []string
		want  map[string]float64
	}{
		{"a1 and a2 crowd segment a of m1", []string{"a1", "a2"}, map[string]float64{
			"a1": gain("a1") - 10, "a2": gain("a2") - 10, // either one dissipates
			"b1": gain("b1"),     // m1 entered, segment b empty
			"c1": gain("c1") - 4, // m2 not entered
		}},
		{"a1 alone in m1", []string{"a1"}, map[string]float64{
			"a1": gain("a1") - 3,  // dropping it leaves m1
			"a2": gain("a2") - 10, // segment a is at capacity
			"b1": gain("b1"),
			"c1": gain("c1") - 4,
		}},
		{"nothing taken", nil, map[string]float64{
			"a1": gain("a1") - 3, "a2": gain("a2") - 3, "b1": gain("b1") - 3, "c1": gain("c1") - 4,
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLNSSearch(fm)
			net := s.netValues(takes(t, d, fm, tc.taken...))
			for id, want := range tc.want {
				if got := net[d.Opp[id]]; math.Abs(got-want) > 1e-9 {
					t.Errorf("%s: net %.4f, want %.4f", id, got, want)
				}
			}
		})
	}
}

// The swap window frees, in turn, the project taken that adds least and
// the opportunity not taken that would add most, until it is full.
func TestSwapHood(t *testing.T) {
	d, fm := netInstance(t)
	s := newLNSSearch(fm)
	x := takes(t, d, fm, "a1", "a2", "c1")
	net := s.netValues(x)
	if !(net[d.Opp["a2"]] < net[d.Opp["a1"]] && net[d.Opp["a2"]] < net[d.Opp["c1"]]) {
		t.Fatalf("a2 (net %.2f) should add least (a1 %.2f, c1 %.2f)", net[d.Opp["a2"]], net[d.Opp["a1"]], net[d.Opp["c1"]])
	}
	freed := func(h hood) []string {
		var out []string
		for p, on := range h.opps {
			if on {
				out = append(out, d.Inst.Opportunities[p].ID)
			}
		}
		return out
	}
	// One binary: the first pair only.
	if got := freed(s.swapHood(1, x)); fmt.Sprint(got) != "[a2 b1]" {
		t.Errorf("smallest swap window frees %v, want [a2 b1]", got)
	}
	// Room for everything: every opportunity.
	if got := freed(s.swapHood(s.totalBinaries, x)); len(got) != 4 {
		t.Errorf("widest swap window frees %v, want all four", got)
	}
	if h := s.swapHood(1, x); h.firms != nil {
		t.Errorf("the swap window frees firms: %v", h.firms)
	}
}
