package cluster

import (
	"math"
	"sort"
	"time"
)

// lnsSwapBinaries is the size of the widest swap window.
const lnsSwapBinaries = 2 * lnsMaxWindowBinaries

// lnsSwapTime is the least time before the search's deadline for the
// widest swap window: GLPK's presolver and its root LP take seconds with
// no time check.
const lnsSwapTime = 5 * time.Second

// swapHood frees whole, in turn, the projects taken in x that add least
// to it and the opportunities not taken that would add most (netValues),
// until it holds size binaries. A project that adds little or loses value
// is often kept only for a target (the SMEs it brings, its market power)
// or crowds its market segment; the window lets the sub-MIP trade it for
// opportunities that serve the same purpose at a better price, which
// windows built around one market, segment, firm group or opportunity do
// not hold together.
func (s *lnsSearch) swapHood(size int, x []float64) hood {
	fm := s.fm
	net := s.netValues(x)
	var in, out []int
	for p, y := range fm.Y {
		switch {
		case y == none:
		case x[y] > 0.5:
			in = append(in, p)
		default:
			out = append(out, p)
		}
	}
	sort.SliceStable(in, func(a, b int) bool { return net[in[a]] < net[in[b]] })
	sort.SliceStable(out, func(a, b int) bool { return net[out[a]] > net[out[b]] })
	h := hood{opps: make([]bool, len(fm.Y))}
	free := 0
	for i := 0; free < size && (i < len(in) || i < len(out)); i++ {
		for _, list := range [][]int{in, out} {
			if i < len(list) {
				h.opps[list[i]] = true
				free += s.oppBinaries[list[i]]
			}
		}
	}
	return h
}

// netValues returns, per opportunity with a y column, what it adds to
// the plan x: for a project taken, what dropping it alone would lose; for
// an opportunity not taken, what taking it alone would gain. That is its
// gain (Formulation.Gain) less the dissipation δ_m it causes when its
// market segment is at capacity without it, and less the information cost
// I_m when it is the only project in its market. Opportunities without a
// column get -Inf.
func (s *lnsSearch) netValues(x []float64) []float64 {
	fm := s.fm
	in := fm.D.Inst
	type cell struct{ market, segment string }
	inCell := map[cell]int{}
	inMarket := make([]int, len(in.Markets))
	for p, y := range fm.Y {
		if y != none && x[y] > 0.5 {
			o := &in.Opportunities[p]
			inCell[cell{o.Market, o.Segment}]++
			inMarket[s.oppMkt[p]]++
		}
	}
	net := make([]float64, len(fm.Y))
	for p, y := range fm.Y {
		if y == none {
			net[p] = math.Inf(-1)
			continue
		}
		o := &in.Opportunities[p]
		m := &in.Markets[s.oppMkt[p]]
		others, othersInMarket := inCell[cell{o.Market, o.Segment}], inMarket[s.oppMkt[p]]
		if x[y] > 0.5 {
			others, othersInMarket = others-1, othersInMarket-1
		}
		net[p] = fm.Gain[p]
		if others >= m.Cap(o.Segment) {
			net[p] -= m.Dissipation
		}
		if othersInMarket == 0 {
			net[p] -= m.InfoCost
		}
	}
	return net
}
