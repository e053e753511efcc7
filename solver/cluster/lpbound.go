package cluster

import (
	"context"
	"math"

	"github.com/ofdi/ofdi/solver/glpk"
	"github.com/ofdi/ofdi/solver/mip"
)

// lpBound is the LP relaxation of the written MIP, solved in the
// background while the other phases run: a lower bound that, with the
// learners' rows, is often tighter than the Lagrangian's (see
// docs/algorithm.md, "Bounds"). Its simplex runs at the lowest priority
// (glpk.Params.LowPriority), so that it takes only the time the other
// phases leave idle.
type lpBound struct {
	cancel context.CancelFunc
	done   chan struct{}
	// value is the LP optimum, -Inf when it was not reached; read it only
	// after done is closed.
	value float64
}

// startLPBound solves prob's LP relaxation on a goroutine of its own until
// it ends, ctx ends or stop is called. prob must not change until stop
// returns.
func startLPBound(ctx context.Context, prob *mip.Problem) *lpBound {
	ctx, cancel := context.WithCancel(ctx)
	b := &lpBound{cancel: cancel, done: make(chan struct{}), value: math.Inf(-1)}
	go func() {
		defer close(b.done)
		res, err := glpk.SolveLP(ctx, prob, glpk.Params{LowPriority: true})
		if err == nil && res.Status == glpk.Optimal {
			b.value = res.Objective
		}
	}()
	return b
}

// get returns the LP optimum once it is known.
func (b *lpBound) get() (float64, bool) {
	select {
	case <-b.done:
		return b.value, !math.IsInf(b.value, -1)
	default:
		return math.Inf(-1), false
	}
}

// stop ends the solve if it still runs and waits for its goroutine.
func (b *lpBound) stop() {
	b.cancel()
	<-b.done
}
