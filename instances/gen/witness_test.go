package gen

import (
	"fmt"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// TestCoalitionSplit checks how the greedy splits a project's cost: the
// lower bounds first, then the rest in member order up to each member's
// room min(headroom, cap), failing when the bounds exceed 1 or the room
// falls short. The acquisition costs 100 and loses at most half of it, so
// a firm's headroom is min(capital/100, risk/50, 1); SMEs are capped at
// the minority stake 0.3.
func TestCoalitionSplit(t *testing.T) {
	firm := func(id string, role model.Role, capital, risk float64) model.Firm {
		return model.Firm{ID: id, Role: role, Capital: capital, RiskLimit: risk}
	}
	tests := []struct {
		name    string
		firms   []model.Firm
		lo      []float64
		want    []float64 // nil: no split
		noSlots bool      // the first firm has no project slot left
	}{
		{"lead takes the rest", []model.Firm{firm("L", model.Large, 1000, 1000), firm("S", model.SME, 1000, 1000)},
			[]float64{0.5, 0.05}, []float64{0.95, 0.05}, false},
		{"lead limited by capital, SME by its cap", []model.Firm{firm("L", model.Large, 70, 1000), firm("S", model.SME, 1000, 1000)},
			[]float64{0.5, 0.05}, []float64{0.7, 0.3}, false},
		{"room short of 1", []model.Firm{firm("L", model.Large, 60, 25), firm("S", model.SME, 1000, 1000)},
			[]float64{0.5, 0.05}, nil, false},
		{"lead limited by risk, second large fills up", []model.Firm{firm("L", model.Large, 1000, 35), firm("M", model.Large, 1000, 1000)},
			[]float64{0.5, 0.05}, []float64{0.7, 0.3}, false},
		{"lower bounds above 1", []model.Firm{firm("L", model.Large, 1000, 1000), firm("M", model.Large, 1000, 1000)},
			[]float64{0.6, 0.5}, nil, false},
		{"no slot: no room beyond the lower bound", []model.Firm{firm("L", model.Large, 1000, 1000), firm("M", model.Large, 1000, 1000)},
			[]float64{0.5, 0.05}, []float64{0.5, 0.5}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inst := &model.Instance{Firms: tc.firms}
			b := newWitnessBuilder(inst)
			if tc.noSlots {
				b.slots[0] = 0
			}
			v := &oppView{rule: inst.Rules.Mode(model.Acquisition), a: 100, maxLoss: 0.5}
			c := &coalition{b: b, v: v, in: map[int]bool{}, members: []int{0, 1}, lo: tc.lo}
			got, ok := c.split()
			if ok != (tc.want != nil) {
				t.Fatalf("split: %v, ok %v; want %v", got, ok, tc.want)
			}
			if fmt.Sprintf("%.9f", got) != fmt.Sprintf("%.9f", tc.want) {
				t.Errorf("stakes %v, want %v", got, tc.want)
			}
		})
	}
}
