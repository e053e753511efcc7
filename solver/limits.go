package solver

import (
	"math"

	"github.com/ofdi/ofdi/model"
)

// The limit names of FirmLimits.Binding (MODEL.md, "Firm accounts").
const (
	LimitCapital  = "capital"
	LimitCredit   = "credit"
	LimitRisk     = "risk"
	LimitProjects = "projects"
)

// bindTol is the relative tolerance at which a limit counts as binding.
const bindTol = 1e-6

// FirmLimits is one firm's use of its limits under a plan.
type FirmLimits struct {
	Firm string `json:"firm"`
	// Committed is Σ_p a_p·s_fp; Capital K_f; Credit the credit drawn and
	// CreditCap β·K_f.
	Committed float64 `json:"committed"`
	Capital   float64 `json:"capital"`
	Credit    float64 `json:"credit"`
	CreditCap float64 `json:"credit_cap"`
	// CVaR is CVaR_α of the firm's loss, RiskLimit R_f.
	CVaR      float64 `json:"cvar"`
	RiskLimit float64 `json:"risk_limit"`
	// Projects is the firm's participations, MaxProjects n_f (nil: unlimited).
	Projects    int  `json:"projects"`
	MaxProjects *int `json:"max_projects,omitempty"`
	// Binding lists the limits that hold with equality (relative 1e-6),
	// in the order capital, credit, risk, projects: capital when
	// committed ≥ K_f + credit; credit when β·K_f > 0 and credit = β·K_f;
	// risk when R_f > 0 and CVaR = R_f; projects when n_f > 0 and count = n_f
	// (model.Derived.Accounts' rule: a zero limit is a rule of the
	// instance, not a limit the plan runs into). Over a horizon these are
	// the plan's firm accounts' (model.Derived.Accounts): capital when
	// some period's cumulative budget row binds (see Budget), credit,
	// risk (CVaR of the whole portfolio) and projects over the horizon.
	Binding []string `json:"binding"`
	// Budget is, over a horizon, each period's cumulative budget row (8);
	// nil in one period. Committed is then the accounts' figure,
	// discounted to period 1 (docs/horizon.md), and Budget the
	// undiscounted money the rows count.
	Budget []BudgetUse `json:"budget,omitempty"`
}

// BudgetUse is one period's cumulative budget row of a firm over a
// horizon: Σ_{t'≤t} Σ_p a_p·s_fpt' ≤ min(1, r·t)·K_f + c_f.
type BudgetUse struct {
	Period int `json:"period"`
	// Spent is the money put in by the end of the period, undiscounted;
	// Limit the capital released by then plus the credit drawn.
	Spent float64 `json:"spent"`
	Limit float64 `json:"limit"`
	// Binds is true when Spent reaches Limit (relative 1e-6).
	Binds bool `json:"binds"`
}

// FirmLimitsOf computes every firm's FirmLimits under assignment a, in
// file order. Unknown ids are ignored (use Evaluate or model/check to
// reject them). Over a horizon the limits are read from the plan's firm
// accounts (horizonLimits); a plan the accounts reject (unknown ids,
// periods outside 1..T) gets the one-period reading, without Budget.
func FirmLimitsOf(d *model.Derived, a *model.Assignment) []FirmLimits {
	if d.Inst.MultiPeriod() {
		if out, err := horizonLimits(d, a); err == nil {
			return out
		}
	}
	in := d.Inst
	out := make([]FirmLimits, len(in.Firms))
	for f := range in.Firms {
		fm := &in.Firms[f]
		out[f] = FirmLimits{Firm: fm.ID, Capital: fm.Capital, CreditCap: in.Policy.CreditPerFirm * fm.Capital,
			RiskLimit: fm.RiskLimit, MaxProjects: fm.MaxProjects, Binding: []string{}}
	}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			continue
		}
		for _, st := range pj.Participants {
			if f, ok := d.Firm[st.Firm]; ok {
				out[f].Committed += d.NetCost[p] * st.Stake
				out[f].Projects++
			}
		}
	}
	for _, c := range a.Credit {
		if f, ok := d.Firm[c.Firm]; ok {
			out[f].Credit += c.Amount
		}
	}
	cvar := d.FirmCVaR(a)
	for f := range out {
		l := &out[f]
		l.CVaR = cvar[f]
		if reached(l.Committed, l.Capital+l.Credit) {
			l.Binding = append(l.Binding, LimitCapital)
		}
		if l.CreditCap > 0 && reached(l.Credit, l.CreditCap) {
			l.Binding = append(l.Binding, LimitCredit)
		}
		if l.RiskLimit > 0 && reached(l.CVaR, l.RiskLimit) {
			l.Binding = append(l.Binding, LimitRisk)
		}
		if l.MaxProjects != nil && *l.MaxProjects > 0 && l.Projects >= *l.MaxProjects {
			l.Binding = append(l.Binding, LimitProjects)
		}
	}
	return out
}

// reached reports whether use ≥ limit within the relative tolerance.
func reached(use, limit float64) bool {
	return use >= limit-bindTol*math.Max(1, math.Abs(limit))
}

// horizonLimits is FirmLimitsOf over a horizon: committed, credit, CVaR,
// projects and the binding limits are the firm accounts'
// (model.Derived.Accounts, which the checker verifies; the outside options
// do not enter them), and Budget gives each period's cumulative budget
// row.
func horizonLimits(d *model.Derived, a *model.Assignment) ([]FirmLimits, error) {
	in := d.Inst
	ac, err := d.Accounts(a, model.MethodCluster, model.SharingReport, make([]float64, len(in.Firms)))
	if err != nil {
		return nil, err
	}
	T := in.Periods()
	spent := make([][]float64, len(in.Firms)) // per firm and period, undiscounted
	for f := range spent {
		spent[f] = make([]float64, T)
	}
	for _, pj := range a.Projects {
		p := d.Opp[pj.ID]
		for _, st := range pj.Participants {
			spent[d.Firm[st.Firm]][pj.Period-1] += d.NetCost[p] * st.Stake
		}
	}
	out := make([]FirmLimits, len(in.Firms))
	for f := range in.Firms {
		fm, acc := &in.Firms[f], &ac.Firms[f]
		l := FirmLimits{Firm: fm.ID, Committed: acc.Committed, Capital: fm.Capital, Credit: acc.Credit,
			CreditCap: in.Policy.CreditPerFirm * fm.Capital, CVaR: acc.CVaR, RiskLimit: fm.RiskLimit,
			Projects: acc.Projects, MaxProjects: fm.MaxProjects, Binding: append([]string{}, acc.Binding...)}
		cum := 0.0
		for t := 1; t <= T; t++ {
			cum += spent[f][t-1]
			limit := in.Horizon.Release(t)*fm.Capital + acc.Credit
			l.Budget = append(l.Budget, BudgetUse{Period: t, Spent: cum, Limit: limit, Binds: limit > 0 && reached(cum, limit)})
		}
		out[f] = l
	}
	return out, nil
}
