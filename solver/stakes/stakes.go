// Package stakes computes the risk-balanced stakes of MODEL.md.
//
// The shares s_fp do not enter the objective Z, so a plan's coalitions
// (who takes part in which project, who leads) leave the split of each
// project's cost open. Among all splits that keep every constraint of
// MODEL.md satisfied for the same coalitions, Balance picks the one that
// spreads risk most evenly: it minimises
//
//	Σ_f (CVaR_f / R_f)²   over firms with R_f > 0,
//
// where CVaR_f is the CVaR_α of the firm's loss L_fk = Σ_p ℓ_pk·a_p·s_fp.
// Firms with R_f = 0 hold nothing at risk in a feasible plan; their stakes
// are kept as they are.
//
// # Constraints
//
// The constraints that involve stakes are, per project p of the plan with
// members C_p: Σ_{f∈C_p} s_fp = 1; s_min ≤ s_fp ≤ ub_fp; s ≥ σ_lead for the
// project's lead; per firm Σ_p a_p·s_fp ≤ K_f + c_f with 0 ≤ c_f ≤ β·K_f and
// Σ_f c_f ≤ B, where c_f is re-chosen as the least credit the firm needs,
// max(0, spend_f − K_f); and per firm CVaR_α(L_f) ≤ R_f. All of them are
// convex in the stakes, and so is the objective. Project counts, partners,
// roles, learning and targets depend only on who takes part and are
// untouched.
//
// # Method
//
// The free stakes (members with R_f > 0 of projects with at least two of
// them) are parametrised per project as s = s0 + z − mean(z), so that every
// project's stakes keep their sum exactly whatever z is. Each firm's CVaR is
// the Rockafellar–Uryasev minimum over η of η + Σ_k π_k·(L_k − η)⁺/(1 − α)
// with the hinge (·)⁺ replaced by a Huber smoothing of width ε from above
// (so the smoothed value never falls below the true CVaR); the minimum over
// η is found exactly for each evaluation, and its gradient is
// π_k·h'_ε(L_k − η*)/(1 − α) — for ε = 0 the familiar π_k/(1 − α) above
// the VaR and the remaining tail mass at the VaR atom. The objective
// (normalised so that each firm's term is about 1 at the input) plus
// augmented-Lagrangian quadratic penalties for the bound, lead, budget,
// credit and CVaR constraints (the last three tightened by a margin, at
// least a relative 1e-5) is minimised with gonum's L-BFGS and analytic
// gradient, in a few rounds: after each, the multipliers are updated, the
// penalty weight is multiplied by 10 unless the worst violation fell to a
// quarter, and ε is divided by √10; each round starts from the last. A
// credit line B = 0 is written as budgets spend_f ≤ K_f.
//
// Every round's point is then made exactly feasible. First it is projected
// onto each project's stake bounds with the project's sum kept (a clamp
// with a shift found by bisection). Then, since the feasible set is convex
// and contains the anchor (the input stakes s0, or the best point repaired
// so far), anchor + λ·(s* − anchor) is feasible for every λ up to some
// λ_max; bisection finds the largest λ ∈ [0, 1] at which every constraint
// holds: stake bounds exactly, the funding sums, budgets, credit line and
// CVaR limits within 1e-12 (absolute on sums, relative to max(1, |bound|)
// on money). A constraint the input already violates within Options.Tol
// may not get worse. The repaired point whose true objective (exact CVaR,
// no smoothing, no penalty) is smallest is kept if it improves on the
// input by more than a relative 1e-9; otherwise the input is returned
// unchanged. As the objective is convex, a repaired point is never worse
// than the anchor when the round's point is not.
//
// An augmented Lagrangian approaches a binding constraint from outside, so
// a round's point violates, by a little, every constraint that binds at the
// optimum; if that constraint also binds at the anchor (a firm at its risk
// limit in the MIP's plan and in the balanced one, which is common), the
// line search above would stop at λ ≈ 0 and the refinement would do
// nothing. So after each round every budget, credit-line and CVaR margin
// is moved by what the round's projected point violated or left slack
// (evaluator.tighten), and the next round's point lands inside.
//
// Balance is deterministic: it iterates in slice order only, uses no
// randomness and stops on iteration limits, never on time; the same input
// gives the same output bytes.
package stakes

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/ofdi/ofdi/model"
	"gonum.org/v1/gonum/optimize"
)

// Defaults of Options.
const (
	DefaultMaxIterations = 300
	DefaultRounds        = 10
	DefaultTol           = 1e-6
)

// repairTol is the rounding slack a repaired plan may add to the funding,
// budget, credit and CVaR constraints (absolute on the stake sum, relative
// to max(1, |bound|) on money). Stake bounds get none: a repaired stake is
// within its bounds exactly (or no further outside than the input's).
const repairTol = 1e-12

// minGain is the relative improvement of Σ (CVaR/R)² below which the input
// stakes are kept.
const minGain = 1e-9

// Options configure Balance. The zero value uses the defaults.
type Options struct {
	// MaxIterations caps the L-BFGS iterations of each penalty round;
	// 0 means DefaultMaxIterations. An iteration takes roughly 0.3–0.4 ms
	// at 500 projects × 10 members (one core), so the defaults take a few
	// seconds there (docs/algorithm.md).
	MaxIterations int
	// Rounds is the number of penalty rounds; 0 means DefaultRounds.
	Rounds int
	// Tol is the tolerance within which the input plan must satisfy the
	// stake constraints (absolute on stakes, relative to max(1, |bound|) on
	// money, as in model/check); 0 means DefaultTol.
	Tol float64
	// Deadline, when not zero, ends the refinement: no round starts after
	// it, a round running at it stops, and the best split found so far is
	// returned (the input's when none is better). The zero value means no
	// deadline: the rounds and iteration caps alone end it, so the result
	// is the same in every run.
	Deadline time.Time
}

// Stats report what Balance did.
type Stats struct {
	// Before and After are Σ_f (CVaR_f/R_f)² over firms with R_f > 0, for
	// the input and the returned stakes.
	Before, After float64
	// Iterations is the number of L-BFGS iterations over all rounds.
	Iterations int
	// Free is the number of stakes that could move (members with R_f > 0
	// of projects with at least two such members).
	Free int
	// Changed reports whether the returned stakes differ from the input's.
	Changed bool
}

// ErrInfeasible is wrapped by the error Balance returns when the input plan
// violates a constraint on stakes.
var ErrInfeasible = errors.New("stakes: input plan infeasible")

// Balance returns a copy of a with stakes (and credit) re-split to minimise
// Σ (CVaR_f/R_f)², keeping every constraint of MODEL.md satisfied and the
// coalitions, leads and projects unchanged. a must be feasible; the result
// is never worse than a (if the optimisation does not improve, a's stakes
// are kept).
//
// When the stakes change, the credit is re-chosen as the least each firm
// needs, max(0, spend_f − K_f), listed in the instance's firm order for the
// firms that need some; projects, participants (in a's order: call
// model.Derived.SortAssignment for the canonical one), leads and markets
// are copied unchanged. When they do not change, the result is an exact
// copy of a. a itself is never modified.
//
// Balance fails on a plan that does not fit the instance (unknown or
// repeated project or firm, a non-finite stake) and, wrapping
// ErrInfeasible, on a plan that breaks a constraint: a project without
// participants, a participant whose pair is not eligible, a missing or
// misplaced lead, or a stake, funding, lead, budget, credit or CVaR
// constraint violated by more than Options.Tol.
func Balance(d *model.Derived, a *model.Assignment, opts Options) (*model.Assignment, Stats, error) {
	if d == nil || d.Inst == nil {
		return nil, Stats{}, errors.New("stakes: no instance")
	}
	if a == nil {
		return nil, Stats{}, errors.New("stakes: no plan")
	}
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = DefaultMaxIterations
	}
	if opts.Rounds <= 0 {
		opts.Rounds = DefaultRounds
	}
	if !(opts.Tol > 0) {
		opts.Tol = DefaultTol
	}
	pb, err := build(d, a)
	if err != nil {
		return nil, Stats{}, err
	}
	viol0 := pb.violations(pb.s0, nil)
	for j, v := range viol0 {
		if v > opts.Tol*pb.cons[j].scale {
			return nil, Stats{}, fmt.Errorf("%w: %s", ErrInfeasible, pb.describe(j, v))
		}
	}
	f0 := pb.objective(pb.s0)
	st := Stats{Before: f0, After: f0, Free: len(pb.free)}
	if len(pb.free) == 0 || f0 == 0 {
		return clone(a), st, nil
	}
	allow := make([]float64, len(viol0))
	for j, v := range viol0 {
		allow[j] = math.Max(0, v)
		if k := pb.cons[j].kind; k != consLower && k != consUpper {
			allow[j] += repairTol * pb.cons[j].scale
		}
	}

	best, bestF := []float64(nil), f0*(1-minGain)
	var gt []float64
	ev := newEvaluator(pb)
	// Each firm's term about 1 at the input, whatever the units.
	ev.w = float64(len(pb.vFirms)) / f0
	x := ev.start()
	// ε in units of utilisation CVaR/R; its largest effect on F is
	// ε/(8(1−α)), so it starts at 2.5% of the largest utilisation.
	mu, eps := 10.0, 0.2*(1-pb.alpha)*pb.maxUtilisation(pb.s0)
	lastViol := math.Inf(1)
	for r := 0; r < opts.Rounds; r++ {
		settings := &optimize.Settings{
			Converger:       &optimize.FunctionConverge{Absolute: 1e-14, Relative: 1e-12, Iterations: 25},
			MajorIterations: opts.MaxIterations,
			FuncEvaluations: 20 * opts.MaxIterations,
		}
		if !opts.Deadline.IsZero() {
			if settings.Runtime = time.Until(opts.Deadline); settings.Runtime <= 0 {
				break
			}
		}
		ev.mu, ev.eps = mu, eps
		ev.invalidate()
		res, _ := optimize.Minimize(optimize.Problem{Func: ev.fn, Grad: ev.grad}, x, settings,
			&optimize.LBFGS{Linesearcher: &optimize.MoreThuente{}, GradStopThreshold: math.NaN()})
		// An error (a line search that fails on a kink, say) still leaves the
		// last accepted iterate in res.Location, which is all we need.
		if res != nil {
			st.Iterations += res.Stats.MajorIterations
			if !math.IsInf(res.Location.F, 0) && !math.IsNaN(res.Location.F) && finite(res.Location.X) {
				copy(x, res.Location.X)
				target := pb.project(ev.stakes(x))
				gt = pb.violations(target, gt)
				ev.tighten(gt)
				from := pb.s0
				if best != nil {
					from = best
				}
				s := pb.repair(from, target, allow)
				if s != nil {
					if f := pb.objective(s); f < bestF {
						best, bestF = s, f
					}
				}
				viol := ev.update(x)
				if viol > 0.25*lastViol {
					mu *= 10
				}
				lastViol = viol
			}
		}
		eps /= math.Sqrt(10)
	}
	if best == nil {
		return clone(a), st, nil
	}
	st.After, st.Changed = bestF, true
	return pb.assignment(a, best), st, nil
}

func finite(x []float64) bool {
	for _, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return true
}

// clone returns a deep copy of a, keeping nil slices nil.
func clone(a *model.Assignment) *model.Assignment {
	out := &model.Assignment{}
	if a.Projects != nil {
		out.Projects = make([]model.Project, len(a.Projects))
		for i, p := range a.Projects {
			out.Projects[i] = p
			if p.Participants != nil {
				out.Projects[i].Participants = append([]model.Stake{}, p.Participants...)
			}
		}
	}
	if a.MarketsEntered != nil {
		out.MarketsEntered = append([]string{}, a.MarketsEntered...)
	}
	if a.Credit != nil {
		out.Credit = append([]model.Credit{}, a.Credit...)
	}
	return out
}
