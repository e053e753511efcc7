package glpk

import (
	"testing"
	"time"
)

// GLPK's callback reasons (glpk.h).
const (
	reasonRowGen = 1
	reasonHeur   = 3
	reasonCutGen = 4
	reasonBranch = 5
	reasonSelect = 6
	reasonPrepro = 7
)

func TestPhaseEstimate(t *testing.T) {
	// One root round: select, preprocess, row generation, heuristic,
	// cut generation, then 5 s of GLPK's cut generators and the LP.
	root := []phaseEvent{
		{reasonSelect, 0, 0}, {reasonPrepro, 0.1, 0.1}, {reasonRowGen, 1, 1},
		{reasonHeur, 1, 1.2}, {reasonCutGen, 1.2, 1.2}, {reasonPrepro, 6.2, 6.2},
	}
	tests := []struct {
		name   string
		events []phaseEvent
		reason int
		want   time.Duration
	}{
		{"no callback yet", nil, reasonCutGen, 0},
		{"one callback", root[:1], reasonSelect, 0},
		{"stretch after cut generation", root, reasonCutGen, 5 * time.Second},
		{"stretch after preprocessing", root, reasonPrepro, 900 * time.Millisecond},
		{"a reason not seen: the longest of any", root, reasonBranch, 5 * time.Second},
		{"time inside the callback does not count",
			[]phaseEvent{{reasonBranch, 0, 3}, {reasonSelect, 4, 4}}, reasonBranch, time.Second},
		{"the longest stretch is kept",
			[]phaseEvent{{reasonCutGen, 0, 0}, {reasonPrepro, 5, 5}, {reasonCutGen, 6, 6}, {reasonPrepro, 8, 8}},
			reasonCutGen, 5 * time.Second},
		{"a reason out of range",
			append(append([]phaseEvent(nil), root...), phaseEvent{99, 7, 7}), 99, 5 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := phaseEstimate(tt.events, tt.reason)
			if d := got - tt.want; d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("estimate %v, want %v", got, tt.want)
			}
		})
	}
}
