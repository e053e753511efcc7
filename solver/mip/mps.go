package mip

import (
	"bufio"
	"io"
	"math"
)

// WriteMPS validates the problem and writes it to w in free MPS format, as
// read by `glpsol --freemps` and `cbc`. The output depends only on the
// problem.
//
// The NAME line carries the FREE flag (cbc needs it to read short lines as
// free format). Details of the encoding:
//
//   - The objective is the N row named ObjName (see there).
//   - A nonzero ObjConst is written as the objective coefficient of an
//     extra column named ObjConstName, fixed at 1, because glpsol and cbc
//     give an objective right-hand side opposite signs.
//   - A ranged row (finite Lo < Hi) is a G row with right-hand side Lo and
//     range Hi−Lo.
//   - Free rows are omitted; zero coefficients are omitted; a column with
//     no coefficient left gets an explicit zero objective entry.
//   - Binary and Integer columns are enclosed in MARKER INTORG/INTEND
//     lines. Binary columns get a BV bound. Integer columns always get
//     explicit lower (LO or MI) and upper (UP or PL) bounds, because glpsol
//     and cbc give integer columns without an upper bound the upper
//     bound 1.
func (p *Problem) WriteMPS(w io.Writer) error {
	if err := p.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	e := errWriter{bw}
	l := p.layout()
	var b []byte
	line := func(fields ...string) {
		b = b[:0]
		for _, f := range fields {
			b = append(b, ' ')
			b = append(b, f...)
		}
		b = append(b, '\n')
		e.bytes(b)
	}
	num := func(v float64) string { return string(appendNum(nil, v)) }

	name := p.Name
	if name == "" {
		name = "problem"
	}
	e.str("NAME " + name + " FREE\n")
	if l.constCol != "" {
		e.str("* Column " + l.constCol + " is fixed at 1 and carries the objective constant.\n")
	}

	e.str("ROWS\n")
	line("N", l.obj)
	for i := range p.Rows {
		r := &p.Rows[i]
		switch {
		case r.isFree():
		case r.Lo == r.Hi:
			line("E", r.Name)
		case math.IsInf(r.Lo, -1):
			line("L", r.Name)
		default:
			line("G", r.Name)
		}
	}

	// Transpose the matrix, skipping free rows and zeros.
	count := make([]int, len(p.Cols)+1)
	for i := range p.Rows {
		r := &p.Rows[i]
		if r.isFree() {
			continue
		}
		for k, j := range r.Ind {
			if r.Val[k] != 0 {
				count[j+1]++
			}
		}
	}
	for j := 1; j <= len(p.Cols); j++ {
		count[j] += count[j-1]
	}
	start := count // start[j] .. start[j+1] after the fill below
	rowOf := make([]int32, start[len(p.Cols)])
	valOf := make([]float64, len(rowOf))
	next := make([]int, len(p.Cols))
	copy(next, start[:len(p.Cols)])
	for i := range p.Rows {
		r := &p.Rows[i]
		if r.isFree() {
			continue
		}
		for k, j := range r.Ind {
			if r.Val[k] != 0 {
				rowOf[next[j]] = int32(i)
				valOf[next[j]] = r.Val[k]
				next[j]++
			}
		}
	}

	e.str("COLUMNS\n")
	inMarker := false
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Kind.IsInteger() != inMarker {
			if inMarker {
				line("MARKER", "'MARKER'", "'INTEND'")
			} else {
				line("MARKER", "'MARKER'", "'INTORG'")
			}
			inMarker = !inMarker
		}
		if c.Obj != 0 || start[j] == start[j+1] {
			line(c.Name, l.obj, num(c.Obj))
		}
		for k := start[j]; k < start[j+1]; k++ {
			line(c.Name, p.Rows[rowOf[k]].Name, num(valOf[k]))
		}
	}
	if inMarker {
		line("MARKER", "'MARKER'", "'INTEND'")
	}
	if l.constCol != "" {
		line(l.constCol, l.obj, num(p.ObjConst))
	}

	e.str("RHS\n")
	for i := range p.Rows {
		r := &p.Rows[i]
		rhs := 0.0
		switch {
		case r.isFree():
		case math.IsInf(r.Lo, -1):
			rhs = r.Hi
		default:
			rhs = r.Lo
		}
		if rhs != 0 {
			line("RHS", r.Name, num(rhs))
		}
	}

	head := "RANGES\n"
	for i := range p.Rows {
		r := &p.Rows[i]
		if !math.IsInf(r.Lo, 0) && !math.IsInf(r.Hi, 0) && r.Lo < r.Hi {
			e.str(head)
			head = ""
			line("RNG", r.Name, num(r.Hi-r.Lo))
		}
	}

	e.str("BOUNDS\n")
	for j := range p.Cols {
		c := &p.Cols[j]
		loInf, hiInf := math.IsInf(c.Lo, -1), math.IsInf(c.Hi, 1)
		switch {
		case c.Kind == Binary:
			line("BV", "BND", c.Name)
		case c.Lo == c.Hi:
			line("FX", "BND", c.Name, num(c.Lo))
		case c.Kind == Integer:
			if loInf {
				line("MI", "BND", c.Name)
			} else {
				line("LO", "BND", c.Name, num(c.Lo))
			}
			if hiInf {
				line("PL", "BND", c.Name)
			} else {
				line("UP", "BND", c.Name, num(c.Hi))
			}
		case loInf && hiInf:
			line("FR", "BND", c.Name)
		default:
			if loInf {
				line("MI", "BND", c.Name)
			} else if c.Lo != 0 {
				line("LO", "BND", c.Name, num(c.Lo))
			}
			if !hiInf {
				line("UP", "BND", c.Name, num(c.Hi))
			}
		}
	}
	if l.constCol != "" {
		line("FX", "BND", l.constCol, "1")
	}
	e.str("ENDATA\n")
	return bw.Flush()
}
