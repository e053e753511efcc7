package solver_test

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
)

func sfFloat(v float64) *float64 { return &v }
func sfInt(v int) *int           { return &v }

func sfClamp(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Max(0, math.Min(1, v))
}

func sfBuild(seed uint64, nf, no, nm uint8, knobs uint32, a, b, c, d float64) *model.Instance {
	inst := gen.Generate(gen.Config{Firms: int(nf%8) + 1, Opportunities: int(no%6) + 1, Markets: int(nm%4) + 1, Seed: seed})
	k := func(bit uint) bool { return knobs&(1<<bit) != 0 }
	fa, fb, fc, fd := sfClamp(a), sfClamp(b), sfClamp(c), sfClamp(d)
	if k(0) {
		for i := range inst.Firms {
			inst.Firms[i].RiskLimit *= fa
		}
	}
	if k(1) {
		for i := range inst.Opportunities {
			inst.Opportunities[i].Cost *= math.Pow(10, 6*fb)
		}
	}
	if k(2) {
		for i := range inst.Markets {
			inst.Markets[i].Capacity = map[string]int{"ic": 0, "display": 0, "iot": 0, "software": 0, "components": 0}
		}
	}
	if k(3) {
		for i := range inst.Opportunities {
			n := int(fc*4) + 1
			inst.Opportunities[i].MinPartners, inst.Opportunities[i].MaxPartners = sfInt(n), sfInt(n)
		}
	}
	if k(4) {
		inst.Rules.MinStake = sfFloat(math.Max(1e-6, fd))
	}
	if k(5) {
		inst.Rules.LeadMinStake = sfFloat(fa)
	}
	if k(6) {
		inst.Rules.MinorityMaxStake = sfFloat(fb)
	}
	if k(7) {
		inst.Policy.CVaRAlpha = sfFloat(math.Min(fc, 0.999))
	}
	if k(8) {
		inst.Policy.CreditLine = 1e4 * fd
		inst.Policy.CreditPerFirm = 2 * fa
	}
	if k(9) {
		inst.Policy.Subsidy = map[model.Mode]float64{"acquisition": math.Min(fb, 0.999), "non_equity": math.Min(fc, 0.999)}
	}
	if k(10) {
		inst.Objective.MarketPowerTarget *= 2 * fa
	}
	if k(11) {
		inst.Objective.SMEParticipationTarget = fb
	}
	if k(12) {
		for i := range inst.Firms {
			inst.Firms[i].Pioneer = !inst.Firms[i].Pioneer
		}
	}
	if k(13) {
		for i := range inst.Firms {
			inst.Firms[i].Knowledge = map[string]float64{"default": fc}
		}
	}
	if k(14) {
		for i := range inst.Opportunities {
			inst.Opportunities[i].KnowledgeRequired = fd
		}
	}
	if k(15) {
		for i := range inst.Firms {
			inst.Firms[i].MaxProjects = sfInt(int(fa * 3))
		}
	}
	if k(16) {
		for i := range inst.Opportunities {
			inst.Opportunities[i].NPV = -inst.Opportunities[i].NPV * (fb*4 - 1)
		}
	}
	if k(17) {
		inst.Objective.LearningValue = 1000 * fc
		inst.Objective.MarketPowerValue = 100 * fd
	}
	if k(18) {
		for i := range inst.Opportunities {
			for s := range inst.Opportunities[i].Loss {
				inst.Opportunities[i].Loss[s] = fa
			}
		}
	}
	if k(19) {
		for i := range inst.Markets {
			inst.Markets[i].Dissipation *= 1000 * fb
			inst.Markets[i].InfoCost *= 100 * fc
		}
	}
	if k(20) {
		for i := range inst.Firms {
			inst.Firms[i].Capital *= math.Pow(10, 6*fd-3)
		}
	}
	if k(21) {
		inst.Rules.Modes = map[model.Mode]model.ModeRule{"non_equity": {Roles: []model.Role{"large", "sme", "supporting"}, Lead: "supporting", Requires: []model.Role{"sme"}}, "production": {Roles: []model.Role{"sme"}, Lead: "sme"}}
	}
	return inst
}

// FuzzStructured reaches the solver far more often than FuzzSolve's raw
// bytes: it builds a small generated cluster and bends it with knobs
// (tiny or zero risk limits and stakes, huge costs, zero capacities, exact
// partner counts, odd mode rules, extreme weights). Every method must
// return a status that matches its plan, a bound not above the objective,
// and a plan the independent checker accepts; never an internal error.
// It found GLPK's integrality tolerance and basis-factorization failures.
func FuzzStructured(f *testing.F) {
	f.Add(uint64(1), uint8(5), uint8(4), uint8(2), uint32(0), 0.5, 0.5, 0.5, 0.5)
	f.Add(uint64(2), uint8(7), uint8(5), uint8(3), uint32(0xffffff), 0.1, 0.9, 0.3, 0.7)
	f.Fuzz(func(t *testing.T, seed uint64, nf, no, nm uint8, knobs uint32, a, b, c, d float64) {
		inst := sfBuild(seed, nf, no, nm, knobs, a, b, c, d)
		if len(model.Errors(model.Validate(inst))) > 0 {
			return
		}
		data, _ := json.Marshal(inst)
		for _, m := range solver.Methods() {
			res, err := solver.Solve(context.Background(), inst, solver.Options{Method: m, TimeLimit: 2 * time.Second})
			if errors.Is(err, model.ErrInvalid) {
				t.Fatalf("%s: Validate accepts but Solve rejects: %v\n%s", m, err, data)
			}
			if err != nil {
				t.Fatalf("%s: internal error: %v\n%s", m, err, data)
			}
			switch res.Status {
			case solver.Optimal, solver.Feasible:
				if res.Assignment == nil {
					t.Fatalf("no plan\n%s", data)
				}
				if res.HasBound && !(res.Bound <= res.Objective) {
					t.Fatalf("bound\n%s", data)
				}
			case solver.Infeasible:
				if m != model.MethodCluster {
					t.Fatalf("baseline infeasible\n%s", data)
				}
			case solver.NoSolution:
				if res.Stats.Duration < time.Second {
					t.Fatalf("%s: no_solution after %v\n%s", m, res.Stats.Duration, data)
				}
			}
			if rep := check.Check(inst, res.Plan(), check.Options{}); !rep.OK() {
				t.Fatalf("%s: %s plan fails the checker: %v\n%s", m, res.Status, rep.Err(), data)
			}
		}
	})
}
