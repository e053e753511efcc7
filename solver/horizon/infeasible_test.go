package horizon_test

import (
	"context"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/horizon"
)

// TestExplainUnreachableTarget: a market-power target above what any
// multi-period plan reaches is explained with the most that can be
// reached, and that most is itself reachable: the instance with the target
// lowered to it has a plan.
func TestExplainUnreachableTarget(t *testing.T) {
	reach := regexp.MustCompile(`market_power_target \S+ cannot be met: at most (\S+) points`)
	explained := 0
	for seed := uint64(1); seed <= 4; seed++ {
		in := threePeriods(small(200+seed, 10, 8), seed)
		in.Objective.SMEParticipationTarget = 0
		total := 0.0
		for _, o := range in.Opportunities {
			total += o.MarketPower
		}
		in.Objective.MarketPowerTarget = 0.9 * total
		res, err := horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != model.StatusInfeasible {
			continue // the windows and budgets let 90% through
		}
		m := reach.FindStringSubmatch(strings.Join(res.Explanation, "; "))
		if m == nil {
			t.Errorf("%s: explanation %q names no reachable market power", in.Name, res.Explanation)
			continue
		}
		most, err := strconv.ParseFloat(m[1], 64)
		if err != nil {
			t.Fatal(err)
		}
		if most >= in.Objective.MarketPowerTarget {
			t.Errorf("%s: at most %g reachable, above the target %g", in.Name, most, in.Objective.MarketPowerTarget)
		}
		in.Objective.MarketPowerTarget = most * (1 - 1e-6)
		res, err = horizon.Solve(context.Background(), in, horizon.Options{TimeLimit: time.Minute})
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != model.StatusOptimal {
			t.Errorf("%s: target lowered to the reachable %g: %s, want a plan", in.Name, most, res.Status)
		}
		explained++
		t.Logf("%s: at most %g of %g reachable", in.Name, most, 0.9*total)
	}
	if explained == 0 {
		t.Fatal("no case was infeasible: the test explained nothing")
	}
}
