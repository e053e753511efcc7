package gen

import (
	"testing"
	"github.com/ofdi/ofdi/model"
)

func TestStatsTmp(t *testing.T) {
	for seed := range uint64(10) {
		inst := Generate(Config{Seed: seed})
		vs := views(inst)
		w := buildWitness(inst, vs)
		pairs, learn, open := 0, 0, 0
		for p, v := range vs {
			pairs += len(v.eligible)
			for _, d := range v.direct { if !d { learn++ } }
			if v.open(inst, inst.Opportunities[p].MinPartnersOr()) { open++ }
		}
		nS := 0
		for _, f := range inst.Firms { if f.Role == model.SME { nS++ } }
		t.Logf("seed %d: pairs %d learning %d open %d/%d Gopen %.1f witness %d proj G %.1f smes %d/%d target %.1f rho %.2f",
			seed, pairs, learn, open, len(vs), openMarketPower(inst, vs), len(w.projects), w.marketPower, w.smes, nS,
			inst.Objective.MarketPowerTarget, inst.Objective.SMEParticipationTarget)
	}
}
