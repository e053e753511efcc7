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
	// MoneyValue W = Σ_p v_p·y_p − info cost − D (over a horizon each
	// period's terms discounted by d^(t−1)).
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
// solver.OutsideOptions, which runs it; over a horizon, the horizon
// baseline, each period's money discounted by d^(t−1), info cost in the
// period the firm first enters the market). Package model knows no
// solver, so the baseline is passed in. It fails on unknown ids.
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
		out[f] = ex[f].ret - ex[f].info
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
// Over a horizon (an instance with a horizon block, each project with its
// Period) money sums over the periods discounted to period 1, d^(t−1):
// committed, stake return, info paid, and W from EvaluateHorizon; counts,
// credit and CVaR (of the whole portfolio, as row 9) are not discounted,
// and capital binds when any period's cumulative budget does
// (docs/horizon.md, "Firm accounts").
//
// It fails on unknown ids, periods outside 1..T, an unknown sharing rule
// or a wrong number of outside options; it does not check feasibility.
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
	m, err := d.moneyMetrics(a, method)
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
			acc.InfoPaid = e.info
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
		acc.Binding = d.binding(fm, &acc, e)
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
func (d *Derived) binding(fm *Firm, acc *FirmAccount, e *exposure) []string {
	at := func(x, limit float64) bool { return limit > 0 && x >= limit-BindingTol*math.Max(1, limit) }
	out := []string{}
	if d.capitalBinds(fm, acc.Credit, e, at) {
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

// capitalBinds says whether the firm's budget (8) holds with equality: in
// one period committed ≥ K_f + credit; over a horizon the cumulative
// budget of some period t, Σ_{t'≤t} Σ_p a_p·s_fpt' ≥ min(1, r·t)·K_f +
// credit (undiscounted, as the row is).
func (d *Derived) capitalBinds(fm *Firm, credit float64, e *exposure, at func(x, limit float64) bool) bool {
	if !d.Inst.MultiPeriod() {
		return at(e.committed, fm.Capital+credit)
	}
	cum := 0.0
	for t, s := range e.spent {
		cum += s
		if at(cum, d.Inst.Horizon.Release(t+1)*fm.Capital+credit) {
			return true
		}
	}
	return false
}

// moneyMetrics returns the metrics whose value, info cost and dissipation
// make W: one-period ones, or discounted ones over a horizon.
func (d *Derived) moneyMetrics(a *Assignment, method string) (Metrics, error) {
	if d.Inst.MultiPeriod() {
		m, _, _, err := d.EvaluateHorizon(a, method)
		return m, err
	}
	m, _, err := d.Evaluate(a, method)
	return m, err
}

// exposure is one firm's position in an assignment. Money is discounted
// to period 1 over a horizon (weight d^(t−1) for a project of period t;
// 1 in one period); losses and counts are not.
type exposure struct {
	projects  int
	committed float64   // Σ_t w_t Σ_p a_p·s_fpt
	ret       float64   // Σ_t w_t Σ_p s_fpt·v_p
	loss      []float64 // per scenario, Σ ℓ_pk·a_p·s_fp (all periods)
	learning  int
	markets   []bool // per market: the firm takes part in a project there
	// first is, per market, the first period the firm takes part there
	// (1 in one period; 0: never).
	first []int
	// info is Σ_{m it enters} w_{first(m)}·I_m: what the firm pays itself
	// for market intelligence when it acts alone.
	info float64
	// spent is, per period, Σ_p a_p·s_fpt undiscounted (one entry in one
	// period), for the cumulative budgets.
	spent []float64
}

// period returns the period of project pj for the accounts: 1 in one
// period, pj.Period over a horizon (an error when outside 1..T).
func (d *Derived) period(pj *Project) (int, error) {
	if !d.Inst.MultiPeriod() {
		return 1, nil
	}
	if T := d.Inst.Periods(); pj.Period < 1 || pj.Period > T {
		return 0, fmt.Errorf("plan: project %q: period %d is not in 1..%d", pj.ID, pj.Period, T)
	}
	return pj.Period, nil
}

// weight returns the discount of period t: d^(t−1) over a horizon, 1 in
// one period.
func (d *Derived) weight(t int) float64 {
	if !d.Inst.MultiPeriod() {
		return 1
	}
	return d.Inst.Horizon.DiscountAt(t)
}

// exposures returns every firm's position in a (file order).
func (d *Derived) exposures(a *Assignment) ([]exposure, error) {
	in := d.Inst
	ex := make([]exposure, len(in.Firms))
	for f := range ex {
		ex[f].loss = make([]float64, len(d.Probs))
		ex[f].markets = make([]bool, len(in.Markets))
		ex[f].first = make([]int, len(in.Markets))
		ex[f].spent = make([]float64, in.Periods())
	}
	for i := range a.Projects {
		pj := &a.Projects[i]
		p, ok := d.Opp[pj.ID]
		if !ok {
			return nil, fmt.Errorf("plan: unknown opportunity %q", pj.ID)
		}
		t, err := d.period(pj)
		if err != nil {
			return nil, err
		}
		w := d.weight(t)
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
			e.committed += w * (d.NetCost[p] * st.Stake)
			e.ret += w * (st.Stake * v)
			e.spent[t-1] += d.NetCost[p] * st.Stake
			for k := range d.Probs {
				e.loss[k] += st.Stake * d.Loss(p, k)
			}
			if mi, ok := d.Market[o.Market]; ok {
				e.markets[mi] = true
				if e.first[mi] == 0 || t < e.first[mi] {
					e.first[mi] = t
				}
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
	for f := range ex {
		ex[f].info = d.infoOf(ex[f].first)
	}
	return ex, nil
}

// infoOf returns Σ w_{first(m)}·I_m over the markets entered (first[m] >
// 0), in file order.
func (d *Derived) infoOf(first []int) float64 {
	var s float64
	for m, t := range first {
		if t > 0 {
			s += d.weight(t) * d.Inst.Markets[m].InfoCost
		}
	}
	return s
}
