package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// horizonPlan generates a 3-period cluster and solves it: the instance's
// and the plan JSON's paths and the plan.
func horizonPlan(t *testing.T, dir string) (string, string, *model.Plan) {
	t.Helper()
	path := filepath.Join(dir, "h.json")
	wantCode(t, ofdi(t, "generate", "--firms", "12", "--opportunities", "12", "--markets", "4", "--periods", "3", "-q", "-o", path), 0)
	planPath := filepath.Join(dir, "plan.json")
	wantCode(t, ofdi(t, "solve", "-q", "-f", "json", "-o", planPath, path), 0) // checked by the CLI
	data, err := os.ReadFile(planPath)
	if err != nil {
		t.Fatal(err)
	}
	plan := decodePlan(t, data)
	if plan.Status != model.StatusOptimal || len(plan.Periods) != 3 {
		t.Fatalf("plan %s with %d periods", plan.Status, len(plan.Periods))
	}
	return path, planPath, plan
}

// TestExplainHorizonCLI: explain on a 3-period plan, text and JSON: the
// decomposition sums to the plan's Z, each left-out opportunity has a
// static reason or a forced re-solve saying in which period it would
// start, every firm has its budget rows; --levers runs over the horizon;
// a baseline plan is refused with exit 2.
func TestExplainHorizonCLI(t *testing.T) {
	dir := t.TempDir()
	path, planPath, plan := horizonPlan(t, dir)
	txt := ofdi(t, "explain", "-q", path, planPath)
	wantCode(t, txt, 0)
	wantContains(t, "explain text", txt.stdout, "over 3 periods (money discounted to period 1)",
		"each period's discounted to period 1 and summed over the 3 periods", "= Z", "forcing it in (starting in period",
		"budget by period", "f12")
	js := ofdi(t, "explain", "-q", "-f", "json", "--levers", "--steps", "1", path, planPath)
	wantCode(t, js, 0)
	var out struct {
		Explain struct {
			Periods       int
			Decomposition map[string]float64
			LeftOut       []struct {
				ID     string
				Static []string
				Forced *struct {
					Status string
					Period int
				}
			} `json:"left_out"`
			Firms []struct {
				Budget []struct{ Period int }
			}
		}
		Levers struct {
			Levers []struct {
				Name   string
				Points []struct{ Status string }
			}
		}
	}
	if err := json.Unmarshal([]byte(js.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, js.stdout)
	}
	ex := out.Explain
	if z := ex.Decomposition["z"]; ex.Periods != 3 || math.Abs(z-*plan.Objective) > 1e-6*math.Max(1, math.Abs(z)) {
		t.Errorf("periods %d, decomposition Z %g, plan Z %g", ex.Periods, z, *plan.Objective)
	}
	if len(ex.LeftOut) != 12-len(plan.Plan.Projects) {
		t.Errorf("%d left out, plan takes %d of 12", len(ex.LeftOut), len(plan.Plan.Projects))
	}
	started := 0
	for _, lo := range ex.LeftOut {
		switch {
		case len(lo.Static) > 0:
		case lo.Forced == nil:
			t.Errorf("%s: neither a static reason nor a re-solve", lo.ID)
		case lo.Forced.Status == "optimal" && (lo.Forced.Period < 1 || lo.Forced.Period > 3):
			t.Errorf("%s: forced in, period %d", lo.ID, lo.Forced.Period)
		case lo.Forced.Status == "optimal":
			started++
		}
	}
	if started == 0 {
		t.Error("no forced re-solve: the test checks little")
	}
	for i, f := range ex.Firms {
		if len(f.Budget) != 3 {
			t.Errorf("firm %d: %d budget rows", i, len(f.Budget))
		}
	}
	if len(out.Levers.Levers) < 4 || len(out.Levers.Levers[0].Points) != 2 || out.Levers.Levers[0].Points[0].Status != "optimal" {
		t.Errorf("levers over the horizon: %+v", out.Levers)
	}
	base := filepath.Join(dir, "independent.json")
	wantCode(t, ofdi(t, "solve", "-q", "--method", "independent", "-f", "json", "-o", base, path), 0)
	wantCode(t, ofdi(t, "explain", "-q", path, base), exitBadInput)
}

// TestReportHorizonInBrowser: ofdi report on a 3-period plan renders in
// chromium-headless-shell without any request, and its DOM has the
// timeline (each period's projects as the plan's periods say), the stage
// table (the plan's stages in the cluster columns, both baselines beside),
// the stages chart, the firm accounts with every firm and the period in
// which each forced-in opportunity would start.
func TestReportHorizonInBrowser(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	path, planPath, plan := horizonPlan(t, dir)
	page := filepath.Join(dir, "report.html")
	wantCode(t, ofdi(t, "report", "-q", path, planPath, "-o", page), 0)
	dom, urls := b.run(page, "--dump-dom")
	if len(urls) > 0 {
		t.Errorf("the report page requested %v", urls)
	}
	wantContains(t, "DOM", dom, `<table id="timeline-table">`, `<table id="stage-table">`, `<table id="firm-accounts">`,
		"SMEs climbing the Uppsala stages", "Planned over <b>3 periods</b>", "starts in period", "starting in period",
		`<th colspan="3">cluster</th>`, `<th colspan="3">independent</th>`, `<th colspan="3">policy push</th>`)
	if n := strings.Count(dom, "<svg"); n != 4 {
		t.Errorf("%d SVG charts, want 4 (two method charts, Z, stages)", n)
	}
	for _, pp := range plan.Periods {
		starts := "none"
		if len(pp.Projects) > 0 {
			starts = strings.Join(pp.Projects, ", ")
		}
		wantContains(t, "timeline", dom, fmt.Sprintf(`<tr><td class="n">%d</td><td>%s</td>`, pp.Period, starts))
	}
	for _, s := range plan.Stages {
		wantContains(t, "stage table", dom, fmt.Sprintf(`<tr><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td><td class="n">%d</td>`,
			s.Period, s.Pre, s.Early, s.Experienced))
	}
	for _, f := range plan.Firms {
		wantContains(t, "firm accounts", dom, "<td>"+f.ID+"</td>")
	}
}
