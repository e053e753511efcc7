package horizon

import (
	"math"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// The knowledge rows (kcap…, kcount…) hold at every way a firm can come
// to know enough for an opportunity on its own: every set of its earlier
// participations (periods before, other opportunities, each at most once,
// at most max_projects − 1 of them, with or without the learning reward
// where the pair has one) whose K1 gains in the market reach k_p − κ_f(m),
// with q = 1, the pair's x = 1 and every other column 0. Checked by
// enumeration on generated 3-period clusters whose opportunities ask for
// more knowledge than most firms have.
func TestKnowledgeRowsValid(t *testing.T) {
	rows, points, tight, flat := 0, 0, 0, 0
	for seed := uint64(1); seed <= 4; seed++ {
		in := gen.Generate(gen.Config{Firms: 14, Opportunities: 10, Markets: 3, Seed: 300 + seed, Periods: 3})
		for p := range in.Opportunities {
			in.Opportunities[p].KnowledgeRequired = math.Min(1, 0.25+0.1*float64(p%5))
		}
		if seed > 2 { // no spillover: only the counting row at θ = 0
			doing, pioneer, spill := 0.1, 0.15, 0.0
			in.Horizon.Learning = &model.Learning{ByDoing: &doing, WithPioneer: &pioneer, Spillover: &spill}
		}
		fm, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		gD, gP, phi := in.Horizon.Gains()
		byName := map[string]int{}
		for i, r := range fm.Prob.Rows {
			byName[r.Name] = i
		}
		for p := range fm.Pairs {
			o := &in.Opportunities[p]
			m := fm.D.Market[o.Market]
			for t0, pairs := range fm.Pairs[p] {
				for _, pr := range pairs {
					if pr.Q == none {
						continue
					}
					var mine []int
					tag := fm.tag(pr.Firm, p, t0)
					for name, i := range byName {
						if (strings.HasPrefix(name, "kcap") || strings.HasPrefix(name, "kcount")) && strings.HasSuffix(name, "_"+tag) {
							mine = append(mine, i)
						}
					}
					rows += len(mine)
					if seed > 2 {
						flat += len(mine)
					}
					// The firm's earlier pairs with their gains in m.
					type item struct {
						x, w, opp int
						a, b      float64
					}
					var items []item
					for q := range fm.Pairs {
						if q == p {
							continue
						}
						share := phi
						if fm.D.Market[in.Opportunities[q].Market] == m {
							share = 1
						}
						for t1 := 0; t1 < t0; t1++ {
							for _, e := range fm.Pairs[q][t1] {
								if e.Firm != pr.Firm {
									continue
								}
								it := item{x: e.X, w: e.W, opp: q, a: share * gD}
								if e.W != none {
									it.b = share * gP
								}
								items = append(items, it)
							}
						}
					}
					if len(items) > 14 {
						t.Fatalf("%s: %d earlier pairs, too many to enumerate", tag, len(items))
					}
					most := len(items)
					if n := in.Firms[pr.Firm].MaxProjects; n != nil {
						most = min(most, *n-1)
					}
					need := o.KnowledgeRequired - in.Firms[pr.Firm].KnowledgeOf(o.Market)
					x := make([]float64, len(fm.Prob.Cols))
					for set := 0; set < 1<<len(items); set++ {
						// Each chosen pair with (bit of reward) or without w.
						var chosen []int
						used := map[int]bool{}
						ok := true
						for i, it := range items {
							if set&(1<<i) != 0 {
								if used[it.opp] {
									ok = false
								}
								used[it.opp] = true
								chosen = append(chosen, i)
							}
						}
						if !ok || len(chosen) > most {
							continue
						}
						for rw := 0; rw < 1<<len(chosen); rw++ {
							gain := 0.0
							clear(x)
							x[pr.Q], x[pr.X] = 1, 1
							skip := false
							for bi, i := range chosen {
								it := items[i]
								x[it.x] = 1
								gain += it.a
								if rw&(1<<bi) != 0 {
									if it.w == none {
										skip = true
										break
									}
									x[it.w] = 1
									gain += it.b
								}
							}
							if skip || gain < need-1e-12 {
								continue
							}
							points++
							for _, i := range mine {
								r, v := fm.Prob.Rows[i], fm.Prob.Activity(i, x)
								if v > r.Hi+1e-9 {
									t.Fatalf("%s: row %s is %.6g > %.6g where f knows enough (gain %.4g ≥ need %.4g)", tag, r.Name, v, r.Hi, gain, need)
								}
								if v > r.Hi-1e-9 {
									tight++
								}
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d knowledge rows (%d without spillover), %d points, %d tight", rows, flat, points, tight)
	if rows == 0 || flat == 0 || points == 0 || tight == 0 {
		t.Fatalf("%d knowledge rows, %d points, %d tight: the test checks nothing", rows, points, tight)
	}
}

// The rows for projects that can do without a pioneer (alone…) hold at
// every coalition K3 allows: each subset of an opportunity's pairs in a
// period with at least min_partners and at most max_partners members, every
// required role, one lead among the lead candidates where the mode has a
// lead role, and each learner beside a pioneer of Π_p or with q = 1 (and
// q = 1 only on a learner that has a q column). Checked by enumeration
// with y = 1 on clusters whose large firms mostly learn beside one SME
// pioneer.
func TestAloneRowsValid(t *testing.T) {
	rows, points, tight := 0, 0, 0
	for seed := uint64(1); seed <= 4; seed++ {
		in := gen.Generate(gen.Config{Firms: 11 + int(seed), Opportunities: 7, Markets: 3, Seed: 750 + seed, Periods: 3})
		sme, large := false, false
		for fi := range in.Firms {
			f := &in.Firms[fi]
			f.Pioneer = false
			switch {
			case f.Role == model.SME && !sme:
				sme, f.Pioneer = true, true
				f.Knowledge = map[string]float64{"default": 0.9}
				for _, o := range in.Opportunities {
					if !f.Serves(o.Segment) {
						f.Segments = append(f.Segments, o.Segment)
					}
				}
			case f.Role == model.Large && !large:
				large = true
				f.Knowledge = map[string]float64{"default": 0.7}
			default:
				f.Knowledge = map[string]float64{"default": 0.3 + 0.05*float64(fi%3)}
			}
		}
		for p := range in.Opportunities {
			in.Opportunities[p].KnowledgeRequired = 0.5
		}
		fm, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		for p := range fm.Pairs {
			o := &in.Opportunities[p]
			rule := in.Rules.Mode(o.Mode)
			for t0, pairs := range fm.Pairs[p] {
				op := fm.nm.opp(p) + per(t0)
				var mine []int
				for i, r := range fm.Prob.Rows {
					if r.Name == "alone_"+op || r.Name == "alonelead_"+op || strings.HasPrefix(r.Name, "alone_"+op+"_") {
						mine = append(mine, i)
					}
				}
				if len(mine) == 0 {
					continue
				}
				rows += len(mine)
				if len(pairs) > 14 {
					t.Fatalf("%s: %d pairs, too many to enumerate", op, len(pairs))
				}
				most := len(pairs)
				if o.MaxPartners != nil {
					most = min(most, *o.MaxPartners)
				}
				x := make([]float64, len(fm.Prob.Cols))
				for set := 1; set < 1<<len(pairs); set++ {
					var members []Pair
					pioneer := false
					for i, pr := range pairs {
						if set&(1<<i) != 0 {
							members = append(members, pr)
							pioneer = pioneer || pr.Pioneer
						}
					}
					if len(members) < o.MinPartnersOr() || len(members) > most {
						continue
					}
					ok := true
					for _, r := range rule.Requires {
						has := false
						for _, pr := range members {
							has = has || in.Firms[pr.Firm].Role == r
						}
						ok = ok && has
					}
					for _, pr := range members {
						// A learner without a pioneer beside it needs q.
						ok = ok && (!pr.Learning || pr.Q != none || (pioneer && !in.Firms[pr.Firm].Pioneer))
					}
					if !ok {
						continue
					}
					leads := []int{-1}
					if rule.Lead != "" {
						leads = nil
						for i, pr := range members {
							if pr.L != none {
								leads = append(leads, i)
							}
						}
					}
					for _, li := range leads {
						clear(x)
						x[fm.Y[p][t0]] = 1
						for i, pr := range members {
							x[pr.X] = 1
							if pr.Learning && pr.Q != none && !(pioneer && !in.Firms[pr.Firm].Pioneer) {
								x[pr.Q] = 1
							}
							if i == li {
								x[pr.L] = 1
							}
						}
						points++
						for _, ri := range mine {
							r, v := fm.Prob.Rows[ri], fm.Prob.Activity(ri, x)
							if v < r.Lo-1e-9 || v > r.Hi+1e-9 {
								t.Fatalf("row %s is %.6g outside [%g, %g] at a coalition K3 allows", r.Name, v, r.Lo, r.Hi)
							}
							if math.Abs(v-r.Lo) <= 1e-9 {
								tight++
							}
						}
					}
				}
			}
		}
	}
	t.Logf("%d rows, %d coalitions, %d tight", rows, points, tight)
	if rows == 0 || points == 0 || tight == 0 {
		t.Fatalf("%d rows, %d coalitions, %d tight: the test checks nothing", rows, points, tight)
	}
}
