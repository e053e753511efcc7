package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/bench/sweep"
)

var tinySweep = []string{"sweep", tinyPath, "--set", "policy.credit_line=0:80:40", "--set", "policy.subsidy.joint_rnd=0,0.2", "-q"}

func sweepArgs(extra ...string) []string {
	return append(append([]string(nil), tinySweep...), extra...)
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// withoutTimings is a cell file without its "timings" field.
func withoutTimings(t *testing.T, b []byte) string {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	delete(m, "timings")
	out, _ := json.Marshal(m)
	return string(out)
}

// TestSweepShardedMatchesUnsharded: three shards merged give the same
// sweep.csv, sweep.json and charts as one unsharded run; the cell files
// agree apart from their timings; --resume skips valid cells; merge exits
// 3 naming the shard of a missing cell.
func TestSweepShardedMatchesUnsharded(t *testing.T) {
	dir := t.TempDir()
	one, three := filepath.Join(dir, "one"), filepath.Join(dir, "three")
	wantCode(t, ofdi(t, sweepArgs("--out", one)...), exitOK)
	for i := range 3 {
		wantCode(t, ofdi(t, sweepArgs("--out", three, "--shard", []string{"0/3", "1/3", "2/3"}[i])...), exitOK)
	}
	if _, err := os.Stat(filepath.Join(three, sweep.CSVFile)); err == nil {
		t.Fatal("a sharded run wrote sweep.csv before merge")
	}
	wantCode(t, ofdi(t, "sweep", "merge", three, "-q"), exitOK)
	for _, f := range []string{sweep.CSVFile, sweep.JSONFile, filepath.Join(sweep.ChartsDir, "objective--policy.credit_line.svg")} {
		if !bytes.Equal(readFile(t, filepath.Join(one, f)), readFile(t, filepath.Join(three, f))) {
			t.Errorf("%s differs between the sharded and unsharded runs", f)
		}
	}
	csv := string(readFile(t, filepath.Join(one, sweep.CSVFile)))
	if n := strings.Count(csv, "\n"); n != 1+6*3 {
		t.Errorf("sweep.csv has %d lines, want 19 (header + 6 cells x 3 methods):\n%s", n, csv)
	}
	wantContains(t, "sweep.csv", csv, "instance,cell,policy.credit_line,policy.subsidy.joint_rnd,method,status,objective,bound,gap,info_cost,",
		"tiny,1,0,0.2,cluster,optimal,-97,", "sme_participation", "targets_met")

	cells, _ := filepath.Glob(filepath.Join(one, sweep.CellsDir, "*.json"))
	if len(cells) != 6 {
		t.Fatalf("%d cell files, want 6", len(cells))
	}
	for _, c := range cells {
		a, b := readFile(t, c), readFile(t, filepath.Join(three, sweep.CellsDir, filepath.Base(c)))
		if withoutTimings(t, a) != withoutTimings(t, b) {
			t.Errorf("%s differs apart from timings", filepath.Base(c))
		}
	}

	// --resume: every cell is valid, nothing is solved again.
	r := ofdi(t, append(sweepArgs("--out", one, "--resume"), "-q=false")...)
	wantCode(t, r, exitOK)
	wantContains(t, "stderr", r.stderr, "0 cells solved, 6 skipped")

	// A damaged cell file counts as missing; a missing one too: merge
	// exits 3 with the shards to run again.
	var m0 sweep.Manifest
	json.Unmarshal(readFile(t, filepath.Join(three, sweep.ManifestFile)), &m0)
	os.WriteFile(filepath.Join(three, sweep.CellsDir, m0.Cells[2].Key+".json"), []byte("{"), 0o644)
	r = ofdi(t, "sweep", "merge", three)
	wantCode(t, r, exitInfeasible)
	wantContains(t, "stdout", r.stdout, "--array=2\n")
	wantCode(t, ofdi(t, sweepArgs("--out", three, "--shard", "2/3", "--resume")...), exitOK)
	var m sweep.Manifest
	json.Unmarshal(readFile(t, filepath.Join(three, sweep.ManifestFile)), &m)
	os.Remove(filepath.Join(three, sweep.CellsDir, m.Cells[4].Key+".json"))
	r = ofdi(t, "sweep", "merge", three)
	wantCode(t, r, exitInfeasible)
	wantContains(t, "stdout", r.stdout, "--array=1\n")
	// --resume in that shard restores it.
	wantCode(t, ofdi(t, sweepArgs("--out", three, "--shard", "1/3", "--resume")...), exitOK)
	wantCode(t, ofdi(t, "sweep", "merge", three, "-q"), exitOK)
}

// TestSweepInfeasibleIsAResult: an infeasible cell exits 0 and is in the table.
func TestSweepInfeasibleIsAResult(t *testing.T) {
	out := t.TempDir()
	wantCode(t, ofdi(t, "sweep", infeasiblePath, "--set", "policy.credit_line=0,10", "--methods", "cluster", "--out", out, "-q"), exitOK)
	wantContains(t, "sweep.csv", string(readFile(t, filepath.Join(out, sweep.CSVFile))), ",cluster,infeasible,")
}

// TestSweepBadInput: bad input exits 2 before any cell is written.
func TestSweepBadInput(t *testing.T) {
	for _, args := range [][]string{
		{"sweep", tinyPath, "--set", "policy.credit_lin=1"},
		{"sweep", tinyPath, "--set", "policy.credit_line=-1,1"},
		{"sweep", tinyPath, "--set", "policy.credit_line=1:0:1"},
		{"sweep", tinyPath, "--methods", "cluster,cluster-fair"},
		{"sweep", tinyPath, "--shard", "3/3"},
		{"sweep", tinyPath, "--shards", "3"},
		{"sweep", tinyPath, "--jobs", "-1"},
		{"sweep", "no-such.json"},
		{"sweep", tinyPath, tinyPath},
	} {
		out := filepath.Join(t.TempDir(), "out")
		r := ofdi(t, append(args, "--out", out, "-q")...)
		wantCode(t, r, exitBadInput)
		if cells, _ := filepath.Glob(filepath.Join(out, sweep.CellsDir, "*")); len(cells) > 0 {
			t.Errorf("%v wrote cells", args)
		}
	}
	wantCode(t, ofdi(t, "sweep", tinyPath), exitBadInput) // no --out
	wantCode(t, ofdi(t, "sweep", "merge", t.TempDir()), exitBadInput)
	// Another grid in the same folder.
	out := t.TempDir()
	wantCode(t, ofdi(t, "sweep", tinyPath, "--set", "policy.credit_line=0", "--methods", "independent", "--out", out, "-q"), exitOK)
	wantCode(t, ofdi(t, "sweep", tinyPath, "--set", "policy.credit_line=1", "--methods", "independent", "--out", out, "-q"), exitBadInput)
}

func TestResolveShard(t *testing.T) {
	env := func(kv ...string) func(string) string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	tests := []struct {
		flag   string
		shards int
		env    func(string) string
		want   sweep.Shard
		err    bool
	}{
		{"", 0, env(), sweep.Shard{Index: 0, Count: 1}, false},
		{"2/5", 0, env("SLURM_ARRAY_TASK_ID", "1"), sweep.Shard{Index: 2, Count: 5}, false},
		{"2/5", 4, env(), sweep.Shard{}, true},
		{"", 4, env("JOB_COMPLETION_INDEX", "3"), sweep.Shard{Index: 3, Count: 4}, false},
		{"", 0, env("JOB_COMPLETION_INDEX", "3"), sweep.Shard{}, true},
		{"", 4, env("JOB_COMPLETION_INDEX", "4"), sweep.Shard{}, true},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "3"), sweep.Shard{Index: 2, Count: 3}, false},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "14", "SLURM_ARRAY_TASK_MIN", "10", "SLURM_ARRAY_TASK_STEP", "2", "SLURM_ARRAY_TASK_COUNT", "3"), sweep.Shard{Index: 2, Count: 3}, false},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "13", "SLURM_ARRAY_TASK_MIN", "10", "SLURM_ARRAY_TASK_STEP", "2", "SLURM_ARRAY_TASK_COUNT", "3"), sweep.Shard{}, true},
		{"", 0, env("SLURM_ARRAY_TASK_ID", "1"), sweep.Shard{}, true},
		{"", 3, env(), sweep.Shard{}, true},
	}
	for i, tc := range tests {
		got, err := resolveShard(tc.flag, tc.shards, tc.env)
		if (err != nil) != tc.err || (!tc.err && got != tc.want) {
			t.Errorf("case %d: got %v, %v; want %v (error %v)", i, got, err, tc.want, tc.err)
		}
	}
}

// TestSweepWarmRepeatable: with --warm, cells after the first of a chain
// start from the previous cell's plan, and the same shard run twice writes
// the same cell files apart from their timings.
func TestSweepWarmRepeatable(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a"), filepath.Join(dir, "b")
	for _, out := range []string{a, b} {
		wantCode(t, ofdi(t, sweepArgs("--out", out, "--warm", "--shard", "0/2", "--methods", "cluster")...), exitOK)
	}
	cells, _ := filepath.Glob(filepath.Join(a, sweep.CellsDir, "*.json"))
	if len(cells) != 3 {
		t.Fatalf("%d cells in shard 0/2, want 3", len(cells))
	}
	warm := 0
	for _, c := range cells {
		x, y := readFile(t, c), readFile(t, filepath.Join(b, sweep.CellsDir, filepath.Base(c)))
		if withoutTimings(t, x) != withoutTimings(t, y) {
			t.Errorf("%s differs apart from timings", filepath.Base(c))
		}
		var r sweep.CellResult
		json.Unmarshal(x, &r)
		if r.Timings.WarmFrom != nil {
			warm++
		}
	}
	// Shard 0/2 holds cells 0, 2, 4: (credit 0, subsidy 0), (40, 0), (80, 0),
	// each the only cell of its row in this shard: all cold.
	if warm != 0 {
		t.Errorf("%d warm-started cells in shard 0/2, want 0", warm)
	}
	// Unsharded, cells 1, 3, 5 follow cells 0, 2, 4 in their rows.
	one := filepath.Join(dir, "one")
	wantCode(t, ofdi(t, sweepArgs("--out", one, "--warm", "--methods", "cluster")...), exitOK)
	var j struct {
		Rows []sweep.Row `json:"rows"`
	}
	json.Unmarshal(readFile(t, filepath.Join(one, sweep.JSONFile)), &j)
	warm = 0
	cells, _ = filepath.Glob(filepath.Join(one, sweep.CellsDir, "*.json"))
	for _, c := range cells {
		var r sweep.CellResult
		json.Unmarshal(readFile(t, c), &r)
		if r.Timings.WarmFrom != nil {
			if *r.Timings.WarmFrom != r.Index-1 {
				t.Errorf("cell %d warm-started from %d", r.Index, *r.Timings.WarmFrom)
			}
			warm++
		}
	}
	if warm != 3 || len(j.Rows) != 6 {
		t.Errorf("%d warm-started cells and %d rows, want 3 and 6", warm, len(j.Rows))
	}
}
