package solver_test

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/horizon"
)

// This file checks the reductions of solver/horizon's multi-period MIP
// (q only where reachable, κ bounded by its largest reachable value,
// periods pruned by windows, pairs dropped, rows skipped) the way
// verbatim_test.go checks the one-period builder: it writes MODEL.md's
// multi-period MIP verbatim — every y_pt, x_fpt, s_fpt, l_fpt, w_fpt,
// q_fpt (wherever the firm's initial knowledge falls short), κ_fmt, u_mt,
// e_mst for every candidate pair (role and segment match) and every open
// period, with (1)–(5), (15), K1–K3 per period and the horizon's budgets,
// CVaR, counts, entry, dissipation and targets exactly as stated — solves
// it with glpsol and compares the optimum with solver.Solve's.

// vhBuild builds MODEL.md's multi-period MIP of in, verbatim; with
// outside (firm id → o_f) it adds constraint 16 over the horizon,
// Σ_t d^(t−1)·Σ_p v_p·s_fpt ≥ o_f, for every firm.
func vhBuild(in *model.Instance, outside map[string]float64) *vbLP {
	lp := newVbLP()
	inf := math.Inf(1)
	h := in.Horizon
	T := h.Periods
	d := h.DiscountOr()
	r := h.CapitalReleaseOr()
	gD, gP, phi := h.Gains()
	mIdx := map[string]int{}
	for m := range in.Markets {
		mIdx[in.Markets[m].ID] = m
	}
	smin, slead, sminor := in.Rules.MinStakeOr(), in.Rules.LeadMinStakeOr(), in.Rules.MinorityMaxStakeOr()
	alpha := in.Policy.Alpha()
	weight := func(t int) float64 { return math.Pow(d, float64(t-1)) } // d^(t−1), t = 1..T

	// Candidates (role and segment match), Π_p at the initial knowledge,
	// learning-reward pairs, and each opportunity's open periods.
	cand := make([][]int, len(in.Opportunities))
	pioneers := make([][]int, len(in.Opportunities))
	open := make([][]int, len(in.Opportunities))
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		rule := in.Rules.Mode(o.Mode)
		for f := range in.Firms {
			if rule.Allows(in.Firms[f].Role) && in.Firms[f].Serves(o.Segment) {
				cand[p] = append(cand[p], f)
				if in.Firms[f].Pioneer && in.Firms[f].KnowledgeOf(o.Market) >= o.KnowledgeRequired {
					pioneers[p] = append(pioneers[p], f)
				}
			}
		}
		if len(o.Periods) > 0 {
			open[p] = o.Periods
		} else {
			for t := 1; t <= T; t++ {
				open[p] = append(open[p], t)
			}
		}
	}
	others := func(p, f int) []int {
		var out []int
		for _, g := range pioneers[p] {
			if g != f {
				out = append(out, g)
			}
		}
		return out
	}
	reward := func(p, f int) bool {
		return in.Firms[f].Role == model.SME && !in.Firms[f].Pioneer && len(others(p, f)) > 0
	}
	knows := func(p, f int) bool {
		o := &in.Opportunities[p]
		return in.Firms[f].KnowledgeOf(o.Market) >= o.KnowledgeRequired
	}
	isLead := func(p, f int) bool {
		rule := in.Rules.Mode(in.Opportunities[p].Mode)
		return rule.Lead != "" && in.Firms[f].Role == rule.Lead
	}
	y := func(p, t int) string { return fmt.Sprintf("y_%d_%d", p, t) }
	x := func(f, p, t int) string { return fmt.Sprintf("x_%d_%d_%d", f, p, t) }
	s := func(f, p, t int) string { return fmt.Sprintf("s_%d_%d_%d", f, p, t) }
	l := func(f, p, t int) string { return fmt.Sprintf("l_%d_%d_%d", f, p, t) }
	w := func(f, p, t int) string { return fmt.Sprintf("w_%d_%d_%d", f, p, t) }
	q := func(f, p, t int) string { return fmt.Sprintf("q_%d_%d_%d", f, p, t) }
	u := func(m, t int) string { return fmt.Sprintf("u_%d_%d", m, t) }
	kappa := func(f, m, t int) string { return fmt.Sprintf("k_%d_%d_%d", f, m, t) }

	// Variables.
	for p := range in.Opportunities {
		for _, t := range open[p] {
			lp.declare(y(p, t), 0, 1, true)
			for _, f := range cand[p] {
				lp.declare(x(f, p, t), 0, 1, true)
				lp.declare(s(f, p, t), 0, inf, false)
				if isLead(p, f) {
					lp.declare(l(f, p, t), 0, 1, true)
				}
				if reward(p, f) {
					lp.declare(w(f, p, t), 0, 1, false)
				}
				if !knows(p, f) {
					lp.declare(q(f, p, t), 0, 1, true)
				}
			}
		}
	}
	for m := range in.Markets {
		for t := 1; t <= T; t++ {
			lp.declare(u(m, t), 0, 1, true)
		}
	}
	for f := range in.Firms {
		for m := range in.Markets {
			for t := 2; t <= T; t++ {
				lp.declare(kappa(f, m, t), 0, 1, false)
			}
		}
		lp.declare(fmt.Sprintf("c_%d", f), 0, in.Policy.CreditPerFirm*in.Firms[f].Capital, false)
		lp.declare(fmt.Sprintf("eta_%d", f), math.Inf(-1), inf, false)
		for k := range in.Scenarios {
			lp.declare(fmt.Sprintf("t_%d_%d", f, k), 0, inf, false)
		}
		if in.Firms[f].Role == model.SME {
			lp.declare(fmt.Sprintf("z_%d", f), 0, 1, false)
		}
	}
	type group struct {
		m   int
		seg string
		ps  []int
	}
	var groups []*group
	gIdx := map[[2]string]*group{}
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		key := [2]string{o.Market, o.Segment}
		g := gIdx[key]
		if g == nil {
			g = &group{m: mIdx[o.Market], seg: o.Segment}
			gIdx[key] = g
			groups = append(groups, g)
		}
		g.ps = append(g.ps, p)
	}
	e := func(gi, t int) string { return fmt.Sprintf("e_%d_%d", gi, t) }
	for gi := range groups {
		for t := 1; t <= T; t++ {
			lp.declare(e(gi, t), 0, inf, false)
		}
	}

	// Objective: Σ_t d^(t−1)·[Σ_m I_m·u_mt + Σ_ms δ_m·(e_mst − e_ms,t−1)
	// − Σ_p (v_p + λ_G·G_p)·y_pt − λ_L·Σ w_fpt].
	for m := range in.Markets {
		for t := 1; t <= T; t++ {
			lp.obj = append(lp.obj, vbTerm{weight(t) * in.Markets[m].InfoCost, u(m, t)})
		}
	}
	for gi, g := range groups {
		delta := in.Markets[g.m].Dissipation
		for t := 1; t <= T; t++ {
			c := weight(t) * delta // e_t enters period t's increment ...
			if t < T {
				c -= weight(t+1) * delta // ... and, negated, period t+1's
			}
			lp.obj = append(lp.obj, vbTerm{c, e(gi, t)})
		}
	}
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		gain := o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost + in.Objective.MarketPowerValue*o.MarketPower
		for _, t := range open[p] {
			lp.obj = append(lp.obj, vbTerm{-weight(t) * gain, y(p, t)})
			for _, f := range cand[p] {
				if reward(p, f) {
					lp.obj = append(lp.obj, vbTerm{-weight(t) * in.Objective.LearningValue, w(f, p, t)})
				}
			}
		}
	}

	// Per opportunity and open period: (1)–(5), K2, K3, (11), (15).
	for p := range in.Opportunities {
		o := &in.Opportunities[p]
		rule := in.Rules.Mode(o.Mode)
		once := []vbTerm{}
		for _, t := range open[p] {
			name := fmt.Sprintf("%d_%d", p, t)
			once = append(once, vbTerm{1, y(p, t)})
			fund := []vbTerm{{-1, y(p, t)}}
			for _, f := range cand[p] {
				fund = append(fund, vbTerm{1, s(f, p, t)})
			}
			lp.row("fund_"+name, fund, "=", 0)
			for _, f := range cand[p] {
				ub := 1.0
				if rule.Lead != "" && in.Firms[f].Role != rule.Lead {
					ub = sminor
				}
				fn := fmt.Sprintf("%d_%s", f, name)
				lp.row("smin_"+fn, []vbTerm{{1, s(f, p, t)}, {-smin, x(f, p, t)}}, ">=", 0)
				lp.row("smax_"+fn, []vbTerm{{1, s(f, p, t)}, {-ub, x(f, p, t)}}, "<=", 0)
				lp.row("xy_"+fn, []vbTerm{{1, x(f, p, t)}, {-1, y(p, t)}}, "<=", 0)
				if !knows(p, f) { // K3 and K2
					k3 := []vbTerm{{1, x(f, p, t)}, {-1, q(f, p, t)}}
					if !in.Firms[f].Pioneer {
						for _, g := range others(p, f) {
							k3 = append(k3, vbTerm{-1, x(g, p, t)})
						}
					}
					lp.row("k3_"+fn, k3, "<=", 0)
					if t == 1 {
						lp.row("k2_"+fn, []vbTerm{{o.KnowledgeRequired, q(f, p, t)}}, "<=", in.Firms[f].KnowledgeOf(o.Market))
					} else {
						lp.row("k2_"+fn, []vbTerm{{o.KnowledgeRequired, q(f, p, t)}, {-1, kappa(f, mIdx[o.Market], t)}}, "<=", 0)
					}
				}
				if reward(p, f) { // (15)
					lp.row("wx_"+fn, []vbTerm{{1, w(f, p, t)}, {-1, x(f, p, t)}}, "<=", 0)
					wg := []vbTerm{{1, w(f, p, t)}}
					for _, g := range others(p, f) {
						wg = append(wg, vbTerm{-1, x(g, p, t)})
					}
					lp.row("wg_"+fn, wg, "<=", 0)
				}
			}
			if rule.Lead != "" { // (3)
				lead := []vbTerm{{-1, y(p, t)}}
				for _, f := range cand[p] {
					if !isLead(p, f) {
						continue
					}
					fn := fmt.Sprintf("%d_%s", f, name)
					lead = append(lead, vbTerm{1, l(f, p, t)})
					lp.row("lx_"+fn, []vbTerm{{1, l(f, p, t)}, {-1, x(f, p, t)}}, "<=", 0)
					lp.row("ls_"+fn, []vbTerm{{1, s(f, p, t)}, {-slead, l(f, p, t)}}, ">=", 0)
				}
				lp.row("lead_"+name, lead, "=", 0)
			}
			for ri, role := range rule.Requires { // (4)
				req := []vbTerm{{-1, y(p, t)}}
				for _, f := range cand[p] {
					if in.Firms[f].Role == role {
						req = append(req, vbTerm{1, x(f, p, t)})
					}
				}
				lp.row(fmt.Sprintf("req_%s_%d", name, ri), req, ">=", 0)
			}
			pmin := []vbTerm{{-float64(o.MinPartnersOr()), y(p, t)}} // (5)
			for _, f := range cand[p] {
				pmin = append(pmin, vbTerm{1, x(f, p, t)})
			}
			lp.row("pmin_"+name, pmin, ">=", 0)
			if o.MaxPartners != nil {
				pmax := []vbTerm{{-float64(*o.MaxPartners), y(p, t)}}
				for _, f := range cand[p] {
					pmax = append(pmax, vbTerm{1, x(f, p, t)})
				}
				lp.row("pmax_"+name, pmax, "<=", 0)
			}
			enter := []vbTerm{{1, y(p, t)}} // (11)
			for t2 := 1; t2 <= t; t2++ {
				enter = append(enter, vbTerm{-1, u(mIdx[o.Market], t2)})
			}
			lp.row("enter_"+name, enter, "<=", 0)
		}
		lp.row(fmt.Sprintf("once_%d", p), once, "<=", 1)
	}
	for m := range in.Markets {
		var us []vbTerm
		for t := 1; t <= T; t++ {
			us = append(us, vbTerm{1, u(m, t)})
		}
		lp.row(fmt.Sprintf("uonce_%d", m), us, "<=", 1)
	}

	// K1: κ_fm,t+1 ≤ κ_fmt + g_D·X_fmt + g_P·W_fmt + φ·Σ_{m'≠m} (g_D·X_fm't + g_P·W_fm't).
	for f := range in.Firms {
		for m := range in.Markets {
			for t := 1; t < T; t++ {
				row := []vbTerm{{1, kappa(f, m, t+1)}}
				rhs := 0.0
				if t == 1 {
					rhs = in.Firms[f].KnowledgeOf(in.Markets[m].ID)
				} else {
					row = append(row, vbTerm{-1, kappa(f, m, t)})
				}
				for p := range in.Opportunities {
					if !vhOpenIn(open[p], t) || !vhHas(cand[p], f) {
						continue
					}
					share := 1.0
					if mIdx[in.Opportunities[p].Market] != m {
						share = phi
					}
					row = append(row, vbTerm{-share * gD, x(f, p, t)})
					if reward(p, f) {
						row = append(row, vbTerm{-share * gP, w(f, p, t)})
					}
				}
				lp.row(fmt.Sprintf("k1_%d_%d_%d", f, m, t), row, "<=", rhs)
			}
		}
	}

	// Per firm: (8) cumulative budgets and the credit line, (9) CVaR of the
	// whole portfolio, (10) projects over the horizon, (14) SMEs.
	var credit, zs []vbTerm
	nSME := 0
	for f := range in.Firms {
		fm := &in.Firms[f]
		c := fmt.Sprintf("c_%d", f)
		eta := fmt.Sprintf("eta_%d", f)
		credit = append(credit, vbTerm{1, c})
		var xs []vbTerm
		for t := 1; t <= T; t++ {
			budget := []vbTerm{{-1, c}}
			for p := range in.Opportunities {
				if !vhHas(cand[p], f) {
					continue
				}
				for _, t2 := range open[p] {
					if t2 <= t {
						budget = append(budget, vbTerm{in.NetCost(&in.Opportunities[p]), s(f, p, t2)})
					}
					if t2 == t {
						xs = append(xs, vbTerm{1, x(f, p, t2)})
					}
				}
			}
			lp.row(fmt.Sprintf("budget_%d_%d", f, t), budget, "<=", math.Min(1, r*float64(t))*fm.Capital)
		}
		risk := []vbTerm{{1, eta}}
		for k := range in.Scenarios {
			tk := fmt.Sprintf("t_%d_%d", f, k)
			row := []vbTerm{{1, tk}, {1, eta}}
			for p := range in.Opportunities {
				if !vhHas(cand[p], f) {
					continue
				}
				o := &in.Opportunities[p]
				for _, t := range open[p] {
					row = append(row, vbTerm{-o.Loss[in.Scenarios[k].ID] * in.NetCost(o), s(f, p, t)})
				}
			}
			lp.row(fmt.Sprintf("cvar_%d_%d", f, k), row, ">=", 0)
			risk = append(risk, vbTerm{in.Scenarios[k].Probability / (1 - alpha), tk})
		}
		lp.row(fmt.Sprintf("risk_%d", f), risk, "<=", fm.RiskLimit)
		if fm.MaxProjects != nil {
			lp.row(fmt.Sprintf("count_%d", f), xs, "<=", float64(*fm.MaxProjects))
		}
		if fm.Role == model.SME {
			nSME++
			z := fmt.Sprintf("z_%d", f)
			zs = append(zs, vbTerm{1, z})
			row := []vbTerm{{1, z}}
			for _, xt := range xs {
				row = append(row, vbTerm{-1, xt.v})
			}
			lp.row(fmt.Sprintf("sme_%d", f), row, "<=", 0)
		}
	}
	lp.row("creditline", credit, "<=", in.Policy.CreditLine)
	lp.row("sme_target", zs, ">=", math.Ceil(in.Objective.SMEParticipationTarget*float64(nSME)-1e-9))

	// (12) dissipation when it arises, never falling.
	for gi, g := range groups {
		for t := 1; t <= T; t++ {
			row := []vbTerm{{1, e(gi, t)}}
			for _, p := range g.ps {
				for _, t2 := range open[p] {
					if t2 <= t {
						row = append(row, vbTerm{-1, y(p, t2)})
					}
				}
			}
			lp.row(fmt.Sprintf("dissip_%d_%d", gi, t), row, ">=", -float64(in.Markets[g.m].Cap(g.seg)))
			if t > 1 {
				lp.row(fmt.Sprintf("dmono_%d_%d", gi, t), []vbTerm{{1, e(gi, t)}, {-1, e(gi, t-1)}}, ">=", 0)
			}
		}
	}
	// (13) market power over the horizon.
	var mp []vbTerm
	for p := range in.Opportunities {
		for _, t := range open[p] {
			mp = append(mp, vbTerm{in.Opportunities[p].MarketPower, y(p, t)})
		}
	}
	lp.row("market_power", mp, ">=", in.Objective.MarketPowerTarget)
	if outside != nil { // (16)
		for f := range in.Firms {
			var ret []vbTerm
			for p := range in.Opportunities {
				if !vhHas(cand[p], f) {
					continue
				}
				o := &in.Opportunities[p]
				for _, t := range open[p] {
					ret = append(ret, vbTerm{weight(t) * (o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost), s(f, p, t)})
				}
			}
			lp.row(fmt.Sprintf("fair_%d", f), ret, ">=", outside[in.Firms[f].ID])
		}
	}
	return lp
}

func vhOpenIn(periods []int, t int) bool {
	for _, p := range periods {
		if p == t {
			return true
		}
	}
	return false
}

func vhHas(firms []int, f int) bool {
	for _, g := range firms {
		if g == f {
			return true
		}
	}
	return false
}

// vhCases are generated small clusters over three periods in several
// shapes, and horizons at the edges of MODEL.md's ranges.
func vhCases(t *testing.T) []*model.Instance {
	var out []*model.Instance
	for i, shape := range []string{"default", "mixed", "scarce-pioneers", "tight-risk", "binding-targets", "nonequity-heavy", "wide-capital", "many-scenarios"} {
		sh, err := gen.Preset(shape)
		if err != nil {
			t.Fatal(err)
		}
		for seed := uint64(1); seed <= 2; seed++ {
			out = append(out, gen.Generate(gen.Config{Firms: 8 + 2*int(seed) + i%3, Opportunities: 5 + int(seed) + i%2, Markets: 3,
				Seed: 500 + 10*uint64(i) + seed, Shape: sh, Periods: 3}))
		}
	}
	learning := func(doing, pioneer, spill float64) *model.Learning {
		return &model.Learning{ByDoing: &doing, WithPioneer: &pioneer, Spillover: &spill}
	}
	f := func(v float64) *float64 { return &v }
	for i, h := range []model.Horizon{
		{Periods: 3, Discount: f(1), CapitalRelease: f(0.25), Learning: learning(0.2, 0.3, 0.5)},
		{Periods: 4, Discount: f(0.8), CapitalRelease: f(0.1), Learning: learning(1, 1, 1)},
		{Periods: 5, Discount: f(0.6), Learning: learning(0.15, 0.25, 0)},
	} {
		for seed := uint64(1); seed <= 2; seed++ {
			in := gen.Generate(gen.Config{Firms: 9 + int(seed), Opportunities: 6, Markets: 3, Seed: 600 + 10*uint64(i) + seed})
			hh := h
			in.Horizon = &hh
			for p := range in.Opportunities {
				switch (p + int(seed)) % 3 {
				case 0:
					in.Opportunities[p].Periods = []int{2, h.Periods}
				case 1:
					in.Opportunities[p].Periods = []int{1}
				}
			}
			in.Name = fmt.Sprintf("%s-edge%d", in.Name, i)
			out = append(out, in)
		}
	}
	// Learning to enter: no pioneers; opportunities of period 1 ask for no
	// knowledge, those of periods 2 and 3 a little more than any candidate
	// has, so that only knowledge grown by K1 opens them.
	for seed := uint64(1); seed <= 3; seed++ {
		in := gen.Generate(gen.Config{Firms: 10 + int(seed), Opportunities: 7, Markets: 3, Seed: 700 + seed})
		in.Horizon = &model.Horizon{Periods: 3, Discount: f(0.95), Learning: learning(0.06, 0, 0.5)}
		for fi := range in.Firms {
			in.Firms[fi].Pioneer = false
		}
		for p := range in.Opportunities {
			o := &in.Opportunities[p]
			if p%2 == 0 {
				o.Periods, o.KnowledgeRequired = []int{1}, 0
				continue
			}
			o.Periods = []int{2, 3}
			best := 0.0
			rule := in.Rules.Mode(o.Mode)
			for fi := range in.Firms {
				if fm := &in.Firms[fi]; rule.Allows(fm.Role) && fm.Serves(o.Segment) {
					best = math.Max(best, fm.KnowledgeOf(o.Market))
				}
			}
			o.KnowledgeRequired = math.Min(1, best+0.03+0.02*float64(p%3))
		}
		in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
		in.Name = fmt.Sprintf("%s-learn-to-enter", in.Name)
		out = append(out, in)
	}
	// Leads that learn: one SME pioneer knows every market; every large
	// firm but one knows little, so most lead candidates take part only
	// beside the pioneer, or by q once they have learned.
	for seed := uint64(1); seed <= 3; seed++ {
		in := gen.Generate(gen.Config{Firms: 11 + int(seed), Opportunities: 7, Markets: 3, Seed: 750 + seed})
		in.Horizon = &model.Horizon{Periods: 3, Discount: f(0.9), Learning: learning(0.1, 0.15, 0.3)}
		sme, large := false, false
		for fi := range in.Firms {
			fm := &in.Firms[fi]
			fm.Pioneer = false
			switch {
			case fm.Role == model.SME && !sme:
				sme, fm.Pioneer = true, true
				fm.Knowledge = map[string]float64{"default": 0.9}
				fm.Segments = nil
				for _, o := range in.Opportunities {
					if !fm.Serves(o.Segment) {
						fm.Segments = append(fm.Segments, o.Segment)
					}
				}
			case fm.Role == model.Large && !large:
				large = true
				fm.Knowledge = map[string]float64{"default": 0.7}
			case fm.Role == model.Large:
				fm.Knowledge = map[string]float64{"default": 0.3}
			}
		}
		for p := range in.Opportunities {
			in.Opportunities[p].KnowledgeRequired = 0.5
		}
		in.Objective.MarketPowerTarget, in.Objective.SMEParticipationTarget = 0, 0
		in.Name = fmt.Sprintf("%s-leads-learn", in.Name)
		out = append(out, in)
	}
	return out
}

// TestVerbatimHorizonOptimum: on small multi-period clusters (vhCases)
// and horizons at the edges of MODEL.md's ranges (edgeHorizons), ofdi's
// optimum equals glpsol's on MODEL.md's multi-period MIP written verbatim
// and on the LP ofdi exports (or all say infeasible), the plan passes the
// independent checker, and the large path's relaxation bound
// (Σ_s Δ_s·R_s) stays below the optimum.
func TestVerbatimHorizonOptimum(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	cases := vhCases(t)
	edges := edgeHorizons()
	if testing.Short() {
		cases = []*model.Instance{cases[0], cases[3], cases[len(cases)-3], edges[8]}
	} else {
		cases = append(cases, edges...)
	}
	dir := t.TempDir()
	// The learners' rows, the lead cliques and the knowledge rows are not
	// in the verbatim MIP: equal optima show they cut off no better plan,
	// where they are written.
	strong := map[string]int{"learners_": 0, "leads_": 0, "kcap": 0, "kcount": 0, "alone_": 0, "alonelead_": 0}
	for _, in := range cases {
		t.Run(in.Name, func(t *testing.T) {
			if err := model.ValidateErr(in); err != nil {
				t.Fatalf("test case is not a valid instance: %v", err)
			}
			res, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: 2 * time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != solver.Optimal && res.Status != solver.Infeasible {
				t.Fatalf("status %s", res.Status)
			}
			if rep := check.Check(in, res.Plan(), check.Options{}); !rep.OK() {
				t.Fatalf("plan fails the checker: %v", rep.Err())
			}
			fm, err := horizon.Build(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range fm.Prob.Rows {
				for prefix := range strong {
					if strings.HasPrefix(r.Name, prefix) {
						strong[prefix]++
					}
				}
			}
			verbatim := filepath.Join(dir, in.Name+".verbatim.lp")
			if err := os.WriteFile(verbatim, []byte(vhBuild(in, nil).String()), 0o644); err != nil {
				t.Fatal(err)
			}
			exported := filepath.Join(dir, in.Name+".lp")
			f, err := os.Create(exported)
			if err != nil {
				t.Fatal(err)
			}
			if err := fm.Prob.WriteLP(f); err != nil {
				t.Fatal(err)
			}
			f.Close()
			for _, lp := range []string{verbatim, exported} {
				want, feasible := vhGlpsol(t, glpsol, lp)
				if feasible != (res.Status == solver.Optimal) {
					t.Fatalf("ofdi %s (Z %.9g), glpsol on %s feasible %v (Z %.9g)", res.Status, res.Objective, filepath.Base(lp), feasible, want)
				}
				if feasible && !vbClose(res.Objective, want) {
					t.Errorf("ofdi Z = %.9g, glpsol on %s %.9g", res.Objective, filepath.Base(lp), want)
				}
			}
			if res.Status != solver.Optimal {
				return
			}
			b, _, err := fm.RelaxedBound(context.Background(), 0)
			if err != nil {
				t.Fatal(err)
			}
			if b > res.Objective+1e-6*math.Max(1, math.Abs(res.Objective)) {
				t.Errorf("relaxed bound %.9g above the optimum %.9g", b, res.Objective)
			}
		})
	}
	for prefix, n := range strong {
		t.Logf("%d %s rows", n, prefix)
		if n == 0 {
			t.Errorf("no case writes a %s row: the test does not cover them", prefix)
		}
	}
}

// vhGlpsol solves an LP file with glpsol and returns the proven optimum,
// or false when glpsol proves it infeasible; anything else fails the test.
func vhGlpsol(t *testing.T, glpsol, path string) (float64, bool) {
	t.Helper()
	status, v := glpsolRun(t, glpsol, path, 150)
	switch status {
	case "INTEGER OPTIMAL":
		return v, true
	case "INTEGER EMPTY":
		return 0, false
	}
	t.Fatalf("glpsol status %q on %s (not proven)", status, path)
	return 0, false
}

// glpsolRun solves an LP file with glpsol within limit seconds and
// returns the status of its solution file ("INTEGER OPTIMAL", "INTEGER
// EMPTY", ...) and the objective it reports.
func glpsolRun(t *testing.T, glpsol, path string, limit int) (string, float64) {
	t.Helper()
	out := path + ".sol"
	ctx, cancel := context.WithTimeout(context.Background(), time.Duration(limit+60)*time.Second)
	defer cancel()
	if msg, err := exec.CommandContext(ctx, glpsol, "--lp", path, "--tmlim", strconv.Itoa(limit), "-o", out).CombinedOutput(); err != nil {
		t.Fatalf("glpsol: %v\n%s", err, msg)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	status, objective := "", ""
	sc := bufio.NewScanner(f)
	for sc.Scan() && (status == "" || objective == "") {
		line := sc.Text()
		if v, ok := strings.CutPrefix(line, "Status:"); ok && status == "" {
			status = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "Objective:"); ok && objective == "" {
			objective = v
		}
	}
	fields := strings.Fields(objective) // "obj = -123.4 (MINimum)"
	if len(fields) < 3 {
		t.Fatalf("glpsol objective line %q in %s", objective, out)
	}
	v, err := strconv.ParseFloat(fields[2], 64)
	if err != nil {
		t.Fatalf("glpsol objective line %q: %v", objective, err)
	}
	return status, v
}

// vbStakes writes MODEL.md's one-period MIP of in verbatim with
// constraint 16, Σ_p v_p·s_fp ≥ o_f, for every firm (outside: firm id →
// o_f).
func vbStakes(in *model.Instance, outside map[string]float64) string {
	lp, sets := vbBuild(in)
	for f := range in.Firms {
		var ret []vbTerm
		for p := range in.Opportunities {
			if sets.elig[p][f] {
				o := &in.Opportunities[p]
				ret = append(ret, vbTerm{o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost, fmt.Sprintf("s_%d_%d", f, p)})
			}
		}
		lp.row(fmt.Sprintf("fair_%d", f), ret, ">=", outside[in.Firms[f].ID])
	}
	return lp.String()
}

// TestVerbatimStakesOptimum: under --sharing stakes, the optimum
// solver.Solve reports equals glpsol's on MODEL.md's MIP written verbatim
// with constraint 16, the outside options taken from the checker's own
// run of the independent baseline (one period and multi-period).
func TestVerbatimStakesOptimum(t *testing.T) {
	glpsol, err := exec.LookPath("glpsol")
	if err != nil {
		t.Fatal("glpsol not found: install glpk-utils (the README's setup does)")
	}
	var cases []*model.Instance
	for i, shape := range []string{"default", "mixed", "binding-targets", "wide-capital"} {
		sh, err := gen.Preset(shape)
		if err != nil {
			t.Fatal(err)
		}
		cases = append(cases, gen.Generate(gen.Config{Firms: 12 + 2*i, Opportunities: 7 + i, Markets: 3, Seed: 800 + uint64(i), Shape: sh}))
	}
	// A cluster where the Lagrangian's fill line once rose above the
	// optimum with (16), so that its fixings cut the optimum off and the
	// 2-minute solve reported a worse plan as optimal.
	sh, err := gen.Preset("tight-projects")
	if err != nil {
		t.Fatal(err)
	}
	if err := sh.SetParams("max_partners=8:20"); err != nil {
		t.Fatal(err)
	}
	cases = append(cases, gen.Generate(gen.Config{Firms: 28, Opportunities: 18, Markets: 5, Seed: 5173, Shape: sh}))
	horizons := vhCases(t)
	// Constraint 16 binds on the first three (scarce pioneers, tight risk,
	// non-equity heavy over three periods).
	cases = append(cases, horizons[4], horizons[6], horizons[11], horizons[len(horizons)-4], horizons[len(horizons)-1])
	if testing.Short() {
		cases = []*model.Instance{cases[0], cases[4], cases[5]}
	}
	dir := t.TempDir()
	compared := 0
	for _, in := range cases {
		t.Run(in.Name, func(t *testing.T) {
			report, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: time.Minute})
			if err != nil {
				t.Fatal(err)
			}
			if report.Status != solver.Optimal {
				t.Skipf("no plan without constraint 16 (%s): no outside options to compare", report.Status)
			}
			outside := vsOutside(t, in, report)
			text := ""
			if in.Horizon != nil {
				text = vhBuild(in, outside).String()
			} else {
				text = vbStakes(in, outside)
			}
			res, err := solver.Solve(context.Background(), in, solver.Options{TimeLimit: 2 * time.Minute, Sharing: model.SharingStakes})
			if err != nil {
				t.Fatal(err)
			}
			compared++
			vsCompare(t, glpsol, filepath.Join(dir, in.Name+".lp"), text, res, in, true)
		})
	}
	if compared < len(cases)/2 {
		t.Errorf("only %d of %d cases compared", compared, len(cases))
	}
}
