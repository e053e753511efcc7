package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestExportSolvedByOtherSolvers: the exported LP and MPS files have the
// optimum of the model, as found by glpsol and CBC.
func TestExportSolvedByOtherSolvers(t *testing.T) {
	for _, tc := range []struct {
		format string
		solver string
		// solve runs the solver in dir on file, writing its solution to sol.
		solve func(file, sol string) *exec.Cmd
		// objective reads the optimum from the solution file.
		objective *regexp.Regexp
	}{
		{
			format: "lp",
			solver: "glpsol",
			solve: func(file, sol string) *exec.Cmd {
				return exec.Command("glpsol", "--lp", file, "-o", sol)
			},
			objective: regexp.MustCompile(`(?m)^Status:\s+INTEGER OPTIMAL\s*\nObjective:\s+\S+ = (\S+) \(MINimum\)`),
		},
		{
			format: "mps",
			solver: "cbc",
			solve: func(file, sol string) *exec.Cmd {
				return exec.Command("cbc", file, "solve", "solu", sol)
			},
			objective: regexp.MustCompile(`(?m)^Optimal - objective value (\S+)`),
		},
	} {
		t.Run(tc.format, func(t *testing.T) {
			if _, err := exec.LookPath(tc.solver); err != nil {
				t.Skipf("%s not installed", tc.solver)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "tiny."+tc.format)
			r := ofdi(t, "export", tinyPath, "--format", tc.format, "-o", file)
			wantCode(t, r, exitOK)
			if r.stdout != "" {
				t.Errorf("stdout not empty with -o:\n%s", r.stdout)
			}
			if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"tiny." + tc.format}) {
				t.Errorf("directory holds %v, want only the exported file", names)
			}
			model := string(mustRead(t, file))
			// Readable names: project, participation, stake, lead, market.
			wantContains(t, file, model, "y_acq_de", "x_large1_acq_de", "s_sme1_rnd_de", "l_large1_acq_de", "u_de", "e_de_display", "w_sme2_rnd_de")

			sol := filepath.Join(dir, "solution.txt")
			cmd := tc.solve(file, sol)
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("%v: %v\n%s", cmd.Args, err, out)
			}
			m := tc.objective.FindStringSubmatch(string(mustRead(t, sol)))
			if m == nil {
				t.Fatalf("%s: no optimal objective in the solution:\n%s", tc.solver, mustRead(t, sol))
			}
			z, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			if !near(z, tinyOptimum) {
				t.Errorf("%s finds %g, want %d", tc.solver, z, tinyOptimum)
			}
		})
	}
}

func TestExportToStdout(t *testing.T) {
	lp := ofdi(t, "export", tinyPath)
	wantCode(t, lp, exitOK)
	wantContains(t, "LP", lp.stdout, "Minimize", "Subject To", "x_large1_acq_de", "End")
	if lp.stderr != "" {
		t.Errorf("stderr not empty (export prints no warnings):\n%s", lp.stderr)
	}

	// Flags after the file, short form.
	mps := ofdi(t, "export", tinyPath, "-f", "mps")
	wantCode(t, mps, exitOK)
	wantContains(t, "MPS", mps.stdout, "ROWS", "COLUMNS", "RHS", "BOUNDS", "ENDATA", "x_large1_acq_de")

	// Deterministic: the same bytes twice.
	if again := ofdi(t, "export", "--format", "mps", tinyPath); again.stdout != mps.stdout {
		t.Errorf("two MPS exports differ")
	}
}

func TestExportErrors(t *testing.T) {
	invalid := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "opportunities", 1)["market"] = "atlantis"
	})
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"unknown format", []string{"export", tinyPath, "--format", "nl"}, `"nl"`},
		{"missing file", []string{"export", "no-such-instance.json"}, "no such file"},
		{"invalid instance", []string{"export", invalid}, `unknown market "atlantis"`},
		{"no argument", []string{"export"}, "want exactly one"},
		{"unknown flag", []string{"export", tinyPath, "--time-limit", "1s"}, "time-limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, tc.args...)
			wantCode(t, r, exitBadInput)
			wantContains(t, "stderr", r.stderr, tc.msg)
			if strings.TrimSpace(r.stdout) != "" {
				t.Errorf("stdout not empty:\n%s", r.stdout)
			}
		})
	}
}

// TestExportInfeasible: export does not solve, so an infeasible instance
// exports fine, and glpsol confirms it has no integer solution.
func TestExportInfeasible(t *testing.T) {
	if _, err := exec.LookPath("glpsol"); err != nil {
		t.Skip("glpsol not installed")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "inf.lp")
	wantCode(t, ofdi(t, "export", infeasiblePath, "-o", file), exitOK)
	sol := filepath.Join(dir, "solution.txt")
	out, _ := exec.Command("glpsol", "--lp", file, "-o", sol).CombinedOutput()
	if !strings.Contains(strings.ToUpper(string(out)), "NO INTEGER FEASIBLE SOLUTION") &&
		!strings.Contains(strings.ToUpper(string(out)), "NO PRIMAL FEASIBLE SOLUTION") {
		data, _ := os.ReadFile(sol)
		t.Errorf("glpsol does not report the exported model infeasible:\n%s\n%s", out, data)
	}
}

// TestExportFair: with --sharing stakes the file carries a row 16 per firm
// whose outside option can bind, CBC's optimum of it is the optimum
// ofdi solve --sharing stakes reports, and a bad --sharing is refused.
func TestExportFair(t *testing.T) {
	if _, err := exec.LookPath("cbc"); err != nil {
		t.Fatal("cbc not found: install coinor-cbc (the README's setup does)")
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "fair.lp")
	r := ofdi(t, "export", tinyPath, "--sharing", "stakes", "-o", file)
	wantCode(t, r, exitOK)
	lp := string(mustRead(t, file))
	wantContains(t, file, lp, "fair_large1: + 60 s_large1_acq_de + 24 s_large1_rnd_de >= 54")
	if plain := ofdi(t, "export", tinyPath); strings.Contains(plain.stdout, "fair_") {
		t.Errorf("export without --sharing stakes writes rows 16")
	}
	sol := filepath.Join(dir, "fair.sol")
	if out, err := exec.Command("cbc", file, "solve", "solu", sol).CombinedOutput(); err != nil {
		t.Fatalf("cbc: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`(?m)^Optimal - objective value (\S+)`).FindStringSubmatch(string(mustRead(t, sol)))
	if m == nil {
		t.Fatalf("cbc: no optimum:\n%s", mustRead(t, sol))
	}
	z, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatal(err)
	}
	s := ofdi(t, "solve", tinyPath, "--sharing", "stakes", "-q")
	wantCode(t, s, exitOK)
	wantContains(t, "solve", s.stdout, "status optimal", "objective Z = "+strconv.FormatFloat(z, 'g', -1, 64)+" ", "price of fairness")
	bad := ofdi(t, "export", tinyPath, "--sharing", "equal")
	wantCode(t, bad, exitBadInput)
	wantContains(t, "stderr", bad.stderr, `"equal"`)
}
