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
	// instance, not a limit the plan runs into).
	Binding []string `json:"binding"`
}

// FirmLimitsOf computes every firm's FirmLimits under assignment a, in
// file order. Unknown ids are ignored (use Evaluate or model/check to
// reject them).
func FirmLimitsOf(d *model.Derived, a *model.Assignment) []FirmLimits {
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
