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
		rootLP float64
		events []phaseEvent
		reason int
		want   time.Duration
	}{
		{"no callback yet", 0, nil, reasonCutGen, 0},
		{"one callback", 0, root[:1], reasonSelect, 0},
		{"stretch after cut generation", 0, root, reasonCutGen, 5 * time.Second},
		{"stretch after preprocessing", 0, root, reasonPrepro, 900 * time.Millisecond},
		{"a reason not seen: the longest of any", 0, root, reasonBranch, 5 * time.Second},
		{"time inside the callback does not count",
			0, []phaseEvent{{reasonBranch, 0, 3}, {reasonSelect, 4, 4}}, reasonBranch, time.Second},
		{"the longest stretch is kept",
			0, []phaseEvent{{reasonCutGen, 0, 0}, {reasonPrepro, 5, 5}, {reasonCutGen, 6, 6}, {reasonPrepro, 8, 8}},
			reasonCutGen, 5 * time.Second},
		{"a reason out of range",
			0, append(append([]phaseEvent(nil), root...), phaseEvent{99, 7, 7}), 99, 5 * time.Second},
		{"no callback yet: the root LP's time", 11, nil, reasonCutGen, 11 * time.Second},
		{"a reason not seen: at least the root LP's time", 11, root, reasonBranch, 11 * time.Second},
		{"a reason not seen: the longest of any above the root LP's", 2, root, reasonBranch, 5 * time.Second},
		{"a reason seen: its own stretch, whatever the root LP took", 11, root, reasonPrepro, 900 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := phaseEstimate(tt.rootLP, tt.events, tt.reason)
			if d := got - tt.want; d < -time.Millisecond || d > time.Millisecond {
				t.Errorf("estimate %v, want %v", got, tt.want)
			}
		})
	}
}
