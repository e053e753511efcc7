package main

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"strings"

	"github.com/ofdi/ofdi/bench"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/solver"
	"gonum.org/v1/plot/vg"
)

//go:embed report.html.tmpl
var reportHTML string

var reportTmpl = template.Must(template.New("report").Funcs(template.FuncMap{
	"num":   num,
	"money": money1,
	"pct":   func(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) },
}).Parse(reportHTML))

// money1 prints an amount with one decimal, no "-0.0": the firm accounts'
// columns, which num's six digits made wider than the page.
func money1(x float64) string {
	s := fmt.Sprintf("%.1f", x)
	if s == "-0.0" {
		return "0.0"
	}
	return s
}

// reportPage is the data of the HTML page of ofdi report.
type reportPage struct {
	Instance, Currency, Status, Source string
	Z, Bound, Gap                      float64
	HasBound, HasAccounts              bool
	Decomposition                      solver.Decomposition
	Terms                              []reportTerm
	Methods                            []reportMethod
	MethodCharts                       []template.HTML
	DecompositionChart                 template.HTML
	Markets                            []reportMarket
	Firms                              []reportFirm
	LeftOut                            []reportLeftOut
	// Periods is T of a multi-period instance (0: one period); Timeline,
	// StageMethods, Stages and StageChart are set only then.
	Periods      int
	Discount     float64
	Timeline     []report.TimelineRow
	StageMethods []string
	Stages       []reportStageRow
	StageChart   template.HTML
}

// reportStageRow is one period of the stage table: the SMEs per stage
// after it, one cell per method of StageMethods.
type reportStageRow struct {
	Period int
	Cells  []model.StageCount
}

type reportTerm struct {
	Name, What string
	Value      float64
	Total      bool
}

type reportMethod struct {
	Method, Status string
	HasPlan        bool
	Z, W           float64
	M              *model.Metrics
}

type reportMarket struct {
	Name     string
	Projects []reportProject
}

type reportProject struct {
	ID, Segment, Mode, Lead, Participants string
	// Period is the start period over a horizon (0 in one period).
	Period int
}

type reportFirm struct {
	ID, Name, Role, Holdings, Binding   string
	Pioneer                             bool
	Projects                            int
	Committed, CapitalUse, Credit, CVaR float64
	CVaRUse, StakeReturn                float64
	Outside, Transfer, Payoff           float64
}

type reportLeftOut struct {
	ID, Market, Mode, Why string
}

// newReportPage gathers the page's data from the cluster plan, its
// baselines (by method) and its explanation.
func newReportPage(inst *model.Instance, plan *model.Plan, baselines map[string]*model.Plan, ex *solver.Explanation, source string) (*reportPage, error) {
	d := model.Derive(inst)
	pg := &reportPage{Instance: inst.Name, Currency: inst.Currency, Status: plan.Status, Source: source,
		Z: *plan.Objective, Decomposition: ex.Decomposition}
	if pg.Currency == "" {
		pg.Currency = "money units"
	}
	if plan.Bound != nil && plan.Gap != nil {
		pg.HasBound, pg.Bound, pg.Gap = true, *plan.Bound, *plan.Gap
	}
	dec := ex.Decomposition
	pg.Terms = []reportTerm{
		{"npv", "net present value of the projects taken", dec.NPV, false},
		{"subsidy", "the government's share of the projects' cost (a transfer)", dec.Subsidy, false},
		{"market power (priced)", "λ_G · market power: the planner's price, pays nobody", dec.MarketPower, false},
		{"learning (priced)", "λ_L · learning participations: the planner's price, pays nobody", dec.Learning, false},
		{"info cost", "market intelligence, bought once per market entered", dec.InfoCost, false},
		{"dissipation", "value lost to cluster projects beyond a market segment's capacity", dec.Dissipation, false},
		{"Z", "the sum", dec.Z, true},
	}
	if err := pg.addMethods(plan, baselines); err != nil {
		return nil, err
	}
	var bars []bench.Bar
	for _, t := range pg.Terms[:6] {
		bars = append(bars, bench.Bar{Label: strings.Fields(t.Name)[0], Value: t.Value})
	}
	svg, err := bench.BarsSVG("What Z is made of", "contribution of each term to Z (gains negative)", pg.Currency, bars, 6.5*vg.Inch)
	if err != nil {
		return nil, err
	}
	pg.DecompositionChart = template.HTML(svg)
	pg.addMarkets(d, plan.Plan)
	pg.addFirms(d, plan.Plan, plan.Firms, ex)
	if inst.MultiPeriod() {
		if err := pg.addHorizon(d, plan, baselines); err != nil {
			return nil, err
		}
	}
	for _, lo := range ex.LeftOut {
		pg.LeftOut = append(pg.LeftOut, reportLeftOut{lo.ID, lo.Market, string(lo.Mode), leftOutReason(lo)})
	}
	return pg, nil
}

// addMethods fills the comparison table and its charts.
func (pg *reportPage) addMethods(plan *model.Plan, baselines map[string]*model.Plan) error {
	var zBars, wBars []bench.Bar
	for _, m := range []string{model.MethodCluster, model.MethodIndependent, model.MethodPolicyPush} {
		p := plan
		if m != model.MethodCluster {
			p = baselines[m]
		}
		rm := reportMethod{Method: strings.ReplaceAll(m, "_", " "), Status: p.Status}
		if p.Plan != nil && p.Metrics != nil && p.Objective != nil {
			rm.HasPlan, rm.Z, rm.M = true, *p.Objective, p.Metrics
			rm.W = p.Metrics.Value - p.Metrics.InfoCost - p.Metrics.Dissipation
			zBars = append(zBars, bench.Bar{Label: rm.Method, Value: -rm.Z, Color: bench.MethodColor(m)})
			wBars = append(wBars, bench.Bar{Label: rm.Method, Value: rm.W, Color: bench.MethodColor(m)})
		}
		pg.Methods = append(pg.Methods, rm)
	}
	for _, c := range []struct {
		title, sub string
		bars       []bench.Bar
	}{
		{"Net value for the cluster: −Z", "higher is better", zBars},
		{"Money the plan creates: W", "npv + subsidy − info cost − dissipation", wBars},
	} {
		svg, err := bench.BarsSVG(c.title, c.sub, pg.Currency, c.bars, 4.6*vg.Inch)
		if err != nil {
			return err
		}
		pg.MethodCharts = append(pg.MethodCharts, template.HTML(svg))
	}
	return nil
}

// addMarkets lists the plan's projects by market, markets in file order.
func (pg *reportPage) addMarkets(d *model.Derived, a *model.Assignment) {
	in := d.Inst
	byMarket := make([][]reportProject, len(in.Markets))
	for _, pj := range a.Projects {
		o := &in.Opportunities[d.Opp[pj.ID]]
		var parts []string
		for _, s := range pj.Participants {
			parts = append(parts, fmt.Sprintf("%s %.1f%%", s.Firm, 100*s.Stake))
		}
		lead := pj.Lead
		if lead == "" {
			lead = "—"
		}
		m := d.Market[pj.Market]
		byMarket[m] = append(byMarket[m], reportProject{pj.ID, o.Segment, string(pj.Mode), lead, strings.Join(parts, ", "), pj.Period})
	}
	for m, ps := range byMarket {
		if len(ps) == 0 {
			continue
		}
		name := in.Markets[m].ID
		if in.Markets[m].Name != "" {
			name = fmt.Sprintf("%s (%s)", in.Markets[m].Name, in.Markets[m].ID)
		}
		pg.Markets = append(pg.Markets, reportMarket{name, ps})
	}
}

// addFirms fills the by-firm plan and the firm accounts, in file order.
func (pg *reportPage) addFirms(d *model.Derived, a *model.Assignment, accounts []model.FirmAccount, ex *solver.Explanation) {
	in := d.Inst
	if len(accounts) != len(in.Firms) {
		accounts = nil
	}
	pg.HasAccounts = accounts != nil
	holdings := make([][]string, len(in.Firms))
	ret := make([]float64, len(in.Firms))
	for _, pj := range a.Projects {
		o := &in.Opportunities[d.Opp[pj.ID]]
		v := in.ProjectValue(o)
		when, w := "", 1.0
		if in.MultiPeriod() { // money discounted to period 1, as the accounts
			when, w = fmt.Sprintf(" (t%d)", pj.Period), in.Horizon.DiscountAt(pj.Period)
		}
		for _, s := range pj.Participants {
			f := d.Firm[s.Firm]
			holdings[f] = append(holdings[f], fmt.Sprintf("%s%s %.1f%%", pj.ID, when, 100*s.Stake))
			ret[f] += w * s.Stake * v
		}
	}
	for f, l := range ex.Firms {
		fm := &in.Firms[f]
		rf := reportFirm{ID: fm.ID, Name: fm.Name, Role: string(fm.Role), Pioneer: fm.Pioneer, Holdings: strings.Join(holdings[f], ", "),
			Projects: l.Projects, Committed: l.Committed, CapitalUse: l.Committed / fm.Capital, Credit: l.Credit,
			CVaR: l.CVaR, StakeReturn: ret[f], Binding: strings.Join(l.Binding, ", ")}
		if fm.RiskLimit > 0 {
			rf.CVaRUse = l.CVaR / fm.RiskLimit
		}
		if math.Abs(rf.StakeReturn) < 1e-9 {
			rf.StakeReturn = 0
		}
		if accounts != nil {
			acc := &accounts[f]
			rf.Outside, rf.Transfer, rf.Payoff = acc.OutsideOption, acc.Transfer, acc.Payoff
		}
		pg.Firms = append(pg.Firms, rf)
	}
}

// addHorizon fills the timeline, the stage table and the stages chart of a
// multi-period plan: the timeline and the cluster's stages recomputed from
// its assignment (model.Derived.EvaluateHorizon), the baselines' stages
// from their plans.
func (pg *reportPage) addHorizon(d *model.Derived, plan *model.Plan, baselines map[string]*model.Plan) error {
	_, _, view, err := d.EvaluateHorizon(plan.Plan, model.MethodCluster)
	if err != nil {
		return fmt.Errorf("report: %w", err)
	}
	in := d.Inst
	pg.Periods, pg.Discount = in.Periods(), in.Horizon.DiscountAt(2)
	cluster := &model.Plan{Method: model.MethodCluster, Periods: view.Periods, Stages: view.Stages}
	pg.Timeline = report.Timeline(cluster)
	plans := []*model.Plan{cluster}
	for _, m := range []string{model.MethodIndependent, model.MethodPolicyPush} {
		if b := baselines[m]; b != nil && len(b.Stages) == len(view.Stages) {
			plans = append(plans, b)
		}
	}
	for _, p := range plans {
		pg.StageMethods = append(pg.StageMethods, strings.ReplaceAll(p.Method, "_", " "))
	}
	for t := range view.Stages {
		row := reportStageRow{Period: t + 1}
		for _, p := range plans {
			row.Cells = append(row.Cells, p.Stages[t])
		}
		pg.Stages = append(pg.Stages, row)
	}
	svg, err := bench.StagesSVG(pg.Instance, plans, 6.5*vg.Inch)
	if err != nil {
		return err
	}
	pg.StageChart = template.HTML(svg)
	return nil
}

func (pg *reportPage) render(w io.Writer) error {
	return reportTmpl.Execute(w, pg)
}
