package cluster

import (
	"math"
	"sync"
	"time"
)

// heartbeatEvery is how often the heartbeat repeats the last report when
// no phase has reported (the CLI prints a line when 1.5 s have passed
// since the last, so lines come at most about 1.8 s apart).
const heartbeatEvery = 250 * time.Millisecond

// heartbeat serialises the reports of Solve's phases and repeats the last
// one, with the elapsed time brought up to date, whenever a phase is
// silent for heartbeatEvery (a long sub-MIP, the Lagrangian iterations,
// the build of a province-size model), so that progress keeps coming.
type heartbeat struct {
	mu     sync.Mutex
	out    func(Report)
	start  time.Time
	last   Report
	lastAt time.Time
	done   chan struct{}
	wg     sync.WaitGroup
}

// newHeartbeat starts the heartbeat; out nil means no reports at all.
// The first repeated report is phase "building" without a plan.
func newHeartbeat(out func(Report), start time.Time) *heartbeat {
	h := &heartbeat{out: out, start: start, lastAt: start, done: make(chan struct{}),
		last: Report{Phase: PhaseBuilding, Bound: math.Inf(-1)}}
	if out == nil {
		return h
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		t := time.NewTicker(heartbeatEvery / 5)
		defer t.Stop()
		for {
			select {
			case <-h.done:
				return
			case now := <-t.C:
				h.mu.Lock()
				if now.Sub(h.lastAt) >= heartbeatEvery {
					r := h.last
					r.Elapsed = now.Sub(h.start)
					h.lastAt = now
					h.out(r)
				}
				h.mu.Unlock()
			}
		}
	}()
	return h
}

// report passes a phase's report on and remembers it.
func (h *heartbeat) report(phase Phase, hasInc bool, inc, bound float64) {
	if h.out == nil {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	now := time.Now()
	h.last = Report{Elapsed: now.Sub(h.start), Phase: phase, HasIncumbent: hasInc, Incumbent: inc, Bound: bound}
	h.lastAt = now
	h.out(h.last)
}

// stop ends the heartbeat; no report follows its return.
func (h *heartbeat) stop() {
	close(h.done)
	h.wg.Wait()
}
