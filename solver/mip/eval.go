package mip

import (
	"errors"
	"fmt"
	"math"
)

// ErrInfeasible is wrapped by the errors CheckFeasible returns.
var ErrInfeasible = errors.New("mip: solution infeasible")

// ErrSolutionLength is returned by CheckFeasible if the solution does not
// have one value per column.
var ErrSolutionLength = errors.New("mip: solution length differs from number of columns")

// Objective returns ObjConst + Σ_j Cols[j].Obj·x[j]. It panics if
// len(x) != len(p.Cols).
func (p *Problem) Objective(x []float64) float64 {
	if len(x) != len(p.Cols) {
		panic(fmt.Sprintf("mip: Objective: %d values for %d columns", len(x), len(p.Cols)))
	}
	z := p.ObjConst
	for j := range p.Cols {
		z += p.Cols[j].Obj * x[j]
	}
	return z
}

// Activity returns Σ_k Val[k]·x[Ind[k]] for row i.
func (p *Problem) Activity(i int, x []float64) float64 {
	r := &p.Rows[i]
	s := 0.0
	for k, j := range r.Ind {
		s += r.Val[k] * x[j]
	}
	return s
}

// CheckFeasible returns nil if x (one value per column) satisfies every
// column bound, integrality requirement and row of the problem within the
// tolerance tol, and otherwise an error wrapping ErrInfeasible that names
// the first violated column or row. Bounds and integrality are checked with
// the absolute tolerance tol; a row limit b is checked with the tolerance
// tol·max(1, |b|). NaN values are infeasible.
func (p *Problem) CheckFeasible(x []float64, tol float64) error {
	if len(x) != len(p.Cols) {
		return fmt.Errorf("%w: %d values for %d columns", ErrSolutionLength, len(x), len(p.Cols))
	}
	for j := range p.Cols {
		c := &p.Cols[j]
		v := x[j]
		lo, hi := p.Bounds(j)
		switch {
		case math.IsNaN(v):
			return fmt.Errorf("%w: column %q is NaN", ErrInfeasible, c.Name)
		case v < lo-tol:
			return fmt.Errorf("%w: column %q = %g below lower bound %g", ErrInfeasible, c.Name, v, lo)
		case v > hi+tol:
			return fmt.Errorf("%w: column %q = %g above upper bound %g", ErrInfeasible, c.Name, v, hi)
		case c.Kind.IsInteger() && math.Abs(v-math.Round(v)) > tol:
			return fmt.Errorf("%w: %s column %q = %g not integral", ErrInfeasible, c.Kind, c.Name, v)
		}
	}
	for i := range p.Rows {
		r := &p.Rows[i]
		a := p.Activity(i, x)
		switch {
		case a < r.Lo-tol*math.Max(1, math.Abs(r.Lo)):
			return fmt.Errorf("%w: row %q: activity %g below lower limit %g", ErrInfeasible, r.Name, a, r.Lo)
		case a > r.Hi+tol*math.Max(1, math.Abs(r.Hi)):
			return fmt.Errorf("%w: row %q: activity %g above upper limit %g", ErrInfeasible, r.Name, a, r.Hi)
		}
	}
	return nil
}
