package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/model"
)

// tinyOptimum is Z* of tiny.json, worked out in instances/tiny.md.
const tinyOptimum = -97

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// wantTinyOptimal checks a cluster plan of tiny.json against tiny.md.
func wantTinyOptimal(t *testing.T, p *model.Plan) {
	t.Helper()
	if p.Instance != "tiny" || p.Method != model.MethodCluster || p.Status != model.StatusOptimal {
		t.Errorf("instance %q method %q status %q, want tiny cluster optimal", p.Instance, p.Method, p.Status)
	}
	if p.Objective == nil || !near(*p.Objective, tinyOptimum) {
		t.Errorf("objective %v, want %d", p.Objective, tinyOptimum)
	}
	if p.Bound == nil || !near(*p.Bound, tinyOptimum) {
		t.Errorf("bound %v, want %d", p.Bound, tinyOptimum)
	}
	if p.Gap == nil || *p.Gap > 1e-6 {
		t.Errorf("gap %v, want <= 1e-6", p.Gap)
	}
	if p.Metrics == nil {
		t.Fatal("no metrics")
	}
	m := p.Metrics
	if !near(m.InfoCost, 6) || !near(m.Dissipation, 15) || !near(m.MarketPower, 11) || m.Learning != 4 || m.Projects != 2 || !m.TargetsMet {
		t.Errorf("metrics %+v, want info cost 6, dissipation 15, market power 11, learning 4, 2 projects, targets met", *m)
	}
	if p.Statistics == nil || p.Statistics.Solver != "glpk" {
		t.Errorf("statistics %+v, want solver glpk", p.Statistics)
	}
	if p.Plan == nil {
		t.Fatal("no plan block")
	}
	var ids []string
	for _, pr := range p.Plan.Projects {
		ids = append(ids, pr.ID)
		if pr.Lead != "large1" {
			t.Errorf("project %s led by %q, want large1", pr.ID, pr.Lead)
		}
		sum := 0.0
		for _, s := range pr.Participants {
			sum += s.Stake
		}
		if !near(sum, 1) {
			t.Errorf("project %s: stakes sum to %g", pr.ID, sum)
		}
	}
	slices.Sort(ids)
	if !reflect.DeepEqual(ids, []string{"acq_de", "rnd_de"}) {
		t.Errorf("projects %v, want [acq_de rnd_de]", ids)
	}
	if !reflect.DeepEqual(p.Plan.MarketsEntered, []string{"de"}) {
		t.Errorf("markets entered %v, want [de]", p.Plan.MarketsEntered)
	}
}

func TestSolveTinyText(t *testing.T) {
	r := ofdi(t, "solve", tinyPath)
	wantCode(t, r, exitOK)
	wantContains(t, "stdout", r.stdout, "status optimal", "acq_de", "rnd_de", "objective Z = -97", "markets entered: de")
	// The firm accounts: every firm, with name, pioneer mark, outside
	// option and binding limits (hand-checked on tiny.json: large1 earns
	// 54 alone; sme2 reaches its project limit).
	wantContains(t, "stdout", r.stdout, "firms (5; * pioneer; sharing report",
		"money value W              63", "surplus S                  9",
		"large1   Suzhou Display Group     large      *    2",
		"large2   Wuxi Precision Componen~ large",
		"supp1", "projects\n")
	for _, absent := range []string{"ne_vn", "gf_vn"} {
		if strings.Contains(r.stdout, absent) {
			t.Errorf("stdout lists %s, which the optimum does not take:\n%s", absent, r.stdout)
		}
	}
	// tiny.json has one warning (gf_vn cannot be funded); it goes to
	// stderr, never into the plan.
	wantContains(t, "stderr", r.stderr, "warning:", "gf_vn")

	q := ofdi(t, "solve", tinyPath, "--quiet")
	wantCode(t, q, exitOK)
	if q.stderr != "" {
		t.Errorf("--quiet: stderr not empty:\n%s", q.stderr)
	}
}

func TestSolveTinyJSON(t *testing.T) {
	for _, args := range [][]string{
		{"solve", tinyPath, "--format", "json"},
		{"solve", "--format", "json", tinyPath},
		{"solve", tinyPath, "-f", "json"},
		{"solve", tinyPath, "--format=json"},
		{"solve", "-qf", "json", tinyPath},
		{"solve", "--method", "cluster", tinyPath, "--format", "json", "--gap", "0", "--time-limit", "30s", "--no-balance"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			r := ofdi(t, args...)
			wantCode(t, r, exitOK)
			wantTinyOptimal(t, decodePlan(t, []byte(r.stdout)))
		})
	}
}

func TestSolveOutputFile(t *testing.T) {
	for _, args := range [][]string{
		{"solve", tinyPath, "--format", "json", "-o", "OUT"},
		{"solve", "--format", "json", "-o", "OUT", tinyPath},
		{"solve", "-o", "OUT", tinyPath, "--format", "json"},
		{"solve", tinyPath, "-qo", "OUT", "-f", "json"},
		{"solve", tinyPath, "--output=OUT", "--format=json"},
	} {
		t.Run(strings.Join(args[1:], " "), func(t *testing.T) {
			dir := t.TempDir()
			out := filepath.Join(dir, "plan.json")
			args := slices.Clone(args)
			for i, a := range args {
				args[i] = strings.ReplaceAll(a, "OUT", out)
			}
			r := ofdi(t, args...)
			wantCode(t, r, exitOK)
			if r.stdout != "" {
				t.Errorf("stdout not empty with -o:\n%s", r.stdout)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasSuffix(data, []byte("}\n")) {
				t.Errorf("plan file does not end with the closing brace and a newline")
			}
			wantTinyOptimal(t, decodePlan(t, data))
			if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"plan.json"}) {
				t.Errorf("directory holds %v, want only plan.json (no temporary files)", names)
			}
		})
	}

	t.Run("text", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "plan.txt")
		r := ofdi(t, "solve", tinyPath, "-o", out)
		wantCode(t, r, exitOK)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		wantContains(t, "plan.txt", string(data), "status optimal", "objective Z = -97")
	})

	t.Run("replaces an existing file and keeps its mode", func(t *testing.T) {
		dir := t.TempDir()
		out := writeFile(t, dir, "plan.json", []byte("old contents, much longer than nothing at all ...\n"))
		if err := os.Chmod(out, 0o600); err != nil {
			t.Fatal(err)
		}
		wantCode(t, ofdi(t, "solve", tinyPath, "-f", "json", "-o", out), exitOK)
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		wantTinyOptimal(t, decodePlan(t, data))
		st, err := os.Stat(out)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("mode %v, want 0600 kept", st.Mode().Perm())
		}
		if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"plan.json"}) {
			t.Errorf("directory holds %v, want only plan.json", names)
		}
	})
}

// TestSolveOutputUntouchedOnFailure: when a solve fails, an existing -o
// file keeps its bytes and no temporary file is left behind.
func TestSolveOutputUntouchedOnFailure(t *testing.T) {
	invalid := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "firms", 0)["capital"] = -5
	})
	old := []byte(`{"status": "an older plan the user wants to keep"}` + "\n")
	for _, tc := range []struct {
		name     string
		args     []string // OUT is replaced by the existing file
		code     int
		stderr   string
		readOnly bool
	}{
		{name: "invalid instance", args: []string{"solve", invalid, "-f", "json", "-o", "OUT"}, code: exitBadInput, stderr: "invalid instance"},
		{name: "missing instance", args: []string{"solve", "no-such-instance.json", "-o", "OUT"}, code: exitBadInput, stderr: "no such file"},
		{name: "unknown method", args: []string{"solve", tinyPath, "--method", "anarchy", "-o", "OUT"}, code: exitBadInput, stderr: "anarchy"},
		{name: "unknown flag", args: []string{"solve", tinyPath, "-o", "OUT", "--frobnicate"}, code: exitBadInput, stderr: "frobnicate"},
		{name: "bad gap", args: []string{"solve", tinyPath, "-o", "OUT", "--gap", "2"}, code: exitBadInput, stderr: "--gap"},
		{name: "unwritable directory", args: []string{"solve", tinyPath, "-f", "json", "-o", "OUT"}, code: exitInternal, stderr: "write", readOnly: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.readOnly && os.Geteuid() == 0 {
				t.Skip("running as root: a read-only directory is still writable")
			}
			dir := t.TempDir()
			out := writeFile(t, dir, "plan.json", old)
			if tc.readOnly {
				if err := os.Chmod(dir, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(dir, 0o755) })
			}
			args := slices.Clone(tc.args)
			for i, a := range args {
				if a == "OUT" {
					args[i] = out
				}
			}
			r := ofdi(t, args...)
			wantCode(t, r, tc.code)
			wantContains(t, "stderr", r.stderr, tc.stderr)
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, old) {
				t.Errorf("existing output changed to:\n%s", data)
			}
			if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"plan.json"}) {
				t.Errorf("directory holds %v, want only plan.json (no temporary files)", names)
			}
		})
	}
}

// TestOutputPathProblems: an -o that cannot be written is a usage error,
// reported before any solving, for solve and export alike.
func TestOutputPathProblems(t *testing.T) {
	dir := t.TempDir()
	regular := writeFile(t, dir, "regular.txt", []byte("x"))
	instCopy := writeFile(t, dir, "tiny.json", mustRead(t, tinyPath))
	for _, cmd := range []string{"solve", "export"} {
		for _, tc := range []struct {
			name, out, msg string
		}{
			{"missing directory", filepath.Join(dir, "no", "such", "dir", "out"), "does not exist"},
			{"parent is a file", filepath.Join(regular, "out"), "not a directory"},
			{"output is a directory", dir, "is a directory"},
			{"output is the input", instCopy, "input file"},
		} {
			t.Run(cmd+"/"+tc.name, func(t *testing.T) {
				before := hashFile(t, instCopy)
				r := ofdi(t, cmd, instCopy, "-o", tc.out)
				wantCode(t, r, exitBadInput)
				wantContains(t, "stderr", r.stderr, "--output", tc.msg)
				if r.stdout != "" {
					t.Errorf("stdout not empty:\n%s", r.stdout)
				}
				if hashFile(t, instCopy) != before {
					t.Errorf("the instance file changed")
				}
			})
		}
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// TestInputsNeverModified: no command writes to its input files.
func TestInputsNeverModified(t *testing.T) {
	dir := t.TempDir()
	inst := writeFile(t, dir, "tiny.json", mustRead(t, tinyPath))
	plan := filepath.Join(dir, "plan.json")
	bundled := []string{tinyPath, infeasiblePath}
	before := map[string][32]byte{}
	for _, p := range append(bundled, inst) {
		before[p] = hashFile(t, p)
	}
	for _, args := range [][]string{
		{"solve", inst},
		{"solve", inst, "--format", "json", "-o", plan},
		{"solve", inst, "--method", "independent"},
		{"solve", inst, "--method", "policy_push", "-f", "json"},
		{"solve", tinyPath, "-f", "json"},
		{"solve", infeasiblePath},
		{"validate", inst},
		{"export", inst},
		{"export", inst, "--format", "mps"},
		{"check", inst, plan},
	} {
		r := ofdi(t, args...)
		if r.code != exitOK && !(args[1] == infeasiblePath && r.code == exitInfeasible) {
			t.Errorf("%v: %s", args, r)
		}
	}
	for p, h := range before {
		if hashFile(t, p) != h {
			t.Errorf("%s was modified", p)
		}
	}
	planHash := hashFile(t, plan)
	wantCode(t, ofdi(t, "check", inst, plan), exitOK)
	if hashFile(t, plan) != planHash {
		t.Errorf("check modified the plan file")
	}
}

func TestSolveMethods(t *testing.T) {
	for _, tc := range []struct {
		method    string
		objective float64
		status    string
		solver    string
		projects  []string
	}{
		{model.MethodCluster, -97, model.StatusOptimal, "glpk", []string{"acq_de", "rnd_de"}},
		{model.MethodIndependent, -70, model.StatusFeasible, "baseline", []string{"acq_de"}},
		{model.MethodPolicyPush, -57, model.StatusFeasible, "baseline", []string{"acq_de", "ne_vn"}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			r := ofdi(t, "solve", tinyPath, "--method", tc.method, "--format", "json")
			wantCode(t, r, exitOK)
			p := decodePlan(t, []byte(r.stdout))
			if p.Method != tc.method || p.Status != tc.status {
				t.Errorf("method %q status %q, want %q %q", p.Method, p.Status, tc.method, tc.status)
			}
			if p.Objective == nil || !near(*p.Objective, tc.objective) {
				t.Errorf("objective %v, want %g", p.Objective, tc.objective)
			}
			if p.Metrics == nil || p.Plan == nil || p.Statistics == nil {
				t.Fatalf("metrics, plan or statistics missing: %s", r.stdout)
			}
			if p.Statistics.Solver != tc.solver {
				t.Errorf("solver %q, want %q", p.Statistics.Solver, tc.solver)
			}
			if tc.method != model.MethodCluster && (p.Bound != nil || p.Gap != nil) {
				t.Errorf("a baseline plan reports bound %v gap %v; MODEL.md: no bound/gap", p.Bound, p.Gap)
			}
			var ids []string
			for _, pr := range p.Plan.Projects {
				ids = append(ids, pr.ID)
			}
			slices.Sort(ids)
			if !reflect.DeepEqual(ids, tc.projects) {
				t.Errorf("projects %v, want %v", ids, tc.projects)
			}

			txt := ofdi(t, "solve", tinyPath, "--method", tc.method)
			wantCode(t, txt, exitOK)
			wantContains(t, "stdout", txt.stdout, "method "+tc.method, fmt.Sprintf("objective Z = %g", tc.objective))
		})
	}
}

func TestSolveUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"unknown method", []string{"solve", tinyPath, "--method", "anarchy"}, []string{`"anarchy"`, "cluster", "independent", "policy_push"}},
		{"unknown flag", []string{"solve", tinyPath, "--frobnicate"}, []string{"frobnicate", "ofdi solve --help"}},
		{"unknown flag before the file", []string{"solve", "--frobnicate", tinyPath}, []string{"frobnicate"}},
		{"unknown format", []string{"solve", tinyPath, "--format", "yaml"}, []string{`"yaml"`, "text, json"}},
		{"missing file", []string{"solve", "no-such-instance.json"}, []string{"no-such-instance.json", "no such file"}},
		{"no argument", []string{"solve"}, []string{"want exactly one instance file", "got 0"}},
		{"two arguments", []string{"solve", tinyPath, tinyPath}, []string{"want exactly one instance file", "got 2"}},
		{"gap too large", []string{"solve", tinyPath, "--gap", "2"}, []string{"--gap", "[0,1)", "2"}},
		{"negative gap", []string{"solve", tinyPath, "--gap", "-0.1"}, []string{"--gap"}},
		{"gap not a number", []string{"solve", tinyPath, "--gap", "small"}, []string{"small"}},
		{"negative time limit", []string{"solve", tinyPath, "--time-limit", "-1s"}, []string{"--time-limit", "-1s"}},
		{"time limit without unit", []string{"solve", tinyPath, "--time-limit", "60"}, []string{"60"}},
		{"flag without value", []string{"solve", tinyPath, "--format"}, []string{"format"}},
		{"not JSON", []string{"solve", "solve_test.go"}, []string{"invalid instance"}},
		{"unknown sharing", []string{"solve", tinyPath, "--sharing", "equal"}, []string{"--sharing", `"equal"`, "report", "stakes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, tc.args...)
			wantCode(t, r, exitBadInput)
			wantContains(t, "stderr", r.stderr, tc.stderr...)
			if r.stdout != "" {
				t.Errorf("stdout not empty on a usage error (it may be a plan file):\n%s", r.stdout)
			}
			if strings.Contains(r.stderr, "panic") || strings.Contains(r.stderr, "goroutine") {
				t.Errorf("stderr looks like a panic:\n%s", r.stderr)
			}
		})
	}
}

func TestSolveInfeasible(t *testing.T) {
	t.Run("text", func(t *testing.T) {
		r := ofdi(t, "solve", infeasiblePath)
		wantCode(t, r, exitInfeasible)
		wantContains(t, "stderr", r.stderr, "market_power_target", "infeasible")
		wantContains(t, "stdout", r.stdout, "status infeasible")
	})
	t.Run("json", func(t *testing.T) {
		r := ofdi(t, "solve", infeasiblePath, "--format", "json", "-q")
		wantCode(t, r, exitInfeasible)
		wantContains(t, "stderr", r.stderr, "market_power_target")
		p := decodePlan(t, []byte(r.stdout))
		if p.Status != model.StatusInfeasible || p.Method != model.MethodCluster || p.Instance != "infeasible-target" {
			t.Errorf("status %q method %q instance %q, want infeasible cluster infeasible-target", p.Status, p.Method, p.Instance)
		}
		if p.Plan != nil || p.Objective != nil || p.Metrics != nil {
			t.Errorf("an infeasible result carries a plan, objective or metrics:\n%s", r.stdout)
		}
		if !strings.Contains(p.Message, "market_power_target") {
			t.Errorf("message %q does not explain the infeasibility", p.Message)
		}
	})
	t.Run("json to file, then check", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "plan.json")
		r := ofdi(t, "solve", infeasiblePath, "--format", "json", "-q", "-o", out)
		wantCode(t, r, exitInfeasible)
		if p := decodePlan(t, mustRead(t, out)); p.Status != model.StatusInfeasible || p.Plan != nil {
			t.Errorf("plan file: status %q, plan %v", p.Status, p.Plan)
		}
		c := ofdi(t, "check", infeasiblePath, out)
		wantCode(t, c, exitOK)
		wantContains(t, "stdout", c.stdout, "ok", "infeasible", "no plan")
	})
}

// TestSolveWarningsDoNotFail: an instance with warnings solves, with the
// warnings on stderr (not with --quiet).
func TestSolveWarningsDoNotFail(t *testing.T) {
	inst := withUnservedSegment(t)
	r := ofdi(t, "solve", inst, "-f", "json")
	wantCode(t, r, exitOK)
	wantContains(t, "stderr", r.stderr, "warning:", `"software"`)
	wantTinyOptimalObjective(t, decodePlan(t, []byte(r.stdout)))
	if q := ofdi(t, "solve", inst, "-q"); q.code != exitOK || q.stderr != "" {
		t.Errorf("--quiet: %s", q)
	}
}

func wantTinyOptimalObjective(t *testing.T, p *model.Plan) {
	t.Helper()
	if p.Status != model.StatusOptimal || p.Objective == nil || !near(*p.Objective, tinyOptimum) {
		t.Errorf("status %q objective %v, want optimal %d", p.Status, p.Objective, tinyOptimum)
	}
}

// withUnservedSegment is tiny.json plus an opportunity in a segment no firm
// serves: a warning, not an error (MODEL.md).
func withUnservedSegment(t *testing.T) string {
	return mutateInstance(t, tinyPath, func(inst map[string]any) {
		o := map[string]any{}
		for k, v := range item(inst, "opportunities", 2) {
			o[k] = v
		}
		o["id"], o["segment"] = "sw_vn", "software"
		inst["opportunities"] = append(inst["opportunities"].([]any), o)
	})
}

// TestSolveDeterministic: two runs give the same bytes apart from the
// duration and the node count (README, "Plan output").
func TestSolveDeterministic(t *testing.T) {
	if testing.Short() {
		t.Skip("two solves of jiangsu-electronics.json")
	}
	var outs [2][]byte
	for i := range outs {
		r := ofdi(t, "solve", jiangsuPath, "--format", "json", "-q")
		wantCode(t, r, exitOK)
		p := decodePlan(t, []byte(r.stdout))
		if p.Status != model.StatusOptimal || p.Objective == nil || math.Abs(*p.Objective-(-1389.6)) > 0.05 {
			t.Errorf("run %d: status %q objective %v, want optimal -1389.6 (instances/README.md)", i, p.Status, p.Objective)
		}
		outs[i] = withoutRunFields(t, []byte(r.stdout))
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("two runs differ beyond duration and nodes:\n%s\n---\n%s", outs[0], outs[1])
	}
}

// withoutRunFields removes statistics.duration_seconds,
// statistics.first_plan_seconds and statistics.nodes and re-encodes,
// numbers kept as written.
func withoutRunFields(t *testing.T, data []byte) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	stats, ok := v["statistics"].(map[string]any)
	if !ok {
		t.Fatalf("no statistics:\n%s", data)
	}
	delete(stats, "duration_seconds")
	delete(stats, "first_plan_seconds")
	delete(stats, "nodes")
	out, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestSolveWriteFails: when the plan cannot be written after the solve
// (here: /proc/self accepts no new files, even for root), the exit code is
// 1 with the path in the message, and nothing goes to stdout.
func TestSolveWriteFails(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("uses /proc/self")
	}
	r := ofdi(t, "solve", tinyPath, "-q", "-f", "json", "-o", "/proc/self/plan.json")
	wantCode(t, r, exitInternal)
	wantContains(t, "stderr", r.stderr, "write /proc/self/plan.json")
	if r.stdout != "" {
		t.Errorf("stdout not empty:\n%s", r.stdout)
	}
}

// The time limit counts from the start of the command: what loading took
// is taken off, a spent limit still stops at once, and no limit stays none.
func TestRemaining(t *testing.T) {
	now := time.Now()
	for _, tc := range []struct {
		limit   time.Duration
		started time.Time
		lo, hi  time.Duration
	}{
		{0, now.Add(-time.Hour), 0, 0},
		{10 * time.Second, now.Add(-4 * time.Second), 5 * time.Second, 6 * time.Second},
		{10 * time.Second, now.Add(-time.Minute), time.Millisecond, time.Millisecond},
		{time.Minute, now, 59 * time.Second, time.Minute},
	} {
		if got := remaining(tc.limit, tc.started); got < tc.lo || got > tc.hi {
			t.Errorf("remaining(%s, %s ago) = %s, want in [%s, %s]", tc.limit, time.Since(tc.started).Round(time.Second), got, tc.lo, tc.hi)
		}
	}
}

// TestSolveFairInfeasible: a market-power target that needs the project
// the pioneer would not take alone leaves it below its outside option in
// every plan: --sharing stakes exits 3 naming the firm and the amounts,
// while the plain solve has a plan.
func TestSolveFairInfeasible(t *testing.T) {
	const inst = `{"name": "pioneer", "currency": "CNY million",
  "scenarios": [{"id": "base", "probability": 1}],
  "markets": [{"id": "de", "info_cost": 2, "dissipation": 0}],
  "firms": [
    {"id": "P", "role": "large", "pioneer": true, "capital": 100, "risk_limit": 100,
     "segments": ["x", "y"], "knowledge": {"default": 1}, "max_projects": 1},
    {"id": "S", "role": "sme", "capital": 100, "risk_limit": 100, "segments": ["x"], "knowledge": {"default": 0}}],
  "opportunities": [
    {"id": "A", "market": "de", "segment": "y", "mode": "acquisition", "cost": 100, "npv": 30, "market_power": 0, "knowledge_required": 0.5},
    {"id": "C", "market": "de", "segment": "x", "mode": "acquisition", "cost": 100, "npv": 10, "market_power": 1, "knowledge_required": 0.5}],
  "objective": {"learning_value": 30, "market_power_target": 1}}`
	path := filepath.Join(t.TempDir(), "pioneer.json")
	if err := os.WriteFile(path, []byte(inst), 0o644); err != nil {
		t.Fatal(err)
	}
	plain := ofdi(t, "solve", path, "-q")
	wantCode(t, plain, exitOK)
	fair := ofdi(t, "solve", path, "-q", "--sharing", "stakes")
	wantCode(t, fair, exitInfeasible)
	wantContains(t, "stderr", fair.stderr, "infeasible", "firm P: outside option 28, but no plan gives it a stake return above 10 (short by 18)")
}
