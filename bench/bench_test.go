package bench

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
)

const (
	tinyPath       = "../instances/tiny.json"
	jiangsuPath    = "../instances/jiangsu-electronics.json"
	infeasiblePath = "../instances/infeasible-target.json"
)

func load(t testing.TB, path string) *model.Instance {
	t.Helper()
	inst, err := model.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func near(a, b float64) bool { return math.Abs(a-b) <= 1e-6*math.Max(1, math.Abs(b)) }

// tinyReport runs the benchmark on tiny.json once per test binary.
var tinyCache *Report

func tinyReport(t *testing.T) *Report {
	t.Helper()
	if tinyCache != nil {
		return tinyCache
	}
	rep, err := Run(context.Background(), []*model.Instance{load(t, tinyPath)}, Options{Stress: 2000, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	tinyCache = rep
	return rep
}

// TestTinyRows checks each method's plan of tiny.json against the values
// worked out by hand in instances/tiny.md.
func TestTinyRows(t *testing.T) {
	rep := tinyReport(t)
	if len(rep.Rows) != 3 {
		t.Fatalf("%d rows, want 3", len(rep.Rows))
	}
	type want struct {
		method, status                          string
		z, info, dissipation, value, mktPower   float64
		learning, projects, large, sme, support int
		targets                                 bool
	}
	wants := []want{
		// tiny.md step 3: acq_de and rnd_de, every eligible firm in.
		{model.MethodCluster, "optimal", -97, 6, 15, 84, 11, 4, 2, 1, 2, 1, true},
		// tiny.md "For comparison": large1 alone takes acq_de.
		{model.MethodIndependent, "feasible", -70, 6, 0, 60, 8, 0, 1, 1, 0, 0, false},
		// large1 takes acq_de, supp1 rushes into ne_vn (vn promoted).
		{model.MethodPolicyPush, "feasible", -57, 9, 0, 48, 9, 0, 2, 1, 0, 1, false},
	}
	for i, w := range wants {
		r := rep.Rows[i]
		if r.Instance != "tiny" || r.Method != w.method || r.Status != w.status {
			t.Errorf("row %d: %s %s %s, want tiny %s %s", i, r.Instance, r.Method, r.Status, w.method, w.status)
			continue
		}
		if r.CheckError != "" {
			t.Errorf("%s: plan fails the checker: %s", w.method, r.CheckError)
		}
		if r.Objective == nil || !near(*r.Objective, w.z) {
			t.Errorf("%s: Z = %v, want %v", w.method, r.Objective, w.z)
		}
		m := r.Metrics
		if m == nil {
			t.Fatalf("%s: no metrics", w.method)
		}
		if !near(m.InfoCost, w.info) || !near(m.Dissipation, w.dissipation) || !near(m.Value, w.value) ||
			!near(m.MarketPower, w.mktPower) || m.Learning != w.learning || m.Projects != w.projects ||
			m.FirmsByRole[model.Large] != w.large || m.FirmsByRole[model.SME] != w.sme ||
			m.FirmsByRole[model.Supporting] != w.support || m.TargetsMet != w.targets {
			t.Errorf("%s: metrics %+v, want %+v", w.method, *m, w)
		}
		if r.Stress == nil || r.Stress.Draws != 2000 {
			t.Errorf("%s: stress %+v, want 2000 draws", w.method, r.Stress)
		}
		if r.Plan == nil || r.Plan.Method != w.method {
			t.Errorf("%s: no plan kept", w.method)
		}
	}
	// Cluster gains 27 over independent and 40 over policy_push (tiny.md).
	if len(rep.Coordination) != 2 {
		t.Fatalf("coordination %+v, want 2 rows", rep.Coordination)
	}
	for i, w := range []struct {
		base          string
		gain, pct     float64
		dissip, info  float64
		value, learnG float64
	}{
		{model.MethodIndependent, 27, 100 * 27.0 / 97, -15, 0, 24, 4},
		{model.MethodPolicyPush, 40, 100 * 40.0 / 97, -15, 3, 36, 4},
	} {
		g := rep.Coordination[i]
		if g.Instance != "tiny" || g.Baseline != w.base || !near(g.ObjectiveGain, w.gain) || !near(g.ObjectiveGainPct, w.pct) ||
			!near(g.DissipationAvoided, w.dissip) || !near(g.InfoCostSaved, w.info) || !near(g.ValueGained, w.value) ||
			!near(g.LearningGained, w.learnG) || !near(g.SMEParticipationGained, 1) {
			t.Errorf("coordination vs %s: %+v, want %+v", w.base, g, w)
		}
	}
}

// TestTinyStress checks the stress test of tiny.json's plans where the
// write-off probabilities are known: acq_de (held by large1 alone in the
// baselines) is written off with probability 0.8·0.02 + 0.2·0.15 = 0.046,
// which costs large1 600 > its risk limit 120.
func TestTinyStress(t *testing.T) {
	rep := tinyReport(t)
	st := rep.Row("tiny", model.MethodIndependent).Stress
	sd := math.Sqrt(0.046 * 0.954 / 2000)
	if math.Abs(st.DistressShare-0.046) > 4*sd {
		t.Errorf("independent: distress share %v, want 0.046 ± %.3f", st.DistressShare, 4*sd)
	}
	if st.FirmsAtRisk != 1 || st.DistressedMax != 1 || !slices.Equal(st.DistressedFirms, []string{"large1"}) {
		t.Errorf("independent: %+v, want large1 alone at risk and distressed", st)
	}
	if st.OverCapitalShare != 0 || len(st.OverCapitalFirms) != 0 {
		t.Errorf("independent: over capital %+v, want none (600 < capital 1000)", st)
	}
	// The cluster plan: in any optimal plan large1 leads acq_de (stake ≥
	// 0.5: loses ≥ 300 > 120 on a write-off) and both SMEs hold ≥ 0.05 of it
	// (30 > 10 and 30 > 8). Every plan is stressed on the same draws, so
	// each draw that writes acq_de off for independent distresses at least
	// these three firms in the cluster plan.
	c := rep.Row("tiny", model.MethodCluster).Stress
	if c.FirmsAtRisk != 4 || c.DistressedMax < 3 || c.DistressShare < st.DistressShare ||
		c.DistressedMean < 3*st.DistressShare-1e-12 {
		t.Errorf("cluster: %+v, want ≥ 3 distressed firms in each of independent's %v distressed draws", c, st.DistressShare)
	}
	for _, f := range []string{"large1", "sme1", "sme2"} {
		if !slices.Contains(c.DistressedFirms, f) {
			t.Errorf("cluster: %s never distressed: %v", f, c.DistressedFirms)
		}
	}
}

// oneFirm is a hand-built instance: one large firm, one acquisition of cost
// 100 that loses 0 in "calm" (probability 0.75) and 40% in "shock" (0.25).
func oneFirm(capital, risk float64) (*model.Instance, *model.Assignment) {
	alpha := 0.0
	inst := &model.Instance{
		Name:      "one-firm",
		Scenarios: []model.Scenario{{ID: "calm", Probability: 0.75}, {ID: "shock", Probability: 0.25}},
		Markets:   []model.Market{{ID: "de", InfoCost: 1}},
		Firms: []model.Firm{{ID: "f1", Role: model.Large, Capital: capital, RiskLimit: risk, Segments: []string{"ic"},
			Knowledge: map[string]float64{"default": 1}}},
		Opportunities: []model.Opportunity{{ID: "p1", Market: "de", Segment: "ic", Mode: model.Acquisition, Cost: 100, NPV: 10,
			Loss: map[string]float64{"calm": 0, "shock": 0.4}}},
		Policy: model.Policy{CVaRAlpha: &alpha, CreditLine: 100, CreditPerFirm: 1},
	}
	a := &model.Assignment{Projects: []model.Project{{ID: "p1", Market: "de", Mode: model.Acquisition, Lead: "f1",
		Participants: []model.Stake{{Firm: "f1", Stake: 1}}}}}
	return inst, a
}

// within fails unless got is within 4 binomial standard deviations of p.
func within(t *testing.T, what string, got, p float64, n int) {
	t.Helper()
	sd := math.Sqrt(p * (1 - p) / float64(n))
	if math.Abs(got-p) > 4*sd {
		t.Errorf("%s = %v, want %v ± %.4f", what, got, p, 4*sd)
	}
}

func TestStressKnownProbabilities(t *testing.T) {
	const n = 4000
	inst, a := oneFirm(200, 30)
	d := model.Derive(inst)
	// scenario: the shock (probability 0.25) costs 40 > 30 every time.
	s, err := Stress(d, a, StressOptions{Draws: n, Seed: 7, LossModel: ScenarioLoss})
	if err != nil {
		t.Fatal(err)
	}
	within(t, "scenario: distress share", s.DistressShare, 0.25, n)
	if s.DistressedMean != s.DistressShare || s.DistressedMax != 1 || s.DistressRate != s.DistressedMean ||
		!slices.Equal(s.DistressedFirms, []string{"f1"}) || s.OverCapitalShare != 0 {
		t.Errorf("scenario: %+v", s)
	}
	if s.LossP5 != 0 || s.LossP50 != 0 || s.LossP95 != 40 || !near(s.ExcessLossMean, 10*s.DistressShare) ||
		!near(s.LossMean, 40*s.DistressShare) {
		t.Errorf("scenario: losses %+v, want P5 0, P50 0, P95 40, excess 10 per distressed draw", s)
	}
	// independent: with one opportunity, the same distribution.
	s, _ = Stress(d, a, StressOptions{Draws: n, Seed: 7, LossModel: IndependentScenarios})
	within(t, "independent: distress share", s.DistressShare, 0.25, n)
	// writeoff: written off (loss 100 > 30) with probability 0.25·0.4 = 0.1.
	s, _ = Stress(d, a, StressOptions{Draws: n, Seed: 7})
	within(t, "writeoff: distress share", s.DistressShare, 0.1, n)
	if s.OverCapitalShare != 0 || s.LossP95 != 100 || s.LossP50 != 0 {
		t.Errorf("writeoff: %+v, want no loss beyond capital 200, P95 100, P50 0", s)
	}
	// Capital 80 (the credit line pays the rest): a write-off also takes
	// more than the firm's capital.
	inst, a = oneFirm(80, 30)
	s, _ = Stress(model.Derive(inst), a, StressOptions{Draws: n, Seed: 7})
	within(t, "writeoff: over-capital share", s.OverCapitalShare, 0.1, n)
	if s.OverCapitalShare != s.DistressShare || !slices.Equal(s.OverCapitalFirms, []string{"f1"}) {
		t.Errorf("writeoff: %+v, want every distressed draw over capital", s)
	}
}

// TestStressRiskSharing: the same project split 60/40 between two firms
// distresses nobody in the shock scenario that distresses a lone holder.
func TestStressRiskSharing(t *testing.T) {
	inst, a := oneFirm(200, 30)
	inst.Firms = append(inst.Firms, model.Firm{ID: "f2", Role: model.SME, Capital: 100, RiskLimit: 20, Segments: []string{"ic"}})
	a.Projects[0].Participants = []model.Stake{{Firm: "f1", Stake: 0.6}, {Firm: "f2", Stake: 0.4}}
	s, err := Stress(model.Derive(inst), a, StressOptions{Draws: 1000, Seed: 1, LossModel: ScenarioLoss})
	if err != nil {
		t.Fatal(err)
	}
	// shock: f1 loses 24 ≤ 30, f2 16 ≤ 20.
	if s.DistressShare != 0 || s.DistressedMax != 0 || len(s.DistressedFirms) != 0 || s.FirmsAtRisk != 2 {
		t.Errorf("split: %+v, want no distress", s)
	}
}

func TestStressDeterministic(t *testing.T) {
	inst := load(t, jiangsuPath)
	d := model.Derive(inst)
	res, err := solver.Solve(context.Background(), inst, solver.Options{Method: model.MethodIndependent})
	if err != nil {
		t.Fatal(err)
	}
	for _, lm := range LossModels {
		a, _ := Stress(d, res.Assignment, StressOptions{Draws: 500, Seed: 3, LossModel: lm})
		b, _ := Stress(d, res.Assignment, StressOptions{Draws: 500, Seed: 3, LossModel: lm})
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: same seed, different results:\n%+v\n%+v", lm, a, b)
		}
		c, _ := Stress(d, res.Assignment, StressOptions{Draws: 500, Seed: 4, LossModel: lm})
		if reflect.DeepEqual(a, c) {
			t.Errorf("%s: seeds 3 and 4 give the same results", lm)
		}
	}
}

func TestStressErrors(t *testing.T) {
	inst, a := oneFirm(200, 30)
	d := model.Derive(inst)
	if _, err := Stress(d, a, StressOptions{Draws: 0}); err == nil {
		t.Error("0 draws: no error")
	}
	if _, err := Stress(d, a, StressOptions{Draws: 1, LossModel: "gauss"}); err == nil {
		t.Error("unknown loss model: no error")
	}
	bad := &model.Assignment{Projects: []model.Project{{ID: "nope"}}}
	if _, err := Stress(d, bad, StressOptions{Draws: 1}); err == nil {
		t.Error("unknown project: no error")
	}
}

func TestTableCSVJSON(t *testing.T) {
	rep := tinyReport(t)
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"PLANS", "STRESS TEST", "WHAT COORDINATION IS WORTH", "cluster", "independent", "policy_push",
		"-97.0", "-70.0", "-57.0", "optimal", "CNY million"} {
		if !strings.Contains(table.String(), s) {
			t.Errorf("table lacks %q:\n%s", s, table.String())
		}
	}

	var b bytes.Buffer
	if err := rep.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 4 || !slices.Equal(recs[0], csvHeader) {
		t.Fatalf("CSV: %d records, header %v", len(recs), recs[0])
	}
	col := func(rec []string, name string) string { return rec[slices.Index(csvHeader, name)] }
	for i, w := range [][3]string{{"cluster", "optimal", "-97"}, {"independent", "feasible", "-70"}, {"policy_push", "feasible", "-57"}} {
		rec := recs[i+1]
		if len(rec) != len(csvHeader) || col(rec, "instance") != "tiny" || col(rec, "method") != w[0] ||
			col(rec, "status") != w[1] || col(rec, "objective") != w[2] || col(rec, "stress_draws") != "2000" {
			t.Errorf("CSV row %d: %v", i+1, rec)
		}
	}
	if csvHeader[len(csvHeader)-1] != "solve_seconds" {
		t.Error("solve_seconds is not the last column")
	}

	b.Reset()
	if err := rep.WriteJSON(&b); err != nil {
		t.Fatal(err)
	}
	var back Report
	dec := json.NewDecoder(&b)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&back); err != nil {
		t.Fatal(err)
	}
	if len(back.Rows) != 3 || back.Rows[0].Objective == nil || *back.Rows[0].Objective != -97 ||
		back.Stress == nil || back.Stress.LossModel != WriteOff || len(back.Coordination) != 2 ||
		len(back.Instances) != 1 || back.Instances[0].SMEs != 2 {
		t.Errorf("JSON round trip: %+v", back)
	}
}

// TestDeterministic: two runs give the same CSV and JSON apart from the
// solve times.
func TestDeterministic(t *testing.T) {
	insts := []*model.Instance{load(t, tinyPath)}
	fam, err := Family("12x8x3", 2, 5)
	if err != nil {
		t.Fatal(err)
	}
	insts = append(insts, fam...)
	groups := map[string]string{fam[0].Name: "12x8x3", fam[1].Name: "12x8x3"}
	out := func() (string, string) {
		rep, err := Run(context.Background(), insts, Options{Stress: 300, Seed: 9, Groups: groups})
		if err != nil {
			t.Fatal(err)
		}
		for i := range rep.Rows {
			rep.Rows[i].SolveSeconds = 0
		}
		var c, j bytes.Buffer
		rep.WriteCSV(&c)
		rep.WriteJSON(&j)
		return c.String(), j.String()
	}
	c1, j1 := out()
	c2, j2 := out()
	if c1 != c2 || j1 != j2 {
		t.Errorf("two runs differ:\n%s\n%s", c1, c2)
	}
	if !strings.Contains(j1, `"group": "12x8x3"`) || !strings.Contains(j1, `"count": 2`) {
		t.Errorf("no group mean row in JSON:\n%s", j1)
	}
}

func TestWriteAll(t *testing.T) {
	rep, err := Run(context.Background(), []*model.Instance{load(t, tinyPath), load(t, infeasiblePath)}, Options{Stress: 100})
	if err != nil {
		t.Fatal(err)
	}
	inf := rep.Row("infeasible-target", model.MethodCluster)
	if inf == nil || inf.Status != model.StatusInfeasible || inf.Objective != nil || inf.Stress != nil || inf.Message == "" {
		t.Errorf("infeasible-target cluster row: %+v", inf)
	}
	for _, g := range rep.Coordination {
		if g.Instance == "infeasible-target" {
			t.Errorf("coordination row for an infeasible cluster: %+v", g)
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	written, err := rep.WriteAll(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{TableFile, CSVFile, JSONFile}
	for _, c := range ChartNames {
		want = append(want, filepath.Join(ChartsDir, c+".png"), filepath.Join(ChartsDir, c+".svg"))
	}
	for _, m := range Methods {
		want = append(want, filepath.Join(PlansDir, "tiny."+m+".json"))
	}
	want = append(want, filepath.Join(PlansDir, "infeasible-target.cluster.json"))
	for _, w := range want {
		path := filepath.Join(dir, w)
		if !slices.Contains(written, path) {
			t.Errorf("%s not reported as written", w)
		}
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			t.Errorf("%s: %v (%d bytes)", w, err, len(data))
			continue
		}
		switch filepath.Ext(w) {
		case ".png":
			cfg, err := png.DecodeConfig(bytes.NewReader(data))
			if err != nil || cfg.Width < 300 || cfg.Height < 200 {
				t.Errorf("%s: %v, %dx%d", w, err, cfg.Width, cfg.Height)
			}
		case ".svg":
			if !bytes.Contains(data, []byte("<svg")) {
				t.Errorf("%s: not an SVG", w)
			}
		}
	}
	// The CSV has as many cells on the infeasible row as on the others.
	data, _ := os.ReadFile(filepath.Join(dir, CSVFile))
	if recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll(); err != nil || len(recs) != 7 {
		t.Errorf("CSV: %v, %d records", err, len(recs))
	}
	table, _ := os.ReadFile(filepath.Join(dir, TableFile))
	if !strings.Contains(string(table), "infeasible") {
		t.Errorf("table does not show the infeasible cluster:\n%s", table)
	}
}

func TestRunErrors(t *testing.T) {
	tiny := load(t, tinyPath)
	ctx := context.Background()
	if _, err := Run(ctx, []*model.Instance{tiny, tiny}, Options{}); err == nil || !strings.Contains(err.Error(), "named") {
		t.Errorf("duplicate names: %v", err)
	}
	if _, err := Run(ctx, []*model.Instance{tiny}, Options{Stress: -1}); err == nil {
		t.Error("negative stress: no error")
	}
	if _, err := Run(ctx, []*model.Instance{tiny}, Options{LossModel: "x"}); err == nil {
		t.Error("bad loss model: no error")
	}
	bad := *tiny
	bad.Name = "bad"
	bad.Firms = nil
	if _, err := Run(ctx, []*model.Instance{&bad}, Options{}); err == nil {
		t.Error("invalid instance: no error")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	rep, err := Run(cancelled, []*model.Instance{tiny}, Options{})
	if err == nil || rep == nil || len(rep.Rows) != 0 {
		t.Errorf("cancelled: %v, %+v", err, rep)
	}
}

func TestParseFamily(t *testing.T) {
	cfg, err := ParseFamily("30x20x5")
	if err != nil || cfg.Firms != 30 || cfg.Opportunities != 20 || cfg.Markets != 5 || FamilyLabel(cfg) != "30x20x5" {
		t.Errorf("30x20x5: %+v, %v", cfg, err)
	}
	for _, bad := range []string{"", "30x20", "30x20x5x1", "ax20x5", "0x20x5", "30x-1x5", "30x20x1000000"} {
		if _, err := ParseFamily(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	insts, err := Family("8x6x2", 3, 10)
	if err != nil || len(insts) != 3 {
		t.Fatal(err)
	}
	for i, in := range insts {
		if want := []string{"gen-8x6x2-s10", "gen-8x6x2-s11", "gen-8x6x2-s12"}[i]; in.Name != want || len(in.Firms) != 8 {
			t.Errorf("instance %d: %s with %d firms, want %s with 8", i, in.Name, len(in.Firms), want)
		}
	}
	if _, err := Family("8x6x2", 0, 1); err == nil {
		t.Error("count 0: no error")
	}
}

func TestFileName(t *testing.T) {
	for in, want := range map[string]string{"tiny": "tiny", "a/b c": "a_b_c", "..x": "x", "": "instance", "gen-3x2x1-s0": "gen-3x2x1-s0"} {
		if got := fileName(in); got != want {
			t.Errorf("fileName(%q) = %q, want %q", in, got, want)
		}
	}
}

func benchSolve(b *testing.B, path, method string) {
	inst := load(b, path)
	ctx := context.Background()
	b.ResetTimer()
	for b.Loop() {
		res, err := solver.Solve(ctx, inst, solver.Options{Method: method})
		if err != nil || res.Status.Err() != nil {
			b.Fatal(err, res.Status)
		}
	}
}

// Go benchmarks for tracking solve speed over time:
//
//	go test -run '^$' -bench . ./bench/
func BenchmarkSolveTiny(b *testing.B)    { benchSolve(b, tinyPath, model.MethodCluster) }
func BenchmarkSolveJiangsu(b *testing.B) { benchSolve(b, jiangsuPath, model.MethodCluster) }
func BenchmarkIndependentJiangsu(b *testing.B) {
	benchSolve(b, jiangsuPath, model.MethodIndependent)
}
func BenchmarkPolicyPushJiangsu(b *testing.B) { benchSolve(b, jiangsuPath, model.MethodPolicyPush) }

// BenchmarkSolveGenerated30x20x5 solves the generated cluster of seed 1.
func BenchmarkSolveGenerated30x20x5(b *testing.B) {
	insts, err := Family("30x20x5", 1, 1)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := solver.Solve(ctx, insts[0], solver.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStressJiangsu: 1000 write-off draws of the independent plan of
// jiangsu-electronics.json (17 projects; the draw costs one number per
// opportunity whatever the plan).
func BenchmarkStressJiangsu(b *testing.B) {
	inst := load(b, jiangsuPath)
	res, err := solver.Solve(context.Background(), inst, solver.Options{Method: model.MethodIndependent})
	if err != nil {
		b.Fatal(err)
	}
	d := model.Derive(inst)
	for b.Loop() {
		if _, err := Stress(d, res.Assignment, StressOptions{Draws: 1000, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestWriteAllEdgeCases: an empty report writes no charts, an instance
// without a currency and a report with only an infeasible cluster still
// draw.
func TestWriteAllEdgeCases(t *testing.T) {
	ctx := context.Background()
	rep, err := Run(ctx, nil, Options{Stress: 10})
	if err != nil {
		t.Fatal(err)
	}
	written, err := rep.WriteAll(t.TempDir())
	if err != nil || len(written) != 3 {
		t.Errorf("empty report: %v, wrote %v", err, written)
	}
	inst := load(t, tinyPath)
	inst.Currency = ""
	for _, insts := range [][]*model.Instance{{inst}, {load(t, infeasiblePath)}} {
		rep, err := Run(ctx, insts, Options{Stress: 10})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := rep.WriteAll(t.TempDir()); err != nil {
			t.Errorf("%s: %v", insts[0].Name, err)
		}
	}
}

// TestStressPick checks how a uniform draw picks the scenario: by the
// cumulative probabilities, scaled to their sum, with the last scenario
// taking whatever rounding leaves above it.
func TestStressPick(t *testing.T) {
	tests := []struct {
		probs []float64
		u     float64
		want  int
	}{
		{[]float64{0.5, 0.3, 0.2}, 0, 0},
		{[]float64{0.5, 0.3, 0.2}, 0.4999, 0},
		{[]float64{0.5, 0.3, 0.2}, 0.5, 1},
		{[]float64{0.5, 0.3, 0.2}, 0.7999, 1},
		{[]float64{0.5, 0.3, 0.2}, 0.8, 2},
		{[]float64{0.5, 0.3, 0.2}, 0.9999999, 2},
		{[]float64{0, 1}, 0, 1},             // a scenario of probability 0 is never drawn
		{[]float64{0.25, 0.25}, 0.5, 1},     // scaled: 0.5 of the sum 0.5 is the second half
		{[]float64{0.25, 0.25}, 0.4999, 0},  //
		{[]float64{0.6, 0.4 - 1e-12}, 1, 1}, // past the end: the last one
		{[]float64{1}, 0.99999999, 0},       //
	}
	for _, tc := range tests {
		st := &stresser{cum: make([]float64, len(tc.probs))}
		for k, p := range tc.probs {
			st.total += p
			st.cum[k] = st.total
		}
		if got := st.pick(tc.u); got != tc.want {
			t.Errorf("probs %v, u %v: scenario %d, want %d", tc.probs, tc.u, got, tc.want)
		}
	}
}
