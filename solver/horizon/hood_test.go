package horizon

import (
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
)

// The windows: every single market, then every market with the pioneers,
// then the pairs. A pioneer window leaves every pair of a pioneer free in
// every project and period (fixOutside), and fixes the other firms' pairs
// outside its market as a plain market window does.
func TestPioneerWindows(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 11, Periods: 3})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	h := newHoods(fm)
	pioneers := 0
	for f := range in.Firms {
		if in.Firms[f].Pioneer {
			pioneers++
		}
	}
	if pioneers == 0 {
		t.Fatal("no pioneer in the test cluster: the test checks nothing")
	}
	nM := len(in.Markets)
	if want := 2*nM + nM*(nM-1)/2; len(h.windows) != want {
		t.Fatalf("%d windows, want %d", len(h.windows), want)
	}
	for i, w := range h.windows {
		single, pio := w.a == w.b, w.pioneers
		if want := i < 2*nM; single != want || pio != (i >= nM && i < 2*nM) {
			t.Errorf("window %d: %+v out of order", i, w)
		}
	}
	x := make([]float64, len(fm.Prob.Cols))
	free := map[int]bool{}
	for _, p := range h.byMarket[0] {
		free[p] = true
	}
	withPioneers := h.fixOutside(append([]float64(nil), x...), free, h.pioneers)
	plain := h.fixOutside(append([]float64(nil), x...), free, nil)
	freed := 0
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			for _, pr := range fm.Pairs[p][t0] {
				switch {
				case free[p]:
					if withPioneers[pr.X] || plain[pr.X] {
						t.Errorf("opportunity %d, period %d, firm %d: fixed inside the window", p, t0+1, pr.Firm)
					}
				case in.Firms[pr.Firm].Pioneer:
					if withPioneers[pr.X] || !plain[pr.X] {
						t.Errorf("opportunity %d, period %d, pioneer %d: fixed %v with the pioneers, %v without", p, t0+1, pr.Firm, withPioneers[pr.X], plain[pr.X])
					}
					freed++
				default:
					if !withPioneers[pr.X] || !plain[pr.X] {
						t.Errorf("opportunity %d, period %d, firm %d: free outside the window", p, t0+1, pr.Firm)
					}
				}
			}
		}
	}
	if freed == 0 {
		t.Error("no pioneer pair outside the window: the test checks nothing")
	}
}
