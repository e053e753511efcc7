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
	e := errWriter{bw}
	l := p.layout()
	lw := &lpWriter{p: p, e: e, l: l, line: &lpLine{w: e}, zeroCol: p.zeroColumn(l)}
	lw.header()
	lw.objective()
	lw.constraints()
	lw.bounds()
	lw.integers()
	e.str("End\n")
	return bw.Flush()
}

// lpWriter writes one Problem in CPLEX LP format, one method per section.
type lpWriter struct {
	p       *Problem
	e       errWriter
	l       layout
	line    *lpLine // writes linear forms (the objective and the rows)
	zeroCol string  // the column of the 0·x term of a form left empty
	buf     []byte  // reused by bounds
}

// zeroColumn returns the column of the 0·x term written for a linear form
// with no term: the first column, else the objective-constant column,
// else a new column "zero" (see zeroColName).
func (p *Problem) zeroColumn(l layout) string {
	switch {
	case len(p.Cols) > 0:
		return p.Cols[0].Name
	case l.constCol != "":
		return l.constCol
	default:
		return uniqueName(zeroColName, p.colNames())
	}
}

// header writes the problem's name and the comment on the
// objective-constant column.
func (w *lpWriter) header() {
	w.e.str("\\ Problem: ")
	w.e.str(w.p.Name)
	w.e.str("\n")
	if w.l.constCol != "" {
		w.e.str("\\ Column " + w.l.constCol + " is fixed at 1 and carries the objective constant.\n")
	}
}

// objective writes the Minimize section: every column with a cost or
// with no coefficient in a written row (so that readers know it), then
// the objective constant.
func (w *lpWriter) objective() {
	p := w.p
	inRow := make([]bool, len(p.Cols))
	p.eachWritten(func(_, j int, _ float64) { inRow[j] = true })
	w.e.str("Minimize\n")
	w.line.start(" " + w.l.obj + ":")
	terms := 0
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Obj != 0 || !inRow[j] {
			w.line.term(c.Obj, c.Name)
			terms++
		}
	}
	if w.l.constCol != "" {
		w.line.term(p.ObjConst, w.l.constCol)
		terms++
	}
	if terms == 0 {
		w.line.term(0, w.zeroCol)
	}
	w.line.end("")
}

// constraints writes the Subject To section: free rows left out, a
// ranged row as the two rows name_lo and name_hi, suffixed when either
// name is taken.
func (w *lpWriter) constraints() {
	p := w.p
	w.e.str("Subject To\n")
	rowTaken := make(map[string]bool, len(p.Rows)+1)
	for i := range p.Rows {
		rowTaken[p.Rows[i].Name] = true
	}
	rowTaken[w.l.obj] = true
	for i := range p.Rows {
		r := &p.Rows[i]
		switch {
		case r.isFree():
		case r.Lo == r.Hi:
			w.row(r.Name, r, " = ", r.Lo)
		case math.IsInf(r.Lo, -1):
			w.row(r.Name, r, " <= ", r.Hi)
		case math.IsInf(r.Hi, 1):
			w.row(r.Name, r, " >= ", r.Lo)
		default:
			w.row(uniqueName(r.Name+"_lo", rowTaken), r, " >= ", r.Lo)
			w.row(uniqueName(r.Name+"_hi", rowTaken), r, " <= ", r.Hi)
		}
	}
}

// row writes one constraint.
func (w *lpWriter) row(name string, r *Row, sense string, rhs float64) {
	w.line.start(" " + name + ":")
	terms := 0
	for k, j := range r.Ind {
		if r.Val[k] != 0 {
			w.line.term(r.Val[k], w.p.Cols[j].Name)
			terms++
		}
	}
	if terms == 0 {
		w.line.term(0, w.zeroCol)
	}
	w.line.end(sense + string(appendNum(nil, rhs)))
}

// bounds writes the Bounds section: the bounds of every non-binary column
// that differ from the default [0, +Inf), then fixes the
// objective-constant column at 1 or the added zero column at 0.
func (w *lpWriter) bounds() {
	p := w.p
	w.e.str("Bounds\n")
	for j := range p.Cols {
		c := &p.Cols[j]
		if c.Kind == Binary {
			continue
		}
		if b, ok := appendLPBound(w.buf[:0], c); ok {
			w.buf = append(b, '\n')
			w.e.bytes(w.buf)
		}
	}
	if w.l.constCol != "" {
		w.e.str(" " + w.l.constCol + " = 1\n")
	}
	if w.zeroCol != "" && len(p.Cols) == 0 && w.l.constCol == "" {
		w.e.str(" " + w.zeroCol + " = 0\n")
	}
}

// appendLPBound appends the bound line of c, without its newline, to b;
// ok is false when c has the default bounds [0, +Inf) and needs no line.
func appendLPBound(b []byte, c *Col) (_ []byte, ok bool) {
	loInf, hiInf := math.IsInf(c.Lo, -1), math.IsInf(c.Hi, 1)
	switch {
	case c.Lo == 0 && hiInf:
		return b, false
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
	return b, true
}

// integers writes the Generals (Integer columns) and Binaries sections,
// each only when it has a column.
func (w *lpWriter) integers() {
	for _, sec := range [...]struct {
		head string
		kind Kind
	}{{"Generals\n", Integer}, {"Binaries\n", Binary}} {
		head := sec.head
		for j := range w.p.Cols {
			if w.p.Cols[j].Kind == sec.kind {
				w.e.str(head)
				head = ""
				w.e.str(" " + w.p.Cols[j].Name + "\n")
			}
		}
	}
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
