package model

// The methods that produce plans.
const (
	MethodCluster     = "cluster"
	MethodIndependent = "independent"
	MethodPolicyPush  = "policy_push"
)

// The plan statuses of MODEL.md.
const (
	StatusOptimal    = "optimal"
	StatusFeasible   = "feasible"
	StatusInfeasible = "infeasible"
	StatusNoSolution = "no_solution"
)

// Plan is the plan output JSON of MODEL.md. Field names are stable: bench,
// check and users' scripts read them.
type Plan struct {
	Instance string `json:"instance"`
	Method   string `json:"method"`
	Status   string `json:"status"`
	// Objective is Z; nil when there is no plan.
	Objective *float64 `json:"objective,omitempty"`
	// Bound is the best proven lower bound on Z (MIP only).
	Bound *float64 `json:"bound,omitempty"`
	// Gap is |Z − bound| / max(1, |Z|) (MIP only).
	Gap     *float64 `json:"gap,omitempty"`
	Message string   `json:"message,omitempty"`
	// Sharing is the sharing rule of a cluster plan (SharingReport or
	// SharingStakes); empty (omitted) for baseline plans, whose firms
	// keep what they earn.
	Sharing string `json:"sharing,omitempty"`
	// PriceOfFairness is Z of a sharing "stakes" plan less Z of the plan
	// without constraint 16, when both were solved to optimality; nil
	// (omitted) otherwise.
	PriceOfFairness *float64    `json:"price_of_fairness,omitempty"`
	Metrics         *Metrics    `json:"metrics,omitempty"`
	Plan            *Assignment `json:"plan,omitempty"`
	// Firms are the firm accounts, one per firm of the instance in file
	// order (Derived.Accounts); nil without a plan, and in plans written
	// before accounts existed.
	Firms []FirmAccount `json:"firms,omitempty"`
	// Periods, Knowledge and Stages describe a multi-period plan
	// (EvaluateHorizon); nil (omitted) in one-period plans.
	Periods    []PeriodPlan    `json:"periods,omitempty"`
	Knowledge  []KnowledgePath `json:"knowledge,omitempty"`
	Stages     []StageCount    `json:"stages,omitempty"`
	Statistics *Statistics     `json:"statistics,omitempty"`
}

// Assignment is who does what: the "plan" block of the plan JSON.
type Assignment struct {
	Projects       []Project `json:"projects"`
	MarketsEntered []string  `json:"markets_entered"`
	Credit         []Credit  `json:"credit"`
}

// Project is one undertaken opportunity with its coalition.
type Project struct {
	ID     string `json:"id"`
	Market string `json:"market"`
	Mode   Mode   `json:"mode"`
	// Lead is empty for modes without a lead role.
	Lead         string  `json:"lead,omitempty"`
	Participants []Stake `json:"participants"`
	// Period is the period in which the project starts (1..T) in a
	// multi-period plan; 0 (omitted) in one-period plans.
	Period int `json:"period,omitempty"`
}

// Stake is a firm's share of a project's cost.
type Stake struct {
	Firm  string  `json:"firm"`
	Stake float64 `json:"stake"`
}

// Credit is the policy credit a firm draws.
type Credit struct {
	Firm   string  `json:"firm"`
	Amount float64 `json:"amount"`
}

// Metrics are the plan metrics of MODEL.md, computed by Evaluate.
type Metrics struct {
	InfoCost            float64      `json:"info_cost"`
	Dissipation         float64      `json:"dissipation"`
	Value               float64      `json:"value"`
	MarketPower         float64      `json:"market_power"`
	Learning            int          `json:"learning"`
	Projects            int          `json:"projects"`
	FirmsByRole         map[Role]int `json:"firms_by_role"`
	SMEParticipation    float64      `json:"sme_participation"`
	CapitalDeployed     float64      `json:"capital_deployed"`
	CreditDrawn         float64      `json:"credit_drawn"`
	CVaRUtilisationMax  float64      `json:"cvar_utilisation_max"`
	CVaRUtilisationMean float64      `json:"cvar_utilisation_mean"`
	TargetsMet          bool         `json:"targets_met"`
	MarketPowerTarget   bool         `json:"market_power_target_met"`
	SMETarget           bool         `json:"sme_participation_target_met"`

	// The sharing metrics of the firm accounts (Accounts.Fill); zero when
	// the plan has no accounts. MoneyValue W = value − info cost − D,
	// Surplus S = W − Σ_f o_f, TransfersPaid = Σ_f max(0, −τ_f).
	MoneyValue              float64 `json:"money_value"`
	Surplus                 float64 `json:"surplus"`
	TransfersPaid           float64 `json:"transfers_paid"`
	FirmsBelowOutsideOption int     `json:"firms_below_outside_option"`
	IndividuallyRational    bool    `json:"individually_rational"`

	// SMEExperienced is the number of SMEs in the experienced stage after
	// the last period of a multi-period plan; nil (omitted) otherwise.
	SMEExperienced *int `json:"sme_experienced,omitempty"`
}

// Statistics describe the run that produced a plan.
type Statistics struct {
	DurationSeconds float64 `json:"duration_seconds"`
	Variables       int     `json:"variables,omitempty"`
	Constraints     int     `json:"constraints,omitempty"`
	Binaries        int     `json:"binaries,omitempty"`
	Solver          string  `json:"solver,omitempty"`
	Nodes           int     `json:"nodes,omitempty"`

	// FirstPlanSeconds is when the run first knew a plan, in seconds from
	// the start of the solve (at most DurationSeconds); nil without a plan.
	FirstPlanSeconds *float64 `json:"first_plan_seconds,omitempty"`
}
