package solver_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/mip"
)

// crossCases are generated small clusters of varied size.
func crossCases() []gen.Config {
	var out []gen.Config
	for seed := uint64(1); seed <= 22; seed++ {
		out = append(out, gen.Config{
			Firms:         10 + int(seed*7)%21,
			Opportunities: 6 + int(seed)%15,
			Markets:       3 + int(seed)%4,
			Seed:          seed + 1000,
		})
	}
	return out
}

// TestOptimumMatchesIndependentSolver: on generated small clusters, the
// optimum ofdi reports equals the optimum CBC (and, on the smaller ones,
// glpsol) finds on the model file that ofdi export writes, and every plan
// passes the independent checker.
func TestOptimumMatchesIndependentSolver(t *testing.T) {
	cbc, err := exec.LookPath("cbc")
	if err != nil {
		t.Fatal("cbc not found: install coinor-cbc (the README's setup does)")
	}
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	cases := crossCases()
	if testing.Short() {
		cases = cases[:6]
	}
	dir := t.TempDir()
	for _, cfg := range cases {
		name := fmt.Sprintf("gen-%dx%dx%d-s%d", cfg.Firms, cfg.Opportunities, cfg.Markets, cfg.Seed)
		t.Run(name, func(t *testing.T) {
			inst := gen.Generate(cfg)
			res, err := solver.Solve(context.Background(), inst, solver.Options{TimeLimit: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != solver.Optimal {
				t.Fatalf("status %s, want optimal", res.Status)
			}
			if rep := check.Check(inst, res.Plan(), check.Options{}); !rep.OK() {
				t.Fatalf("plan fails the checker: %v", rep.Err())
			}
			fm, err := cluster.Build(model.Derive(inst))
			if err != nil {
				t.Fatal(err)
			}
			lp := filepath.Join(dir, name+".lp")
			writeLP(t, fm.Prob, lp)
			want := cbcOptimum(t, cbc, lp)
			vbCheckBounds(t, inst, want)
			if !close(res.Objective, want) {
				t.Errorf("ofdi optimum %.9g, cbc %.9g", res.Objective, want)
			}
			if cfg.Firms <= 20 {
				if g, ok := glpsolOptimum(t, glpsol, lp); ok && !close(res.Objective, g) {
					t.Errorf("ofdi optimum %.9g, glpsol %.9g", res.Objective, g)
				}
			}
		})
	}
}

func close(a, b float64) bool {
	return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b))
}

var cbcObj = regexp.MustCompile(`^Optimal - objective value (\S+)`)

// cbcOptimum solves lp with CBC and returns the proven optimum.
func cbcOptimum(t *testing.T, cbc, lp string) float64 {
	t.Helper()
	v, ok := cbcSolve(t, cbc, lp)
	if !ok {
		t.Fatalf("cbc: %s is infeasible", lp)
	}
	return v
}

// cbcSolve solves lp with CBC: the proven optimum, or false when CBC
// proves it infeasible. Anything else fails the test.
// writeLP writes prob in CPLEX LP format to the file lp.
func writeLP(t *testing.T, prob *mip.Problem, lp string) {
	t.Helper()
	f, err := os.Create(lp)
	if err != nil {
		t.Fatal(err)
	}
	if err := prob.WriteLP(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func cbcSolve(t *testing.T, cbc, lp string) (float64, bool) {
	t.Helper()
	sol := lp + ".cbc.sol"
	cmd := exec.Command(cbc, lp, "ratio", "0", "allow", "0", "sec", "300", "solve", "solu", sol)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("cbc: %v\n%s", err, out)
	}
	f, err := os.Open(sol)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	line := sc.Text()
	if strings.HasPrefix(line, "Infeasible") || strings.HasPrefix(line, "Integer infeasible") {
		return 0, false
	}
	m := cbcObj.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("cbc did not prove optimality: %q", line)
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	return v, true
}

// glpsolOptimum solves lp with glpsol (60 s limit) and returns its optimum,
// or false when glpsol's defaults do not prove one in time.
func glpsolOptimum(t *testing.T, glpsol, lp string) (float64, bool) {
	t.Helper()
	status, v := glpsolRun(t, glpsol, lp, 60)
	if status != "INTEGER OPTIMAL" {
		t.Logf("glpsol did not prove optimality within 60 s (%s); compared with cbc only", status)
		return 0, false
	}
	return v, true
}
