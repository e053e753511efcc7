package cluster

import (
	"math"
	"math/rand/v2"
	"sort"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver/baseline"
)

// exactCoalitionCost is the least cost of p's coalition at the
// relaxation's prices, by brute force over every lead and member set and
// straight from MODEL.md's rules: partner counts, a lead of the lead role
// holding σ, the required roles, a pioneer of Π_p beside every learner,
// stakes between their least and their cap summing to 1 (the cheapest κ
// filled first), θ per member and −λ_L per rewarded member. +Inf when no
// coalition is feasible.
func exactCoalitionCost(lg *lagrangian, lp *lagProject) float64 {
	d := lg.fm.D
	o := &d.Inst.Opportunities[lp.p]
	rule := d.Inst.Rules.Mode(o.Mode)
	minP, maxP := o.MinPartnersOr(), len(lp.cands)
	if o.MaxPartners != nil {
		maxP = min(maxP, *o.MaxPartners)
	}
	n := len(lp.cands)
	best := math.Inf(1)
	leads := []int{-1}
	if lp.lead {
		leads = leads[:0]
		for i := range lp.cands {
			if lp.cands[i].canLead {
				leads = append(leads, i)
			}
		}
	}
	for _, lead := range leads {
		for set := 0; set < 1<<n; set++ {
			if lead >= 0 && set&(1<<lead) == 0 {
				continue
			}
			var members []int
			for i := 0; i < n; i++ {
				if set&(1<<i) != 0 {
					members = append(members, i)
				}
			}
			if len(members) < minP || len(members) > maxP {
				continue
			}
			pioneer, ok := false, true
			for _, i := range members {
				pioneer = pioneer || lp.cands[i].pioneer
			}
			for _, r := range rule.Requires {
				has := false
				for _, i := range members {
					has = has || lp.cands[i].role == r
				}
				ok = ok && has
			}
			cost, lows, caps := 0.0, 0.0, 0.0
			type room struct{ kappa, room float64 }
			var rooms []room
			for _, i := range members {
				c := &lp.cands[i]
				if c.learning && !pioneer {
					ok = false
				}
				low := lg.smin
				if i == lead {
					low = lp.sigma
				}
				if c.cap < low-1e-12 {
					ok = false
				}
				cost += c.theta + c.kappa*low
				if c.reward && pioneer {
					// A pioneer beside it other than itself: rewarded
					// pairs are never pioneers.
					cost -= lg.lamL
				}
				lows += low
				caps += c.cap
				rooms = append(rooms, room{c.kappa, math.Max(0, c.cap-low)})
			}
			if !ok || lows > 1+1e-12 || caps < 1-1e-12 {
				continue
			}
			sort.Slice(rooms, func(a, b int) bool { return rooms[a].kappa < rooms[b].kappa })
			left := 1 - lows
			for _, r := range rooms {
				take := math.Min(left, r.room)
				cost += r.kappa * take
				left -= take
			}
			if left > 1e-9 {
				continue
			}
			best = math.Min(best, cost)
		}
	}
	return best
}

// The relaxation's coalition cost of every opportunity is at most the exact
// least cost of its coalition, at random prices (constraint 16's ν
// included, which makes some κ negative), on clusters of several shapes.
// A supporting line whose slope is the next candidate's κ where the fill
// ends inside a room failed this (it raised the bound above the optimum
// of a cluster with constraint 16).
func TestCoalitionBoundBelowExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 5))
	shapes := []string{"default", "tight-projects", "mixed", "scarce-pioneers", "binding-targets", "tight-risk"}
	checked := 0
	for si, name := range shapes {
		sh, err := gen.Preset(name)
		if err != nil {
			t.Fatal(err)
		}
		if name == "tight-projects" {
			if err := sh.SetParams("max_partners=8:20"); err != nil {
				t.Fatal(err)
			}
		}
		inst := gen.Generate(gen.Config{Firms: 16 + 2*si, Opportunities: 10, Markets: 3, Seed: 900 + uint64(si), Shape: sh})
		d := model.Derive(inst)
		fm, err := Build(d)
		if err != nil {
			t.Fatal(err)
		}
		p, err := baseline.Run(d, model.MethodIndependent)
		if err != nil {
			t.Fatal(err)
		}
		outside, err := d.OutsideOptions(p.Plan)
		if err != nil {
			t.Fatal(err)
		}
		fm.Fair(outside)
		lg := newLagrangian(fm)
		for trial := 0; trial < 40; trial++ {
			scale := []float64{0, 0.3, 3}[trial%3]
			for f := range lg.firms {
				lg.mu[f] = scale * rng.Float64()
				lg.rho[f] = scale * rng.Float64()
				lg.theta[f] = 10 * scale * rng.Float64()
				lg.nu[f] = 4 * scale * rng.Float64()
			}
			lg.zeta = scale * rng.Float64()
			for li := range lg.projects {
				lp := &lg.projects[li]
				if len(lp.cands) > 12 {
					continue
				}
				got, _ := lp.cost(lg)
				want := exactCoalitionCost(lg, lp)
				checked++
				if got > want+1e-7*math.Max(1, math.Abs(want)) {
					t.Fatalf("%s, trial %d, %s: relaxed coalition cost %.9g above the exact %.9g", name, trial, inst.Opportunities[lp.p].ID, got, want)
				}
			}
		}
	}
	if checked < 500 {
		t.Errorf("only %d coalition costs compared", checked)
	}
}
