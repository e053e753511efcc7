package solver

import (
	"fmt"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// OutsideOptions returns every firm's outside option o_f (file order): its
// money in the independent baseline of the same instance, which it runs
// (deterministic, milliseconds even for province-size clusters); over a
// horizon the horizon baseline, its money discounted to period 1. d must
// be derived from a valid instance. Solve calls it for every plan's
// accounts; callers that need o_f without a plan (explain, report) call it
// directly.
func OutsideOptions(d *model.Derived) ([]float64, error) {
	run := baseline.Run
	if d.Inst.MultiPeriod() {
		run = baseline.RunHorizon
	}
	p, err := run(d, model.MethodIndependent)
	if err != nil {
		return nil, fmt.Errorf("outside options: %w", err)
	}
	return d.OutsideOptions(p.Plan)
}

// accounts fills the firm accounts and sharing metrics of res, a plan of
// method under the sharing rule. The independent baseline is its own
// outside option, so it is not run twice.
func accounts(d *model.Derived, res *Result, sharing string) error {
	var outside []float64
	var err error
	if res.Method == model.MethodIndependent {
		outside, err = d.OutsideOptions(res.Assignment)
	} else {
		outside, err = OutsideOptions(d)
	}
	if err != nil {
		return err
	}
	ac, err := d.Accounts(res.Assignment, res.Method, sharing, outside)
	if err != nil {
		return err
	}
	ac.Fill(res.Metrics)
	res.Firms = ac.Firms
	if res.Method == model.MethodCluster {
		res.Sharing = sharing
	}
	return nil
}
