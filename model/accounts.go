package model

import (
	"fmt"
	"math"
)

// The sharing rules of MODEL.md ("Firm accounts and sharing the gains").
const (
	// SharingReport: the members fund the shared costs and split the
	// surplus above their outside options in proportion to the money they
	// commit, through transfers. The default; the MIP is unchanged.
	SharingReport = "report"
	// SharingStakes: no side payments; firms keep their stake returns and
	// the association carries the shared costs (constraint 16 in the MIP).
	SharingStakes = "stakes"
)

// The limits a firm account may list as binding.
const (
	BindingCapital  = "capital"  // committed ≥ K_f + credit
	BindingCredit   = "credit"   // credit = β·K_f
	BindingRisk     = "risk"     // cvar = R_f
	BindingProjects = "projects" // participations = n_f
)

// BindingTol is the relative tolerance of a binding limit: x binds at
// limit L when x ≥ L − BindingTol·max(1, |L|).
const BindingTol = 1e-6

// OutsideTol is the absolute tolerance of firms_below_outside_option and
// individually_rational (MODEL.md's 1e-6).
const OutsideTol = 1e-6

// FirmAccount is one firm's account in a plan: what it commits, risks and
// earns, against its outside option. Money is in the instance's currency;
// planner prices (λ_G, λ_L) stay out of it.
type FirmAccount struct {
	ID string `json:"id"`
	// Name is the firm's name in the instance, omitted when it has none.
	Name    string `json:"name,omitempty"`
	Role    Role   `json:"role"`
	Pioneer bool   `json:"pioneer"`
	// Projects is the number of projects the firm takes part in.
	Projects int `json:"projects"`
	// Committed is the money the firm puts in, Σ_p a_p·s_fp.
	Committed float64 `json:"committed"`
	// Credit is the credit the firm draws (plan.credit; 0 when none).
	Credit float64 `json:"credit"`
	// CapitalUse is Committed / K_f.
	CapitalUse float64 `json:"capital_use"`
	// CVaR is CVaR_α of the firm's scenario loss; CVaRUse is CVaR / R_f
	// (0 when R_f = 0).
	CVaR    float64 `json:"cvar"`
	CVaRUse float64 `json:"cvar_use"`
	// Learning counts the firm's learning participations.
	Learning int `json:"learning"`
	// StakeReturn r_f = Σ_p s_fp·v_p, v_p = npv_p + σ_mode(p)·C_p.
	StakeReturn float64 `json:"stake_return"`
	// OutsideOption o_f is the firm's money in the independent baseline.
	OutsideOption float64 `json:"outside_option"`
	// InfoPaid i_f is the info cost the firm pays itself: 0 in cluster
	// plans, Σ_{m it enters} I_m in baseline plans.
	InfoPaid float64 `json:"info_paid"`
	// Transfer τ_f is the side payment the firm receives (negative: pays);
	// Payoff π_f = r_f − i_f + τ_f.
	Transfer float64 `json:"transfer"`
	Payoff   float64 `json:"payoff"`
	// Binding lists the limits that hold with equality (BindingCapital,
	// BindingCredit, BindingRisk, BindingProjects, in that order); empty,
	// never nil, when none does.
	Binding []string `json:"binding"`
}

// Accounts are the firm accounts of a plan and the sharing metrics.
type Accounts struct {
	// Firms has one account per firm of the instance, in file order.
	Firms []FirmAccount
	// MoneyValue W = Σ_p v_p·y_p − info cost − D.
	MoneyValue float64
	// Surplus S = W − Σ_f o_f.
	Surplus float64
	// TransfersPaid = Σ_f max(0, −τ_f).
	TransfersPaid float64
	// FirmsBelowOutsideOption counts the firms with r_f − i_f < o_f − 1e-6:
	// those that earn less than alone before transfers.
	FirmsBelowOutsideOption int
	// IndividuallyRational: every firm is at least as well off as alone
	// under the plan's sharing (see Derived.Accounts).
	IndividuallyRational bool
}

// Fill copies the sharing metrics into m.
func (ac *Accounts) Fill(m *Metrics) {
	m.MoneyValue = ac.MoneyValue
	m.Surplus = ac.Surplus
	m.TransfersPaid = ac.TransfersPaid
	m.FirmsBelowOutsideOption = ac.FirmsBelowOutsideOption
	m.IndividuallyRational = ac.IndividuallyRational
}

// ProjectValue returns v_p = npv_p + σ_mode(p)·C_p, the money project p
// returns to its holders (the subsidy included, planner prices left out).
func (in *Instance) ProjectValue(o *Opportunity) float64 {
	return o.NPV + in.Policy.SubsidyOf(o.Mode)*o.Cost
}

// OutsideOptions returns o_f for every firm, in file order: the firm's
// money Σ_{p it takes} s_fp·v_p − Σ_{m it enters} I_m in indep, which must
// be the assignment of the independent baseline of the same instance (see
// solver.OutsideOptions, which runs it). Package model knows no solver, so
// the baseline is passed in. It fails on unknown ids.
func (d *Derived) OutsideOptions(indep *Assignment) ([]float64, error) {
	if indep == nil {
		return nil, fmt.Errorf("outside options: no independent plan")
	}
	ex, err := d.exposures(indep)
	if err != nil {
		return nil, fmt.Errorf("outside options: %w", err)
	}
	out := make([]float64, len(d.Inst.Firms))
	for f := range out {
		out[f] = ex[f].ret - d.infoOf(ex[f].markets)
	}
	return out, nil
}

// Accounts computes the firm accounts of assignment a produced by method,
// under the sharing rule (SharingReport when empty; ignored for the
// baselines, whose firms keep what they earn and pay their own info cost),
// given the outside options o_f (OutsideOptions, one per firm).
//
// Sharing rules, as MODEL.md defines them: for a cluster plan under
// SharingReport, π_f = o_f + S·committed_f/K (o_f when K = 0) and
// τ_f = π_f − r_f; under SharingStakes and for baselines τ_f = 0 and
// π_f = r_f − i_f. IndividuallyRational is S ≥ −1e-6 under SharingReport
// (the transfers then leave nobody below o_f) and, without transfers,
// "no firm below its outside option" (FirmsBelowOutsideOption = 0).
//
// It fails on unknown ids, an unknown sharing rule or a wrong number of
// outside options; it does not check feasibility.
func (d *Derived) Accounts(a *Assignment, method, sharing string, outside []float64) (*Accounts, error) {
	in := d.Inst
	if len(outside) != len(in.Firms) {
		return nil, fmt.Errorf("accounts: %d outside options for %d firms", len(outside), len(in.Firms))
	}
	if sharing == "" {
		sharing = SharingReport
	}
	if sharing != SharingReport && sharing != SharingStakes {
		return nil, fmt.Errorf("accounts: unknown sharing %q (want %q or %q)", sharing, SharingReport, SharingStakes)
	}
	m, _, err := d.Evaluate(a, method)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	ex, err := d.exposures(a)
	if err != nil {
		return nil, fmt.Errorf("accounts: %w", err)
	}
	credit := map[int]float64{}
	for _, c := range a.Credit {
		credit[d.Firm[c.Firm]] += c.Amount
	}
	ac := &Accounts{Firms: make([]FirmAccount, len(in.Firms))}
	ac.MoneyValue = m.Value - m.InfoCost - m.Dissipation
	ac.Surplus = ac.MoneyValue
	var total float64
	for f := range in.Firms {
		ac.Surplus -= outside[f]
		total += ex[f].committed
	}
	transfers := method == MethodCluster && sharing == SharingReport
	alpha := in.Policy.Alpha()
	for f := range in.Firms {
		fm := &in.Firms[f]
		e := &ex[f]
		acc := FirmAccount{
			ID: fm.ID, Name: fm.Name, Role: fm.Role, Pioneer: fm.Pioneer,
			Projects: e.projects, Committed: e.committed, Credit: credit[f],
			CapitalUse: e.committed / fm.Capital, CVaR: CVaR(e.loss, d.Probs, alpha),
			Learning: e.learning, StakeReturn: e.ret, OutsideOption: outside[f],
		}
		if fm.RiskLimit > 0 {
			acc.CVaRUse = acc.CVaR / fm.RiskLimit
		}
		if method != MethodCluster {
			acc.InfoPaid = d.infoOf(e.markets)
		}
		if transfers {
			acc.Payoff = outside[f]
			if total > 0 {
				acc.Payoff += ac.Surplus * e.committed / total
			}
			acc.Transfer = acc.Payoff - acc.StakeReturn
		} else {
			acc.Payoff = acc.StakeReturn - acc.InfoPaid
		}
		if acc.Transfer < 0 {
			ac.TransfersPaid -= acc.Transfer
		}
		if acc.StakeReturn-acc.InfoPaid < outside[f]-OutsideTol {
			ac.FirmsBelowOutsideOption++
		}
		acc.Binding = d.binding(fm, &acc)
		ac.Firms[f] = acc
	}
	if transfers {
		ac.IndividuallyRational = ac.Surplus >= -OutsideTol
	} else {
		ac.IndividuallyRational = ac.FirmsBelowOutsideOption == 0
	}
	return ac, nil
}

// binding lists the limits of firm fm that acc meets with equality. A zero
// limit (no credit allowance, R_f = 0, n_f = 0) is a rule of the instance,
// not a limit the plan runs into, and is not listed.
func (d *Derived) binding(fm *Firm, acc *FirmAccount) []string {
	at := func(x, limit float64) bool { return limit > 0 && x >= limit-BindingTol*math.Max(1, limit) }
	out := []string{}
	if at(acc.Committed, fm.Capital+acc.Credit) {
		out = append(out, BindingCapital)
	}
	if at(acc.Credit, d.Inst.Policy.CreditPerFirm*fm.Capital) {
		out = append(out, BindingCredit)
	}
	if at(acc.CVaR, fm.RiskLimit) {
		out = append(out, BindingRisk)
	}
	if fm.MaxProjects != nil && at(float64(acc.Projects), float64(*fm.MaxProjects)) {
		out = append(out, BindingProjects)
	}
	return out
}

// exposure is one firm's position in an assignment.
type exposure struct {
	projects  int
	committed float64   // Σ a_p·s_fp
	ret       float64   // Σ s_fp·v_p
	loss      []float64 // per scenario, Σ ℓ_pk·a_p·s_fp
	learning  int
	markets   []bool // per market: the firm takes part in a project there
}

// exposures returns every firm's position in a (file order).
func (d *Derived) exposures(a *Assignment) ([]exposure, error) {
	in := d.Inst
	ex := make([]exposure, len(in.Firms))
	for f := range ex {
		ex[f].loss = make([]float64, len(d.Probs))
		ex[f].markets = make([]bool, len(in.Markets))
	}
	for _, pj := range a.Projects {
		p, ok := d.Opp[pj.ID]
		if !ok {
			return nil, fmt.Errorf("plan: unknown opportunity %q", pj.ID)
		}
		o := &in.Opportunities[p]
		v := in.ProjectValue(o)
		member := map[int]bool{}
		for _, st := range pj.Participants {
			f, ok := d.Firm[st.Firm]
			if !ok {
				return nil, fmt.Errorf("plan: project %q: unknown firm %q", pj.ID, st.Firm)
			}
			member[f] = true
		}
		for _, st := range pj.Participants {
			f := d.Firm[st.Firm]
			e := &ex[f]
			e.projects++
			e.committed += d.NetCost[p] * st.Stake
			e.ret += st.Stake * v
			for k := range d.Probs {
				e.loss[k] += st.Stake * d.Loss(p, k)
			}
			if mi, ok := d.Market[o.Market]; ok {
				e.markets[mi] = true
			}
			if fm := &in.Firms[f]; fm.Role == SME && !fm.Pioneer {
				for _, g := range d.Pioneers[p] {
					if g != f && member[g] {
						e.learning++
						break
					}
				}
			}
		}
	}
	for _, c := range a.Credit {
		if _, ok := d.Firm[c.Firm]; !ok {
			return nil, fmt.Errorf("plan: credit: unknown firm %q", c.Firm)
		}
	}
	return ex, nil
}

// infoOf returns Σ I_m over the markets marked in entered.
func (d *Derived) infoOf(entered []bool) float64 {
	var s float64
	for m, e := range entered {
		if e {
			s += d.Inst.Markets[m].InfoCost
		}
	}
	return s
}
