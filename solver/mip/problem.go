package mip

import "math"

// Problem is a sparse mixed-integer program
//
//	minimise   ObjConst + Σ_j Cols[j].Obj · x_j
//	subject to Rows[i].Lo ≤ Σ_k Rows[i].Val[k] · x_{Rows[i].Ind[k]} ≤ Rows[i].Hi
//	           Cols[j].Lo ≤ x_j ≤ Cols[j].Hi, x_j integral if Cols[j].Kind is
//	           Binary or Integer.
//
// The constraint matrix is stored by rows. The zero value is an empty
// problem ready to use.
type Problem struct {
	// Name names the problem in written files. It may be empty; if not, it
	// must be a valid name (see NameDefect).
	Name string
	// Cols are the columns (variables), indexed from 0.
	Cols []Col
	// Rows are the rows (constraints), indexed from 0.
	Rows []Row
	// ObjConst is the constant term of the objective.
	ObjConst float64
}

// Col is a column (variable) of a Problem.
type Col struct {
	// Name is required and unique among the columns of the problem.
	Name string
	// Lo and Hi are the bounds. Lo may be -Inf and Hi may be +Inf; Lo == Hi
	// fixes the column. They are ignored for Binary columns, whose bounds
	// are [0, 1].
	Lo, Hi float64
	// Kind says whether the column is continuous, binary or integer.
	Kind Kind
	// Obj is the objective coefficient.
	Obj float64
}

// Row is a row (constraint) Lo ≤ Σ_k Val[k]·x_{Ind[k]} ≤ Hi of a Problem.
type Row struct {
	// Name is required and unique among the rows of the problem.
	Name string
	// Lo and Hi limit the row activity. Lo may be -Inf and Hi may be +Inf;
	// Lo == Hi makes the row an equality. A row with both sides infinite is
	// free: it constrains nothing, and the writers omit it.
	Lo, Hi float64
	// Ind holds the 0-based indices of the columns with a coefficient in
	// the row, each at most once; Val holds the coefficients, in the same
	// order.
	Ind []int
	Val []float64
}

// Inf is +Inf, for bounds.
var Inf = math.Inf(1)

// AddCol appends c to the columns and returns its index.
func (p *Problem) AddCol(c Col) int {
	p.Cols = append(p.Cols, c)
	return len(p.Cols) - 1
}

// AddRow appends r to the rows and returns its index. The row keeps r's
// slices; the caller must not modify them afterwards.
func (p *Problem) AddRow(r Row) int {
	p.Rows = append(p.Rows, r)
	return len(p.Rows) - 1
}

// NumBinaries returns the number of Binary columns.
func (p *Problem) NumBinaries() int {
	n := 0
	for i := range p.Cols {
		if p.Cols[i].Kind == Binary {
			n++
		}
	}
	return n
}

// NumIntegers returns the number of columns that must take integral values
// (Binary and Integer ones).
func (p *Problem) NumIntegers() int {
	n := 0
	for i := range p.Cols {
		if p.Cols[i].Kind.IsInteger() {
			n++
		}
	}
	return n
}

// NumNonzeros returns the number of entries in the rows, zero coefficients
// included.
func (p *Problem) NumNonzeros() int {
	n := 0
	for i := range p.Rows {
		n += len(p.Rows[i].Ind)
	}
	return n
}

// Bounds returns the bounds of column j as used by solvers: [0, 1] for a
// Binary column, [Lo, Hi] otherwise.
func (p *Problem) Bounds(j int) (lo, hi float64) {
	c := &p.Cols[j]
	if c.Kind == Binary {
		return 0, 1
	}
	return c.Lo, c.Hi
}
