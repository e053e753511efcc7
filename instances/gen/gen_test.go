package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

func marshal(t *testing.T, inst *model.Instance) []byte {
	t.Helper()
	b, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDeterministic(t *testing.T) {
	cfg := Config{Firms: 40, Opportunities: 25, Markets: 6, Seed: 7}
	a, b := marshal(t, Generate(cfg)), marshal(t, Generate(cfg))
	if !bytes.Equal(a, b) {
		t.Fatal("same config gave different instances")
	}
	cfg.Seed = 8
	cfg.Name = Generate(Config{Firms: 40, Opportunities: 25, Markets: 6, Seed: 7}).Name
	if c := marshal(t, Generate(cfg)); bytes.Equal(a, c) {
		t.Fatal("different seeds gave the same instance")
	}
}

func TestDefaults(t *testing.T) {
	inst := Generate(Config{})
	if len(inst.Firms) != DefaultFirms || len(inst.Opportunities) != DefaultOpportunities ||
		len(inst.Markets) != DefaultMarkets {
		t.Fatalf("defaults: %d firms, %d opportunities, %d markets",
			len(inst.Firms), len(inst.Opportunities), len(inst.Markets))
	}
	if inst.Name != "gen-30x20x5-s0" {
		t.Fatalf("default name %q", inst.Name)
	}
	if got := Generate(Config{Name: "x", Firms: -1}).Name; got != "x" {
		t.Fatalf("name %q", got)
	}
}

// checkStructure checks ids, references and the ranges of MODEL.md.
// (Temporary: model.Validate will take over once it exists.)
func checkStructure(t *testing.T, inst *model.Instance) {
	t.Helper()
	errorf := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{inst.Name}, args...)...)
	}
	unique := func(kind string, ids []string) map[string]bool {
		seen := map[string]bool{}
		for _, id := range ids {
			if id == "" || seen[id] {
				errorf("%s id %q empty or repeated", kind, id)
			}
			seen[id] = true
		}
		return seen
	}
	var ids []string
	sum := 0.0
	for _, s := range inst.Scenarios {
		ids = append(ids, s.ID)
		if s.Probability <= 0 || s.Probability > 1 {
			errorf("scenario %s probability %v", s.ID, s.Probability)
		}
		sum += s.Probability
	}
	scenarios := unique("scenario", ids)
	if len(inst.Scenarios) == 0 || math.Abs(sum-1) > 1e-6 {
		errorf("scenario probabilities sum to %v", sum)
	}
	ids = nil
	for _, m := range inst.Markets {
		ids = append(ids, m.ID)
		if m.InfoCost < 0 || m.Dissipation < 0 || m.Distance < 0 || m.Distance > 1 {
			errorf("market %s out of range: %+v", m.ID, m)
		}
		for _, c := range m.Capacity {
			if c < 0 {
				errorf("market %s capacity %d", m.ID, c)
			}
		}
	}
	markets := unique("market", ids)
	ids = nil
	served := map[string]bool{}
	for _, f := range inst.Firms {
		ids = append(ids, f.ID)
		if f.Role != model.Large && f.Role != model.SME && f.Role != model.Supporting {
			errorf("firm %s role %q", f.ID, f.Role)
		}
		if f.Capital <= 0 || f.RiskLimit < 0 || len(f.Segments) == 0 {
			errorf("firm %s capital %v risk %v segments %v", f.ID, f.Capital, f.RiskLimit, f.Segments)
		}
		if f.MaxProjects != nil && *f.MaxProjects < 0 {
			errorf("firm %s max_projects %d", f.ID, *f.MaxProjects)
		}
		for m, k := range f.Knowledge {
			if (m != "default" && !markets[m]) || k < 0 || k > 1 {
				errorf("firm %s knowledge %s=%v", f.ID, m, k)
			}
		}
		for _, s := range f.Segments {
			served[s] = true
		}
	}
	unique("firm", ids)
	ids = nil
	for _, o := range inst.Opportunities {
		ids = append(ids, o.ID)
		if !markets[o.Market] || !served[o.Segment] {
			errorf("opportunity %s market %q segment %q", o.ID, o.Market, o.Segment)
		}
		if o.Cost <= 0 || o.MarketPower < 0 || o.KnowledgeRequired < 0 || o.KnowledgeRequired > 1 {
			errorf("opportunity %s out of range: %+v", o.ID, o)
		}
		if o.MinPartnersOr() < 1 || (o.MaxPartners != nil && *o.MaxPartners < o.MinPartnersOr()) {
			errorf("opportunity %s partners", o.ID)
		}
		for k, l := range o.Loss {
			if !scenarios[k] || l < 0 || l > 1 {
				errorf("opportunity %s loss %s=%v", o.ID, k, l)
			}
		}
		valid := false
		for _, m := range model.Modes {
			valid = valid || m == o.Mode
		}
		if !valid {
			errorf("opportunity %s mode %q", o.ID, o.Mode)
		}
	}
	unique("opportunity", ids)
	p := inst.Policy
	if p.CreditLine < 0 || p.CreditPerFirm < 0 || p.Alpha() < 0 || p.Alpha() >= 1 {
		errorf("policy %+v", p)
	}
	for _, s := range p.Subsidy {
		if s < 0 || s >= 1 {
			errorf("subsidy %v", s)
		}
	}
	for _, m := range p.PromotedMarkets {
		if !markets[m] {
			errorf("promoted market %q", m)
		}
	}
	ob := inst.Objective
	if ob.MarketPowerValue < 0 || ob.LearningValue < 0 || ob.MarketPowerTarget < 0 ||
		ob.SMEParticipationTarget < 0 || ob.SMEParticipationTarget > 1 {
		errorf("objective %+v", ob)
	}
}

var sizes = []Config{
	{Firms: 1, Opportunities: 1, Markets: 1},
	{Firms: 2, Opportunities: 3, Markets: 1},
	{Firms: 3, Opportunities: 6, Markets: 2},
	{Firms: 8, Opportunities: 5, Markets: 3},
	{Firms: 30, Opportunities: 20, Markets: 5},
	{Firms: 60, Opportunities: 40, Markets: 8},
	{Firms: 300, Opportunities: 120, Markets: 15},
}

func TestStructure(t *testing.T) {
	for _, size := range sizes {
		for seed := range uint64(5) {
			cfg := size
			cfg.Seed = seed
			inst := Generate(cfg)
			checkStructure(t, inst)
			if errs := model.Errors(model.Validate(inst)); len(errs) > 0 {
				t.Errorf("%s: %v", inst.Name, errs)
			}
			roles := map[model.Role]int{}
			pioneers := 0
			for _, f := range inst.Firms {
				roles[f.Role]++
				if f.Pioneer {
					pioneers++
				}
			}
			if pioneers == 0 {
				t.Errorf("%s: no pioneer", inst.Name)
			}
			if cfg.Firms >= 3 && (roles[model.Large] == 0 || roles[model.SME] == 0 || roles[model.Supporting] == 0) {
				t.Errorf("%s: roles %v", inst.Name, roles)
			}
			modes := map[model.Mode]int{}
			for _, o := range inst.Opportunities {
				modes[o.Mode]++
			}
			if cfg.Opportunities >= 6 && len(modes) != len(model.Modes) {
				t.Errorf("%s: modes %v", inst.Name, modes)
			}
		}
	}
}

// TestMix checks the documented shares on a large instance.
func TestMix(t *testing.T) {
	inst := Generate(Config{Firms: 2000, Opportunities: 1000, Markets: 20, Seed: 3})
	roles := map[model.Role]int{}
	pioneers, largePioneers := 0, 0
	for _, f := range inst.Firms {
		roles[f.Role]++
		if f.Pioneer {
			pioneers++
			if f.Role == model.Large {
				largePioneers++
			}
		}
	}
	n := float64(len(inst.Firms))
	near := func(got, want float64) bool { return math.Abs(got-want) < 0.02 }
	if !near(float64(roles[model.Large])/n, 0.15) || !near(float64(roles[model.SME])/n, 0.60) ||
		!near(float64(roles[model.Supporting])/n, 0.25) {
		t.Errorf("roles %v", roles)
	}
	if !near(float64(pioneers)/n, 0.12) || largePioneers*2 < pioneers {
		t.Errorf("%d pioneers, %d large", pioneers, largePioneers)
	}
	negative, modes := 0, map[model.Mode]int{}
	for _, o := range inst.Opportunities {
		modes[o.Mode]++
		if o.NPV < 0 {
			negative++
		}
	}
	if negative < 50 || negative > 400 {
		t.Errorf("%d of 1000 npv negative", negative)
	}
	for _, mp := range modeTable {
		if !near(float64(modes[mp.mode])/1000, mp.share) {
			t.Errorf("mode %s: %d of 1000", mp.mode, modes[mp.mode])
		}
	}
}

// cvar is CVaR_α of the discrete loss L (Rockafellar–Uryasev, minimised
// over η at the scenario losses).
func cvar(inst *model.Instance, loss map[string]float64) float64 {
	alpha := inst.Policy.Alpha()
	best := math.Inf(1)
	for _, cand := range inst.Scenarios {
		eta := loss[cand.ID]
		v := eta
		for _, k := range inst.Scenarios {
			v += k.Probability * math.Max(0, loss[k.ID]-eta) / (1 - alpha)
		}
		best = math.Min(best, v)
	}
	return best
}

// checkWitness verifies, independently of buildWitness, that the greedy
// plan satisfies every constraint of MODEL.md and meets the targets.
func checkWitness(t *testing.T, inst *model.Instance, w witness) {
	t.Helper()
	const tol = 1e-6
	n := len(inst.Firms)
	spent := make([]float64, n)
	count := make([]int, n)
	loss := make([]map[string]float64, n)
	for i := range loss {
		loss[i] = map[string]float64{}
	}
	power := 0.0
	for _, wp := range w.projects {
		o := &inst.Opportunities[wp.opp]
		rule := inst.Rules.Mode(o.Mode)
		a := (1 - inst.Policy.Subsidy[o.Mode]) * o.Cost
		fail := func(format string, args ...any) {
			t.Helper()
			t.Errorf("%s %s: "+format, append([]any{inst.Name, o.ID}, args...)...)
		}
		// Π_p computed from scratch.
		pi := map[int]bool{}
		for g := range inst.Firms {
			f := &inst.Firms[g]
			if f.Pioneer && rule.Allows(f.Role) && f.Serves(o.Segment) && f.KnowledgeOf(o.Market) >= o.KnowledgeRequired {
				pi[g] = true
			}
		}
		total, leads := 0.0, 0
		roles := map[model.Role]bool{}
		seen := map[int]bool{}
		for i, f := range wp.members {
			firm := &inst.Firms[f]
			s := wp.stakes[i]
			if seen[f] {
				fail("firm %s twice", firm.ID)
			}
			seen[f] = true
			roles[firm.Role] = true
			total += s
			if !rule.Allows(firm.Role) || !firm.Serves(o.Segment) {
				fail("firm %s not eligible", firm.ID)
			}
			if firm.KnowledgeOf(o.Market) < o.KnowledgeRequired {
				if firm.Pioneer || len(pi) == 0 {
					fail("firm %s not eligible (knowledge)", firm.ID)
				}
				ok := false
				for _, g := range wp.members {
					ok = ok || (g != f && pi[g])
				}
				if !ok {
					fail("learning pair %s without pioneer", firm.ID)
				}
			}
			ub := 1.0
			if rule.Lead != "" && firm.Role != rule.Lead {
				ub = inst.Rules.MinorityMaxStakeOr()
			}
			if s < inst.Rules.MinStakeOr()-tol || s > ub+tol {
				fail("firm %s stake %v", firm.ID, s)
			}
			if f == wp.lead {
				leads++
				if firm.Role != rule.Lead || s < inst.Rules.LeadMinStakeOr()-tol {
					fail("lead %s role %s stake %v", firm.ID, firm.Role, s)
				}
			}
			spent[f] += s * a
			count[f]++
			for k, l := range o.Loss {
				loss[f][k] += l * a * s
			}
		}
		if math.Abs(total-1) > tol {
			fail("stakes sum to %v", total)
		}
		if (rule.Lead != "") != (leads == 1) {
			fail("%d leads", leads)
		}
		for _, r := range rule.Requires {
			if !roles[r] {
				fail("required role %s missing", r)
			}
		}
		if len(wp.members) < o.MinPartnersOr() || (o.MaxPartners != nil && len(wp.members) > *o.MaxPartners) {
			fail("%d partners", len(wp.members))
		}
		power += o.MarketPower
	}
	smes, nSME := 0, 0
	for f := range inst.Firms {
		firm := &inst.Firms[f]
		if spent[f] > firm.Capital+tol {
			t.Errorf("%s: firm %s spends %v of %v", inst.Name, firm.ID, spent[f], firm.Capital)
		}
		if c := cvar(inst, loss[f]); c > firm.RiskLimit+tol {
			t.Errorf("%s: firm %s CVaR %v > %v", inst.Name, firm.ID, c, firm.RiskLimit)
		}
		if firm.MaxProjects != nil && count[f] > *firm.MaxProjects {
			t.Errorf("%s: firm %s in %d projects", inst.Name, firm.ID, count[f])
		}
		if firm.Role == model.SME {
			nSME++
			if count[f] > 0 {
				smes++
			}
		}
	}
	if power < inst.Objective.MarketPowerTarget-tol {
		t.Errorf("%s: market power %v < target %v", inst.Name, power, inst.Objective.MarketPowerTarget)
	}
	if need := math.Ceil(inst.Objective.SMEParticipationTarget * float64(nSME)); float64(smes) < need {
		t.Errorf("%s: %d SMEs take part, %v needed", inst.Name, smes, need)
	}
}

// witnessPlan turns the greedy plan into a plan of the output format.
func witnessPlan(t *testing.T, inst *model.Instance, w witness) *model.Plan {
	t.Helper()
	a := &model.Assignment{Projects: []model.Project{}, MarketsEntered: []string{}, Credit: []model.Credit{}}
	entered := map[string]bool{}
	for _, wp := range w.projects {
		o := &inst.Opportunities[wp.opp]
		pr := model.Project{ID: o.ID, Market: o.Market, Mode: o.Mode}
		if wp.lead >= 0 {
			pr.Lead = inst.Firms[wp.lead].ID
		}
		for i, f := range wp.members {
			pr.Participants = append(pr.Participants, model.Stake{Firm: inst.Firms[f].ID, Stake: wp.stakes[i]})
		}
		a.Projects = append(a.Projects, pr)
		if !entered[o.Market] {
			entered[o.Market] = true
			a.MarketsEntered = append(a.MarketsEntered, o.Market)
		}
	}
	d := model.Derive(inst)
	d.SortAssignment(a)
	m, z, err := d.Evaluate(a, model.MethodCluster)
	if err != nil {
		t.Fatal(err)
	}
	return &model.Plan{Instance: inst.Name, Method: model.MethodCluster, Status: model.StatusFeasible,
		Objective: &z, Metrics: &m, Plan: a}
}

// TestFeasibleByWitness: the greedy plan behind the targets satisfies every
// constraint, by this file's own check and by model/check.
func TestFeasibleByWitness(t *testing.T) {
	for _, size := range sizes {
		for seed := range uint64(10) {
			cfg := size
			cfg.Seed = seed
			inst := Generate(cfg)
			w := buildWitness(inst, views(inst))
			checkWitness(t, inst, w)
			if rep := check.Check(inst, witnessPlan(t, inst, w), check.Options{}); !rep.OK() {
				t.Errorf("%s: %v", inst.Name, rep.Err())
			}
		}
	}
}

// TestNonTrivial: on the reference size the targets are positive and the
// instance has projects worth taking and projects that are not.
func TestNonTrivial(t *testing.T) {
	for seed := range uint64(20) {
		inst := Generate(Config{Seed: seed})
		w := buildWitness(inst, views(inst))
		if inst.Objective.MarketPowerTarget <= 0 || inst.Objective.SMEParticipationTarget <= 0 {
			t.Errorf("%s: targets %+v (witness: %d projects, G %.1f, %d SMEs)", inst.Name,
				inst.Objective, len(w.projects), w.marketPower, w.smes)
		}
		if len(w.projects) < 4 {
			t.Errorf("%s: greedy funds only %d projects", inst.Name, len(w.projects))
		}
		negative := 0
		for _, o := range inst.Opportunities {
			if o.NPV+inst.Policy.Subsidy[o.Mode]*o.Cost+inst.Objective.MarketPowerValue*o.MarketPower < 0 {
				negative++
			}
		}
		if negative == len(inst.Opportunities) {
			t.Errorf("%s: nothing worth taking", inst.Name)
		}
	}
}

func TestScale(t *testing.T) {
	cases := []Config{{Firms: 1000, Opportunities: 200, Markets: 20}}
	if !testing.Short() {
		cases = append(cases, Config{Firms: 10000, Opportunities: 2000, Markets: 50})
	}
	for _, cfg := range cases {
		t.Run(fmt.Sprintf("%dx%dx%d", cfg.Firms, cfg.Opportunities, cfg.Markets), func(t *testing.T) {
			inst := Generate(cfg)
			checkStructure(t, inst)
			t.Logf("target G* %.1f, ρ %.2f", inst.Objective.MarketPowerTarget, inst.Objective.SMEParticipationTarget)
		})
	}
}

// BenchmarkGenerate times the largest size of TestScale (about 2 s of CPU
// on the project's 2-core machine), default and mixed shapes.
func BenchmarkGenerate(b *testing.B) {
	for _, name := range []string{"default", "mixed"} {
		shape, err := Preset(name)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				Generate(Config{Firms: 10000, Opportunities: 2000, Markets: 50, Shape: shape})
			}
		})
	}
}
