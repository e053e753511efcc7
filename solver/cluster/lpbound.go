package cluster

import (
	"context"
	"math"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// LPBound is the LP relaxation of a written MIP, solved in the background
// while the other phases run: a lower bound that, with the learners' rows
// and the lead cliques, is often tighter than the Lagrangian's (see
// docs/algorithm.md, "Bounds"). Its simplex starts from the support of the
// plan in hand (glpk.Params.LPSupport) and runs at the normal priority,
// beside the search's workers. The multi-period solver uses it too.
type LPBound struct {
	cancel context.CancelFunc
	done   chan struct{}
	// value is the LP optimum, -Inf when it was not reached; read it only
	// after done is closed.
	value float64
}

// StartLPBound solves prob's LP relaxation on a goroutine of its own until
// it ends, ctx ends or Stop is called, warm-started from the plan x (nil:
// a cold start). prob must not change until Stop returns.
func StartLPBound(ctx context.Context, prob *mip.Problem, x []float64) *LPBound {
	ctx, cancel := context.WithCancel(ctx)
	b := &LPBound{cancel: cancel, done: make(chan struct{}), value: math.Inf(-1)}
	go func() {
		defer close(b.done)
		res, err := glpk.SolveLP(ctx, prob, glpk.Params{LPSupport: glpk.Support(x)})
		if err == nil && res.Status == glpk.Optimal {
			b.value = res.Objective
		}
	}()
	return b
}

// Done is closed when the solve has ended, with or without an optimum.
func (b *LPBound) Done() <-chan struct{} { return b.done }

// Value returns the LP optimum once it is known.
func (b *LPBound) Value() (float64, bool) {
	select {
	case <-b.done:
		return b.value, !math.IsInf(b.value, -1)
	default:
		return math.Inf(-1), false
	}
}

// Stop ends the solve if it still runs and waits for its goroutine.
func (b *LPBound) Stop() {
	b.cancel()
	<-b.done
}
