package horizon

import (
	"context"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver/cluster"
)

// The collapsed horizon is R_T at the initial knowledge with the horizon's
// targets. Scheduling a plan frees exactly its pairs: the optimum's own
// coalitions scheduled give the optimum back, and the collapsed optimum
// scheduled is a plan of the horizon (the independent checker passes it)
// whose members all come from the collapsed plan.
func TestCollapsedSchedule(t *testing.T) {
	in, fm := hoodCluster(t)
	ctx := context.Background()
	ci := fm.Collapsed()
	rT := fm.Relaxed(fm.T)
	if len(ci.Opportunities) != len(rT.Opportunities) {
		t.Fatalf("collapsed: %d opportunities, R_T %d", len(ci.Opportunities), len(rT.Opportunities))
	}
	if ci.Objective != in.Objective {
		t.Errorf("collapsed objective %+v, want the horizon's %+v", ci.Objective, in.Objective)
	}
	learned := 0
	for f := range in.Firms {
		if ci.Firms[f].Capital != rT.Firms[f].Capital {
			t.Errorf("firm %d: capital %g, want R_T's %g", f, ci.Firms[f].Capital, rT.Firms[f].Capital)
		}
		for _, m := range in.Markets {
			got, want := ci.Firms[f].KnowledgeOf(m.ID), in.Firms[f].KnowledgeOf(m.ID)
			if got != want {
				t.Errorf("firm %d, market %s: knowledge %g, want the initial %g", f, m.ID, got, want)
			}
			if rT.Firms[f].KnowledgeOf(m.ID) > want {
				learned++
			}
		}
	}
	if learned == 0 {
		t.Fatal("R_T gives no firm more than its initial knowledge: the test checks nothing")
	}

	res, _, zOpt := optimumColumns(t, in, fm)
	h := newHoods(fm)
	y := h.schedule(ctx, 0, res.Assignment)
	if y == nil {
		t.Fatal("the optimum's coalitions: no schedule")
	}
	if z := fm.Prob.Objective(y); math.Abs(z-zOpt) > 1e-6*math.Max(1, math.Abs(zOpt)) {
		t.Errorf("the optimum's coalitions scheduled: %.6f, want the optimum %.6f", z, zOpt)
	}

	out, err := cluster.Solve(ctx, model.Derive(ci), cluster.Params{Gap: 1e-9})
	if err != nil || out.Assignment == nil || !out.Optimal {
		t.Fatalf("collapsed: %v, %+v", err, out)
	}
	y = h.schedule(ctx, 0, out.Assignment)
	if y == nil {
		t.Fatal("the collapsed plan: no schedule")
	}
	if z := fm.Prob.Objective(y); z < zOpt-1e-6*math.Max(1, math.Abs(zOpt)) {
		t.Errorf("the collapsed plan scheduled: %.6f, below the optimum %.6f", z, zOpt)
	}
	pairs := planPairs(fm, out.Assignment)
	a := fm.Decode(y)
	if len(a.Projects) == 0 {
		t.Fatal("the collapsed plan scheduled is empty: the test checks nothing")
	}
	for _, pj := range a.Projects {
		for _, st := range pj.Participants {
			if !pairs[[2]int{fm.D.Opp[pj.ID], fm.D.Firm[st.Firm]}] {
				t.Errorf("%s: %s is not a member in the collapsed plan", pj.ID, st.Firm)
			}
		}
	}
	a.Round()
	d := model.Derive(in)
	m, z, view, err := d.EvaluateHorizon(a, model.MethodCluster)
	if err != nil {
		t.Fatal(err)
	}
	plan := &model.Plan{Instance: in.Name, Method: model.MethodCluster, Status: model.StatusFeasible, Plan: a, Metrics: &m, Objective: &z,
		Periods: view.Periods, Knowledge: view.Knowledge, Stages: view.Stages}
	if err := check.Check(in, plan, check.Options{}).Err(); err != nil {
		t.Fatalf("the collapsed plan scheduled: %v", err)
	}

	// With the optimum's pairs freed as well (as under rows 16, where the
	// best plan's join the collapsed plan's), the schedule is the optimum,
	// and every member comes from one of the two plans.
	y = h.schedule(ctx, 0, out.Assignment, res.Assignment)
	if y == nil {
		t.Fatal("the collapsed plan with the optimum's pairs: no schedule")
	}
	if z := fm.Prob.Objective(y); math.Abs(z-zOpt) > 1e-6*math.Max(1, math.Abs(zOpt)) {
		t.Errorf("the collapsed plan with the optimum's pairs scheduled: %.6f, want the optimum %.6f", z, zOpt)
	}
	both := planPairs(fm, res.Assignment)
	for pair := range pairs {
		both[pair] = true
	}
	for _, pj := range fm.Decode(y).Projects {
		for _, st := range pj.Participants {
			if !both[[2]int{fm.D.Opp[pj.ID], fm.D.Firm[st.Firm]}] {
				t.Errorf("%s: %s is a member in neither plan", pj.ID, st.Firm)
			}
		}
	}
}
