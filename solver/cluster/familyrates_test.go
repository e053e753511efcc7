package cluster

import (
	"testing"
	"time"
)

// The window search's family choice: each family once at the start, then
// every largeExplore-th window in turn, the others to the family that
// gained most per second lately; a family that stops gaining loses its
// lead.
func TestFamilyRates(t *testing.T) {
	var r familyRates
	gains := [largeFamilies]float64{1, 10, 0} // per window of one second
	var seen []largeFamily
	count := [largeFamilies]int{}
	for range 40 {
		f := r.next()
		seen = append(seen, f)
		count[f]++
		r.record(f, gains[f], time.Second)
	}
	for i := range largeFamilies {
		if seen[i] != largeFamily(i) {
			t.Fatalf("first windows %v: want each family once in order", seen[:largeFamilies])
		}
	}
	for n := largeFamilies; n < len(seen); n++ {
		want := largeFamily(1)
		if n%largeExplore == 0 {
			want = largeFamily((n / largeExplore) % largeFamilies)
		}
		if seen[n] != want {
			t.Errorf("window %d: family %d, want %d (%v)", n, seen[n], want, seen)
		}
	}
	if count[2] == 0 || count[0] == 0 || count[1] <= count[0]+count[2] {
		t.Errorf("windows per family %v: want the best family most, every family some", count)
	}
	for i := range r.turns {
		if r.turns[i] != count[i] {
			t.Errorf("turns %v, chosen %v", r.turns, count)
		}
	}
	// Family 1 stops gaining: family 0 takes over.
	gains[1] = 0
	for range 60 {
		f := r.next()
		r.record(f, gains[f], time.Second)
	}
	for {
		n := r.n
		f := r.next()
		if n%largeExplore == 0 {
			continue // an exploration turn
		}
		if f != 0 {
			t.Errorf("after family 1 stopped gaining the choice is %d, recent gains and seconds %v", f, r.recent)
		}
		break
	}
}
