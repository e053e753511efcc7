package instances_test

import (
	"bytes"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/instances"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := instances.Files.ReadFile(name + ".json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// strict decodes with encoding/json alone, unknown fields refused.
func strict(t *testing.T, data []byte, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatal(err)
	}
	if dec.More() {
		t.Fatal("trailing data after the JSON object")
	}
}

func load(t *testing.T, name string) *model.Instance {
	t.Helper()
	inst, err := model.Parse(read(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func TestNames(t *testing.T) {
	want := []string{"infeasible-target", "jiangsu-3-periods", "jiangsu-electronics", "tiny"}
	if got := instances.Names(); !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	// Every JSON file of the directory is embedded.
	files, _ := filepath.Glob("*.json")
	for i := range files {
		files[i] = strings.TrimSuffix(files[i], ".json")
	}
	if !slices.Equal(files, want) {
		t.Fatalf("directory has %v", files)
	}
}

// TestBundled loads every file strictly (encoding/json and model.Parse),
// validates it, checks basic invariants and that the file is in canonical
// form: 2-space indented, fields in the order of the model types.
func TestBundled(t *testing.T) {
	for _, name := range instances.Names() {
		t.Run(name, func(t *testing.T) {
			data := read(t, name)
			var inst model.Instance
			strict(t, data, &inst)
			if inst.Name != name {
				t.Errorf("name %q, file %s.json", inst.Name, name)
			}
			if inst.Currency != "CNY million" {
				t.Errorf("currency %q", inst.Currency)
			}
			sum := 0.0
			for _, s := range inst.Scenarios {
				sum += s.Probability
			}
			if math.Abs(sum-1) > 1e-9 {
				t.Errorf("probabilities sum to %v", sum)
			}
			canonical, err := json.MarshalIndent(&inst, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(append(canonical, '\n'), data) {
				t.Errorf("%s.json is not in canonical form (json.MarshalIndent with 2 spaces, trailing newline)", name)
			}
			loaded := load(t, name)
			issues := model.Validate(loaded)
			if errs := model.Errors(issues); len(errs) > 0 {
				t.Fatalf("invalid: %v", errs)
			}
			// Only tiny and its infeasible twin have a deliberately
			// unfundable opportunity (gf_vn, blocked by budget); the twin's
			// market-power target is out of reach before any solve.
			var want []string
			switch name {
			case "tiny":
				want = []string{"opportunities[3]"}
			case "infeasible-target":
				want = []string{"opportunities[3]", "objective.market_power_target"}
			}
			var got []string
			for _, is := range issues {
				got = append(got, is.Path)
			}
			if !slices.Equal(got, want) {
				t.Errorf("warnings %v, want at %v", issues, want)
			}
		})
	}
}

// TestJiangsuShape checks what README.md promises about jiangsu-electronics.
func TestJiangsuShape(t *testing.T) {
	inst := load(t, "jiangsu-electronics")
	if n := len(inst.Firms); n < 30 || n > 45 {
		t.Errorf("%d firms", n)
	}
	if n := len(inst.Markets); n < 8 || n > 12 {
		t.Errorf("%d markets", n)
	}
	if n := len(inst.Opportunities); n < 25 || n > 40 {
		t.Errorf("%d opportunities", n)
	}
	roles := map[model.Role]int{}
	pioneers := map[model.Role]int{}
	for _, f := range inst.Firms {
		roles[f.Role]++
		if f.Pioneer {
			pioneers[f.Role]++
		}
	}
	if roles[model.Large] == 0 || roles[model.SME] == 0 || roles[model.Supporting] == 0 ||
		pioneers[model.Large] == 0 || pioneers[model.SME] == 0 {
		t.Errorf("roles %v, pioneers %v", roles, pioneers)
	}
	modes := map[model.Mode]int{}
	segments := map[string]bool{}
	for _, o := range inst.Opportunities {
		modes[o.Mode]++
		segments[o.Segment] = true
	}
	if len(modes) != len(model.Modes) {
		t.Errorf("modes %v", modes)
	}
	for _, s := range []string{"ic", "display", "iot", "software", "components"} {
		if !segments[s] {
			t.Errorf("no opportunity in segment %s", s)
		}
	}
	if inst.Policy.SubsidyOf(model.JointRnD) <= 0 || inst.Policy.CreditLine <= 0 || len(inst.Policy.PromotedMarkets) == 0 {
		t.Errorf("policy %+v", inst.Policy)
	}
	for _, o := range inst.Opportunities {
		if d := model.Derive(inst); len(d.Unfundable[d.Opp[o.ID]]) > 0 {
			t.Errorf("%s unfundable: %v", o.ID, d.Unfundable[d.Opp[o.ID]])
		}
	}
}

// TestTinyDerivedSets pins the eligible pairs tiny.md lists.
func TestTinyDerivedSets(t *testing.T) {
	inst := load(t, "tiny")
	d := model.Derive(inst)
	type pair struct {
		firm             string
		learning, reward bool
	}
	want := map[string][]pair{
		"acq_de": {{"large1", false, false}, {"sme1", true, true}, {"sme2", true, true}},
		"rnd_de": {{"large1", false, false}, {"sme1", true, true}, {"sme2", true, true}, {"supp1", true, false}},
		"ne_vn":  {{"sme1", false, false}, {"supp1", false, false}},
		"gf_vn":  {{"large2", false, false}},
	}
	pioneers := map[string][]string{"acq_de": {"large1"}, "rnd_de": {"large1"}}
	for p, o := range inst.Opportunities {
		var got []pair
		for _, pr := range d.Pairs[p] {
			got = append(got, pair{inst.Firms[pr.Firm].ID, pr.Learning, pr.Reward})
		}
		if !slices.Equal(got, want[o.ID]) {
			t.Errorf("%s: pairs %v, want %v", o.ID, got, want[o.ID])
		}
		var pi []string
		for _, g := range d.Pioneers[p] {
			pi = append(pi, inst.Firms[g].ID)
		}
		if !slices.Equal(pi, pioneers[o.ID]) {
			t.Errorf("%s: pioneers %v, want %v", o.ID, pi, pioneers[o.ID])
		}
		if blocked := len(d.Unfundable[p]) > 0; blocked != (o.ID == "gf_vn") {
			t.Errorf("%s: unfundable %v", o.ID, d.Unfundable[p])
		}
	}
}

// bestSubsets bounds Z from below for every set S of fundable
// opportunities that meets the market power target: info cost and
// dissipation of S, minus the value of S, minus λ_L for every
// learning-reward pair of S (w_fp ≤ 1). It returns the smallest bound, the
// sets attaining it and the second smallest bound; ok is false when no set
// meets the target.
func bestSubsets(inst *model.Instance) (best float64, argmin [][]string, second float64, ok bool) {
	d := model.Derive(inst)
	var open []int
	for p := range inst.Opportunities {
		if len(d.Unfundable[p]) == 0 {
			open = append(open, p)
		}
	}
	best, second = math.Inf(1), math.Inf(1)
	for mask := 0; mask < 1<<len(open); mask++ {
		var set []string
		power, z := 0.0, 0.0
		markets := map[string]bool{}
		cells := map[[2]string]int{}
		var cellOrder [][2]string
		for i, p := range open {
			if mask&(1<<i) == 0 {
				continue
			}
			o := &inst.Opportunities[p]
			set = append(set, o.ID)
			power += o.MarketPower
			z -= o.NPV + inst.Policy.SubsidyOf(o.Mode)*o.Cost + inst.Objective.MarketPowerValue*o.MarketPower
			for _, pr := range d.Pairs[p] {
				if pr.Reward {
					z -= inst.Objective.LearningValue
				}
			}
			markets[o.Market] = true
			cell := [2]string{o.Market, o.Segment}
			if cells[cell] == 0 {
				cellOrder = append(cellOrder, cell)
			}
			cells[cell]++
		}
		if power < inst.Objective.MarketPowerTarget {
			continue
		}
		ok = true
		for _, m := range inst.Markets {
			if markets[m.ID] {
				z += m.InfoCost
			}
		}
		for _, cell := range cellOrder {
			m := &inst.Markets[d.Market[cell[0]]]
			z += m.Dissipation * math.Max(0, float64(cells[cell]-m.Cap(cell[1])))
		}
		switch {
		case z < best-1e-9:
			second, best, argmin = best, z, [][]string{set}
		case z <= best+1e-9:
			argmin = append(argmin, set)
		case z < second:
			second = z
		}
	}
	return best, argmin, second, ok
}

// loadPlan reads testdata/<name>.optimum.json and fills in its metrics.
func loadPlan(t *testing.T, inst *model.Instance, name string) *model.Plan {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name+".optimum.json"))
	if err != nil {
		t.Fatal(err)
	}
	var plan model.Plan
	strict(t, data, &plan)
	d := model.Derive(inst)
	m, z, err := d.Evaluate(plan.Plan, plan.Method)
	if err != nil {
		t.Fatal(err)
	}
	if plan.Objective == nil || math.Abs(*plan.Objective-z) > 1e-6 {
		t.Fatalf("stored objective %v, evaluated %v", plan.Objective, z)
	}
	plan.Metrics = &m
	return &plan
}

// TestTinyOptimum proves the optimum of tiny.md: the plan of
// testdata/tiny.optimum.json is feasible (model/check) with Z = −97, and no
// set of fundable projects meeting the target can do better even with
// every learning-reward pair rewarded; the optimal project set is unique.
func TestTinyOptimum(t *testing.T) {
	inst := load(t, "tiny")
	plan := loadPlan(t, inst, "tiny")
	if rep := check.Check(inst, plan, check.Options{}); !rep.OK() {
		t.Fatal(rep.Err())
	}
	if *plan.Objective != -97 {
		t.Errorf("Z = %v, want -97", *plan.Objective)
	}
	m := plan.Metrics
	if m.InfoCost != 6 || m.Dissipation != 15 || m.Value != 84 || m.MarketPower != 11 || m.Learning != 4 {
		t.Errorf("metrics %+v", m)
	}
	best, argmin, second, ok := bestSubsets(inst)
	if !ok || best != -97 || len(argmin) != 1 || !slices.Equal(argmin[0], []string{"acq_de", "rnd_de"}) {
		t.Errorf("bound %v attained by %v", best, argmin)
	}
	if second != -84 {
		t.Errorf("second best bound %v, want -84 (adding ne_vn)", second)
	}
}

// TestInfeasibleTarget: no set of fundable opportunities reaches the
// target (gf_vn is blocked by budget; the rest carry 12 < 15), though the
// sum over all opportunities (18) does, so validation alone cannot tell.
func TestInfeasibleTarget(t *testing.T) {
	inst := load(t, "infeasible-target")
	if _, _, _, ok := bestSubsets(inst); ok {
		t.Fatal("some set of fundable opportunities meets the target")
	}
	total := 0.0
	for _, o := range inst.Opportunities {
		total += o.MarketPower
	}
	if total < inst.Objective.MarketPowerTarget {
		t.Errorf("target %v above the total %v: meant to be subtle", inst.Objective.MarketPowerTarget, total)
	}
	// It is tiny with a higher target.
	tiny := load(t, "tiny")
	tiny.Name, tiny.Objective.MarketPowerTarget = inst.Name, inst.Objective.MarketPowerTarget
	a, _ := json.Marshal(tiny)
	b, _ := json.Marshal(inst)
	if !bytes.Equal(a, b) {
		t.Error("infeasible-target.json differs from tiny.json in more than name and target")
	}
}

// TestJiangsuKnownOptimum: the best plan known (CBC and GLPK agree on it,
// see README.md) is feasible and worth Z = −1389.6.
func TestJiangsuKnownOptimum(t *testing.T) {
	inst := load(t, "jiangsu-electronics")
	plan := loadPlan(t, inst, "jiangsu-electronics")
	if rep := check.Check(inst, plan, check.Options{}); !rep.OK() {
		t.Fatal(rep.Err())
	}
	if math.Abs(*plan.Objective-(-1389.6)) > 1e-6 {
		t.Errorf("Z = %v", *plan.Objective)
	}
	if !plan.Metrics.TargetsMet || plan.Metrics.Projects != 29 {
		t.Errorf("metrics %+v", plan.Metrics)
	}
}

// TestJiangsu3Periods: the bundled 3-period instance is jiangsu-electronics
// plus a horizon block and windows on five far-market opportunities.
func TestJiangsu3Periods(t *testing.T) {
	three, one := load(t, "jiangsu-3-periods"), load(t, "jiangsu-electronics")
	if three.Periods() != 3 || three.Horizon.DiscountOr() != 0.9 || three.Horizon.CapitalReleaseOr() != 0.5 {
		t.Fatalf("horizon %+v", three.Horizon)
	}
	windows := 0
	for i := range three.Opportunities {
		if ps := three.Opportunities[i].Periods; ps != nil {
			windows++
			if !slices.Equal(ps, []int{2, 3}) {
				t.Errorf("%s: periods %v, want [2 3]", three.Opportunities[i].ID, ps)
			}
			three.Opportunities[i].Periods = nil
		}
	}
	if windows != 5 {
		t.Errorf("%d windows, want 5", windows)
	}
	three.Name, three.Horizon = one.Name, nil
	a, _ := json.Marshal(three)
	b, _ := json.Marshal(one)
	if !bytes.Equal(a, b) {
		t.Error("apart from name, horizon and windows, jiangsu-3-periods differs from jiangsu-electronics")
	}
}
