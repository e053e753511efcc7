package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBenchTiny: the table names the three methods with tiny.md's
// objectives, and the out directory holds the CSV, JSON, charts and plans.
func TestBenchTiny(t *testing.T) {
	out := filepath.Join(t.TempDir(), "res")
	r := ofdi(t, "bench", tinyPath, "--stress", "200", "--out", out)
	wantCode(t, r, exitOK)
	wantContains(t, "table", r.stdout, "PLANS", "STRESS TEST", "WHAT COORDINATION IS WORTH",
		"cluster", "independent", "policy_push", "-97.0", "-70.0", "-57.0")
	wantContains(t, "stderr", r.stderr, "[1/3] tiny", "[3/3] tiny", "wrote ")
	for _, name := range []string{"bench.txt", "bench.csv", "bench.json", "charts/gain.png", "charts/gain.svg",
		"charts/objective.png", "charts/objective.svg", "charts/waste.png", "charts/distress.png", "charts/loss.svg",
		"plans/tiny.cluster.json", "plans/tiny.independent.json", "plans/tiny.policy_push.json"} {
		st, err := os.Stat(filepath.Join(out, name))
		if err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	table, _ := os.ReadFile(filepath.Join(out, "bench.txt"))
	if string(table) != r.stdout {
		t.Error("bench.txt differs from the printed table")
	}
	f, err := os.Open(filepath.Join(out, "bench.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil || len(recs) != 4 {
		t.Fatalf("CSV: %v, %d records", err, len(recs))
	}
	// Each plan file passes ofdi check.
	for _, m := range []string{"cluster", "independent", "policy_push"} {
		wantCode(t, ofdi(t, "check", tinyPath, filepath.Join(out, "plans", "tiny."+m+".json")), exitOK)
	}

	// --quiet: nothing on stderr; flags before the file work too.
	q := ofdi(t, "bench", "-q", "--stress", "0", "--out", out, tinyPath)
	wantCode(t, q, exitOK)
	if q.stderr != "" {
		t.Errorf("--quiet: stderr:\n%s", q.stderr)
	}
	if strings.Contains(q.stdout, "STRESS TEST") {
		t.Error("--stress 0 still prints a stress test")
	}
}

// TestBenchFamily: generated families are benchmarked and averaged.
func TestBenchFamily(t *testing.T) {
	out := t.TempDir()
	r := ofdi(t, "bench", "--family", "10x6x2", "--count", "2", "--seed", "3", "--stress", "100", "--out", out, "-q")
	wantCode(t, r, exitOK)
	wantContains(t, "table", r.stdout, "gen-10x6x2-s3", "gen-10x6x2-s4", "mean of 10x6x2 (2)")
}

func TestBenchBadInput(t *testing.T) {
	dir := t.TempDir()
	file := writeFile(t, dir, "file", []byte("x"))
	for _, tc := range []struct {
		args []string
		msg  string // a part of the error on stderr
	}{
		{[]string{}, "bench: no instances"},
		{[]string{"--family", "30x20"}, `--family: bad family "30x20"`},
		{[]string{"--family", "0x1x1"}, "--family: "},
		{[]string{tinyPath, "--count", "3"}, "--count: only applies to --family"},
		{[]string{"--family", "5x4x2", "--count", "0"}, "--count: must be in [1, 10000], got 0"},
		{[]string{tinyPath, "--seed", "2"}, "--seed: only applies to --family"},
		{[]string{tinyPath, "--stress", "-1"}, "--stress: must be in [0, 10000000], got -1"},
		{[]string{tinyPath, "--time-limit", "-1s"}, "--time-limit: must be >= 0, got -1s"},
		{[]string{tinyPath, "--loss-model", "gauss"}, `--loss-model: unknown value "gauss" (want writeoff, scenario, independent)`},
		{[]string{tinyPath, "--sharing", "fair"}, `--sharing: unknown value "fair"`},
		{[]string{tinyPath, "--out", file}, "is not a directory"},
		{[]string{tinyPath, tinyPath}, `are both named "tiny"; instance names must be distinct`},
		{[]string{filepath.Join(dir, "missing.json")}, "missing.json"},
		{[]string{tinyPath, "--bogus"}, "bogus"},
		{[]string{tinyPath, "--out", ""}, "--out: must not be empty"},
		{[]string{tinyPath, "--family", "5x4x2", "--x"}, "-x"},
	} {
		r := ofdi(t, append([]string{"bench", "-q"}, tc.args...)...)
		if r.code != exitBadInput {
			t.Errorf("%v: want exit 2, got %s", tc.args, r)
		}
		if r.stdout != "" {
			t.Errorf("%v: stdout not empty:\n%s", tc.args, r.stdout)
		}
		if !strings.Contains(r.stderr, tc.msg) {
			t.Errorf("%v: stderr %q does not say %q", tc.args, r.stderr, tc.msg)
		}
	}
}

func TestBenchHelp(t *testing.T) {
	r := ofdi(t, "bench", "--help")
	wantCode(t, r, exitOK)
	wantContains(t, "help", r.stdout, "Examples:", "ofdi bench instances/jiangsu-electronics.json", "--family", "--count",
		"--seed", "--time-limit", "--stress", "--stress-seed", "--loss-model", "--out", "EXIT CODES")
	r = ofdi(t, "generate", "--help")
	wantCode(t, r, exitOK)
	wantContains(t, "help", r.stdout, "Examples:", "ofdi generate --firms", "--opportunities", "--markets", "--seed", "--name", "--output")
}
