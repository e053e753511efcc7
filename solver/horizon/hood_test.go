package horizon

import (
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// hoodCluster is the 3-period cluster the window tests look at.
func hoodCluster(t *testing.T) (*model.Instance, *Formulation) {
	t.Helper()
	in := gen.Generate(gen.Config{Firms: 30, Opportunities: 14, Markets: 4, Seed: 11, Periods: 3})
	fm, err := Build(in)
	if err != nil {
		t.Fatal(err)
	}
	return in, fm
}

// The windows: every single market, then every market with the pioneers,
// then the firm groups, then the pairs. A pioneer window leaves every pair
// of a pioneer free in every project and period (fixOutside), and fixes the
// other firms' pairs outside its market as a plain market window does.
func TestPioneerWindows(t *testing.T) {
	in, fm := hoodCluster(t)
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
	nM, nG := len(in.Markets), min(firmWindows, len(in.Firms))
	if want := 2*nM + nG + nM*(nM-1)/2; len(h.windows) != want {
		t.Fatalf("%d windows, want %d", len(h.windows), want)
	}
	for i, w := range h.windows {
		single, pio, group := w.a == w.b && w.group == nil, w.pioneers, w.group != nil
		if single != (i < 2*nM) || pio != (i >= nM && i < 2*nM) || group != (i >= 2*nM && i < 2*nM+nG) {
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

// The firm windows cut the firms into firmWindows runs, each firm in
// exactly one; a firm window fixes every y and every pair outside its firms,
// and frees its firms' pairs in every project and period.
func TestFirmWindows(t *testing.T) {
	in, fm := hoodCluster(t)
	groups := firmGroups(in)
	if len(groups) != firmWindows {
		t.Fatalf("%d firm windows, want %d", len(groups), firmWindows)
	}
	seen := make([]int, len(in.Firms))
	for _, w := range groups {
		for f, member := range w.group {
			if member {
				seen[f]++
			}
		}
	}
	for f, n := range seen {
		if n != 1 {
			t.Errorf("firm %d in %d firm windows, want 1", f, n)
		}
	}
	h := newHoods(fm)
	x := make([]float64, len(fm.Prob.Cols))
	fixed := h.fixOutside(x, nil, groups[0].group)
	freed := 0
	for p := range in.Opportunities {
		for t0 := 0; t0 < fm.T; t0++ {
			if y := fm.Y[p][t0]; y != none && !fixed[y] {
				t.Errorf("opportunity %d, period %d: y free in a firm window", p, t0+1)
			}
			for _, pr := range fm.Pairs[p][t0] {
				if fixed[pr.X] == groups[0].group[pr.Firm] {
					t.Errorf("opportunity %d, period %d, firm %d: fixed %v", p, t0+1, pr.Firm, fixed[pr.X])
				}
				if !fixed[pr.X] {
					freed++
				}
			}
		}
	}
	if freed == 0 {
		t.Error("the first firm window frees no pair: the test checks nothing")
	}
}
