package main

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestCheckSolvedPlanPasses(t *testing.T) {
	dir := t.TempDir()
	plan := solvedTinyPlan(t, dir)
	r := ofdi(t, "check", tinyPath, plan)
	wantCode(t, r, exitOK)
	wantContains(t, "stdout", r.stdout, "ok", "Z = -97")

	// The baselines' plans pass too.
	for _, method := range []string{"independent", "policy_push"} {
		out := filepath.Join(dir, method+".json")
		wantCode(t, ofdi(t, "solve", tinyPath, "--method", method, "-f", "json", "-q", "-o", out), exitOK)
		r := ofdi(t, "check", tinyPath, out)
		wantCode(t, r, exitOK)
		wantContains(t, method+" stdout", r.stdout, "ok")
	}
}

// editPlan writes a copy of the plan at src, changed by edit.
func editPlan(t *testing.T, src string, edit func(plan map[string]any)) string {
	t.Helper()
	p := readJSON(t, src)
	edit(p)
	return writeJSON(t, t.TempDir(), "edited.json", p)
}

// participants returns the participants of project i of a plan.
func participants(plan map[string]any, i int) []any {
	return item(plan["plan"].(map[string]any), "projects", i)["participants"].([]any)
}

func TestCheckViolations(t *testing.T) {
	plan := solvedTinyPlan(t, t.TempDir())
	for _, tc := range []struct {
		name string
		edit func(plan map[string]any)
		want []string
	}{
		{
			name: "stake raised by 0.1",
			edit: func(p map[string]any) {
				s := participants(p, 0)[0].(map[string]any)
				s["stake"] = s["stake"].(float64) + 0.1
			},
			want: []string{"funding (project acq_de): stakes sum to 1.1, not 1"},
		},
		{
			// acq_de: large1 0.65, sme1 0.05, sme2 0.30. sme2's stake is
			// within minority_max_stake, but 0.3·600 = 180 exceeds its
			// capital 80 (and it cannot borrow more than 0.1·80); with its
			// 0.05·80 in rnd_de it invests 184.
			name: "budget exceeded",
			edit: func(p map[string]any) {
				for _, s := range participants(p, 0) {
					s := s.(map[string]any)
					s["stake"] = map[string]float64{"large1": 0.65, "sme1": 0.05, "sme2": 0.3}[s["firm"].(string)]
				}
			},
			want: []string{"budget (firm sme2): invests 184, above capital 80"},
		},
		{
			name: "objective misreported",
			edit: func(p map[string]any) { p["objective"] = -200.0 },
			want: []string{"objective", "-200", "-97"},
		},
		{
			name: "plan block removed from an optimal plan",
			edit: func(p map[string]any) { delete(p, "plan") },
			want: []string{"no plan block"},
		},
		{
			name: "project not in the instance",
			edit: func(p map[string]any) {
				item(p["plan"].(map[string]any), "projects", 1)["id"] = "rnd_mars"
			},
			want: []string{"rnd_mars"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := editPlan(t, plan, tc.edit)
			r := ofdi(t, "check", tinyPath, edited)
			wantCode(t, r, exitInfeasible)
			wantContains(t, "stdout", r.stdout, tc.want...)
			wantContains(t, "stderr", r.stderr, "violation")
			if strings.Contains(r.stdout, "ok:") {
				t.Errorf("a violating plan is reported ok:\n%s", r.stdout)
			}
		})
	}

	// A plan for another instance does not pass.
	r := ofdi(t, "check", infeasiblePath, plan)
	wantCode(t, r, exitInfeasible)
	wantContains(t, "stdout", r.stdout, "instance")
}

func TestCheckBadInput(t *testing.T) {
	dir := t.TempDir()
	plan := solvedTinyPlan(t, dir)
	invalid := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "firms", 0)["capital"] = -5
	})
	good := string(mustRead(t, plan))
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"plan not JSON", []string{"check", tinyPath, writeFile(t, dir, "hello.json", []byte("hello"))}, "not a plan JSON"},
		{"plan empty", []string{"check", tinyPath, writeFile(t, dir, "empty.json", nil)}, "not a plan JSON"},
		{"plan truncated", []string{"check", tinyPath, writeFile(t, dir, "cut.json", []byte(good[:len(good)/2]))}, "not a plan JSON"},
		{"plan with trailing data", []string{"check", tinyPath, writeFile(t, dir, "two.json", []byte(good+good))}, "not a plan JSON"},
		{"plan is an array", []string{"check", tinyPath, writeFile(t, dir, "array.json", []byte("[]"))}, "not a plan JSON"},
		{"plan missing", []string{"check", tinyPath, filepath.Join(dir, "nope.json")}, "no such file"},
		{"instance missing", []string{"check", "no-such-instance.json", plan}, "no such file"},
		{"instance invalid", []string{"check", invalid, plan}, "firms[0].capital: must be > 0"},
		{"one argument", []string{"check", tinyPath}, "want INSTANCE.json PLAN.json"},
		{"three arguments", []string{"check", tinyPath, plan, plan}, "want INSTANCE.json PLAN.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, tc.args...)
			wantCode(t, r, exitBadInput)
			wantContains(t, "stderr", r.stderr, tc.msg)
		})
	}
}
