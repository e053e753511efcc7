package mip

import "math"

// Restriction is a problem with some columns fixed, written over the free
// columns only (see Restrict).
type Restriction struct {
	// Problem has one column per free column of the original problem.
	Problem *Problem
	// Free maps a column of Problem to its column in the original.
	Free []int
	// Infeasible names a row whose fixed part alone violates it (with
	// tolerance 1e-9 relative); Problem is nil then.
	Infeasible string
	base       []float64
}

// Restrict fixes every column j with fixed[j] true to x[j] and returns the
// problem over the remaining columns: fixed values move into the row
// bounds and the objective constant, and rows left without a free column
// are dropped after checking that the fixed values satisfy them. The
// optimum of the restriction plus the fixed part is the optimum of the
// original problem with those columns fixed.
func (p *Problem) Restrict(fixed []bool, x []float64) *Restriction {
	r := &Restriction{base: append([]float64(nil), x...)}
	q := &Problem{Name: p.Name, ObjConst: p.ObjConst}
	newIdx := make([]int, len(p.Cols))
	for j, c := range p.Cols {
		if fixed[j] {
			newIdx[j] = -1
			q.ObjConst += c.Obj * x[j]
			continue
		}
		newIdx[j] = len(q.Cols)
		q.Cols = append(q.Cols, c)
		r.Free = append(r.Free, j)
	}
	for _, row := range p.Rows {
		shift, scale := 0.0, 1.0
		var ind []int
		var val []float64
		for k, j := range row.Ind {
			if newIdx[j] < 0 {
				shift += row.Val[k] * x[j]
				scale = math.Max(scale, math.Abs(row.Val[k]*x[j]))
				continue
			}
			ind, val = append(ind, newIdx[j]), append(val, row.Val[k])
		}
		lo, hi := row.Lo-shift, row.Hi-shift
		if len(ind) == 0 {
			if lo > 1e-9*scale || hi < -1e-9*scale {
				r.Infeasible = row.Name
				return r
			}
			continue
		}
		q.Rows = append(q.Rows, Row{Name: row.Name, Lo: lo, Hi: hi, Ind: ind, Val: val})
	}
	r.Problem = q
	return r
}

// Expand returns the full column vector: the fixed values of Restrict with
// y (a vector over the restriction's columns) in the free positions.
func (r *Restriction) Expand(y []float64) []float64 {
	x := append([]float64(nil), r.base...)
	for k, j := range r.Free {
		x[j] = y[k]
	}
	return x
}

// Project returns the restriction's part of a full column vector x.
func (r *Restriction) Project(x []float64) []float64 {
	y := make([]float64, len(r.Free))
	for k, j := range r.Free {
		y[k] = x[j]
	}
	return y
}

// AddCutoff adds to the restriction the row "objective ≤ limit" (limit in
// the original problem's objective, its constant included): a solver that
// cannot be given the incumbent (after its own presolve, say) then prunes
// what cannot beat it. It returns false, adding nothing, when no free
// column has an objective coefficient: the restriction's objective is its
// constant then, and no solve can change it.
func (r *Restriction) AddCutoff(limit float64) bool {
	q := r.Problem
	var ind []int
	var val []float64
	for j, c := range q.Cols {
		if c.Obj != 0 {
			ind, val = append(ind, j), append(val, c.Obj)
		}
	}
	if len(ind) == 0 {
		return false
	}
	q.AddRow(Row{Name: "cutoff", Lo: math.Inf(-1), Hi: limit - q.ObjConst, Ind: ind, Val: val})
	return true
}
