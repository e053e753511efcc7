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
	m := &mpsWriter{p: p, e: errWriter{bw}, l: p.layout()}
	m.header()
	m.rows()
	m.columns()
	m.rhs()
	m.ranges()
	m.bounds()
	m.e.str("ENDATA\n")
	return bw.Flush()
}

// mpsWriter writes one Problem in free MPS, one method per section.
type mpsWriter struct {
	p   *Problem
	e   errWriter
	l   layout
	buf []byte // reused by line
}

// line writes one data line: the fields, each after a blank.
func (m *mpsWriter) line(fields ...string) {
	m.buf = m.buf[:0]
	for _, f := range fields {
		m.buf = append(m.buf, ' ')
		m.buf = append(m.buf, f...)
	}
	m.buf = append(m.buf, '\n')
	m.e.bytes(m.buf)
}

// numStr formats v as appendNum does.
func numStr(v float64) string { return string(appendNum(nil, v)) }

// header writes the NAME line ("problem" for an unnamed problem) and the
// comment on the objective-constant column.
func (m *mpsWriter) header() {
	name := m.p.Name
	if name == "" {
		name = "problem"
	}
	m.e.str("NAME " + name + " FREE\n")
	if m.l.constCol != "" {
		m.e.str("* Column " + m.l.constCol + " is fixed at 1 and carries the objective constant.\n")
	}
}

// rows writes the ROWS section: the objective, then every row that is not
// free with its sense (a ranged row is a G row).
func (m *mpsWriter) rows() {
	m.e.str("ROWS\n")
	m.line("N", m.l.obj)
	for i := range m.p.Rows {
		r := &m.p.Rows[i]
		switch {
		case r.isFree():
		case r.Lo == r.Hi:
			m.line("E", r.Name)
		case math.IsInf(r.Lo, -1):
			m.line("L", r.Name)
		default:
			m.line("G", r.Name)
		}
	}
}

// columns writes the COLUMNS section column by column, integer runs
// between MARKER lines, and the objective-constant column last.
func (m *mpsWriter) columns() {
	p := m.p
	t := p.transpose()
	m.e.str("COLUMNS\n")
	inMarker := false
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Kind.IsInteger() != inMarker {
			if inMarker {
				m.line("MARKER", "'MARKER'", "'INTEND'")
			} else {
				m.line("MARKER", "'MARKER'", "'INTORG'")
			}
			inMarker = !inMarker
		}
		if c.Obj != 0 || t.start[j] == t.start[j+1] {
			m.line(c.Name, m.l.obj, numStr(c.Obj))
		}
		for k := t.start[j]; k < t.start[j+1]; k++ {
			m.line(c.Name, p.Rows[t.row[k]].Name, numStr(t.val[k]))
		}
	}
	if inMarker {
		m.line("MARKER", "'MARKER'", "'INTEND'")
	}
	if m.l.constCol != "" {
		m.line(m.l.constCol, m.l.obj, numStr(p.ObjConst))
	}
}

// rhs writes the RHS section: Hi of ≤ rows, Lo of the others, when not 0.
func (m *mpsWriter) rhs() {
	m.e.str("RHS\n")
	for i := range m.p.Rows {
		r := &m.p.Rows[i]
		rhs := 0.0
		switch {
		case r.isFree():
		case math.IsInf(r.Lo, -1):
			rhs = r.Hi
		default:
			rhs = r.Lo
		}
		if rhs != 0 {
			m.line("RHS", r.Name, numStr(rhs))
		}
	}
}

// ranges writes the RANGES section, Hi−Lo of every ranged row; nothing,
// not even the header, when no row is ranged.
func (m *mpsWriter) ranges() {
	head := "RANGES\n"
	for i := range m.p.Rows {
		r := &m.p.Rows[i]
		if !math.IsInf(r.Lo, 0) && !math.IsInf(r.Hi, 0) && r.Lo < r.Hi {
			m.e.str(head)
			head = ""
			m.line("RNG", r.Name, numStr(r.Hi-r.Lo))
		}
	}
}

// bounds writes the BOUNDS section, then fixes the objective-constant
// column at 1.
func (m *mpsWriter) bounds() {
	m.e.str("BOUNDS\n")
	for j := range m.p.Cols {
		m.colBounds(&m.p.Cols[j])
	}
	if m.l.constCol != "" {
		m.line("FX", "BND", m.l.constCol, "1")
	}
}

// colBounds writes the bound lines of one column: BV for a binary, FX
// for a fixed column, both bounds always for an integer column (readers
// default its upper bound to 1), and for a continuous one only what
// differs from the default [0, +Inf).
func (m *mpsWriter) colBounds(c *Col) {
	loInf, hiInf := math.IsInf(c.Lo, -1), math.IsInf(c.Hi, 1)
	switch {
	case c.Kind == Binary:
		m.line("BV", "BND", c.Name)
	case c.Lo == c.Hi:
		m.line("FX", "BND", c.Name, numStr(c.Lo))
	case c.Kind == Integer:
		if loInf {
			m.line("MI", "BND", c.Name)
		} else {
			m.line("LO", "BND", c.Name, numStr(c.Lo))
		}
		if hiInf {
			m.line("PL", "BND", c.Name)
		} else {
			m.line("UP", "BND", c.Name, numStr(c.Hi))
		}
	case loInf && hiInf:
		m.line("FR", "BND", c.Name)
	default:
		if loInf {
			m.line("MI", "BND", c.Name)
		} else if c.Lo != 0 {
			m.line("LO", "BND", c.Name, numStr(c.Lo))
		}
		if !hiInf {
			m.line("UP", "BND", c.Name, numStr(c.Hi))
		}
	}
}

// columnMajor is the written part of the matrix by columns: the entries
// of column j are row[k], val[k] for k in [start[j], start[j+1]), in row
// order.
type columnMajor struct {
	start []int
	row   []int32
	val   []float64
}

// transpose returns the nonzero coefficients of the rows that are not
// free, by columns.
func (p *Problem) transpose() columnMajor {
	count := make([]int, len(p.Cols)+1)
	p.eachWritten(func(_, j int, _ float64) { count[j+1]++ })
	for j := 1; j <= len(p.Cols); j++ {
		count[j] += count[j-1]
	}
	t := columnMajor{start: count, row: make([]int32, count[len(p.Cols)])}
	t.val = make([]float64, len(t.row))
	next := make([]int, len(p.Cols))
	copy(next, t.start[:len(p.Cols)])
	p.eachWritten(func(i, j int, v float64) {
		t.row[next[j]] = int32(i)
		t.val[next[j]] = v
		next[j]++
	})
	return t
}

// eachWritten calls fn(i, j, v) for every nonzero coefficient v of
// column j in row i, rows that are not free only, in row order.
func (p *Problem) eachWritten(fn func(i, j int, v float64)) {
	for i := range p.Rows {
		r := &p.Rows[i]
		if r.isFree() {
			continue
		}
		for k, j := range r.Ind {
			if r.Val[k] != 0 {
				fn(i, j, r.Val[k])
			}
		}
	}
}
