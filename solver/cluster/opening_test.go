package cluster

import (
	"context"
	"fmt"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// swapInstance is a cluster of two SMEs, one project each at most, and two
// production opportunities in one market: "p" (npv npvP, segment a) that
// only s1 may join and "q" (npv npvQ, segment b) that s1 may join, and s2
// when it serves segment seg2.
func swapInstance(t *testing.T, npvP, npvQ float64, seg2 string) *model.Instance {
	t.Helper()
	js := fmt.Sprintf(`{
  "name": "swap", "currency": "CNY million",
  "scenarios": [{"id": "base", "probability": 1}],
  "markets": [{"id": "m", "name": "M", "distance": 0.3, "info_cost": 1, "dissipation": 1}],
  "firms": [
    {"id": "s1", "name": "S1", "role": "sme", "capital": 100, "risk_limit": 50,
     "segments": ["a", "b"], "knowledge": {"default": 0.9}, "max_projects": 1},
    {"id": "s2", "name": "S2", "role": "sme", "capital": 100, "risk_limit": 50,
     "segments": [%q], "knowledge": {"default": 0.9}, "max_projects": 1}
  ],
  "opportunities": [
    {"id": "p", "market": "m", "segment": "a", "mode": "production", "cost": 50, "npv": %g,
     "market_power": 0, "knowledge_required": 0.1, "min_partners": 1, "max_partners": 2,
     "loss": {"base": 0.01}},
    {"id": "q", "market": "m", "segment": "b", "mode": "production", "cost": 50, "npv": %g,
     "market_power": 0, "knowledge_required": 0.1, "min_partners": 1, "max_partners": 2,
     "loss": {"base": 0.01}}
  ],
  "policy": {"credit_line": 0, "credit_per_firm": 0, "cvar_alpha": 0.9}
}`, seg2, npvP, npvQ)
	inst, err := model.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// swapStart builds swapInstance and encodes its plan where s1 holds q alone
// and p is left out.
func swapStart(t *testing.T, npvP, npvQ float64, seg2 string) (*model.Derived, *Formulation, []float64) {
	t.Helper()
	d := model.Derive(swapInstance(t, npvP, npvQ, seg2))
	fm, err := Build(d)
	if err != nil {
		t.Fatal(err)
	}
	x, err := fm.Encode(&model.Assignment{Projects: []model.Project{
		{ID: "q", Market: "m", Mode: model.Production, Participants: []model.Stake{{Firm: "s1", Stake: 1}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return d, fm, x
}

// The opening window lets a firm leave a project for the opportunity it
// opens: a project worth less is freed whole (it may be dropped), one worth
// more gets a firm that could take the firm's place there. From the plan
// where s1 holds q alone and p is left out, the window reaches the optimum:
// s1 in p and, when q is worth more, s2 in q.
func TestOpeningHoodSwaps(t *testing.T) {
	for _, tc := range []struct {
		name       string
		npvP, npvQ float64
		seg2       string
		want       []string // the projects of the optimum
	}{
		{"drop the project worth less", 30, 5, "c", []string{"p"}},
		{"a substitute takes the firm's place", 20, 30, "b", []string{"p", "q"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, fm, x := swapStart(t, tc.npvP, tc.npvQ, tc.seg2)
			if v := fm.Violations(x, 1e-7); len(v) > 0 {
				t.Fatalf("start violates %s", v[0])
			}
			s := newLNSSearch(fm)
			h := s.openingHood(0, lnsWindowBinaries, x)
			if !h.opps[d.Opp["p"]] || !h.firms[d.Firm["s1"]] {
				t.Fatalf("window %+v does not free p and s1", h)
			}
			cand, obj := s.solveHood(context.Background(), h, x, lnsNodes, time.Time{})
			if cand == nil {
				t.Fatalf("no improvement on %.4f", fm.Objective(x))
			}
			var got []string
			for _, pj := range fm.Decode(cand).Projects {
				got = append(got, pj.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("projects %v (Z %.4f), want %v", got, obj, tc.want)
			}
		})
	}
}

// The funding order ranks each opportunity's firms by the stake they could
// hold there alone, most first, and holds every firm with a pair once; the
// opening window frees the opportunity, its first firm, and the whole of
// every project a freed firm leads or takes part in for less than it.
func TestOpeningHoodParts(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 30, Opportunities: 16, Markets: 4, Seed: 41})
	d := model.Derive(inst)
	fm, x := greedyStart(t, d)
	s := newLNSSearch(fm)
	empty := newGreedy(fm)
	for p := range fm.Pairs {
		var firms []int
		prev := math.Inf(1)
		for _, f := range s.funding[p] {
			pc := &fm.Pairs[p][indexOfFirm(fm.Pairs[p], f)]
			room := empty.stakeRoom(pc, p, true)
			if room > prev {
				t.Fatalf("opportunity %d: firm %d can hold %.4f after one that can hold %.4f", p, f, room, prev)
			}
			prev = room
			firms = append(firms, f)
		}
		var want []int
		for _, pc := range fm.Pairs[p] {
			want = append(want, pc.Firm)
		}
		slices.Sort(firms)
		slices.Sort(want)
		if !slices.Equal(firms, want) {
			t.Fatalf("opportunity %d: funding order holds %v, pairs %v", p, firms, want)
		}
	}
	windows := 0
	for k := 0; k < 6; k++ {
		h := s.openingHood(k, lnsWindowBinaries, x)
		if h.opps == nil {
			continue
		}
		windows++
		var open []int
		for p, in := range h.opps {
			if in && x[fm.Y[p]] < 0.5 {
				open = append(open, p)
			}
		}
		if len(open) != 1 {
			t.Fatalf("window %d frees %d opportunities not taken, want 1", k, len(open))
		}
		p := open[0]
		if !h.firms[s.funding[p][0]] {
			t.Errorf("window %d: the first firm of p%d's funding order is not free", k, p)
		}
		for _, f := range s.funding[p] {
			if !h.firms[f] {
				continue
			}
			for _, q := range s.tied(f, x) {
				if !h.opps[q] {
					t.Errorf("window %d: firm %d is free but project %d it is tied to is not", k, f, q)
				}
			}
			for _, q := range s.joined(f, x) {
				if fm.Gain[q] < fm.Gain[p] && !h.opps[q] {
					t.Errorf("window %d: candidate %d's project %d is worth less than p%d but fixed", k, f, q, p)
				}
			}
		}
	}
	if windows == 0 {
		t.Fatal("no opening window: the greedy took every opportunity")
	}
}

// The probe solves the opening windows of the opportunities the guide
// favours and the incumbent leaves out: from the plan where s1 holds q
// alone, a guide that takes p in most of its solutions leads the probe to
// the optimum (s1 in p, s2 in q); a guide that never takes p leaves the
// probe with nothing to solve.
func TestProbeOpensFavoured(t *testing.T) {
	d, fm, x := swapStart(t, 20, 30, "b")
	p, q := d.Opp["p"], d.Opp["q"]
	for _, tc := range []struct {
		name     string
		takenP   float64 // of 10 iterates
		improves bool
	}{
		{"favoured", 8, true},
		{"at the threshold", 5, true},
		{"below it", 4, false},
		{"never taken", 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newLNSSearch(fm)
			s.guide = newLagGuide(len(fm.Y))
			s.guide.iterates = 10
			s.guide.taken[p], s.guide.taken[q] = tc.takenP, 10
			best := fm.Objective(x)
			cand, obj := s.probe(context.Background(), lnsWindowBinaries, x, best, time.Time{})
			if !tc.improves {
				if cand != nil {
					t.Fatalf("a point (Z %.4f) from a probe with nothing favoured", obj)
				}
				return
			}
			if cand == nil {
				t.Fatalf("no improvement on %.4f", best)
			}
			var got []string
			for _, pj := range fm.Decode(cand).Projects {
				got = append(got, pj.ID)
			}
			if !slices.Equal(got, []string{"p", "q"}) || obj >= best {
				t.Errorf("projects %v (Z %.4f from %.4f), want [p q]", got, obj, best)
			}
		})
	}
}

// favoured lists the opportunities left out of the point that the guide
// takes in at least half of its solutions, most often first, ties in the
// order given.
func TestGuideFavoured(t *testing.T) {
	inst := gen.Generate(gen.Config{Firms: 30, Opportunities: 16, Markets: 4, Seed: 41})
	fm, err := Build(model.Derive(inst))
	if err != nil {
		t.Fatal(err)
	}
	// favoured reads only the y columns of the point.
	x := make([]float64, len(fm.Prob.Cols))
	in, out := []int{0}, []int{1, 2, 3, 4}
	x[fm.Y[0]] = 1
	g := newLagGuide(len(fm.Y))
	g.iterates = 100
	g.taken[in[0]] = 100                      // taken in x: never favoured
	g.taken[out[0]], g.taken[out[1]] = 50, 90 // favoured, 90 first
	g.taken[out[2]] = 49                      // below the threshold
	g.taken[out[3]] = 50                      // ties with out[0]: order given
	order := []int{out[3], out[2], out[1], out[0], in[0]}
	want := []int{out[1], out[3], out[0]}
	if got := g.favoured(fm, order, x); !slices.Equal(got, want) {
		t.Errorf("favoured %v, want %v", got, want)
	}
	var none *lagGuide
	if got := none.favoured(fm, order, x); got != nil {
		t.Errorf("a nil guide favours %v", got)
	}
}
