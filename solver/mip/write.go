package mip

import (
	"bufio"
	"math"
	"strconv"
)

// Names the writers use for the extra items they may need.
const (
	// ObjName is the name the writers give the objective (row), or
	// ObjName followed by "_1", "_2", ... if a row has that name.
	ObjName = "obj"
	// ObjConstName is the name of the column the writers add if ObjConst
	// is not zero (with the same suffix rule). GLPK's LP reader does not
	// accept a constant in the objective, and glpsol and cbc read the
	// objective's right-hand side in MPS files with opposite signs, so
	// both writers carry the constant as the objective coefficient of this
	// column, fixed at 1.
	ObjConstName = "obj_const"
	// zeroColName names the column fixed at 0 that WriteLP adds to a
	// problem without columns, so that empty rows can be written.
	zeroColName = "zero"
)

// maxLine is the length at which WriteLP wraps lines.
const maxLine = 250

// layout holds the names the writers add to a problem.
type layout struct {
	obj      string // name of the objective
	constCol string // name of the column carrying ObjConst, "" if none
}

func (p *Problem) layout() layout {
	rowTaken := make(map[string]bool, len(p.Rows))
	for i := range p.Rows {
		rowTaken[p.Rows[i].Name] = true
	}
	l := layout{obj: uniqueName(ObjName, rowTaken)}
	if p.ObjConst != 0 {
		l.constCol = uniqueName(ObjConstName, p.colNames())
	}
	return l
}

func (p *Problem) colNames() map[string]bool {
	m := make(map[string]bool, len(p.Cols))
	for j := range p.Cols {
		m[p.Cols[j].Name] = true
	}
	return m
}

// uniqueName returns base, or base_1, base_2, ..., whichever is first not
// taken, and marks it taken.
func uniqueName(base string, taken map[string]bool) string {
	name := base
	for i := 1; taken[name]; i++ {
		name = base + "_" + strconv.Itoa(i)
	}
	taken[name] = true
	return name
}

// appendNum appends v in the shortest form that reads back exactly, with
// -0 written as 0.
func appendNum(b []byte, v float64) []byte {
	if v == 0 {
		return append(b, '0')
	}
	return strconv.AppendFloat(b, v, 'g', -1, 64)
}

// errWriter writes to a bufio.Writer, whose first error sticks and is
// returned by Flush.
type errWriter struct {
	w *bufio.Writer
}

func (e errWriter) str(s string)   { e.w.WriteString(s) }
func (e errWriter) bytes(b []byte) { e.w.Write(b) }

// isFree reports whether a row has no finite limit.
func (r *Row) isFree() bool { return math.IsInf(r.Lo, -1) && math.IsInf(r.Hi, 1) }
