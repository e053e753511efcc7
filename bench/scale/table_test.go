package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
)

// testReport has one row of every kind: a plan, no plan, a killed run and
// a failed one.
func testReport() *Report {
	m, _ := familyByName("M")
	rows := []Row{
		{Family: "M", Shape: "default", Instance: "gen-300x120x15-s101", Seed: 101, Solver: "ofdi", LimitSeconds: 60, Status: "feasible",
			FirstPlanSeconds: ptr(0.412), Objective: ptr(-5234.56), Bound: ptr(-5280.01), Gap: ptr(0.00868),
			WallSeconds: 61.2, PeakMiB: 412.4, Check: "pass"},
		{Family: "M", Shape: "default", Instance: "gen-300x120x15-s101", Seed: 101, Solver: "glpsol", LimitSeconds: 60, Status: "no_solution",
			Bound: ptr(-5400), WallSeconds: 75.3, PeakMiB: 95},
		{Family: "M", Shape: "default", Instance: "gen-300x120x15-s101", Seed: 101, Solver: "cbc", LimitSeconds: 60, Status: "feasible",
			FirstPlanSeconds: ptr(31.5), Objective: ptr(-4000), Bound: ptr(-5390.2), Gap: ptr(0.3475),
			WallSeconds: 120.1, PeakMiB: 2048, Killed: true},
		{Family: "M", Shape: "default", Instance: "gen-300x120x15-s101", Seed: 101, Solver: "cbc", LimitSeconds: 60, Status: "error",
			Note: "no LP: the export failed"},
	}
	for i := range rows {
		rows[i].Target = m.Target.judge(rows[i])
	}
	return &Report{
		Started:    time.Date(2025, 11, 22, 16, 58, 0, 0, time.UTC),
		Machine:    "linux/amd64, 2 CPUs",
		LimitScale: 1,
		Versions:   map[string]string{"ofdi": "go1.26.8", "glpsol": "GLPSOL--GLPK LP/MIP Solver 5.0", "cbc": "CBC 2.10.8"},
		Notes:      []string{"a | note"},
		Instances: []Instance{{Family: "M", Shape: "default", Name: "gen-300x120x15-s101", Seed: 101, Firms: 300, Opportunities: 120, Markets: 15,
			LimitSeconds: 60, Target: m.Target.String(), LPBytes: 5_300_000, ExportSeconds: 0.61, ExportPeakMiB: 80.2}},
		Rows: rows,
	}
}

func TestWriteMarkdown(t *testing.T) {
	var b strings.Builder
	if err := testReport().WriteMarkdown(&b); err != nil {
		t.Fatal(err)
	}
	want := `Run of 2025-11-22 16:58 UTC on linux/amd64, 2 CPUs.

- ofdi: go1.26.8
- glpsol: GLPSOL--GLPK LP/MIP Solver 5.0
- cbc: CBC 2.10.8

| family | shape | instance | firms × opps × markets | limit | target | LP | export |
|---|---|---|---|---:|---|---:|---:|
| M | default | gen-300x120x15-s101 | 300 × 120 × 15 | 60 s | first plan ≤ 5 s, gap ≤ 1% | 5.3 MB | 0.61 s, 80 MiB |

| family | shape | seed | solver | limit | first plan | objective | bound | gap | status | wall | peak MiB | check | target |
|---|---|---:|---|---:|---:|---:|---:|---:|---|---:|---:|---|---|
| M | default | 101 | ofdi | 60 s | 0.41 s | -5234.6 | -5280.0 | 0.87% | feasible | 61.2 s | 412 | pass | met |
| M | default | 101 | glpsol | 60 s | - | no plan | -5400.0 | - | no_solution | 75.3 s | 95 | - | missed: no plan |
| M | default | 101 | cbc | 60 s | 31.5 s | -4000.0 | -5390.2 | 34.75% | feasible (killed) | 120 s | 2048 | - | missed: first plan 31.5 s > 5 s, gap 34.75% > 1% |
| M | default | 101 | cbc | 60 s | - | - | - | - | error | - | - | - | - |

Worst cell per family and solver:

| family | solver | cells | targets met | no plan | worst gap | at | slowest first plan | at | peak MiB | at |
|---|---|---:|---:|---:|---:|---|---:|---|---:|---|
| M | ofdi | 1 | 1 of 1 | 0 | 0.87% | default s101 | 0.41 s | default s101 | 412 | default s101 |
| M | glpsol | 1 | 0 of 1 | 1 | - | - | - | - | - | - |
| M | cbc | 1 (+1 failed) | 0 of 1 | 0 | 34.75% | default s101 | 31.5 s | default s101 | 2048 | default s101 |

- M glpsol missed: default s101: no plan
- M cbc missed: default s101: first plan 31.5 s > 5 s, gap 34.75% > 1%

- a | note
- M default 101 cbc: no LP: the export failed
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteTable(t *testing.T) {
	rep := testReport()
	rep.Rows = rep.Rows[:2]
	var b strings.Builder
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	want := `family  shape    seed  solver  limit  first plan  objective    bound    gap  status         wall  peak MiB  check  target
M       default   101  ofdi     60 s      0.41 s    -5234.6  -5280.0  0.87%  feasible     61.2 s       412  pass   met
M       default   101  glpsol   60 s           -    no plan  -5400.0      -  no_solution  75.3 s        95  -      missed: no plan

WORST CELL PER FAMILY
family  solver  cells  targets met  no plan  worst gap  at            slowest first plan  at            peak MiB  at
M       ofdi        1       1 of 1        0      0.87%  default s101              0.41 s  default s101       412  default s101
M       glpsol      1       0 of 1        1          -  -                              -  -                    -  -
M glpsol missed: default s101: no plan
`
	if got := b.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

func TestWriteFiles(t *testing.T) {
	dir := t.TempDir()
	rep := testReport()
	if err := rep.WriteFiles(dir); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, jsonFile))
	if err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != len(rep.Rows) || *back.Rows[0].FirstPlanSeconds != 0.412 || !back.Rows[2].Killed {
		t.Errorf("JSON round trip lost rows: %+v", back.Rows)
	}
	if !strings.Contains(string(data), `"target": "missed: first plan 31.5 s > 5 s, gap 34.75% > 1%"`) {
		t.Errorf("JSON escapes the targets:\n%s", data)
	}
	if _, err := os.Stat(filepath.Join(dir, markdownFile)); err != nil {
		t.Error(err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("files left: %v", entries)
	}
}

func TestJudge(t *testing.T) {
	l, _ := familyByName("L")
	xl, _ := familyByName("xl")
	for _, tc := range []struct {
		name   string
		target Target
		row    Row
		want   string
	}{
		{"met", l.Target, Row{Status: "feasible", Objective: ptr(-1), FirstPlanSeconds: ptr(59), Gap: ptr(0.03), PeakMiB: 4096}, "met"},
		{"all missed", l.Target, Row{Status: "feasible", Objective: ptr(-1), FirstPlanSeconds: ptr(61), Gap: ptr(0.031), PeakMiB: 4097},
			"missed: first plan 61 s > 60 s, gap 3.1% > 3%, peak 4097 MiB > 4096 MiB"},
		{"no bound", l.Target, Row{Status: "feasible", Objective: ptr(-1), FirstPlanSeconds: ptr(1)}, "missed: gap unknown > 3%"},
		{"no plan", xl.Target, Row{Status: "no_solution"}, "missed: no plan"},
		{"xl plan", xl.Target, Row{Status: "feasible", Objective: ptr(-1), FirstPlanSeconds: ptr(599)}, "met"},
		{"error", xl.Target, Row{Status: "error"}, "-"},
	} {
		if got := tc.target.judge(tc.row); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := xl.Target.String(); got != "first plan ≤ 600 s" {
		t.Errorf("XL target %q", got)
	}
}

func TestFormats(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{seconds(0.0412), "0.04 s"}, {seconds(5), "5 s"}, {seconds(12.34), "12.3 s"}, {seconds(299.6), "300 s"},
		{percent(0.005), "0.5%"}, {percent(0.01), "1%"}, {percent(0.04411), "4.41%"}, {percent(0), "0%"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, tc := range []struct {
		base  time.Duration
		scale float64
		want  time.Duration
	}{
		{30 * time.Second, 1, 30 * time.Second}, {30 * time.Second, 0.05, 2 * time.Second},
		{60 * time.Second, 0.05, 3 * time.Second}, {30 * time.Second, 0.001, time.Second},
	} {
		if got := scaledLimit(tc.base, tc.scale); got != tc.want {
			t.Errorf("scaledLimit(%s, %g) = %s, want %s", tc.base, tc.scale, got, tc.want)
		}
	}
}

func TestParseFlags(t *testing.T) {
	cfg, ofdi, err := parseFlags(nil, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.families) != 3 || cfg.families[2].Name != "L" || len(cfg.seeds) != 2 || cfg.seeds[0] != 101 || cfg.seeds[1] != 202 ||
		len(cfg.shapes) != len(gen.PresetNames()) || cfg.shapes[0].Name != "default" || cfg.shapes[8].Name != "mixed" ||
		cfg.limitScale != 1 || len(cfg.solvers) != 1 || cfg.solvers[0] != "ofdi" || ofdi != "" || cfg.grace != time.Minute ||
		cfg.out != filepath.Join("bench", "out", "scale") || cfg.repeat != 1 {
		t.Errorf("defaults: %+v, ofdi %q", cfg, ofdi)
	}
	cfg, ofdi, err = parseFlags([]string{"--families", "s, xl,40x20x5:5s", "--shapes", "mixed, tight-risk", "--seeds", "1,2",
		"--limit-scale", "0.1", "--solvers", "ofdi,cbc", "--ofdi", "/x/ofdi", "--sharing", "stakes", "--repeat", "3"}, &strings.Builder{})
	if err != nil {
		t.Fatal(err)
	}
	custom := Family{Name: "40x20x5", Firms: 40, Opportunities: 20, Markets: 5, Limit: 5 * time.Second}
	if len(cfg.families) != 3 || cfg.families[1].Name != "XL" || cfg.families[2] != custom || len(cfg.seeds) != 2 ||
		len(cfg.shapes) != 2 || cfg.shapes[0].Name != "mixed" || cfg.shapes[1].Risk.Hi != 0.1 ||
		cfg.limitScale != 0.1 || len(cfg.solvers) != 2 || ofdi != "/x/ofdi" || cfg.sharing != "stakes" || cfg.repeat != 3 {
		t.Errorf("flags: %+v, ofdi %q", cfg, ofdi)
	}
	for _, args := range [][]string{
		{"--families", "Q"}, {"--families", "S,s"}, {"--families", ""}, {"--seeds", "-1"}, {"--solvers", "gurobi"},
		{"--families", "40x20:5s"}, {"--families", "40x20x5:0.5s"}, {"--families", "40x20x0:5s"}, {"--families", "40x20x5:x"},
		{"--shapes", "hard"}, {"--shapes", "mixed,mixed"}, {"--shapes", ""},
		{"--limit-scale", "0"}, {"--grace", "-1s"}, {"--out", ""}, {"extra"}, {"--sharing", "equal"},
		{"--repeat", "0"}, {"--repeat", "-2"}, {"--repeat", "x"},
	} {
		if _, _, err := parseFlags(args, &strings.Builder{}); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}
