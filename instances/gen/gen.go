// Package gen generates synthetic cluster instances of MODEL.md: a local
// electronics cluster (segments ic, display, iot, software, components) with
// large firms, SMEs and supporting firms, a few pioneers, and overseas
// opportunities in every entry mode.
//
// Generate is deterministic: the same Config gives the same instance (within
// one Go release; math/rand/v2 does not promise its derived distributions
// across releases). Every random draw comes from one PCG stream in a fixed
// order; Go maps are built but never iterated while drawing. Ids are
// zero-padded to the width of the count: m1…m5, f01…f30, p01…p20.
//
// The distributions (all money in CNY million) are documented on the
// functions that draw them and summarised in instances/README.md:
//
//   - firms: 15% large, 60% SMEs, 25% supporting (counts rounded, at least
//     one of each role when Firms ≥ 3); 12% pioneers, about 70% of them the
//     largest large firms and the rest the largest SMEs (at least one);
//     capital log-normal by role (medians 2000 / 150 / 300); risk_limit
//     10–25% of capital; 1–2 segments (large firms 1–3); max_projects 3–6
//     (large), 1–3 (SME), 2–4 (supporting); knowledge by role and pioneer
//     status (see drawKnowledge).
//   - markets: distance U(0.05, 0.95); info_cost 2–15 growing with distance;
//     dissipation 5–60; capacity 1–3 for about half of the segments.
//   - opportunities: mode mix 12% acquisition, 13% greenfield, 15%
//     non_equity, 20% production, 20% joint_rnd, 20% distribution (every
//     mode present when Opportunities ≥ 6); log-normal cost by mode; npv a
//     noisy fraction of cost (about one in five negative); market power by
//     mode; knowledge_required growing with market distance; losses per
//     scenario by mode, higher in the shock scenarios. An opportunity no
//     coalition of the cluster could fund is drawn again (up to 10 times).
//   - scenarios: base/fx_shock (0.8/0.2) or base/fx_shock/geopolitics
//     (0.7/0.2/0.1).
//   - policy: credit line 5–10% of total capital, credit_per_firm 0.3–0.5,
//     subsidy 0.15–0.25 on joint_rnd and, in half the instances, 0.05–0.10
//     on production; cvar_alpha 0.9; 1–2 promoted markets.
//   - objective: market_power_value 1–3, learning_value 2–5, and targets set
//     from a feasible plan the generator builds itself (see Generate), so
//     every generated instance is feasible.
//
// # Shapes
//
// Config.Shape moves these distributions along the axes on which real
// clusters differ; its zero value is the distribution above, byte for
// byte. Each Shape field documents its range and default:
//
//   - scenarios: 2–6 scenarios (Scenarios), the shocks' total probability
//     (ShockProb) and the worst one's (WorstProb, below 1 − α so CVaR is a
//     tail average), and α itself (CVaRAlpha);
//   - pioneers and knowledge: the pioneers' share (PioneerShare), the SMEs'
//     share of them (SMEPioneerShare), and a factor on the knowledge of the
//     other SMEs (SMEKnowledge), which makes SME participations learning
//     pairs;
//   - firm limits: max_projects (Projects), risk_limit as a share of capital
//     (Risk), the large-to-SME capital ratio (CapitalSpread) and the
//     acquisitions' cost (AcquisitionCost);
//   - opportunities: max_partners (MaxPartners), the number of segments
//     (Segments) and the mode mix (ModeMix);
//   - targets: the market power target's share of G_open (MarketPowerTarget)
//     and of the generator's plan (MarketPowerCap), and the SME target
//     (SMETarget).
//
// Preset names useful combinations (PresetNames): default, many-scenarios,
// scarce-pioneers, tight-projects, tight-risk, wide-capital,
// binding-targets, nonequity-heavy and mixed. Shape.SetParams reads
// "name=value,…" (ShapeParams lists the names), as `ofdi generate
// --set-shape` does. Every shape keeps the guarantees: the same Config
// gives the same instance, and the instance is valid and feasible.
package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/ofdi/ofdi/model"
)

// Defaults used for zero (or negative) Config fields.
const (
	DefaultFirms         = 30
	DefaultOpportunities = 20
	DefaultMarkets       = 5
)

// pcgStream is the second PCG word; the Seed is the first.
const pcgStream = 0x6f66_6469_6765_6e31 // "ofdigen1"

// Config says what to generate.
type Config struct {
	// Firms is the number of firms; 0 (or negative) means DefaultFirms.
	Firms int
	// Opportunities is the number of opportunities; 0 means DefaultOpportunities.
	Opportunities int
	// Markets is the number of foreign markets; 0 means DefaultMarkets.
	Markets int
	// Seed selects the random stream; 0 is a seed like any other.
	Seed uint64
	// Name is the instance name; "" means "gen-<firms>x<opps>x<markets>-s<seed>",
	// or "gen-<firms>x<opps>x<markets>-<shape>-s<seed>" for a non-default
	// Shape (its Name, or "custom").
	Name string
	// Shape sets the distributions' shape parameters; the zero Shape is the
	// default generator. It must be valid (Shape.Validate).
	Shape Shape
	// Periods, when 1..20, adds a horizon block of that many periods and
	// opportunity windows (see addHorizon for the defaults); 0 means a
	// one-period instance, exactly as without it. The default name gets
	// "-t<periods>" before the seed.
	Periods int
}

// Normalized returns cfg with the defaults applied.
func (cfg Config) Normalized() Config {
	if cfg.Firms <= 0 {
		cfg.Firms = DefaultFirms
	}
	if cfg.Opportunities <= 0 {
		cfg.Opportunities = DefaultOpportunities
	}
	if cfg.Markets <= 0 {
		cfg.Markets = DefaultMarkets
	}
	if cfg.Name == "" {
		shape := ""
		if l := cfg.Shape.label(); l != "" {
			shape = l + "-"
		}
		if cfg.Periods > 0 {
			shape += fmt.Sprintf("t%d-", cfg.Periods)
		}
		cfg.Name = fmt.Sprintf("gen-%dx%dx%d-%ss%d", cfg.Firms, cfg.Opportunities, cfg.Markets, shape, cfg.Seed)
	}
	return cfg
}

// modeParams are the per-mode distributions of an opportunity.
type modeParams struct {
	mode model.Mode
	// share of opportunities with this mode.
	share float64
	// cost is log-normal: median and sigma of log.
	costMedian, costSigma float64
	// npv = cost·(npvMean + npvSD·N(0,1)).
	npvMean, npvSD float64
	// market power U(gLo, gHi).
	gLo, gHi float64
	// knowledge_required shift.
	kShift float64
	// base-scenario loss fraction U(lossLo, lossHi).
	lossLo, lossHi float64
}

// modeTable follows model.Modes' order.
var modeTable = []modeParams{
	{model.Acquisition, 0.12, 800, 0.6, 0.08, 0.10, 5, 12, 0.10, 0.02, 0.06},
	{model.Greenfield, 0.13, 500, 0.5, 0.10, 0.10, 4, 10, 0.10, 0.02, 0.05},
	{model.NonEquity, 0.15, 40, 0.5, 0.15, 0.10, 0.5, 2, -0.10, 0.01, 0.04},
	{model.Production, 0.20, 150, 0.5, 0.12, 0.10, 1, 3, -0.05, 0.02, 0.05},
	{model.JointRnD, 0.20, 120, 0.5, 0.12, 0.10, 2, 6, 0.05, 0.04, 0.10},
	{model.Distribution, 0.20, 80, 0.5, 0.15, 0.10, 2, 5, 0.00, 0.01, 0.04},
}

// roleParams are the per-role firm distributions.
type roleParams struct {
	capMedian, capSigma float64
	segMax              int // 1..segMax segments
	projLo, projHi      int // max_projects range
}

func paramsOf(r model.Role) roleParams {
	switch r {
	case model.Large:
		return roleParams{2000, 0.6, 3, 3, 6}
	case model.SME:
		return roleParams{150, 0.7, 2, 1, 3}
	default:
		return roleParams{300, 0.6, 2, 2, 4}
	}
}

type drawer struct{ r *rand.Rand }

func (d drawer) uniform(lo, hi float64) float64 { return lo + (hi-lo)*d.r.Float64() }

func (d drawer) logNormal(median, sigma float64) float64 {
	return median * math.Exp(sigma*d.r.NormFloat64())
}

func (d drawer) intIn(lo, hi int) int { return lo + d.r.IntN(hi-lo+1) }

func round(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Round(x*p) / p
}

func floorTo(x float64, digits int) float64 {
	p := math.Pow(10, float64(digits))
	return math.Floor(x*p+1e-9) / p
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func ptrInt(v int) *int { return &v }

// idFormat gives zero-padded ids such as "f007" for n up to 999.
func idFormat(prefix string, n int) string {
	return prefix + "%0" + strconv.Itoa(len(strconv.Itoa(n))) + "d"
}

// Generate builds the instance described by cfg (defaults applied, see
// Config). The instance is feasible by construction: after drawing firms,
// markets and opportunities, Generate builds a plan greedily that satisfies
// every constraint of MODEL.md (funding, stakes, leads, required roles,
// partners, learning, budgets without any credit, CVaR bounded by the
// worst-scenario loss, project counts), and sets
//
//   - market_power_target = min(f·G_open, 0.9·G_plan), rounded down to one
//     decimal, where f ~ U(0.15, 0.25), G_open is the market power of the
//     opportunities some coalition could fund (eligible firms for the lead
//     role, each required role and min_partners, with enough capital and
//     risk capacity: see oppView.open), and G_plan that of the greedy plan;
//   - sme_participation_target = ρ ~ U(0.10, 0.20) (two decimals), lowered
//     in steps of 0.01 until ⌈ρ·|SMEs|⌉ does not exceed the number of SMEs
//     in the greedy plan.
//
// Generate panics when cfg.Shape is invalid; Build returns the error instead.
func Generate(cfg Config) *model.Instance {
	inst, err := Build(cfg)
	if err != nil {
		panic(err)
	}
	return inst
}

// Build is Generate with an error for an invalid cfg.Shape (wrapping
// ErrShape) instead of a panic.
func Build(cfg Config) (*model.Instance, error) {
	if err := cfg.Shape.Validate(); err != nil {
		return nil, err
	}
	if err := checkPeriods(cfg.Periods); err != nil {
		return nil, err
	}
	cfg = cfg.Normalized()
	p := cfg.Shape.resolve()
	d := drawer{rand.New(rand.NewPCG(cfg.Seed, pcgStream))}
	inst := &model.Instance{Name: cfg.Name, Currency: "CNY million"}
	var rules []lossRule
	inst.Scenarios, rules = p.drawScenarios(d)
	inst.Markets = drawMarkets(d, &p, cfg.Markets)
	inst.Firms = drawFirms(d, &p, cfg.Firms, inst.Markets)
	var vs []oppView
	inst.Opportunities, vs = drawOpportunities(d, &p, cfg.Opportunities, inst, rules)
	inst.Policy = drawPolicy(d, &p, inst)
	for i := range vs {
		vs[i].a = inst.NetCost(&inst.Opportunities[i]) // now net of subsidy
	}
	inst.Objective = drawObjective(d, &p, inst, vs)
	if cfg.Periods > 0 {
		addHorizon(inst, cfg.Periods, cfg.Seed)
	}
	return inst, nil
}

// drawMarkets: distance d ~ U(0.05, 0.95); info_cost = 2 + 13·(d+u)/2 with
// u ~ U(0,1) (2–15, farther markets cost more to study); dissipation ~
// U(5, 60); each segment gets an explicit capacity 1–3 with probability 1/2
// (else the default 1).
func drawMarkets(d drawer, p *params, n int) []model.Market {
	format := idFormat("m", n)
	ms := make([]model.Market, n)
	for i := range ms {
		dist := round(d.uniform(0.05, 0.95), 2)
		m := model.Market{
			ID:          fmt.Sprintf(format, i+1),
			Name:        fmt.Sprintf("Market %d", i+1),
			Distance:    dist,
			InfoCost:    round(2+13*(dist+d.r.Float64())/2, 1),
			Dissipation: round(d.uniform(5, 60), 1),
			Capacity:    map[string]int{},
		}
		for _, s := range p.segments {
			if d.r.IntN(2) == 0 {
				m.Capacity[s] = d.intIn(1, 3)
			}
		}
		ms[i] = m
	}
	return ms
}

// roleCounts: 15% large, 25% supporting, the rest SMEs, each at least one
// when n ≥ 3; n = 1 is one large firm, n = 2 a large firm and an SME.
func roleCounts(n int) (large, sme, supporting int) {
	switch n {
	case 1:
		return 1, 0, 0
	case 2:
		return 1, 1, 0
	}
	large = max(1, int(math.Round(0.15*float64(n))))
	supporting = max(1, int(math.Round(0.25*float64(n))))
	return large, n - large - supporting, supporting
}

var cities = []string{"Suzhou", "Wuxi", "Nanjing", "Changzhou", "Nantong", "Kunshan",
	"Yangzhou", "Zhenjiang", "Taizhou", "Xuzhou", "Jiangyin", "Yancheng"}

var segmentWords = map[string][]string{
	"ic":         {"Microchip", "Semiconductor", "Silicon", "IC Design"},
	"display":    {"Display", "Optoelectronics", "Panel", "LCD"},
	"iot":        {"IoT", "Smart Sensing", "Connect", "Sensor Networks"},
	"software":   {"Software", "Infotech", "Data Systems", "Cloud"},
	"components": {"Components", "Precision Parts", "PCB", "Electronic Materials"},
	"equipment":  {"Equipment", "Automation", "Test Systems", "Machinery"},
}

var suffixes = []string{"Co.", "Technology Co.", "Electronics Co.", "Group"}

// drawFirms draws roles, capital, pioneers, risk limits, segments,
// knowledge, max_projects and names.
func drawFirms(d drawer, p *params, n int, markets []model.Market) []model.Firm {
	nl, ns, nsup := roleCounts(n)
	roles := make([]model.Role, 0, n)
	for range nl {
		roles = append(roles, model.Large)
	}
	for range ns {
		roles = append(roles, model.SME)
	}
	for range nsup {
		roles = append(roles, model.Supporting)
	}
	d.r.Shuffle(n, func(i, j int) { roles[i], roles[j] = roles[j], roles[i] })

	format := idFormat("f", n)
	fs := make([]model.Firm, n)
	for i := range fs {
		rp := p.role(roles[i])
		fs[i] = model.Firm{
			ID:      fmt.Sprintf(format, i+1),
			Role:    roles[i],
			Capital: max(1, math.Round(d.logNormal(rp.capMedian, rp.capSigma))),
		}
	}
	markPioneers(fs, nl, ns, p.pioneerShare, p.smePioneerShare)
	for i := range fs {
		f := &fs[i]
		rp := p.role(f.Role)
		f.RiskLimit = round(f.Capital*d.uniform(p.risk.Lo, p.risk.Hi), 1)
		f.Segments = drawSegments(d, p, rp.segMax)
		f.Knowledge = drawKnowledge(d, p, f, markets)
		f.MaxProjects = ptrInt(d.intIn(rp.projLo, rp.projHi))
		words := segmentWords[f.Segments[0]]
		f.Name = fmt.Sprintf("%s %s %s", cities[d.r.IntN(len(cities))], words[d.r.IntN(len(words))],
			suffixes[d.r.IntN(len(suffixes))])
	}
	return fs
}

// markPioneers makes a share of the firms (default 12%, at least one)
// pioneers: round(smeShare) of them (default 30%) are the largest SMEs, the
// rest the largest large firms (capital descending, ties by position).
func markPioneers(fs []model.Firm, nl, ns int, share, smeShare float64) {
	n := len(fs)
	np := max(1, int(math.Round(share*float64(n))))
	npSME := min(ns, int(math.Round(smeShare*float64(np))))
	npLarge := min(nl, np-npSME)
	byCapital := func(role model.Role) []int {
		var idx []int
		for i := range fs {
			if fs[i].Role == role {
				idx = append(idx, i)
			}
		}
		sort.SliceStable(idx, func(a, b int) bool { return fs[idx[a]].Capital > fs[idx[b]].Capital })
		return idx
	}
	for _, i := range byCapital(model.Large)[:npLarge] {
		fs[i].Pioneer = true
	}
	for _, i := range byCapital(model.SME)[:npSME] {
		fs[i].Pioneer = true
	}
}

// drawSegments draws 1..maxSeg distinct segments of p, weighted by
// p.segWeight.
func drawSegments(d drawer, p *params, maxSeg int) []string {
	k := d.intIn(1, min(maxSeg, len(p.segments)))
	taken := make([]bool, len(p.segments))
	var out []string
	for len(out) < k {
		total := 0.0
		for i, w := range p.segWeight {
			if !taken[i] {
				total += w
			}
		}
		u := d.r.Float64() * total
		pick := -1
		for i, w := range p.segWeight {
			if taken[i] {
				continue
			}
			pick = i
			if u < w {
				break
			}
			u -= w
		}
		taken[pick] = true
		out = append(out, p.segments[pick])
	}
	return out
}

// drawKnowledge draws κ_f: a "default" entry plus a few market-specific
// ones (distinct markets, uniformly chosen):
//
//	pioneers:            default U(0.60, 0.80), 2–4 markets U(0.70, 0.95)
//	large (non-pioneer): default U(0.30, 0.50), 1–3 markets U(0.40, 0.70)
//	SMEs, supporting:    default U(0.05, 0.25), 1–3 markets U(0.15, 0.40)
//
// Non-pioneer SMEs' values are multiplied by Shape.SMEKnowledge (default 1).
func drawKnowledge(d drawer, p *params, f *model.Firm, markets []model.Market) map[string]float64 {
	defLo, defHi, lo, hi, kLo, kHi := 0.05, 0.25, 0.15, 0.40, 1, 3
	scale := 1.0
	switch {
	case f.Pioneer:
		defLo, defHi, lo, hi, kLo, kHi = 0.60, 0.80, 0.70, 0.95, 2, 4
	case f.Role == model.Large:
		defLo, defHi, lo, hi = 0.30, 0.50, 0.40, 0.70
	case f.Role == model.SME:
		scale = p.smeKnowledge
	}
	kn := map[string]float64{"default": round(scale*d.uniform(defLo, defHi), 2)}
	k := min(len(markets), d.intIn(kLo, kHi))
	for len(kn) < k+1 {
		m := markets[d.r.IntN(len(markets))].ID
		v := round(scale*d.uniform(lo, hi), 2) // drawn even on a repeat: keeps the stream simple
		if _, dup := kn[m]; !dup {
			kn[m] = v
		}
	}
	return kn
}

// modeCounts splits n opportunities by the modes' shares (largest
// remainder), every mode at least once when n ≥ len(modeTable).
func modeCounts(n int, modeTable []modeParams) []int {
	counts := make([]int, len(modeTable))
	rem := make([]float64, len(modeTable))
	used := 0
	for i, mp := range modeTable {
		x := mp.share * float64(n)
		counts[i] = int(math.Floor(x))
		rem[i] = x - math.Floor(x)
		used += counts[i]
	}
	order := make([]int, len(modeTable))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return rem[order[a]] > rem[order[b]] })
	for k := 0; used < n; k++ {
		counts[order[k%len(order)]]++
		used++
	}
	if n >= len(modeTable) {
		for i := range counts {
			for counts[i] == 0 {
				big := 0
				for j := range counts {
					if counts[j] > counts[big] {
						big = j
					}
				}
				counts[big]--
				counts[i]++
			}
		}
	}
	return counts
}

// drawOpportunities draws, per opportunity (modes shuffled, see modeCounts):
//
//   - market uniform; segment weighted by segmentWeight among the segments
//     some firm serves;
//   - cost log-normal by mode (medians: acquisition 800, greenfield 500,
//     production 150, joint_rnd 120, distribution 80, non_equity 40);
//   - npv = cost·(μ + 0.10·N(0,1)) with μ 0.08–0.15 by mode (about 20%
//     negative);
//   - market_power uniform by mode (acquisition 5–12, greenfield 4–10,
//     joint_rnd 2–6, distribution 2–5, production 1–3, non_equity 0.5–2);
//   - knowledge_required = 0.05 + 0.6·distance + shift(mode) + U(−0.1, 0.1)
//     clamped to [0.05, 0.95] (shift +0.10 acquisition/greenfield, +0.05
//     joint_rnd, 0 distribution, −0.05 production, −0.10 non_equity);
//   - min_partners 1 (70%) or 2 (30%), at least 2 for modes with a required
//     role; max_partners 3–6;
//   - loss: base U by mode (0.01–0.10), fx_shock = base·U(3, 6) ≤ 0.9,
//     geopolitics = base·U(3, 6)·(1 + distance) ≤ 0.95.
//
// An opportunity that no coalition could fund (no eligible lead or required
// role, too few eligible firms, or their capital and risk limits too small:
// see oppView.open, before subsidies and credit) is drawn again with the
// same mode, up to 10 times; so most generated opportunities are open to
// the cluster, as real ones are spotted by its members.
func drawOpportunities(d drawer, p *params, n int, inst *model.Instance, rules []lossRule) ([]model.Opportunity, []oppView) {
	counts := modeCounts(n, p.modes)
	kinds := make([]int, 0, n)
	for i, c := range counts {
		for range c {
			kinds = append(kinds, i)
		}
	}
	d.r.Shuffle(n, func(i, j int) { kinds[i], kinds[j] = kinds[j], kinds[i] })

	served := make([]bool, len(p.segments))
	for i := range inst.Firms {
		for _, s := range inst.Firms[i].Segments {
			for j, name := range p.segments {
				if s == name {
					served[j] = true
				}
			}
		}
	}
	segTotal := 0.0
	for j, w := range p.segWeight {
		if served[j] {
			segTotal += w
		}
	}
	modeRules := model.DefaultModeRules()
	bySeg := segmentIndex(inst)
	format := idFormat("p", n)
	ops := make([]model.Opportunity, n)
	vs := make([]oppView, n)
	for i := range ops {
		mp := p.modes[kinds[i]]
		var o model.Opportunity
		var v oppView
		for try := 0; try < redraws; try++ {
			o = drawOpportunity(d, p, mp, modeRules[mp.mode], inst, served, segTotal, rules)
			v = view(inst, bySeg, &o)
			if v.open(inst, o.MinPartnersOr()) {
				break
			}
		}
		o.ID = fmt.Sprintf(format, i+1)
		ops[i], vs[i] = o, v
	}
	return ops, vs
}

// redraws is how often an opportunity no coalition could fund is drawn
// again (mode kept) before it is accepted as it is.
const redraws = 10

// drawOpportunity draws one opportunity of mode mp.mode (see drawOpportunities).
func drawOpportunity(d drawer, p *params, mp modeParams, rule model.ModeRule, inst *model.Instance,
	served []bool, segTotal float64, rules []lossRule) model.Opportunity {
	m := inst.Markets[d.r.IntN(len(inst.Markets))]
	u := d.r.Float64() * segTotal
	seg := ""
	for j, w := range p.segWeight {
		if !served[j] {
			continue
		}
		seg = p.segments[j]
		if u < w {
			break
		}
		u -= w
	}
	cost := max(1, round(d.logNormal(mp.costMedian, mp.costSigma), 1))
	minP := 1
	if d.r.IntN(10) < 3 {
		minP = 2
	}
	if len(rule.Requires) > 0 {
		minP = max(minP, 2)
	}
	o := model.Opportunity{
		Market:            m.ID,
		Segment:           seg,
		Mode:              mp.mode,
		Cost:              cost,
		NPV:               round(cost*(mp.npvMean+mp.npvSD*d.r.NormFloat64()), 1),
		MarketPower:       round(d.uniform(mp.gLo, mp.gHi), 1),
		KnowledgeRequired: round(clamp(0.05+0.6*m.Distance+mp.kShift+d.uniform(-0.1, 0.1), 0.05, 0.95), 2),
		MinPartners:       ptrInt(minP),
		MaxPartners:       ptrInt(d.intIn(p.partners.Lo, p.partners.Hi)),
		Loss:              map[string]float64{},
	}
	base := d.uniform(mp.lossLo, mp.lossHi)
	for k, sc := range inst.Scenarios {
		if k == 0 {
			o.Loss[sc.ID] = round(base, 3)
			continue
		}
		r := rules[k]
		o.Loss[sc.ID] = round(math.Min(r.cap, base*d.uniform(r.lo, r.hi)*(1+r.distW*m.Distance)), 3)
	}
	return o
}

// drawPolicy: credit_line = U(0.05, 0.10)·total capital; credit_per_firm
// U(0.3, 0.5); subsidy joint_rnd U(0.15, 0.25) and, with probability 1/2,
// production U(0.05, 0.10); cvar_alpha 0.9; 1–2 promoted markets (listed in
// market order). Shape.CVaRAlpha replaces the 0.9.
func drawPolicy(d drawer, p *params, inst *model.Instance) model.Policy {
	total := 0.0
	for i := range inst.Firms {
		total += inst.Firms[i].Capital
	}
	alpha := p.alpha
	pol := model.Policy{
		CreditLine:    math.Round(total * d.uniform(0.05, 0.10)),
		CreditPerFirm: round(d.uniform(0.3, 0.5), 2),
		Subsidy:       map[model.Mode]float64{model.JointRnD: round(d.uniform(0.15, 0.25), 2)},
		CVaRAlpha:     &alpha,
	}
	if d.r.IntN(2) == 0 {
		pol.Subsidy[model.Production] = round(d.uniform(0.05, 0.10), 2)
	}
	k := min(len(inst.Markets), d.intIn(1, 2))
	promoted := make([]bool, len(inst.Markets))
	for picked := 0; picked < k; {
		i := d.r.IntN(len(inst.Markets))
		if !promoted[i] {
			promoted[i] = true
			picked++
		}
	}
	for i, m := range inst.Markets {
		if promoted[i] {
			pol.PromotedMarkets = append(pol.PromotedMarkets, m.ID)
		}
	}
	return pol
}

// drawObjective: market_power_value U(1, 3), learning_value U(2, 5), and
// the targets of Generate's doc comment (their ranges and the 0.9 set by
// the Shape).
func drawObjective(d drawer, p *params, inst *model.Instance, vs []oppView) model.Objective {
	obj := model.Objective{
		MarketPowerValue: round(d.uniform(1, 3), 1),
		LearningValue:    round(d.uniform(2, 5), 1),
	}
	frac := d.uniform(p.mpTarget.Lo, p.mpTarget.Hi)
	rho := round(d.uniform(p.smeTarget.Lo, p.smeTarget.Hi), 2)

	w := buildWitness(inst, vs)
	obj.MarketPowerTarget = max(0, floorTo(math.Min(frac*openMarketPower(inst, vs), p.mpCap*w.marketPower), 1))
	nSME := 0
	for i := range inst.Firms {
		if inst.Firms[i].Role == model.SME {
			nSME++
		}
	}
	for rho > 0 && math.Ceil(rho*float64(nSME)) > float64(w.smes) {
		rho = round(rho-0.01, 2)
	}
	obj.SMEParticipationTarget = max(0, rho)
	return obj
}
