package bench

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// pioneerJSON (instances/testdata/fair-pioneer.json) is the hand-worked
// case of solver's TestFairPioneer: the plain optimum (Z = −38, W = 10 − 2
// = 8) has the pioneer lead C for the learning reward and earn at most 9.5
// against its outside option 28; the fair optimum (Z = −28, W = 30 − 2 =
// 28) leaves it A alone.
var pioneerJSON = func() string {
	b, err := os.ReadFile("../instances/testdata/fair-pioneer.json")
	if err != nil {
		panic(err)
	}
	return string(b)
}()

// TestFairnessColumn: with Sharing stakes the bench adds cluster-fair
// after cluster, the price of fairness in Z and W (worked by hand above),
// the plain plan's firms below their outside option, the table and the
// chart; the coordination rows still compare the plain cluster only.
func TestFairnessColumn(t *testing.T) {
	inst, err := model.Parse([]byte(pioneerJSON))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), []*model.Instance{inst}, Options{Sharing: model.SharingStakes})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{model.MethodCluster, MethodClusterFair, model.MethodIndependent, model.MethodPolicyPush}
	if strings.Join(rep.Methods, ",") != strings.Join(want, ",") || len(rep.Rows) != 4 {
		t.Fatalf("methods %v, %d rows; want %v", rep.Methods, len(rep.Rows), want)
	}
	fr := rep.Row("pioneer", MethodClusterFair)
	if fr.CheckError != "" || fr.Plan.Sharing != model.SharingStakes || fr.Plan.PriceOfFairness == nil || !near(*fr.Plan.PriceOfFairness, 10) {
		t.Errorf("cluster-fair row: check %q, sharing %q, price %v", fr.CheckError, fr.Plan.Sharing, fr.Plan.PriceOfFairness)
	}
	if len(rep.Fairness) != 1 {
		t.Fatalf("%d fairness rows", len(rep.Fairness))
	}
	fa := rep.Fairness[0]
	if fa.PriceZ == nil || !near(*fa.PriceZ, 10) || !near(*fa.PriceW, -20) || !fa.Proven || fa.FirmsBelow != 1 || fa.FairFirmsBelow != 0 {
		t.Errorf("fairness %+v (price Z %v, W %v), want Z 10, W -20, proven, 1 firm below, 0 in the fair plan", fa, deref(fa.PriceZ), deref(fa.PriceW))
	}
	for _, g := range rep.Coordination {
		if g.Baseline == MethodClusterFair {
			t.Errorf("cluster-fair compared as a baseline: %+v", g)
		}
	}
	var b bytes.Buffer
	if err := rep.WriteTable(&b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "PRICE OF FAIRNESS") || !strings.Contains(b.String(), "cluster-fair") {
		t.Errorf("table lacks the fairness section:\n%s", b.String())
	}
	dir := t.TempDir()
	if _, err := rep.WriteAll(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{filepath.Join(ChartsDir, FairnessChart+".png"), filepath.Join(PlansDir, "pioneer.cluster-fair.json")} {
		if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
			t.Errorf("%s not written: %v", name, err)
		}
	}
	if _, err := Run(context.Background(), []*model.Instance{inst}, Options{Sharing: "equal"}); err == nil {
		t.Errorf("unknown sharing accepted")
	}
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}
