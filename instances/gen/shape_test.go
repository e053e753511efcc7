package gen

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
)

// goldenDefault are sha256 sums of json.MarshalIndent(Generate(cfg), "", "  ")
// taken before shapes existed (commit 8cccb6c): the zero Shape must keep
// every one of them.
var goldenDefault = []struct {
	firms, opps, markets int
	seed                 uint64
	sum                  string
}{
	{1, 1, 1, 0, "d7f9c4a7b045f9e35b035c73227f8f2efe9ab95f17909aa81a232e866ec1a058"},
	{1, 1, 1, 1, "87caf97b87a04f2e31aba2d299a3a0ad97667f4072b5c29d280b35eace2014a4"},
	{1, 1, 1, 7, "186d4769556f713c981cf311d20dfe021a5bc73c8af9ed89ee0bbfff95098fb5"},
	{1, 1, 1, 101, "7de20de8adf9f71e895fef2a7d1fd57b1613794093c6903261fcf721b67943c5"},
	{1, 1, 1, 202, "ec2f07a5545fdbcba57128b542acc0701002f380af7817ae63a0ce66d1a861f7"},
	{3, 6, 2, 0, "74e1fafb0decdf1bbd25a9bf50ad4c6e18dbe181a5318352334fe9451318cc8c"},
	{3, 6, 2, 1, "3ce6a282b85ec0571a8ee9d524f1df561eb5dfb5a1af50d235ce866be9468f38"},
	{3, 6, 2, 7, "e744678d92fddd6ca81b450c7fd90c79a1d18713481d79bc5f41377a08f63020"},
	{3, 6, 2, 101, "8758940509da6c21676ba6e205d6dd2b6ad499fe7d3d0862568e109b5aff3eb7"},
	{3, 6, 2, 202, "b54155e97a9e22c101ee6b91061ae97c13adf83e30db08dd68cea63e9ae5cf6d"},
	{30, 20, 5, 0, "8c64d5356d1ffe1afac0e7671cd958b1651b68d8232da9a9818db06bcd6542e9"},
	{30, 20, 5, 1, "8c3c3297d2a462f1ab67792cc5bfbf0a68c16bc831831270a08733c27d5d4564"},
	{30, 20, 5, 7, "4f2578fce73e5afae57b78ce49e0c716b1067ba1ee487b91de1433845d3b5663"},
	{30, 20, 5, 101, "72e247e37b5a8e857100f320357149586024aa05ea2b8e77bbcecf2f7a290f6a"},
	{30, 20, 5, 202, "3fad1d812d8ec11437ffb681cbcd49cbe53dda8e73a870f27b6524971639dac0"},
	{150, 60, 10, 0, "0805f5b33e6b0b013aa8367b318e856e5c37bb3397b0d27d62d9546dc76012fc"},
	{150, 60, 10, 1, "256eae3dd5679614359521d4a3b11ba7e380de7539d8bf566ad8a278403b085a"},
	{150, 60, 10, 7, "a5011419c58fe8815ffa0b7f24ad89019f397e8937117d77938d22eb90a9a718"},
	{150, 60, 10, 101, "e1b133c440a145f40f8b8c68193d07a4a5fde2ed02d520f0357d203305b81765"},
	{150, 60, 10, 202, "2bc273c36e2b5e435f7681474575c4e874f826321e6797b3ff4cb4f661cb445a"},
	{300, 120, 15, 0, "3c5c9461f094485b87678e8b4219e9c605fe6d6f152b4e69c608a2f5d3a2e026"},
	{300, 120, 15, 1, "8740243e41e39f2b9f3fe7b0afa6b7127a4d6b6aaab4067011334923f5b5093b"},
	{300, 120, 15, 7, "de5ffe03d0a7c97b83d8c5748256c02eeee302870ea062f336ba87a92f95778f"},
	{300, 120, 15, 101, "1b1ad0d186181d587a35f8c77a9af5bf0380681ea330bc159afefd305ebfd6a6"},
	{300, 120, 15, 202, "6685140afb27d41ef2f1134812003e61c051029ea5fa4fe9d9897f1b9add5aa9"},
	{2000, 500, 30, 0, "8124d1df98e85785d3d70b3691b3197b72bf22a89234a20bee4ff014a3204f88"},
	{2000, 500, 30, 1, "459979129c993a23afc6d91562650fe6284bb4aa75cf61a05510ae66ae2165b0"},
	{2000, 500, 30, 7, "eacf0f57cc5a73cc6e29e9e75f5114780adb2fe6b9db26111c7b1cf89a8c4982"},
	{2000, 500, 30, 101, "4c383828d9f19c3fb66d5159273a8418e964984adc3d683a7145a629ebd78bd2"},
	{2000, 500, 30, 202, "38c90c36e7b68aed83dbd176ed7ce39b8a8db32405a82389436f8327a7e78b7b"},
}

// TestDefaultShapeUnchanged: the zero Shape, and a Shape that names the
// defaults explicitly where that is possible, reproduce the generator of
// before shapes byte for byte.
func TestDefaultShapeUnchanged(t *testing.T) {
	for _, g := range goldenDefault {
		if testing.Short() && g.firms > 300 {
			continue
		}
		cfg := Config{Firms: g.firms, Opportunities: g.opps, Markets: g.markets, Seed: g.seed}
		for _, shape := range []Shape{{}, {Name: "default"}, mustPreset(t, "default"),
			{Segments: 5, PioneerShare: 0.12, SMEPioneerShare: 0.3, SMEKnowledge: 1, Risk: Range{0.10, 0.25},
				MaxPartners: IntRange{3, 6}, CVaRAlpha: 0.9, AcquisitionCost: 1,
				ModeMix: [6]float64{12, 13, 15, 20, 20, 20}, MarketPowerTarget: Range{0.15, 0.25}, MarketPowerCap: 0.9,
				SMETarget: Range{0.10, 0.20}}} {
			cfg.Shape, cfg.Name = shape, ""
			if !shape.IsDefault() {
				cfg.Name = fmt.Sprintf("gen-%dx%dx%d-s%d", g.firms, g.opps, g.markets, g.seed)
			}
			sum := sha256.Sum256(marshal(t, Generate(cfg)))
			if got := hex.EncodeToString(sum[:]); got != g.sum {
				t.Errorf("%dx%dx%d s%d, shape %+v: sha256 %s, want %s", g.firms, g.opps, g.markets, g.seed, shape, got, g.sum)
			}
		}
	}
}

func mustPreset(t *testing.T, name string) Shape {
	t.Helper()
	s, err := Preset(name)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPresetsFeasible: every preset, over many seeds and sizes, gives a
// valid instance whose generator plan passes this package's check and
// model/check and meets the targets (so the instance is feasible), and
// shows the shape it asks for.
func TestPresetsFeasible(t *testing.T) {
	sizes := []Config{
		{Firms: 3, Opportunities: 6, Markets: 2},
		{Firms: 12, Opportunities: 8, Markets: 3},
		{Firms: 30, Opportunities: 20, Markets: 5},
		{Firms: 60, Opportunities: 40, Markets: 8},
		{Firms: 150, Opportunities: 60, Markets: 10},
	}
	seeds := uint64(12)
	if testing.Short() {
		seeds = 4
	}
	for _, name := range PresetNames() {
		shape := mustPreset(t, name)
		for _, size := range sizes {
			for seed := range seeds {
				cfg := size
				cfg.Seed, cfg.Shape = seed, shape
				inst, err := Build(cfg)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				checkStructure(t, inst)
				if errs := model.Errors(model.Validate(inst)); len(errs) > 0 {
					t.Errorf("%s: %v", inst.Name, errs)
				}
				w := buildWitness(inst, views(inst))
				checkWitness(t, inst, w)
				if rep := check.Check(inst, witnessPlan(t, inst, w), check.Options{}); !rep.OK() {
					t.Errorf("%s: %v", inst.Name, rep.Err())
				}
				checkShape(t, inst, shape)
				if size.Firms >= 60 && (inst.Objective.MarketPowerTarget <= 0 || inst.Objective.SMEParticipationTarget <= 0) {
					t.Errorf("%s: targets %+v", inst.Name, inst.Objective)
				}
			}
		}
	}
}

// checkShape checks that inst shows what shape sets.
func checkShape(t *testing.T, inst *model.Instance, s Shape) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Errorf("%s: "+format, append([]any{inst.Name}, args...)...)
	}
	if want := "gen-"; s.label() != "" && !strings.Contains(inst.Name, "-"+s.label()+"-s") {
		fail("name lacks the shape %q (%s)", s.label(), want)
	}
	alpha := inst.Policy.Alpha()
	if s.CVaRAlpha != 0 && alpha != s.CVaRAlpha {
		fail("cvar_alpha %v", alpha)
	}
	if s.Scenarios != 0 {
		if len(inst.Scenarios) != s.Scenarios {
			fail("%d scenarios, want %d", len(inst.Scenarios), s.Scenarios)
		}
		worst := inst.Scenarios[len(inst.Scenarios)-1]
		if worst.Probability >= 1-alpha {
			fail("worst scenario %s has probability %v ≥ 1 − α", worst.ID, worst.Probability)
		}
		// The worst scenario is the heaviest: its loss is at least every
		// other scenario's, opportunity by opportunity (caps aside).
		for _, o := range inst.Opportunities {
			for _, sc := range inst.Scenarios {
				if o.Loss[sc.ID] > o.Loss[worst.ID]+1e-9 && o.Loss[worst.ID] < 0.95 && sc.ID == "base" {
					fail("%s: base loss %v above the worst %v", o.ID, o.Loss[sc.ID], o.Loss[worst.ID])
				}
			}
		}
	}
	segs := map[string]bool{}
	pioneers, smePioneers := 0, 0
	for _, f := range inst.Firms {
		for _, sg := range f.Segments {
			segs[sg] = true
		}
		if f.Pioneer {
			pioneers++
			if f.Role == model.SME {
				smePioneers++
			}
		}
		if s.Projects != (IntRange{}) && (*f.MaxProjects < s.Projects.Lo || *f.MaxProjects > s.Projects.Hi) {
			fail("firm %s max_projects %d outside %v", f.ID, *f.MaxProjects, s.Projects)
		}
		if s.Risk != (Range{}) && (f.RiskLimit < s.Risk.Lo*f.Capital-0.05 || f.RiskLimit > s.Risk.Hi*f.Capital+0.05) {
			fail("firm %s risk_limit %v of capital %v outside %v", f.ID, f.RiskLimit, f.Capital, s.Risk)
		}
	}
	if s.Segments != 0 && len(segs) > s.Segments {
		fail("%d segments, want at most %d", len(segs), s.Segments)
	}
	if n := len(inst.Firms); s.PioneerShare != 0 && n >= 30 && pioneers != max(1, int(math.Round(s.PioneerShare*float64(n)))) {
		fail("%d pioneers of %d firms, share %v", pioneers, n, s.PioneerShare)
	}
	for _, o := range inst.Opportunities {
		if s.MaxPartners != (IntRange{}) && (*o.MaxPartners < s.MaxPartners.Lo || *o.MaxPartners > s.MaxPartners.Hi) {
			fail("%s max_partners %d outside %v", o.ID, *o.MaxPartners, s.MaxPartners)
		}
	}
}

// TestShapeAxes checks the axes' effect on a large instance: shares that
// the shape sets are met within a tolerance.
func TestShapeAxes(t *testing.T) {
	base := Config{Firms: 1000, Opportunities: 600, Markets: 20, Seed: 5}
	count := func(inst *model.Instance, mode model.Mode) int {
		n := 0
		for _, o := range inst.Opportunities {
			if o.Mode == mode {
				n++
			}
		}
		return n
	}
	cfg := base
	cfg.Shape = mustPreset(t, "nonequity-heavy")
	inst := Generate(cfg)
	if ne, pr := count(inst, model.NonEquity), count(inst, model.Production); ne < 190 || ne > 220 || pr < 190 || pr > 220 {
		t.Errorf("nonequity-heavy: %d non_equity, %d production of 600", ne, pr)
	}
	medianCapital := func(inst *model.Instance, role model.Role) float64 {
		var cs []float64
		for _, f := range inst.Firms {
			if f.Role == role {
				cs = append(cs, f.Capital)
			}
		}
		sort.Float64s(cs)
		return cs[len(cs)/2]
	}
	cfg.Shape = mustPreset(t, "wide-capital")
	inst = Generate(cfg)
	if r := medianCapital(inst, model.Large) / medianCapital(inst, model.SME); r < 15 || r > 27 {
		t.Errorf("wide-capital: large/SME median capital %.1f, want about 20", r)
	}
	var acq []float64
	for _, o := range inst.Opportunities {
		if o.Mode == model.Acquisition {
			acq = append(acq, o.Cost)
		}
	}
	sort.Float64s(acq)
	if m := acq[len(acq)/2]; m < 1500 || m > 2600 {
		t.Errorf("wide-capital: median acquisition cost %v, want about 2000", m)
	}
	cfg.Shape = mustPreset(t, "scarce-pioneers")
	inst = Generate(cfg)
	learning, smeEligible := 0, 0
	for _, v := range views(inst) {
		for i, f := range v.eligible {
			if inst.Firms[f].Role == model.SME {
				smeEligible++
				if !v.direct[i] {
					learning++
				}
			}
		}
	}
	if learning*2 < smeEligible {
		t.Errorf("scarce-pioneers: %d of %d SME eligible pairs are learning pairs, want most", learning, smeEligible)
	}
}

func TestSetParams(t *testing.T) {
	var s Shape
	if err := s.SetParams("scenarios=5, pioneer_share=0.04,projects=2:4,risk=0.05,mode_mix=1:1:4:4:1:1"); err != nil {
		t.Fatal(err)
	}
	want := Shape{Scenarios: 5, PioneerShare: 0.04, Projects: IntRange{2, 4}, Risk: Range{0.05, 0.05},
		ModeMix: [6]float64{1, 1, 4, 4, 1, 1}}
	if s != want {
		t.Errorf("got %+v, want %+v", s, want)
	}
	if got := s.String(); got != "scenarios=5,pioneer_share=0.04,projects=2:4,risk=0.05:0.05,mode_mix=1:1:4:4:1:1" {
		t.Errorf("String() = %q", got)
	}
	// Every preset reads back from its String.
	for _, name := range PresetNames() {
		p := mustPreset(t, name)
		var back Shape
		if err := back.SetParams(p.String()); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		back.Name = p.Name
		if back != p {
			t.Errorf("%s: %q reads back as %+v", name, p.String(), back)
		}
	}
	for _, tc := range []struct{ spec, want string }{
		{"bogus=1", `unknown parameter "bogus" (known: scenarios, shock_prob`},
		{"scenarios", `want name=value`},
		{"scenarios=x", `scenarios: "x" is not an integer`},
		{"scenarios=7", `scenarios: must be 0 (default) or in [2, 6], got 7`},
		{"scenarios=1", `scenarios: must be 0 (default) or in [2, 6], got 1`},
		{"shock_prob=0.2", `shock_prob, worst_prob: need scenarios`},
		{"scenarios=4,shock_prob=0.1,worst_prob=0.2", `worst_prob: must be below shock_prob (0.1), got 0.2`},
		{"projects=4:2", `projects: want 1 ≤ lo ≤ hi ≤ 20, got 4:2`},
		{"risk=0:0.1", `risk: want 0 < lo ≤ hi ≤ 1, got 0:0.1`},
		{"mode_mix=1:2:3", `mode_mix: want 6 weights`},
		{"mode_mix=1:1:1:1:1:-1", `mode_mix: weight of distribution must be ≥ 0`},
		{"max_partners=1:8", `max_partners: want 2 ≤ lo ≤ hi ≤ 20`},
		{"segments=7", `segments: must be 0 (default) or in [3, 6], got 7`},
		{"pioneer_share=0.9", `pioneer_share: must be 0 (default) or in`},
		{"cvar_alpha=NaN", `cvar_alpha: must be 0 (default) or in [0.5, 0.99], got NaN`},
	} {
		var s Shape
		err := s.SetParams(tc.spec)
		if err == nil || !errors.Is(err, ErrShape) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want an ErrShape containing %q", tc.spec, err, tc.want)
		}
	}
	if _, err := Preset("nope"); err == nil || !strings.Contains(err.Error(), "known: default, many-scenarios") {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := Build(Config{Shape: Shape{Segments: 2}}); !errors.Is(err, ErrShape) {
		t.Errorf("Build with an invalid shape: %v", err)
	}
}

// TestShapedDeterministic: a shaped config gives the same bytes twice, and
// another seed another instance.
func TestShapedDeterministic(t *testing.T) {
	cfg := Config{Firms: 40, Opportunities: 25, Markets: 6, Seed: 3, Shape: mustPreset(t, "mixed")}
	a, b := marshal(t, Generate(cfg)), marshal(t, Generate(cfg))
	if !bytes.Equal(a, b) {
		t.Fatal("same shaped config gave different instances")
	}
	cfg.Seed = 4
	if bytes.Equal(a, marshal(t, Generate(cfg))) {
		t.Fatal("different seeds gave the same instance")
	}
}

func ExampleShape() {
	shape, _ := Preset("tight-risk")
	_ = shape.SetParams("scenarios=5,worst_prob=0.02")
	inst := Generate(Config{Firms: 30, Opportunities: 20, Markets: 5, Seed: 1, Shape: shape})
	fmt.Println(inst.Name)
	fmt.Println(shape)
	for _, s := range inst.Scenarios {
		fmt.Printf("%s %.3f\n", s.ID, s.Probability)
	}
	// Output:
	// gen-30x20x5-tight-risk-s1
	// scenarios=5,shock_prob=0.2,worst_prob=0.02,risk=0.04:0.1
	// base 0.800
	// fx_shock 0.103
	// supply_cut 0.051
	// geopolitics 0.026
	// sanctions 0.020
}
