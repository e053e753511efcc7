package cluster

import (
	"fmt"
	"testing"
)

// The learners' rows (Σ learners' x + Σ other rewarded w ≤ (M_p − 1)·Σ
// pioneers' x) keep the MIP's optimum: GLPK with and without them, to
// optimality, on small clusters with learners.
func TestLearnerRowsKeepOptimum(t *testing.T) {
	solved := 0
	for _, shape := range []string{"mixed", "scarce-pioneers", "tight-risk"} {
		for seed := uint64(701); seed <= 703; seed++ {
			fm := familyCluster(t, shape, 30, 12, 4, seed)
			if _, ok := checkSameOptimum(t, fm, "learners_", fmt.Sprintf("%s seed %d", shape, seed)); ok {
				solved++
			}
		}
	}
	if solved < 5 {
		t.Errorf("only %d clusters had learners' rows: the test no longer checks them", solved)
	}
}

// The learners' rows raise the LP relaxation where many learners could sit
// beside a fraction of one pioneer, and never lower it.
func TestLearnerRowsRaiseLP(t *testing.T) {
	raised := 0
	for seed := uint64(701); seed <= 703; seed++ {
		if checkLPRaised(t, familyCluster(t, "mixed", 60, 20, 5, seed), "learners_", fmt.Sprintf("seed %d", seed)) {
			raised++
		}
	}
	if raised == 0 {
		t.Error("the learners' rows raised no LP relaxation: the test no longer shows them at work")
	}
}
