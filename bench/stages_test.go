package bench

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// TestStages: on a multi-period instance the table gains the SME stages of
// every method and the charts a stages chart; on a one-period one neither.
func TestStages(t *testing.T) {
	in := gen.Generate(gen.Config{Firms: 12, Opportunities: 9, Markets: 3, Seed: 1, Periods: 3})
	rep, err := Run(context.Background(), []*model.Instance{in}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if !strings.Contains(out, "SME STAGES") || !strings.Contains(out, "after period 3") {
		t.Fatalf("no stage table:\n%s", out)
	}
	for _, row := range rep.Rows {
		if row.CheckError != "" {
			t.Errorf("%s: %s", row.Method, row.CheckError)
		}
		if len(row.Plan.Stages) != 3 || row.Metrics.SMEExperienced == nil {
			t.Errorf("%s: stages %v", row.Method, row.Plan.Stages)
		}
		// One line per method with its counts after period 3.
		s := row.Plan.Stages[2]
		line := row.Method
		found := false
		for _, l := range strings.Split(out, "\n") {
			if strings.Contains(l, "gen-12x9x3-t3-s1") && strings.Contains(l, " "+line+" ") && strings.Contains(l, " / ") {
				found = strings.HasSuffix(strings.TrimSpace(l), strings.TrimSpace(
					fmt.Sprintf("%d / %d / %d", s.Pre, s.Early, s.Experienced)))
			}
		}
		if !found {
			t.Errorf("%s: stage row after period 3 (%+v) not in the table:\n%s", row.Method, s, out)
		}
	}
	dir := t.TempDir()
	if _, err := rep.WriteCharts(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "stages.png")); err != nil {
		t.Error("no stages chart:", err)
	}
	one, err := Run(context.Background(), []*model.Instance{gen.Generate(gen.Config{Firms: 12, Opportunities: 9, Markets: 3, Seed: 1})}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	one.WriteTable(&b)
	if strings.Contains(b.String(), "SME STAGES") || one.stageChart() != nil {
		t.Error("a one-period bench shows stages")
	}
}
