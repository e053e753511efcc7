package glpk

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/ofdi/ofdi/solver/mip"
)

// Test problems. Each returns a fresh problem.

var negInf = math.Inf(-1)

// knapsack: maximise value under one capacity row (as a minimisation).
func knapsack(name string, weight, value []float64, capacity float64) *mip.Problem {
	p := &mip.Problem{Name: name}
	r := mip.Row{Name: "cap", Lo: negInf, Hi: capacity}
	for j := range weight {
		r.Ind = append(r.Ind, p.AddCol(mip.Col{Name: fmt.Sprintf("x%d", j), Kind: mip.Binary, Obj: -value[j]}))
		r.Val = append(r.Val, weight[j])
	}
	p.AddRow(r)
	return p
}

// knapsackOpt finds the optimum of a knapsack by enumeration.
func knapsackOpt(weight, value []float64, capacity float64) float64 {
	best := 0.0
	for mask := 0; mask < 1<<len(weight); mask++ {
		w, v := 0.0, 0.0
		for j := range weight {
			if mask&(1<<j) != 0 {
				w += weight[j]
				v += value[j]
			}
		}
		if w <= capacity && v > best {
			best = v
		}
	}
	return -best
}

// mixed uses every kind of column and row; its optimum is 8.
func mixed() *mip.Problem {
	inf := math.Inf(1)
	p := &mip.Problem{Name: "mixed", ObjConst: 7}
	a := p.AddCol(mip.Col{Name: "a", Lo: 1, Hi: 10, Kind: mip.Integer, Obj: 2})
	b := p.AddCol(mip.Col{Name: "b", Kind: mip.Binary, Obj: 3})
	c := p.AddCol(mip.Col{Name: "c", Lo: -inf, Hi: inf, Obj: -1})
	d := p.AddCol(mip.Col{Name: "d", Lo: 2.5, Hi: 2.5, Obj: 1})
	p.AddCol(mip.Col{Name: "e", Lo: -inf, Hi: 4})
	f := p.AddCol(mip.Col{Name: "f", Lo: -inf, Hi: inf, Kind: mip.Integer, Obj: 1})
	g := p.AddCol(mip.Col{Name: "g", Lo: -5, Hi: -1, Kind: mip.Integer, Obj: -1})
	h := p.AddCol(mip.Col{Name: "h", Lo: 0, Hi: inf, Kind: mip.Integer, Obj: -1})
	p.AddRow(mip.Row{Name: "r1", Lo: 6.5, Hi: 6.5, Ind: []int{a, b, c}, Val: []float64{1, 1, 1}})
	p.AddRow(mip.Row{Name: "r2", Lo: 2, Hi: 3.5, Ind: []int{c, a}, Val: []float64{1, -1}})
	p.AddRow(mip.Row{Name: "r3", Lo: 2, Hi: inf, Ind: []int{a, b, c}, Val: []float64{1, 2, 0}})
	p.AddRow(mip.Row{Name: "r4", Lo: -inf, Hi: 8, Ind: []int{c, d}, Val: []float64{1, 1}})
	p.AddRow(mip.Row{Name: "r5", Lo: -inf, Hi: inf, Ind: []int{a, b}, Val: []float64{1, 1}})
	p.AddRow(mip.Row{Name: "r6", Lo: 0.5, Hi: inf, Ind: []int{f, g}, Val: []float64{1, -1}})
	p.AddRow(mip.Row{Name: "r7", Lo: -inf, Hi: 2.5, Ind: []int{h}, Val: []float64{1}})
	p.AddRow(mip.Row{Name: "r8", Lo: -1, Hi: 1})
	return p
}

// multiKnapsack is a random multi-dimensional knapsack: n binaries, m
// capacity rows at half the total weight. (10, 100) takes GLPK about 0.1 s
// and some 800 nodes; (30, 500) is not solved within seconds.
func multiKnapsack(seed uint64, m, n int) *mip.Problem {
	rng := rand.New(rand.NewPCG(seed, 9))
	p := &mip.Problem{Name: fmt.Sprintf("mk%dx%d", m, n)}
	for j := range n {
		p.AddCol(mip.Col{Name: fmt.Sprintf("x%d", j), Kind: mip.Binary, Obj: -float64(rng.IntN(1000) + 1)})
	}
	for i := range m {
		r := mip.Row{Name: fmt.Sprintf("r%d", i), Lo: negInf}
		s := 0.0
		for j := range n {
			v := float64(rng.IntN(1000) + 1)
			r.Ind = append(r.Ind, j)
			r.Val = append(r.Val, v)
			s += v
		}
		r.Hi = math.Floor(s / 2)
		p.AddRow(r)
	}
	return p
}

// greedy returns a feasible solution of a multiKnapsack: items by index
// while they fit.
func greedy(p *mip.Problem) []float64 {
	x := make([]float64, len(p.Cols))
	load := make([]float64, len(p.Rows))
	for j := range x {
		fits := true
		for i := range p.Rows {
			if load[i]+p.Rows[i].Val[j] > p.Rows[i].Hi {
				fits = false
			}
		}
		if fits {
			x[j] = 1
			for i := range p.Rows {
				load[i] += p.Rows[i].Val[j]
			}
		}
	}
	return x
}

// marketSplit is a Cornuéjols–Dawande market split instance: m equality
// rows over n binaries with random coefficients and right-hand sides at half
// the row sums. GLPK finds no solution of (4, 30) within seconds.
func marketSplit(seed uint64, m, n int) *mip.Problem {
	rng := rand.New(rand.NewPCG(seed, 7))
	p := &mip.Problem{Name: "marketsplit"}
	for j := range n {
		p.AddCol(mip.Col{Name: fmt.Sprintf("x%d", j), Kind: mip.Binary})
	}
	for i := range m {
		r := mip.Row{Name: fmt.Sprintf("r%d", i)}
		s := 0.0
		for j := range n {
			v := float64(rng.IntN(100))
			r.Ind = append(r.Ind, j)
			r.Val = append(r.Val, v)
			s += v
		}
		r.Lo = math.Floor(s / 2)
		r.Hi = r.Lo
		p.AddRow(r)
	}
	return p
}

// bigLP is a random sparse problem whose LP relaxation takes GLPK many
// seconds for (6000, 6000, 10).
func bigLP(seed uint64, m, n, k int) *mip.Problem {
	rng := rand.New(rand.NewPCG(seed, 11))
	p := &mip.Problem{Name: "big"}
	for j := range n {
		p.AddCol(mip.Col{Name: fmt.Sprintf("x%d", j), Hi: 10, Obj: -float64(rng.IntN(100) + 1), Kind: mip.Integer})
	}
	seen := make([]int, n)
	for i := range m {
		r := mip.Row{Name: fmt.Sprintf("r%d", i), Lo: negInf, Hi: float64(rng.IntN(100) + 50)}
		for len(r.Ind) < k {
			j := rng.IntN(n)
			if seen[j] == i+1 {
				continue
			}
			seen[j] = i + 1
			r.Ind = append(r.Ind, j)
			r.Val = append(r.Val, float64(rng.IntN(20)+1))
		}
		p.AddRow(r)
	}
	return p
}
