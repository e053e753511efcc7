package mip

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// MaxNameLen is the longest name Validate accepts. GLPK allows 255
// characters, but cbc's LP reader rejects names longer than 100 and then
// renames every column.
const MaxNameLen = 100

// MaxAbs bounds the magnitude of every finite number in a valid problem.
// cbc treats numbers of magnitude 1e30 or more as infinite and GLPK does
// not, so such numbers would make the two solvers disagree.
const MaxAbs = 1e30

// The sentinel errors wrapped by the *Error values that Validate returns.
// Test for them with errors.Is.
var (
	ErrName          = errors.New("mip: invalid name")
	ErrDuplicateName = errors.New("mip: duplicate name")
	ErrNumber        = errors.New("mip: invalid number")
	ErrBounds        = errors.New("mip: invalid bounds")
	ErrKind          = errors.New("mip: invalid kind")
	ErrIndex         = errors.New("mip: column index out of range")
	ErrDuplicateCol  = errors.New("mip: column repeated in row")
	ErrLength        = errors.New("mip: len(Ind) != len(Val)")
)

// Error is a defect in a Problem found by Validate.
type Error struct {
	// Elem is "problem", "column" or "row".
	Elem string
	// Index is the index of the column or row, -1 for the problem.
	Index int
	// Name is the name of the column, row or problem (maybe empty).
	Name string
	// Detail describes the defect, e.g. "column index 17 out of range".
	Detail string
	// Err is one of the sentinel errors of this package.
	Err error
}

// Error returns a message such as
// `mip: row "budget_f3": column index 17 out of range`.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("mip: ")
	b.WriteString(e.Elem)
	if e.Name != "" {
		b.WriteString(" ")
		b.WriteString(strconv.Quote(e.Name))
	} else if e.Index >= 0 {
		b.WriteString(" #")
		b.WriteString(strconv.Itoa(e.Index))
	}
	b.WriteString(": ")
	b.WriteString(e.Detail)
	return b.String()
}

// Unwrap returns the sentinel error.
func (e *Error) Unwrap() error { return e.Err }

// keywords are the words of the CPLEX LP format (and a few that readers
// take for numbers) that must not be used as names: cbc silently misreads
// some of them, e.g. a column named "st".
var keywords = map[string]bool{
	"min": true, "minimize": true, "minimise": true, "minimum": true,
	"max": true, "maximize": true, "maximise": true, "maximum": true,
	"st": true, "s.t.": true, "st.": true, "subject": true, "such": true,
	"bound": true, "bounds": true,
	"gen": true, "general": true, "generals": true,
	"int": true, "integer": true, "integers": true,
	"bin": true, "binary": true, "binaries": true,
	"semi": true, "semis": true, "sos": true,
	"free": true, "inf": true, "infinity": true, "nan": true, "end": true,
}

// NameDefect reports why name is not a valid column, row or problem name,
// or returns "" if it is valid. A valid name is 1 to MaxNameLen characters
// long, made of ASCII letters, digits, '_' and '.', does not start with a
// digit or '.', and is not a keyword of the CPLEX LP format ("st", "end",
// "free", "inf", "bounds", ..., in any case). Such names can be written
// unchanged in CPLEX LP and free MPS files read by both glpsol and cbc.
// (GLPK's LP reader rejects '[' and ']', so they are not allowed.)
func NameDefect(name string) string {
	switch {
	case name == "":
		return "empty name"
	case len(name) > MaxNameLen:
		return fmt.Sprintf("name longer than %d characters", MaxNameLen)
	case name[0] >= '0' && name[0] <= '9', name[0] == '.':
		return fmt.Sprintf("name %q starts with %q", name, name[0])
	case keywords[strings.ToLower(name)]:
		return fmt.Sprintf("name %q is a keyword of the LP format", name)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' {
			continue
		}
		return fmt.Sprintf("name %q contains %q", name, c)
	}
	return ""
}

// Validate checks the problem and returns the first defect found as an
// *Error, or nil. It checks, in this order: the problem name and ObjConst;
// for each column, its name (see NameDefect) and uniqueness, kind, bounds
// (Lo ≤ Hi, Lo not +Inf, Hi not -Inf, integral or infinite for Integer
// columns, zero or [0, 1] for Binary ones) and objective coefficient; for
// each row, its name and uniqueness, its limits (Lo ≤ Hi, Lo not +Inf, Hi
// not -Inf), that len(Ind) == len(Val), that every index is in range and
// appears once, and that every coefficient is valid. Numbers are valid if
// they are finite with magnitude below MaxAbs (bounds and limits may also
// be infinite). NaN is never valid.
func (p *Problem) Validate() error {
	if p.Name != "" {
		if why := NameDefect(p.Name); why != "" {
			return &Error{Elem: "problem", Index: -1, Name: p.Name, Detail: why, Err: ErrName}
		}
	}
	if !finite(p.ObjConst) {
		return &Error{Elem: "problem", Index: -1, Name: p.Name,
			Detail: "objective constant " + fmtNum(p.ObjConst) + " not finite or too large", Err: ErrNumber}
	}
	colAt := make(map[string]int, len(p.Cols))
	for j := range p.Cols {
		c := &p.Cols[j]
		fail := func(err error, format string, args ...any) error {
			return &Error{Elem: "column", Index: j, Name: c.Name, Detail: fmt.Sprintf(format, args...), Err: err}
		}
		if why := NameDefect(c.Name); why != "" {
			return fail(ErrName, "%s", why)
		}
		if k, dup := colAt[c.Name]; dup {
			return fail(ErrDuplicateName, "name also used by column %d", k)
		}
		colAt[c.Name] = j
		switch c.Kind {
		case Continuous, Integer:
			if why := badBounds(c.Lo, c.Hi); why != "" {
				return fail(ErrBounds, "bounds %s", why)
			}
			if c.Kind == Integer {
				for _, v := range [2]float64{c.Lo, c.Hi} {
					if !math.IsInf(v, 0) && v != math.Floor(v) {
						return fail(ErrBounds, "integer column has fractional bound %s", fmtNum(v))
					}
				}
			}
		case Binary:
			if !(c.Lo == 0 && (c.Hi == 0 || c.Hi == 1)) {
				return fail(ErrBounds, "binary column has bounds [%s, %s]; leave them zero (binary means [0, 1]) or use an Integer column",
					fmtNum(c.Lo), fmtNum(c.Hi))
			}
		default:
			return fail(ErrKind, "unknown kind %d", int(c.Kind))
		}
		if !finite(c.Obj) {
			return fail(ErrNumber, "objective coefficient %s not finite or too large", fmtNum(c.Obj))
		}
	}
	rowAt := make(map[string]int, len(p.Rows))
	var seen []int32 // seen[j] == i+1 if column j already occurs in row i
	for i := range p.Rows {
		r := &p.Rows[i]
		fail := func(err error, format string, args ...any) error {
			return &Error{Elem: "row", Index: i, Name: r.Name, Detail: fmt.Sprintf(format, args...), Err: err}
		}
		if why := NameDefect(r.Name); why != "" {
			return fail(ErrName, "%s", why)
		}
		if k, dup := rowAt[r.Name]; dup {
			return fail(ErrDuplicateName, "name also used by row %d", k)
		}
		rowAt[r.Name] = i
		if why := badBounds(r.Lo, r.Hi); why != "" {
			return fail(ErrBounds, "limits %s", why)
		}
		if len(r.Ind) != len(r.Val) {
			return fail(ErrLength, "%d indices but %d values", len(r.Ind), len(r.Val))
		}
		if len(r.Ind) > 0 && seen == nil {
			seen = make([]int32, len(p.Cols))
		}
		for k, j := range r.Ind {
			if j < 0 || j >= len(p.Cols) {
				return fail(ErrIndex, "column index %d out of range", j)
			}
			if seen[j] == int32(i+1) {
				return fail(ErrDuplicateCol, "column %q (index %d) appears more than once", p.Cols[j].Name, j)
			}
			seen[j] = int32(i + 1)
			if !finite(r.Val[k]) {
				return fail(ErrNumber, "coefficient %s of column %q not finite or too large", fmtNum(r.Val[k]), p.Cols[j].Name)
			}
		}
	}
	return nil
}

// finite reports whether v is a valid finite number.
func finite(v float64) bool { return math.Abs(v) < MaxAbs } // false for NaN and ±Inf

// badBounds says what is wrong with the bounds [lo, hi], or returns "".
func badBounds(lo, hi float64) string {
	switch {
	case math.IsNaN(lo) || math.IsNaN(hi):
		return fmt.Sprintf("[%s, %s] contain NaN", fmtNum(lo), fmtNum(hi))
	case math.IsInf(lo, 1):
		return "have lower bound +Inf"
	case math.IsInf(hi, -1):
		return "have upper bound -Inf"
	case !math.IsInf(lo, 0) && !finite(lo), !math.IsInf(hi, 0) && !finite(hi):
		return fmt.Sprintf("[%s, %s] too large (|v| >= %g)", fmtNum(lo), fmtNum(hi), MaxAbs)
	case lo > hi:
		return fmt.Sprintf("[%s, %s] have lower > upper", fmtNum(lo), fmtNum(hi))
	}
	return ""
}

// fmtNum formats v in the shortest form that reads back exactly.
func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
