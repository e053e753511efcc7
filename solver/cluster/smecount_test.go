package cluster

import (
	"context"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

// SMEs left out of Derived.SMEs count toward the SME target already (the
// rolling horizon's last period leaves out those that took part before):
// with the SMEs of the unconstrained optimum left out and a target of one
// SME, the plan takes in an SME outside them, though the optimum already
// has SMEs, costs no less than the optimum, and passes the checker on the
// instance, whose target it meets.
func TestSMEsLeftOutCountAlready(t *testing.T) {
	tested := 0
	for seed := uint64(1); seed <= 8; seed++ {
		in := shaped(t, "default", 14, 10, 3, seed)
		in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
		free, err := Solve(context.Background(), model.Derive(in), Params{})
		if err != nil || free.Assignment == nil || !free.Optimal {
			t.Fatalf("seed %d: unconstrained solve: %v", seed, err)
		}
		d := model.Derive(in)
		zFree, err := verifyPlan(d, free.Assignment)
		if err != nil {
			t.Fatal(err)
		}
		taking := smesIn(d, free.Assignment)
		if len(taking) == 0 || len(taking) == len(d.SMEs) {
			continue // nothing to leave out, or no SME left to take in
		}
		in.Objective.SMEParticipationTarget = 1 / float64(len(d.SMEs))
		d = model.Derive(in)
		if d.SMETarget != 1 {
			t.Fatalf("seed %d: SMETarget %d, want 1", seed, d.SMETarget)
		}
		var others []int
		for _, f := range d.SMEs {
			if !taking[f] {
				others = append(others, f)
			}
		}
		d.SMEs = others
		out, err := Solve(context.Background(), d, Params{})
		if err != nil {
			t.Fatal(err)
		}
		if out.Assignment == nil {
			if !out.Infeasible {
				t.Errorf("seed %d: no plan and no proof", seed)
			}
			continue // none of the others can take part
		}
		tested++
		newcomer := false
		for f := range smesIn(d, out.Assignment) {
			newcomer = newcomer || !taking[f]
		}
		if !newcomer {
			t.Errorf("seed %d: no SME outside %v takes part", seed, taking)
		}
		m, z, err := d.Evaluate(out.Assignment, model.MethodCluster)
		if err != nil {
			t.Fatal(err)
		}
		plan := &model.Plan{Instance: in.Name, Method: model.MethodCluster, Status: model.StatusFeasible, Objective: &z, Metrics: &m, Plan: out.Assignment}
		if err := check.Check(in, plan, check.Options{}).Err(); err != nil {
			t.Errorf("seed %d: %v", seed, err)
		}
		if z < zFree-1e-6*math.Max(1, math.Abs(zFree)) {
			t.Errorf("seed %d: Z %.6f below the unconstrained optimum %.6f", seed, z, zFree)
		}
	}
	if tested < 3 {
		t.Errorf("only %d clusters with an SME to take in", tested)
	}
}

// smesIn returns the SMEs (by role) taking part in a.
func smesIn(d *model.Derived, a *model.Assignment) map[int]bool {
	out := map[int]bool{}
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			if f := d.Firm[st.Firm]; d.Inst.Firms[f].Role == model.SME {
				out[f] = true
			}
		}
	}
	return out
}
