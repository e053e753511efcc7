package cluster

import (
	"sync"
	"testing"
	"time"
)

// A silent phase still gets reports: the heartbeat repeats the last one
// with a later elapsed time, and nothing is reported after stop.
func TestHeartbeat(t *testing.T) {
	var mu sync.Mutex
	var got []Report
	h := newHeartbeat(func(r Report) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	}, time.Now())
	h.report(PhaseNeighbourhood, true, -12.5, -20)
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(got)
	}
	for wait := time.Now(); count() < 3 && time.Since(wait) < 20*time.Second; {
		time.Sleep(50 * time.Millisecond)
	}
	h.stop()
	n := count()
	if n < 3 {
		t.Fatalf("%d reports in 20 s after one explicit report, want repeats", n)
	}
	for i, r := range got[1:n] {
		if r.Phase != PhaseNeighbourhood || !r.HasIncumbent || r.Incumbent != -12.5 || r.Bound != -20 {
			t.Errorf("repeat %d = %+v, want the last report", i+1, r)
		}
		if r.Elapsed <= got[i].Elapsed {
			t.Errorf("repeat %d: elapsed %s not after %s", i+1, r.Elapsed, got[i].Elapsed)
		}
	}
	time.Sleep(3 * heartbeatEvery)
	if count() != n {
		t.Errorf("%d reports after stop", count()-n)
	}
	// Without a receiver there is no goroutine and nothing to stop but
	// the channel.
	newHeartbeat(nil, time.Now()).stop()
}
