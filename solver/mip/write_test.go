package mip

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// mixed is a small MIP that uses every encoding feature of the writers.
// Its optimum is 1 (see the comments).
func mixed() *Problem {
	inf := math.Inf(1)
	p := &Problem{Name: "mixed", ObjConst: 7}
	a := p.AddCol(Col{Name: "a", Lo: 1, Hi: 10, Kind: Integer, Obj: 2})     // LO 1
	b := p.AddCol(Col{Name: "b", Kind: Binary, Obj: 3})                     // BV
	c := p.AddCol(Col{Name: "c", Lo: -inf, Hi: inf, Obj: -1})               // free
	d := p.AddCol(Col{Name: "d", Lo: 2.5, Hi: 2.5, Obj: 1})                 // fixed
	p.AddCol(Col{Name: "e", Lo: -inf, Hi: 4})                               // in no row, no cost
	f := p.AddCol(Col{Name: "f", Lo: -inf, Hi: inf, Kind: Integer, Obj: 1}) // free integer
	g := p.AddCol(Col{Name: "g", Lo: -5, Hi: -1, Kind: Integer, Obj: -1})   // negative integer
	h := p.AddCol(Col{Name: "h", Lo: 0, Hi: inf, Kind: Integer, Obj: -1})   // default bounds
	k := p.AddCol(Col{Name: "k", Lo: -inf, Hi: -1, Obj: 1})                 // MI + UP
	p.AddRow(Row{Name: "r1", Lo: 6.5, Hi: 6.5, Ind: []int{a, b, c}, Val: []float64{1, 1, 1}})
	p.AddRow(Row{Name: "r2", Lo: 2, Hi: 3.5, Ind: []int{c, a}, Val: []float64{1, -1}})
	p.AddRow(Row{Name: "r3", Lo: 2, Hi: inf, Ind: []int{a, b, c}, Val: []float64{1, 2, 0}})
	p.AddRow(Row{Name: "r4", Lo: -inf, Hi: 8, Ind: []int{c, d}, Val: []float64{1, 1}})
	p.AddRow(Row{Name: "r5", Lo: -inf, Hi: inf, Ind: []int{a, b}, Val: []float64{1, 1}})
	p.AddRow(Row{Name: "r6", Lo: 0.5, Hi: inf, Ind: []int{f, g}, Val: []float64{1, -1}})
	p.AddRow(Row{Name: "r7", Lo: -inf, Hi: 2.5, Ind: []int{h}, Val: []float64{1}})
	p.AddRow(Row{Name: "r8", Lo: -1, Hi: 1})                                          // empty ranged row
	p.AddRow(Row{Name: "r2_lo", Lo: -inf, Hi: 100, Ind: []int{a}, Val: []float64{1}}) // name clash
	p.AddRow(Row{Name: "obj", Lo: -inf, Hi: 100, Ind: []int{a}, Val: []float64{1}})   // name clash
	p.AddRow(Row{Name: "r9", Lo: -7, Hi: inf, Ind: []int{k}, Val: []float64{1}})
	// d = 2.5; c = 6.5-a-b; 3 ≤ 2a+b ≤ 4.5; a+2b ≥ 2 → (a,b) = (2,0) gives
	// 2a+3b-c = -0.5; f-g ≥ 0.5 gives f-g = 1; h = 2 gives -2; k = -7.
	// 7 + 2.5 - 0.5 + 1 - 2 - 7 = 1.
	return p
}

// writeFile writes p in the format of ext to a temporary file.
func writeFile(t *testing.T, p *Problem, ext string) string {
	t.Helper()
	var buf bytes.Buffer
	var err error
	if ext == "lp" {
		err = p.WriteLP(&buf)
	} else {
		err = p.WriteMPS(&buf)
	}
	if err != nil {
		t.Fatalf("Write%s: %v", strings.ToUpper(ext), err)
	}
	path := filepath.Join(t.TempDir(), p.Name+"."+ext)
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// solved is what an external solver reported.
type solved struct {
	feasible bool    // an optimal solution was found
	obj      float64 // its objective
	raw      string  // the solver's status line, for messages
}

func run(t *testing.T, name string, args ...string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	if bad := complaint.Find(out); bad != nil {
		t.Fatalf("%s %s complained (%q):\n%s", name, strings.Join(args, " "), bad, out)
	}
}

// complaint matches what glpsol and cbc print about input they dislike.
var complaint = regexp.MustCompile(`(?i)read with [1-9][0-9]* errors|errors on input|bad image|no match|###|invalid|warning|processing error|' not found|redefined`)

// glpsol solves the file with glpsol and reads its -w solution, whose
// first line is "s mip ROWS COLS STATUS OBJ" (MIP) or
// "s bas ROWS COLS PSTAT DSTAT OBJ" (LP).
func glpsol(t *testing.T, path string, isMIP bool) solved {
	t.Helper()
	format := "--lp"
	if strings.HasSuffix(path, ".mps") {
		format = "--freemps"
	}
	sol := path + ".glpsol"
	// glpsol exits with status 0 also for infeasible problems.
	run(t, "glpsol", format, path, "-w", sol)
	f, err := os.Open(sol)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 || fs[0] != "s" {
			continue
		}
		var s solved
		s.raw = sc.Text()
		var status string
		switch {
		case fs[1] == "mip" && len(fs) == 6:
			status = fs[4]
		case fs[1] == "bas" && len(fs) == 7:
			status = fs[4]
			if fs[5] != "f" {
				status = "d" + fs[5]
			}
		default:
			t.Fatalf("glpsol: unexpected solution line %q", sc.Text())
		}
		if isMIP != (fs[1] == "mip") {
			t.Fatalf("glpsol: solution line %q, want a MIP solution: %v", sc.Text(), isMIP)
		}
		s.feasible = status == "o" || status == "f"
		if s.feasible {
			if s.obj, err = strconv.ParseFloat(fs[len(fs)-1], 64); err != nil {
				t.Fatal(err)
			}
		}
		return s
	}
	t.Fatalf("glpsol: no solution line in %s", sol)
	return solved{}
}

// cbc solves the file with cbc and reads the first line of its solution
// file, e.g. "Optimal - objective value 8.00000000".
func cbc(t *testing.T, path string) solved {
	t.Helper()
	sol := path + ".cbc"
	run(t, "cbc", path, "solve", "solu", sol)
	data, err := os.ReadFile(sol)
	if err != nil {
		t.Fatal(err)
	}
	first, _, _ := strings.Cut(string(data), "\n")
	s := solved{raw: first}
	if strings.HasPrefix(first, "Optimal") {
		s.feasible = true
		i := strings.LastIndex(first, " ")
		if s.obj, err = strconv.ParseFloat(first[i+1:], 64); err != nil {
			t.Fatalf("cbc: %q: %v", first, err)
		}
	} else if !strings.HasPrefix(first, "Infeasible") && !strings.HasPrefix(first, "Integer infeasible") {
		t.Fatalf("cbc: unexpected status line %q", first)
	}
	return s
}

func needSolvers(t *testing.T) {
	for _, name := range []string{"glpsol", "cbc"} {
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s not installed", name)
		}
	}
}

// checkSolvers writes p as LP and MPS, solves both with glpsol and cbc, and
// checks that they find the optimum want (NaN: infeasible).
func checkSolvers(t *testing.T, p *Problem, want float64) {
	t.Helper()
	isMIP := p.NumIntegers() > 0
	for _, ext := range []string{"lp", "mps"} {
		path := writeFile(t, p, ext)
		for _, s := range []struct {
			name string
			got  solved
		}{
			{"glpsol", glpsol(t, path, isMIP)},
			{"cbc", cbc(t, path)},
		} {
			switch {
			case math.IsNaN(want) && s.got.feasible:
				t.Errorf("%s on %s: %q, want infeasible", s.name, ext, s.got.raw)
			case !math.IsNaN(want) && !s.got.feasible:
				t.Errorf("%s on %s: %q, want optimum %g", s.name, ext, s.got.raw, want)
			case !math.IsNaN(want) && math.Abs(s.got.obj-want) > 1e-6*math.Max(1, math.Abs(want)):
				t.Errorf("%s on %s: objective %.10g, want %g", s.name, ext, s.got.obj, want)
			}
		}
		if t.Failed() {
			data, _ := os.ReadFile(path)
			t.Logf("%s:\n%s", path, data)
			return
		}
	}
}

func TestWritersRoundTrip(t *testing.T) {
	needSolvers(t)
	inf := math.Inf(1)
	lp := &Problem{Name: "lp", Cols: []Col{ // names that clash with the writers' own
		{Name: "obj_const", Lo: -inf, Hi: inf, Obj: 1},
		{Name: "obj", Lo: -2, Hi: 3, Obj: 2},
	}, Rows: []Row{
		{Name: "c1", Lo: 1, Hi: inf, Ind: []int{0, 1}, Val: []float64{1, 1}},
		{Name: "c2", Lo: -4, Hi: 4, Ind: []int{0, 1}, Val: []float64{1, -1}},
	}, ObjConst: -0.25}
	// min x+2y: x+y ≥ 1, x-y ≤ 4 → x = y+4 at best, 2y+4 ≥ 1 → y = -1.5, x = 2.5;
	// objective 2.5 - 3 - 0.25.
	infeasible := &Problem{Name: "infeasible", Cols: []Col{
		{Name: "x", Kind: Binary, Obj: 1}, {Name: "y", Kind: Binary, Obj: 1},
	}, Rows: []Row{
		{Name: "c", Lo: 0.5, Hi: 0.7, Ind: []int{0, 1}, Val: []float64{1, 1}},
	}}
	long := &Problem{Name: "long"}
	ind, val := []int{}, []float64{}
	for j := range 300 {
		ind = append(ind, long.AddCol(Col{Name: fmt.Sprintf("a_very_long_column_name_%03d", j), Kind: Binary, Obj: -1}))
		val = append(val, 1)
	}
	long.AddRow(Row{Name: "cap", Lo: -inf, Hi: 150, Ind: ind, Val: val})
	noCols := &Problem{Name: "nocols", ObjConst: 3, Rows: []Row{{Name: "r", Lo: -1, Hi: 2}}}
	emptyInfeasible := &Problem{Name: "emptyinf", Cols: []Col{{Name: "x", Hi: 1, Obj: 1}},
		Rows: []Row{{Name: "r", Lo: 1, Hi: 2}}}

	tests := []struct {
		p    *Problem
		want float64
	}{
		{mixed(), 1},
		{lp, -0.75},
		{infeasible, math.NaN()},
		{long, -150},
		{noCols, 3},
		{emptyInfeasible, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.p.Name, func(t *testing.T) { checkSolvers(t, tt.p, tt.want) })
	}
}

// TestWritersRandom checks the writers on random small pure integer
// problems, against an optimum found by enumeration.
func TestWritersRandom(t *testing.T) {
	needSolvers(t)
	rng := rand.New(rand.NewPCG(1, 2))
	infeasible := 0
	for k := range 12 {
		p := randomIntProblem(rng, fmt.Sprintf("rand%d", k))
		want := bruteForce(p)
		if math.IsNaN(want) {
			infeasible++
		}
		t.Run(p.Name, func(t *testing.T) { checkSolvers(t, p, want) })
	}
	if infeasible == 0 || infeasible == 12 {
		t.Errorf("%d of 12 random problems infeasible; want a mix", infeasible)
	}
}

func randomIntProblem(rng *rand.Rand, name string) *Problem {
	inf := math.Inf(1)
	p := &Problem{Name: name, ObjConst: float64(rng.IntN(21) - 10)}
	bounds := [][2]float64{{-3, 3}, {0, 2}, {1, 1}, {-2, 0}, {0, 0}}
	n := 4
	for j := range n {
		c := Col{Name: fmt.Sprintf("x%d", j), Obj: float64(rng.IntN(11) - 5)}
		if rng.IntN(4) == 0 {
			c.Kind = Binary
		} else {
			c.Kind = Integer
			b := bounds[rng.IntN(len(bounds))]
			c.Lo, c.Hi = b[0], b[1]
		}
		p.AddCol(c)
	}
	point := make([]float64, n) // a point inside the bounds, to make rows hold often
	for j := range n {
		lo, hi := p.Bounds(j)
		point[j] = lo + float64(rng.IntN(int(hi-lo)+1))
	}
	for i := range 4 {
		r := Row{Name: fmt.Sprintf("r%d", i)}
		for j := range n {
			if v := float64(rng.IntN(7) - 3); v != 0 && rng.IntN(3) > 0 {
				r.Ind = append(r.Ind, j)
				r.Val = append(r.Val, v)
			}
		}
		act := 0.0
		for k, j := range r.Ind {
			act += r.Val[k] * point[j]
		}
		switch rng.IntN(5) {
		case 0:
			r.Lo, r.Hi = act, act
		case 1:
			r.Lo, r.Hi = act-float64(rng.IntN(3)), act+float64(rng.IntN(3))+0.5
		case 2:
			r.Lo, r.Hi = act+float64(rng.IntN(3)-1), inf
		case 3:
			r.Lo, r.Hi = -inf, act+float64(rng.IntN(3)-1)
		case 4:
			r.Lo, r.Hi = -inf, inf
		}
		p.AddRow(r)
	}
	return p
}

// bruteForce returns the optimum of a pure integer problem with finite
// bounds, or NaN if it is infeasible.
func bruteForce(p *Problem) float64 {
	n := len(p.Cols)
	x := make([]float64, n)
	best := math.NaN()
	var rec func(j int)
	rec = func(j int) {
		if j == n {
			if p.CheckFeasible(x, 1e-9) == nil {
				if z := p.Objective(x); math.IsNaN(best) || z < best {
					best = z
				}
			}
			return
		}
		lo, hi := p.Bounds(j)
		for v := lo; v <= hi; v++ {
			x[j] = v
			rec(j + 1)
		}
	}
	rec(0)
	return best
}

func TestWritersDeterministicAndWrapped(t *testing.T) {
	p := mixed()
	long := &Problem{Name: "long"}
	var ind []int
	var val []float64
	for j := range 200 {
		ind = append(ind, long.AddCol(Col{Name: fmt.Sprintf("column_%d", j), Obj: float64(j) - 100.5}))
		val = append(val, 1.0/float64(j+1))
	}
	long.AddRow(Row{Name: "r", Lo: 1, Hi: 2, Ind: ind, Val: val})
	for _, p := range []*Problem{p, long} {
		for _, write := range []func(*Problem, *bytes.Buffer) error{
			func(p *Problem, b *bytes.Buffer) error { return p.WriteLP(b) },
			func(p *Problem, b *bytes.Buffer) error { return p.WriteMPS(b) },
		} {
			var b1, b2 bytes.Buffer
			if err := write(p, &b1); err != nil {
				t.Fatal(err)
			}
			if err := write(p, &b2); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
				t.Errorf("%s: two writes differ", p.Name)
			}
			for i, line := range strings.Split(b1.String(), "\n") {
				if len(line) > maxLine {
					t.Errorf("%s: line %d has %d characters", p.Name, i+1, len(line))
				}
			}
		}
	}
}

func TestWritersRejectInvalid(t *testing.T) {
	p := base()
	p.Rows[0].Ind[0] = 99
	var b bytes.Buffer
	if err := p.WriteLP(&b); err == nil || b.Len() != 0 {
		t.Errorf("WriteLP of an invalid problem: err %v, %d bytes written", err, b.Len())
	}
	if err := p.WriteMPS(&b); err == nil || b.Len() != 0 {
		t.Errorf("WriteMPS of an invalid problem: err %v, %d bytes written", err, b.Len())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("disk full") }

func TestWritersReportWriteErrors(t *testing.T) {
	p := mixed()
	if err := p.WriteLP(failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteLP: %v, want disk full", err)
	}
	if err := p.WriteMPS(failWriter{}); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteMPS: %v, want disk full", err)
	}
}

func TestAppendLPBound(t *testing.T) {
	inf := math.Inf(1)
	for _, tc := range []struct {
		col  Col
		want string // "" for no line
	}{
		{Col{Name: "x", Lo: 0, Hi: inf}, ""},
		{Col{Name: "x", Lo: -inf, Hi: inf}, " x free"},
		{Col{Name: "x", Lo: 2.5, Hi: 2.5}, " x = 2.5"},
		{Col{Name: "x", Lo: 0, Hi: 0}, " x = 0"},
		{Col{Name: "x", Lo: -3, Hi: inf}, " x >= -3"},
		{Col{Name: "x", Lo: -inf, Hi: 4}, " -inf <= x <= 4"},
		{Col{Name: "x", Lo: 0, Hi: 1e-7}, " 0 <= x <= 1e-07"},
		{Col{Name: "x", Lo: math.Copysign(0, -1), Hi: 1}, " 0 <= x <= 1"},
	} {
		b, ok := appendLPBound([]byte("junk"), &tc.col)
		got := ""
		if ok {
			got = string(b[len("junk"):])
		} else if string(b) != "junk" {
			t.Errorf("%+v: no line, but %q appended", tc.col, b)
		}
		if got != tc.want {
			t.Errorf("%+v: got %q, want %q", tc.col, got, tc.want)
		}
	}
}

func TestTranspose(t *testing.T) {
	inf := math.Inf(1)
	p := &Problem{Cols: make([]Col, 3)}
	p.AddRow(Row{Name: "a", Lo: 1, Hi: inf, Ind: []int{2, 0}, Val: []float64{5, 0}})
	p.AddRow(Row{Name: "free", Lo: -inf, Hi: inf, Ind: []int{0, 1}, Val: []float64{1, 1}})
	p.AddRow(Row{Name: "b", Lo: 1, Hi: 1, Ind: []int{0, 2}, Val: []float64{-1, 2}})
	tr := p.transpose()
	// Column 0: row b (its 0 in row a and the free row are left out);
	// column 1: nothing; column 2: rows a and b, in row order.
	wantStart := []int{0, 1, 1, 3}
	wantRow := []int32{2, 0, 2}
	wantVal := []float64{-1, 5, 2}
	if fmt.Sprint(tr.start) != fmt.Sprint(wantStart) || fmt.Sprint(tr.row) != fmt.Sprint(wantRow) || fmt.Sprint(tr.val) != fmt.Sprint(wantVal) {
		t.Errorf("transpose: start %v row %v val %v, want %v %v %v", tr.start, tr.row, tr.val, wantStart, wantRow, wantVal)
	}
}
