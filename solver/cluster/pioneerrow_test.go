package cluster

import (
	"fmt"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// The pioneer rows (Σ_{g∈Π_p} x_gp ≥ y_p where p needs a pioneer) keep the
// MIP's optimum (GLPK with and without them, to optimality) and raise its
// LP relaxation where pioneers are scarce; every such project has no
// coalition without a pioneer of Π_p: the firms that need none cannot fund
// it, lead it, fill its roles or its partner count.
func TestPioneerRows(t *testing.T) {
	shape, err := gen.Preset("scarce-pioneers")
	if err != nil {
		t.Fatal(err)
	}
	raised := 0
	for seed := uint64(1); seed <= 4; seed++ {
		inst := gen.Generate(gen.Config{Firms: 30, Opportunities: 12, Markets: 4, Seed: 900 + seed, Shape: shape})
		d := model.Derive(inst)
		fm, err := Build(d)
		if err != nil {
			t.Fatal(err)
		}
		if _, n := withoutRows(fm.Prob, "pioneer_"); n == 0 {
			continue
		}
		for p, pairs := range fm.Pairs {
			if fm.Y[p] == none || !needsPioneer(d, p, pairs) {
				continue
			}
			if why := selfSufficient(d, p, pairs); why == "" {
				t.Errorf("seed %d: %s has a pioneer row but its firms without a pioneer can run it",
					seed, inst.Opportunities[p].ID)
			}
		}
		label := fmt.Sprintf("seed %d", seed)
		checkSameOptimum(t, fm, "pioneer_", label)
		if checkLPRaised(t, fm, "pioneer_", label) {
			raised++
		}
	}
	if raised == 0 {
		t.Error("the pioneer rows raised no LP relaxation: the test no longer shows them at work")
	}
}

// selfSufficient says, independently of needsPioneer, why the pairs of p
// that need no pioneer (not learners, not in Π_p) cannot run p alone, or
// returns "" when they can pass every static test.
func selfSufficient(d *model.Derived, p int, pairs []PairCols) string {
	in := d.Inst
	o := &in.Opportunities[p]
	rule := in.Rules.Mode(o.Mode)
	room, n, lead := 0.0, 0, false
	roles := map[model.Role]bool{}
	for _, pc := range pairs {
		if pc.Learning || pc.Pioneer {
			continue
		}
		room += pc.MaxStake
		n++
		lead = lead || (pc.L != none)
		roles[in.Firms[pc.Firm].Role] = true
	}
	switch {
	case n == 0:
		return "no firm"
	case room < 1-1e-9:
		return "room"
	case n < o.MinPartnersOr():
		return "partners"
	case rule.Lead != "" && !lead:
		return "lead"
	}
	for _, r := range rule.Requires {
		if !roles[r] {
			return "role " + string(r)
		}
	}
	return ""
}
