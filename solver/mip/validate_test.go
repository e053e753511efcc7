package mip

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// base returns a small valid problem; tests break one thing in it.
func base() *Problem {
	return &Problem{
		Name: "base",
		Cols: []Col{
			{Name: "x", Lo: 0, Hi: Inf, Obj: 1},
			{Name: "y", Kind: Binary, Obj: -2},
			{Name: "z", Lo: -3, Hi: 7, Kind: Integer},
		},
		Rows: []Row{
			{Name: "budget_f3", Lo: math.Inf(-1), Hi: 10, Ind: []int{0, 1, 2}, Val: []float64{1, 2, 3}},
			{Name: "eq", Lo: 1, Hi: 1, Ind: []int{1}, Val: []float64{1}},
		},
	}
}

func TestValidate(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		change func(p *Problem)
		err    error  // sentinel, nil if valid
		msg    string // substring of the message
	}{
		{"valid", func(p *Problem) {}, nil, ""},
		{"empty problem", func(p *Problem) { *p = Problem{} }, nil, ""},
		{"free row and columns", func(p *Problem) {
			p.Rows[0].Lo, p.Rows[0].Hi = -inf, inf
			p.Cols[0].Lo, p.Cols[0].Hi = -inf, inf
			p.Cols[2].Lo, p.Cols[2].Hi = -inf, inf
		}, nil, ""},
		{"binary with bounds 0 1", func(p *Problem) { p.Cols[1].Hi = 1 }, nil, ""},
		{"dots and underscores", func(p *Problem) { p.Cols[0].Name = "_a.b_c9" }, nil, ""},
		{"keyword-like but longer", func(p *Problem) { p.Cols[0].Name = "st1" }, nil, ""},

		{"index out of range", func(p *Problem) { p.Rows[0].Ind[2] = 17 },
			ErrIndex, `mip: row "budget_f3": column index 17 out of range`},
		{"negative index", func(p *Problem) { p.Rows[0].Ind[0] = -1 }, ErrIndex, "column index -1 out of range"},
		{"duplicate column in row", func(p *Problem) { p.Rows[0].Ind[2] = 0 },
			ErrDuplicateCol, `mip: row "budget_f3": column "x" (index 0) appears more than once`},
		{"length mismatch", func(p *Problem) { p.Rows[1].Val = nil }, ErrLength, `row "eq": 1 indices but 0 values`},
		{"empty column name", func(p *Problem) { p.Cols[2].Name = "" }, ErrName, "mip: column #2: empty name"},
		{"empty row name", func(p *Problem) { p.Rows[1].Name = "" }, ErrName, "mip: row #1: empty name"},
		{"duplicate column name", func(p *Problem) { p.Cols[2].Name = "x" }, ErrDuplicateName, `column "x": name also used by column 0`},
		{"duplicate row name", func(p *Problem) { p.Rows[1].Name = "budget_f3" }, ErrDuplicateName, "also used by row 0"},
		{"row may share a column name", func(p *Problem) { p.Rows[1].Name = "x" }, nil, ""},
		{"name with blank", func(p *Problem) { p.Cols[0].Name = "a b" }, ErrName, `contains ' '`},
		{"name with bracket", func(p *Problem) { p.Cols[0].Name = "x[1]" }, ErrName, `contains '['`},
		{"name with colon", func(p *Problem) { p.Rows[0].Name = "r:1" }, ErrName, `contains ':'`},
		{"name with non-ASCII", func(p *Problem) { p.Cols[0].Name = "xé" }, ErrName, "contains"},
		{"name starts with digit", func(p *Problem) { p.Cols[0].Name = "1x" }, ErrName, "starts with '1'"},
		{"name starts with dot", func(p *Problem) { p.Rows[0].Name = ".r" }, ErrName, "starts with '.'"},
		{"keyword st", func(p *Problem) { p.Cols[0].Name = "st" }, ErrName, "keyword"},
		{"keyword End", func(p *Problem) { p.Rows[0].Name = "End" }, ErrName, "keyword"},
		{"keyword INF", func(p *Problem) { p.Cols[0].Name = "INF" }, ErrName, "keyword"},
		{"keyword free", func(p *Problem) { p.Cols[0].Name = "free" }, ErrName, "keyword"},
		{"name too long", func(p *Problem) { p.Cols[0].Name = strings.Repeat("a", MaxNameLen+1) }, ErrName, "longer than"},
		{"name at max length", func(p *Problem) { p.Cols[0].Name = strings.Repeat("a", MaxNameLen) }, nil, ""},
		{"bad problem name", func(p *Problem) { p.Name = "my problem" }, ErrName, `mip: problem "my problem"`},
		{"lo > hi", func(p *Problem) { p.Cols[0].Hi = -1 }, ErrBounds, `column "x": bounds [0, -1] have lower > upper`},
		{"lo = +inf", func(p *Problem) { p.Cols[0].Lo = inf }, ErrBounds, "lower bound +Inf"},
		{"hi = -inf", func(p *Problem) { p.Cols[0].Hi = -inf }, ErrBounds, "upper bound -Inf"},
		{"NaN bound", func(p *Problem) { p.Cols[0].Lo = nan }, ErrBounds, "NaN"},
		{"huge bound", func(p *Problem) { p.Cols[0].Hi = 1e30 }, ErrBounds, "too large"},
		{"row lo > hi", func(p *Problem) { p.Rows[1].Lo = 2 }, ErrBounds, `row "eq": limits [2, 1] have lower > upper`},
		{"row NaN", func(p *Problem) { p.Rows[0].Hi = nan }, ErrBounds, "NaN"},
		{"row lo +inf", func(p *Problem) { p.Rows[0].Lo, p.Rows[0].Hi = inf, inf }, ErrBounds, "lower bound +Inf"},
		{"NaN coefficient", func(p *Problem) { p.Rows[0].Val[1] = nan }, ErrNumber, `coefficient NaN of column "y"`},
		{"Inf coefficient", func(p *Problem) { p.Rows[0].Val[1] = inf }, ErrNumber, "coefficient +Inf"},
		{"NaN objective", func(p *Problem) { p.Cols[0].Obj = nan }, ErrNumber, "objective coefficient NaN"},
		{"infinite objective", func(p *Problem) { p.Cols[0].Obj = -inf }, ErrNumber, "objective coefficient -Inf"},
		{"NaN constant", func(p *Problem) { p.ObjConst = nan }, ErrNumber, "objective constant NaN"},
		{"fractional integer bound", func(p *Problem) { p.Cols[2].Hi = 2.5 }, ErrBounds, "fractional bound 2.5"},
		{"infinite integer bounds", func(p *Problem) { p.Cols[2].Lo, p.Cols[2].Hi = -inf, inf }, nil, ""},
		{"binary with other bounds", func(p *Problem) { p.Cols[1].Lo, p.Cols[1].Hi = 1, 1 }, ErrBounds, "binary column has bounds [1, 1]"},
		{"unknown kind", func(p *Problem) { p.Cols[0].Kind = 7 }, ErrKind, "unknown kind 7"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := base()
			tt.change(p)
			err := p.Validate()
			if tt.err == nil {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("Validate() = %v, want an error wrapping %v", err, tt.err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Validate() = %T, want *Error", err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("Validate() = %q, want it to contain %q", err, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), "mip: ") {
				t.Errorf("Validate() = %q, want prefix \"mip: \"", err)
			}
		})
	}
}

func TestKindString(t *testing.T) {
	for k, want := range map[Kind]string{Continuous: "continuous", Binary: "binary", Integer: "integer", 9: "Kind(9)"} {
		if got := k.String(); got != want {
			t.Errorf("Kind(%d).String() = %q, want %q", int(k), got, want)
		}
	}
}

func TestHelpers(t *testing.T) {
	var p Problem
	if j := p.AddCol(Col{Name: "a", Kind: Binary, Obj: 1}); j != 0 {
		t.Errorf("AddCol = %d, want 0", j)
	}
	p.AddCol(Col{Name: "b", Hi: 5, Kind: Integer, Obj: 2})
	p.AddCol(Col{Name: "c", Lo: -1, Hi: 1, Obj: -1})
	if i := p.AddRow(Row{Name: "r", Lo: 1, Hi: Inf, Ind: []int{0, 1, 2}, Val: []float64{1, 1, 1}}); i != 0 {
		t.Errorf("AddRow = %d, want 0", i)
	}
	p.ObjConst = 10
	if got := p.NumBinaries(); got != 1 {
		t.Errorf("NumBinaries = %d, want 1", got)
	}
	if got := p.NumIntegers(); got != 2 {
		t.Errorf("NumIntegers = %d, want 2", got)
	}
	if got := p.NumNonzeros(); got != 3 {
		t.Errorf("NumNonzeros = %d, want 3", got)
	}
	if got := p.Objective([]float64{1, 2, 1}); got != 10+1+4-1 {
		t.Errorf("Objective = %g, want 14", got)
	}
	for _, tt := range []struct {
		x   []float64
		err error
		msg string
	}{
		{[]float64{1, 0, 0}, nil, ""},
		{[]float64{0, 0, 0.9999999}, nil, ""},
		{[]float64{0, 0, 0.5}, ErrInfeasible, `row "r": activity 0.5 below lower limit 1`},
		{[]float64{0.5, 1, 0}, ErrInfeasible, `binary column "a" = 0.5 not integral`},
		{[]float64{2, 0, 0}, ErrInfeasible, `column "a" = 2 above upper bound 1`},
		{[]float64{0, 1, -2}, ErrInfeasible, `column "c" = -2 below lower bound -1`},
		{[]float64{0, math.NaN(), 1}, ErrInfeasible, `column "b" is NaN`},
		{[]float64{1}, ErrSolutionLength, "1 values for 3 columns"},
	} {
		err := p.CheckFeasible(tt.x, 1e-6)
		if tt.err == nil {
			if err != nil {
				t.Errorf("CheckFeasible(%v) = %v, want nil", tt.x, err)
			}
			continue
		}
		if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("CheckFeasible(%v) = %v, want %v containing %q", tt.x, err, tt.err, tt.msg)
		}
	}
}

func TestNameDefect(t *testing.T) {
	for name, ok := range map[string]bool{
		"x": true, "budget_f3": true, "a.b": true, "_": true, "E1": true, "st2": true,
		"": false, "1a": false, ".a": false, "a-b": false, "a b": false, "x[1]": false, "Subject": false, "BINARY": false,
	} {
		if got := NameDefect(name) == ""; got != ok {
			t.Errorf("NameDefect(%q) = %q; want valid: %v", name, NameDefect(name), ok)
		}
	}
}
