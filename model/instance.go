package model

import "math"

// Role is a firm's role in the cluster's division of labour.
type Role string

// The roles of MODEL.md.
const (
	Large      Role = "large"
	SME        Role = "sme"
	Supporting Role = "supporting"
)

// Roles lists every valid role in a fixed order.
var Roles = []Role{Large, SME, Supporting}

// Mode is the entry mode of an opportunity.
type Mode string

// The six entry modes of MODEL.md.
const (
	Acquisition  Mode = "acquisition"
	Greenfield   Mode = "greenfield"
	NonEquity    Mode = "non_equity"
	Production   Mode = "production"
	JointRnD     Mode = "joint_rnd"
	Distribution Mode = "distribution"
)

// Modes lists every valid mode in a fixed order.
var Modes = []Mode{Acquisition, Greenfield, NonEquity, Production, JointRnD, Distribution}

// Instance is one cluster: its firms, the overseas opportunities open to
// them, the markets, scenarios, policy, rules and objective weights.
//
// Optional fields whose default is not the zero value are pointers; the
// accessor methods (Alpha, MinStake, ...) apply the defaults of MODEL.md.
type Instance struct {
	Name          string        `json:"name"`
	Currency      string        `json:"currency,omitempty"`
	Scenarios     []Scenario    `json:"scenarios"`
	Markets       []Market      `json:"markets"`
	Firms         []Firm        `json:"firms"`
	Opportunities []Opportunity `json:"opportunities"`
	Policy        Policy        `json:"policy"`
	Rules         Rules         `json:"rules"`
	Objective     Objective     `json:"objective"`
	// Horizon makes the instance a multi-period one (MODEL.md, "Multi-period
	// plans"); nil plans one period, exactly as without it.
	Horizon *Horizon `json:"horizon,omitempty"`
}

// Scenario is one state of the world with its probability π_k.
type Scenario struct {
	ID          string  `json:"id"`
	Probability float64 `json:"probability"`
}

// Market is a foreign market the cluster may enter.
type Market struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	// Distance is informational (e.g. institutional distance); unused by the model.
	Distance float64 `json:"distance,omitempty"`
	// InfoCost I_m is paid once per market the cluster enters.
	InfoCost float64 `json:"info_cost"`
	// Dissipation δ_m is the value destroyed per project beyond capacity in one segment.
	Dissipation float64 `json:"dissipation"`
	// Capacity maps segment → cap_ms; a missing segment has capacity 1.
	Capacity map[string]int `json:"capacity,omitempty"`
}

// Cap returns cap_ms for segment s (default 1).
func (m *Market) Cap(segment string) int {
	if c, ok := m.Capacity[segment]; ok {
		return c
	}
	return 1
}

// Firm is a member of the cluster.
type Firm struct {
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Role    Role   `json:"role"`
	Pioneer bool   `json:"pioneer,omitempty"`
	// Capital K_f > 0.
	Capital float64 `json:"capital"`
	// RiskLimit R_f ≥ 0 is the largest CVaR of loss the firm accepts.
	RiskLimit float64  `json:"risk_limit"`
	Segments  []string `json:"segments"`
	// Knowledge maps market id → [0,1]; key "default" covers other markets; missing → 0.
	Knowledge map[string]float64 `json:"knowledge,omitempty"`
	// MaxProjects n_f; nil means unlimited.
	MaxProjects *int `json:"max_projects,omitempty"`
}

// KnowledgeOf returns κ_f(m).
func (f *Firm) KnowledgeOf(market string) float64 {
	if k, ok := f.Knowledge[market]; ok {
		return k
	}
	return f.Knowledge["default"] // 0 when absent
}

// Serves reports whether the firm serves segment s.
func (f *Firm) Serves(segment string) bool {
	for _, s := range f.Segments {
		if s == segment {
			return true
		}
	}
	return false
}

// Opportunity is a project p the cluster may undertake abroad.
type Opportunity struct {
	ID      string `json:"id"`
	Market  string `json:"market"`
	Segment string `json:"segment"`
	Mode    Mode   `json:"mode"`
	// Cost C_p > 0 (before subsidy).
	Cost        float64 `json:"cost"`
	NPV         float64 `json:"npv"`
	MarketPower float64 `json:"market_power"`
	// KnowledgeRequired k_p ∈ [0,1].
	KnowledgeRequired float64 `json:"knowledge_required"`
	// MinPartners defaults to 1 when nil.
	MinPartners *int `json:"min_partners,omitempty"`
	// MaxPartners nil means unlimited.
	MaxPartners *int `json:"max_partners,omitempty"`
	// Loss maps scenario id → loss fraction ℓ_pk ∈ [0,1]; missing → 0.
	Loss map[string]float64 `json:"loss,omitempty"`
	// Periods lists the periods in which it may start (horizon instances
	// only); nil means every period.
	Periods []int `json:"periods,omitempty"`
}

// MinPartnersOr returns min_partners (default 1).
func (o *Opportunity) MinPartnersOr() int {
	if o.MinPartners == nil {
		return 1
	}
	return *o.MinPartners
}

// Policy holds the cluster policy instruments.
type Policy struct {
	// CreditLine B ≥ 0: policy-bank money lent to cluster members (default 0).
	CreditLine float64 `json:"credit_line,omitempty"`
	// CreditPerFirm β ≥ 0: a firm borrows at most β·K_f (default 0).
	CreditPerFirm float64 `json:"credit_per_firm,omitempty"`
	// Subsidy maps mode → σ ∈ [0,1), the share of cost paid by government.
	Subsidy map[Mode]float64 `json:"subsidy,omitempty"`
	// CVaRAlpha α ∈ [0,1); nil means 0.9.
	CVaRAlpha *float64 `json:"cvar_alpha,omitempty"`
	// PromotedMarkets is used by the policy_push baseline only.
	PromotedMarkets []string `json:"promoted_markets,omitempty"`
}

// Alpha returns the CVaR level α (default 0.9).
func (p *Policy) Alpha() float64 {
	if p.CVaRAlpha == nil {
		return 0.9
	}
	return *p.CVaRAlpha
}

// Rules holds the stake rules and the per-mode division of labour.
type Rules struct {
	// MinStake s_min; nil means 0.05.
	MinStake *float64 `json:"min_stake,omitempty"`
	// LeadMinStake σ_lead; nil means 0.5.
	LeadMinStake *float64 `json:"lead_min_stake,omitempty"`
	// MinorityMaxStake σ_min; nil means 0.3.
	MinorityMaxStake *float64 `json:"minority_max_stake,omitempty"`
	// Modes overrides a mode's whole entry; modes not listed keep DefaultModeRules.
	Modes map[Mode]ModeRule `json:"modes,omitempty"`
}

// ModeRule says which roles may take part in a mode, which role leads
// (empty: no lead) and which roles must take part.
type ModeRule struct {
	Roles    []Role `json:"roles"`
	Lead     Role   `json:"lead,omitempty"`
	Requires []Role `json:"requires,omitempty"`
}

// Allows reports whether role r may take part.
func (r ModeRule) Allows(role Role) bool {
	for _, x := range r.Roles {
		if x == role {
			return true
		}
	}
	return false
}

// DefaultModeRules is the division of labour of MODEL.md.
func DefaultModeRules() map[Mode]ModeRule {
	return map[Mode]ModeRule{
		Acquisition:  {Roles: []Role{Large, SME}, Lead: Large},
		Greenfield:   {Roles: []Role{Large, SME}, Lead: Large},
		NonEquity:    {Roles: []Role{SME, Supporting}},
		Production:   {Roles: []Role{SME, Supporting}},
		JointRnD:     {Roles: []Role{Large, Supporting, SME}, Lead: Large, Requires: []Role{Supporting}},
		Distribution: {Roles: []Role{Large, Supporting, SME}, Lead: Large, Requires: []Role{Supporting}},
	}
}

// Mode returns the rule for mode m: the instance's override or the default.
func (r *Rules) Mode(m Mode) ModeRule {
	if mr, ok := r.Modes[m]; ok {
		return mr
	}
	return DefaultModeRules()[m]
}

// MinStakeOr returns s_min (default 0.05).
func (r *Rules) MinStakeOr() float64 { return orDefault(r.MinStake, 0.05) }

// LeadMinStakeOr returns σ_lead (default 0.5).
func (r *Rules) LeadMinStakeOr() float64 { return orDefault(r.LeadMinStake, 0.5) }

// MinorityMaxStakeOr returns σ_min (default 0.3).
func (r *Rules) MinorityMaxStakeOr() float64 { return orDefault(r.MinorityMaxStake, 0.3) }

func orDefault(p *float64, d float64) float64 {
	if p == nil {
		return d
	}
	return *p
}

// Objective holds the objective weights and the targets.
type Objective struct {
	// MarketPowerValue λ_G ≥ 0: money per point of market power (default 0).
	MarketPowerValue float64 `json:"market_power_value,omitempty"`
	// LearningValue λ_L ≥ 0: money per learning participation (default 0).
	LearningValue float64 `json:"learning_value,omitempty"`
	// MarketPowerTarget G* ≥ 0 (default 0).
	MarketPowerTarget float64 `json:"market_power_target,omitempty"`
	// SMEParticipationTarget ρ ∈ [0,1] (default 0).
	SMEParticipationTarget float64 `json:"sme_participation_target,omitempty"`
}

// SubsidyOf returns σ_mode (default 0).
func (p *Policy) SubsidyOf(m Mode) float64 { return p.Subsidy[m] }

// MostCredit returns the most credit a firm of the given capital can draw:
// β·K_f, within the credit line B.
func (p *Policy) MostCredit(capital float64) float64 {
	return math.Min(p.CreditPerFirm*capital, p.CreditLine)
}

// NetCost returns a_p = (1 − σ_mode(p))·C_p, the money the firms put in.
func (in *Instance) NetCost(o *Opportunity) float64 {
	return (1 - in.Policy.SubsidyOf(o.Mode)) * o.Cost
}
