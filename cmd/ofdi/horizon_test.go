package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// TestHorizonCLI: generate --periods, solve (text and JSON, plan checked
// by the CLI), export, --sharing stakes, and the refusals.
func TestHorizonCLI(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "h.json")
	r := ofdi(t, "generate", "--firms", "12", "--opportunities", "9", "--markets", "3", "--periods", "3", "-q", "-o", path)
	wantCode(t, r, 0)
	in, err := model.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if in.Periods() != 3 || in.Name != "gen-12x9x3-t3-s1" {
		t.Fatalf("generated %s with %d periods", in.Name, in.Periods())
	}

	r = ofdi(t, "solve", "-q", path)
	wantCode(t, r, 0)
	wantContains(t, "text plan", r.stdout, "status optimal", "timeline:", "period 3", "learns", "SMEs by stage after each period", "SMEs experienced",
		"cluster against firms acting alone", "independent", "policy_push",
		"firms (12; * pioneer; sharing report", "money summed over the periods, discounted to period 1", "money value W", "outside")

	r = ofdi(t, "solve", "-q", "-f", "json", path)
	wantCode(t, r, 0)
	var plan model.Plan
	if err := json.Unmarshal([]byte(r.stdout), &plan); err != nil {
		t.Fatal(err)
	}
	if len(plan.Periods) != 3 || len(plan.Stages) != 3 || plan.Metrics.SMEExperienced == nil || len(plan.Knowledge) == 0 {
		t.Fatalf("plan JSON lacks the horizon fields: %s", r.stdout)
	}
	if len(plan.Firms) != 12 || plan.Sharing != model.SharingReport {
		t.Fatalf("plan JSON has %d firm accounts (want 12), sharing %q", len(plan.Firms), plan.Sharing)
	}
	for _, pj := range plan.Plan.Projects {
		if pj.Period < 1 || pj.Period > 3 {
			t.Errorf("project %s period %d", pj.ID, pj.Period)
		}
	}

	r = ofdi(t, "export", path)
	wantCode(t, r, 0)
	wantContains(t, "LP", r.stdout, "_t3", "once_", "budget_")
	if _, err := exec.LookPath("cbc"); err == nil {
		lp := filepath.Join(dir, "h.lp")
		if err := os.WriteFile(lp, []byte(r.stdout), 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("cbc", lp, "solve").CombinedOutput()
		if err != nil {
			t.Fatalf("cbc: %v\n%s", err, out)
		}
		want := "Objective value:"
		i := strings.Index(string(out), want)
		if i < 0 {
			t.Fatalf("cbc: no objective\n%s", out)
		}
		var z float64
		if _, err := fmt.Sscan(string(out[i+len(want):]), &z); err != nil || !near(z, *plan.Objective) {
			t.Errorf("cbc optimum %v (%v), ofdi %v", z, err, *plan.Objective)
		}
	}

	for _, method := range []string{"independent", "policy_push"} {
		r = ofdi(t, "solve", "-q", "--method", method, path)
		wantCode(t, r, 0) // checked by the CLI
		wantContains(t, "baseline plan", r.stdout, "method "+method, "timeline:", "SMEs by stage",
			"firms (12; * pioneer; each firm keeps what it earns")
	}
	planPath := filepath.Join(dir, "plan.json")
	wantCode(t, ofdi(t, "solve", "-q", "-f", "json", "-o", planPath, path), 0)
	wantCode(t, ofdi(t, "check", path, planPath), 0)
	r = ofdi(t, "solve", "-q", "--sharing", "stakes", path)
	wantCode(t, r, 0) // checked by the CLI, row 16 included
	wantContains(t, "stakes plan", r.stdout, "status optimal", "sharing stakes: firms keep their stake returns", "price of fairness")
	r = ofdi(t, "solve", "-q", "--sharing", "stakes", "-f", "json", path)
	wantCode(t, r, 0)
	var fair model.Plan
	if err := json.Unmarshal([]byte(r.stdout), &fair); err != nil {
		t.Fatal(err)
	}
	if fair.Sharing != model.SharingStakes || fair.PriceOfFairness == nil || *fair.PriceOfFairness < 0 || len(fair.Firms) != 12 {
		t.Fatalf("stakes plan: sharing %q, price of fairness %v, %d accounts", fair.Sharing, fair.PriceOfFairness, len(fair.Firms))
	}
	for _, f := range fair.Firms {
		if f.StakeReturn < f.OutsideOption-1e-6*max(1, f.OutsideOption) {
			t.Errorf("firm %s: stake return %g below its outside option %g", f.ID, f.StakeReturn, f.OutsideOption)
		}
	}
	r = ofdi(t, "export", "--sharing", "stakes", path)
	wantCode(t, r, 0)
	wantContains(t, "LP with rows 16", r.stdout, "fair_", "_t3")
	r = ofdi(t, "generate", "--periods", "21")
	wantCode(t, r, exitBadInput)
	wantContains(t, "stderr", r.stderr, "--periods: must be in [1, 20], got 21")
}
