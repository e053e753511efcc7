package solver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

// fzNegZero matches a number printed as "-0" (a negated zero).
var fzNegZero = regexp.MustCompile(`(^|[\s(])-0([\s,;)]|$)`)

// Size limits of FuzzSolve: larger valid instances are skipped, to keep
// every execution to milliseconds.
const (
	fzMaxFirms         = 8
	fzMaxOpportunities = 6
	fzMaxScenarios     = 4
	fzMaxMarkets       = 6
)

// FuzzSolve: for every small instance that Parse and Validate accept,
// Solve with every method neither panics nor fails (an error wrapping
// model.ErrInvalid would mean Validate missed a problem Solve found; any
// other error is an internal failure), returns a status consistent with
// its plan, and the plan passes the independent checker. Solve must not
// modify the instance either. The seed corpus in testdata/fuzz/FuzzSolve
// is replayed by every `go test`: the bundled tiny and infeasible-target
// instances, edge cases of tiny (zero risk limits, huge money, one firm, no
// pioneers, learning everywhere, zero capacities, exactly two partners,
// four scenarios with α = 0, overridden mode rules), a generated 8-firm
// cluster, and the inputs fuzzing found failing (min_stake_integrality_*:
// an internal error from GLPK's integrality tolerance, fixed by
// cluster's polish).
func FuzzSolve(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := model.Parse(data)
		if err != nil || len(model.Errors(model.Validate(inst))) > 0 {
			return
		}
		if len(inst.Firms) > fzMaxFirms || len(inst.Opportunities) > fzMaxOpportunities ||
			len(inst.Scenarios) > fzMaxScenarios || len(inst.Markets) > fzMaxMarkets {
			return
		}
		before, err := json.Marshal(inst)
		if err != nil {
			t.Fatalf("encode the instance: %v", err)
		}
		for _, m := range solver.Methods() {
			res, err := solver.Solve(context.Background(), inst, solver.Options{Method: m, TimeLimit: 2 * time.Second})
			if errors.Is(err, model.ErrInvalid) {
				t.Fatalf("%s: Validate accepts the instance but Solve rejects it: %v", m, err)
			}
			if err != nil {
				t.Fatalf("%s: internal error: %v", m, err)
			}
			fzCheckResult(t, inst, m, res)
		}
		if after, err := json.Marshal(inst); err != nil || !bytes.Equal(after, before) {
			t.Fatalf("Solve modified the instance (%v):\n%s\n--- before:\n%s", err, after, before)
		}
	})
}

func fzCheckResult(t *testing.T, inst *model.Instance, method string, res *solver.Result) {
	t.Helper()
	if res.Method != method || res.Instance != inst.Name {
		t.Fatalf("%s: result names method %q, instance %q", method, res.Method, res.Instance)
	}
	switch res.Status {
	case solver.Optimal, solver.Feasible:
		if res.Assignment == nil || res.Metrics == nil {
			t.Fatalf("%s: status %s without a plan", method, res.Status)
		}
		if math.IsNaN(res.Objective) || math.IsInf(res.Objective, 0) {
			t.Fatalf("%s: objective %g", method, res.Objective)
		}
		if res.HasBound && !(res.Bound <= res.Objective) {
			t.Fatalf("%s: bound %g above the objective %g", method, res.Bound, res.Objective)
		}
		if res.Status.Err() != nil {
			t.Fatalf("%s: status %s has error %v", method, res.Status, res.Status.Err())
		}
	case solver.Infeasible:
		if method != model.MethodCluster {
			t.Fatalf("%s: a baseline reports infeasible", method)
		}
		if res.Assignment != nil || len(res.Explanation) == 0 {
			t.Fatalf("%s: infeasible with a plan or without an explanation: %+v", method, res)
		}
		for _, line := range res.Explanation {
			if fzNegZero.MatchString(line) {
				t.Fatalf("%s: explanation prints a negative zero: %q", method, line)
			}
		}
	case solver.NoSolution:
		// On at most 8 firms and 6 opportunities the search ends within
		// milliseconds: no_solution before the 2 s limit means it gave up.
		if res.Assignment != nil {
			t.Fatalf("%s: no_solution with a plan", method)
		}
		if res.Stats.Duration < time.Second {
			t.Fatalf("%s: no_solution after %v, before the time limit", method, res.Stats.Duration)
		}
	default:
		t.Fatalf("%s: status %d", method, res.Status)
	}
	if rep := check.Check(inst, res.Plan(), check.Options{}); !rep.OK() {
		t.Fatalf("%s: %s plan fails the checker: %v", method, res.Status, rep.Err())
	}
}
