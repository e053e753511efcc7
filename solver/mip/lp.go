package mip

import (
	"bufio"
	"io"
	"math"
)

// WriteLP validates the problem and writes it to w in CPLEX LP format, as
// read by `glpsol --lp` and `cbc`. The output depends only on the problem.
//
// Sections: Minimize, Subject To, Bounds, Generals, Binaries, End. Lines
// are wrapped before 250 characters. Every column with no coefficient in
// any written row gets a zero term in the objective so that readers know
// it. Details of the encoding:
//
//   - The objective is named ObjName (see there).
//   - A nonzero ObjConst is written as the coefficient of an extra column
//     named ObjConstName, fixed at 1.
//   - A ranged row (finite Lo < Hi) named r is written as two rows,
//     r_lo (≥ Lo) and r_hi (≤ Hi), with a numeric suffix added to either
//     name if a row already has it.
//   - Free rows (both limits infinite) are omitted.
//   - Zero coefficients are omitted; a row left with no term is written
//     with the term 0·x of its first column (or, in a problem without
//     columns, of an extra column named "zero" fixed at 0).
//   - Binary columns are listed under Binaries and get no bounds; Integer
//     columns are listed under Generals.
func (p *Problem) WriteLP(w io.Writer) error {
	if err := p.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	l := p.layout()
	e := errWriter{bw}
	lw := &lpLine{w: e}

	zeroCol := "" // column for 0·x terms
	if len(p.Cols) > 0 {
		zeroCol = p.Cols[0].Name
	} else if l.constCol != "" {
		zeroCol = l.constCol
	} else {
		zeroCol = uniqueName(zeroColName, p.colNames())
	}

	e.str("\\ Problem: ")
	e.str(p.Name)
	e.str("\n")
	if l.constCol != "" {
		e.str("\\ Column " + l.constCol + " is fixed at 1 and carries the objective constant.\n")
	}

	// Objective.
	inRow := make([]bool, len(p.Cols))
	for i := range p.Rows {
		r := &p.Rows[i]
		if r.isFree() {
			continue
		}
		for k, j := range r.Ind {
			if r.Val[k] != 0 {
				inRow[j] = true
			}
		}
	}
	e.str("Minimize\n")
	lw.start(" " + l.obj + ":")
	terms := 0
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Obj != 0 || !inRow[j] {
			lw.term(c.Obj, c.Name)
			terms++
		}
	}
	if l.constCol != "" {
		lw.term(p.ObjConst, l.constCol)
		terms++
	}
	if terms == 0 {
		lw.term(0, zeroCol)
	}
	lw.end("")

	// Constraints.
	e.str("Subject To\n")
	rowTaken := make(map[string]bool, len(p.Rows)+1)
	for i := range p.Rows {
		rowTaken[p.Rows[i].Name] = true
	}
	rowTaken[l.obj] = true
	for i := range p.Rows {
		r := &p.Rows[i]
		switch {
		case r.isFree():
		case r.Lo == r.Hi:
			p.lpRow(lw, r.Name, r, " = ", r.Lo, zeroCol)
		case math.IsInf(r.Lo, -1):
			p.lpRow(lw, r.Name, r, " <= ", r.Hi, zeroCol)
		case math.IsInf(r.Hi, 1):
			p.lpRow(lw, r.Name, r, " >= ", r.Lo, zeroCol)
		default:
			p.lpRow(lw, uniqueName(r.Name+"_lo", rowTaken), r, " >= ", r.Lo, zeroCol)
			p.lpRow(lw, uniqueName(r.Name+"_hi", rowTaken), r, " <= ", r.Hi, zeroCol)
		}
	}

	// Bounds.
	e.str("Bounds\n")
	var b []byte
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Kind == Binary {
			continue
		}
		b = b[:0]
		loInf, hiInf := math.IsInf(c.Lo, -1), math.IsInf(c.Hi, 1)
		switch {
		case c.Lo == 0 && hiInf:
			continue // the default
		case loInf && hiInf:
			b = append(b, ' ')
			b = append(b, c.Name...)
			b = append(b, " free"...)
		case c.Lo == c.Hi:
			b = append(b, ' ')
			b = append(b, c.Name...)
			b = append(b, " = "...)
			b = appendNum(b, c.Lo)
		case hiInf:
			b = append(b, ' ')
			b = append(b, c.Name...)
			b = append(b, " >= "...)
			b = appendNum(b, c.Lo)
		default:
			if loInf {
				b = append(b, " -inf"...)
			} else {
				b = append(b, ' ')
				b = appendNum(b, c.Lo)
			}
			b = append(b, " <= "...)
			b = append(b, c.Name...)
			b = append(b, " <= "...)
			b = appendNum(b, c.Hi)
		}
		b = append(b, '\n')
		e.bytes(b)
	}
	if l.constCol != "" {
		e.str(" " + l.constCol + " = 1\n")
	}
	if zeroCol != "" && len(p.Cols) == 0 && l.constCol == "" {
		e.str(" " + zeroCol + " = 0\n")
	}

	// Integer sections.
	for _, sec := range [...]struct {
		head string
		kind Kind
	}{{"Generals\n", Integer}, {"Binaries\n", Binary}} {
		head := sec.head
		for j := range p.Cols {
			if p.Cols[j].Kind == sec.kind {
				e.str(head)
				head = ""
				e.str(" " + p.Cols[j].Name + "\n")
			}
		}
	}
	e.str("End\n")
	return bw.Flush()
}

// lpRow writes one constraint.
func (p *Problem) lpRow(lw *lpLine, name string, r *Row, sense string, rhs float64, zeroCol string) {
	lw.start(" " + name + ":")
	terms := 0
	for k, j := range r.Ind {
		if r.Val[k] != 0 {
			lw.term(r.Val[k], p.Cols[j].Name)
			terms++
		}
	}
	if terms == 0 {
		lw.term(0, zeroCol)
	}
	lw.end(sense + string(appendNum(nil, rhs)))
}

// lpLine writes a linear form, wrapping lines before maxLine characters.
// Continuation lines start with two blanks and a sign, so that no keyword
// can start a line.
type lpLine struct {
	w   errWriter
	buf []byte
	n   int // length of the current line
}

func (l *lpLine) start(head string) {
	l.w.str(head)
	l.n = len(head)
}

func (l *lpLine) term(coef float64, name string) {
	l.buf = l.buf[:0]
	if coef < 0 {
		l.buf = append(l.buf, " - "...)
		coef = -coef
	} else {
		l.buf = append(l.buf, " + "...)
	}
	l.buf = appendNum(l.buf, coef)
	l.buf = append(l.buf, ' ')
	l.buf = append(l.buf, name...)
	l.put(l.buf)
}

func (l *lpLine) put(b []byte) {
	if l.n+len(b) > maxLine {
		l.w.str("\n ")
		l.n = 1
	}
	l.w.bytes(b)
	l.n += len(b)
}

func (l *lpLine) end(tail string) {
	l.put([]byte(tail))
	l.w.str("\n")
	l.n = 0
}
