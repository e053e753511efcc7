package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
)

func TestRunChildTimestampsAndKills(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	dir := t.TempDir()
	res, err := runChild(context.Background(), child{
		args:    []string{"sh", "-c", "echo first; echo oops >&2; exec sleep 30"},
		hard:    300 * time.Millisecond,
		logPath: filepath.Join(dir, "x.log"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if !res.killed || res.exit != -1 || res.wall > 5*time.Second {
		t.Errorf("killed %v exit %d wall %s, want killed by signal soon after 300ms", res.killed, res.exit, res.wall)
	}
	if len(res.lines) != 2 || res.lines[0].Text != "first" || res.lines[1].Text != "oops" || res.lines[0].T > 0.3 {
		t.Errorf("lines %+v", res.lines)
	}
	f, err := os.Open(filepath.Join(dir, "x.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	back, err := readTimedLines(f)
	if err != nil || len(back) != 2 || back[1].Text != "oops" {
		t.Errorf("log read back as %+v, %v", back, err)
	}

	res, err = runChild(context.Background(), child{args: []string{"sh", "-c", "exit 3"}, logPath: filepath.Join(dir, "y.log")})
	if err != nil || res.killed || res.exit != 3 {
		t.Errorf("exit 3: %+v, %v", res, err)
	}
	if _, err := runChild(context.Background(), child{args: []string{filepath.Join(dir, "missing")}, logPath: filepath.Join(dir, "z.log")}); err == nil {
		t.Error("a missing program ran")
	}
}

// TestSmoke runs the harness end to end on a 30-firm family with a 2 s
// limit: ofdi, glpsol and cbc all solve it to optimality within a second.
func TestSmoke(t *testing.T) {
	if testing.Short() {
		t.Skip("builds ofdi and runs three solvers")
	}
	for _, p := range []string{"go", "glpsol", "cbc"} {
		if _, err := exec.LookPath(p); err != nil {
			t.Skipf("%s not installed", p)
		}
	}
	ctx := context.Background()
	dir := t.TempDir()
	bin, err := buildOfdi(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var log strings.Builder
	cfg := config{
		families:   []Family{{Name: "T", Firms: 30, Opportunities: 20, Markets: 5, Limit: 2 * time.Second, Target: Target{Gap: 0.005}}},
		shapes:     []gen.Shape{{}},
		seeds:      []uint64{1},
		limitScale: 1,
		solvers:    allSolvers,
		out:        dir,
		ofdi:       bin,
		grace:      20 * time.Second,
		log:        &log,
	}
	rep, err := run(ctx, cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(rep.Rows) != 3 {
		t.Fatalf("%d rows, want 3:\n%s", len(rep.Rows), log.String())
	}
	// gen-30x20x5-s1's optimum, as bench/README.md reports it.
	const optimum = -760.414
	for _, r := range rep.Rows {
		if r.Status != statusOptimal || r.Objective == nil || *r.Objective > optimum+0.01 || *r.Objective < optimum-0.01 ||
			r.FirstPlanSeconds == nil || *r.FirstPlanSeconds > r.WallSeconds || r.PeakMiB <= 0 || r.Target != "met" {
			t.Errorf("%s: %+v", r.Solver, r)
		}
		if (r.Solver == solverOfdi) != (r.Check == "pass") {
			t.Errorf("%s: check %q", r.Solver, r.Check)
		}
	}
	if in := rep.Instances[0]; in.LPBytes == 0 || in.ExportError != "" {
		t.Errorf("instance %+v", in)
	}
	for _, f := range []string{markdownFile, jsonFile, "instances/gen-30x20x5-s1.json", "plans/gen-30x20x5-s1.ofdi.json",
		"logs/gen-30x20x5-s1.ofdi.log", "logs/gen-30x20x5-s1.glpsol.log", "logs/gen-30x20x5-s1.cbc.log"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	if lps, _ := os.ReadDir(filepath.Join(dir, lpDir)); len(lps) != 0 {
		t.Errorf("LP files left without --keep-lp: %v", lps)
	}
}
