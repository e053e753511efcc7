package bench

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
)

// currency returns the instances' common currency label, or "" when they
// differ or have none.
func (r *Report) currency() string {
	cur := ""
	for i, in := range r.Instances {
		if i > 0 && in.Currency != cur {
			return ""
		}
		cur = in.Currency
	}
	return cur
}

func (r *Report) moneyUnit() string {
	if c := r.currency(); c != "" {
		return c
	}
	return "each instance's currency"
}

// WriteTable writes the report for people: the plans' metrics, the stress
// test and what coordination is worth, as aligned text tables.
func (r *Report) WriteTable(w io.Writer) error {
	var b bytes.Buffer
	fmt.Fprintf(&b, "PLANS  (money in %s; Z = info cost + dissipation - value - λ_G·market power - λ_L·learning; lower Z is better)\n\n", r.moneyUnit())
	t := newTable("instance", "method", "status", ">Z", ">info cost", ">dissipation", ">value", ">mkt power",
		">learning", ">projects", ">firms L/S/Sup", ">SME part.", ">capital", ">credit", ">CVaR max", "targets", ">time")
	for _, row := range r.Rows {
		status := row.Status
		if row.Gap != nil && row.Status == model.StatusFeasible {
			status += fmt.Sprintf(" (gap %.2g%%)", 100**row.Gap)
		}
		if row.CheckError != "" {
			status += " CHECK FAILED"
		}
		cells := []string{row.Instance, row.Method, status}
		if m := row.Metrics; m != nil && row.Objective != nil {
			targets := "yes"
			switch {
			case !m.MarketPowerTarget && !m.SMETarget:
				targets = "no (G, SME)"
			case !m.MarketPowerTarget:
				targets = "no (G)"
			case !m.SMETarget:
				targets = "no (SME)"
			}
			cells = append(cells, money(*row.Objective), money(m.InfoCost), money(m.Dissipation), money(m.Value),
				money(m.MarketPower), strconv.Itoa(m.Learning), strconv.Itoa(m.Projects),
				fmt.Sprintf("%d/%d/%d", m.FirmsByRole[model.Large], m.FirmsByRole[model.SME], m.FirmsByRole[model.Supporting]),
				pct(m.SMEParticipation), money(m.CapitalDeployed), money(m.CreditDrawn), pct(m.CVaRUtilisationMax), targets)
		} else {
			for range 13 {
				cells = append(cells, "-")
			}
		}
		cells = append(cells, fmt.Sprintf("%.2fs", row.SolveSeconds))
		t.add(cells...)
	}
	t.write(&b)
	r.writeStages(&b)

	if s := r.Stress; s != nil {
		fmt.Fprintf(&b, "\nSTRESS TEST  (%d draws per plan, %s losses, seed %d; a firm is distressed when its realised loss exceeds its risk limit)\n\n",
			s.Draws, s.LossModel, s.Seed)
		t := newTable("instance", "method", ">firms at risk", ">distressed/draw", ">max", ">distress rate", ">draws w/ distress",
			">ever distressed", ">over capital/draw", ">draws over cap.", ">excess loss/draw", ">cluster loss P5", ">P50", ">P95")
		for _, row := range r.Rows {
			st := row.Stress
			if st == nil {
				t.add(row.Instance, row.Method, "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-", "-")
				continue
			}
			t.add(row.Instance, row.Method, strconv.Itoa(st.FirmsAtRisk), fmt.Sprintf("%.3f", st.DistressedMean),
				strconv.Itoa(st.DistressedMax), pct1(st.DistressRate), pct1(st.DistressShare), strconv.Itoa(len(st.DistressedFirms)),
				fmt.Sprintf("%.3f", st.OverCapitalMean), pct1(st.OverCapitalShare), money(st.ExcessLossMean),
				money(st.LossP5), money(st.LossP50), money(st.LossP95))
		}
		t.write(&b)
	}

	if len(r.Coordination) > 0 {
		b.WriteString("\nWHAT COORDINATION IS WORTH  (cluster plan against each baseline; positive numbers favour the cluster)\n\n")
		cols := []string{"instance", "baseline", ">Z gained", ">% of cluster -Z", ">dissipation avoided", ">info cost saved",
			">value gained", ">mkt power gained", ">SME part. +pts", ">learning +"}
		if r.Stress != nil {
			cols = append(cols, ">distressed/draw avoided", ">distress rate avoided", ">distress draws avoided")
		}
		t := newTable(cols...)
		for _, g := range r.Coordination {
			name := g.Instance
			if name == "" {
				name = fmt.Sprintf("mean of %s (%d)", g.Group, g.Count)
			}
			cells := []string{name, g.Baseline, money(g.ObjectiveGain), fmt.Sprintf("%.1f%%", g.ObjectiveGainPct),
				money(g.DissipationAvoided), money(g.InfoCostSaved), money(g.ValueGained), money(g.MarketPowerGained),
				fmt.Sprintf("%.1f", 100*g.SMEParticipationGained), fmt.Sprintf("%.1f", g.LearningGained)}
			if r.Stress != nil {
				cells = append(cells, fmt.Sprintf("%.3f", g.DistressedMeanChange), fmt.Sprintf("%.1f pts", 100*g.DistressRateChange),
					fmt.Sprintf("%.1f pts", 100*g.DistressShareChange))
			}
			t.add(cells...)
		}
		t.write(&b)
	}
	r.writeFairness(&b)
	if errs := r.CheckErrors(); len(errs) > 0 {
		b.WriteString("\nPLANS FAILING THE INDEPENDENT CHECK (a bug; please report):\n")
		for _, e := range errs {
			fmt.Fprintf(&b, "  %s\n", e)
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// csvHeader are the columns of WriteCSV; solve_seconds, the only column
// that varies between runs, is last.
var csvHeader = []string{
	"instance", "method", "status", "objective", "bound", "gap",
	"info_cost", "dissipation", "value", "market_power", "learning", "projects",
	"firms_large", "firms_sme", "firms_supporting", "sme_participation",
	"capital_deployed", "credit_drawn", "cvar_utilisation_max", "cvar_utilisation_mean",
	"targets_met", "market_power_target_met", "sme_participation_target_met", "check_error",
	"stress_draws", "firms_at_risk", "distressed_mean", "distressed_max", "distress_rate", "distress_share", "distressed_firms_ever",
	"over_capital_mean", "over_capital_max", "over_capital_share", "over_capital_firms_ever",
	"excess_loss_mean", "loss_mean", "loss_p5", "loss_p50", "loss_p95",
	"sharing", "money_value", "surplus", "transfers_paid", "firms_below_outside_option", "price_of_fairness",
	"solve_seconds",
}

// WriteCSV writes one line per instance and method with the columns of
// csvHeader. Numbers are written exactly (shortest round-trip form); empty
// cells mean "not applicable" (no plan, no bound, no stress test).
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, row := range r.Rows {
		rec := []string{row.Instance, row.Method, row.Status, fptr(row.Objective), fptr(row.Bound), fptr(row.Gap)}
		if m := row.Metrics; m != nil {
			rec = append(rec, f(m.InfoCost), f(m.Dissipation), f(m.Value), f(m.MarketPower),
				strconv.Itoa(m.Learning), strconv.Itoa(m.Projects),
				strconv.Itoa(m.FirmsByRole[model.Large]), strconv.Itoa(m.FirmsByRole[model.SME]), strconv.Itoa(m.FirmsByRole[model.Supporting]),
				f(m.SMEParticipation), f(m.CapitalDeployed), f(m.CreditDrawn), f(m.CVaRUtilisationMax), f(m.CVaRUtilisationMean),
				strconv.FormatBool(m.TargetsMet), strconv.FormatBool(m.MarketPowerTarget), strconv.FormatBool(m.SMETarget))
		} else {
			rec = append(rec, make([]string, 17)...)
		}
		rec = append(rec, row.CheckError)
		if st := row.Stress; st != nil {
			rec = append(rec, strconv.Itoa(st.Draws), strconv.Itoa(st.FirmsAtRisk), f(st.DistressedMean), strconv.Itoa(st.DistressedMax),
				f(st.DistressRate), f(st.DistressShare), strconv.Itoa(len(st.DistressedFirms)),
				f(st.OverCapitalMean), strconv.Itoa(st.OverCapitalMax), f(st.OverCapitalShare), strconv.Itoa(len(st.OverCapitalFirms)),
				f(st.ExcessLossMean), f(st.LossMean), f(st.LossP5), f(st.LossP50), f(st.LossP95))
		} else {
			rec = append(rec, make([]string, 16)...)
		}
		rec = append(rec, sharingCells(row)...)
		rec = append(rec, f(row.SolveSeconds))
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSON writes the report as indented JSON (the Report type's fields)
// with a trailing newline.
func (r *Report) WriteJSON(w io.Writer) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(data, '\n'))
	return err
}

// The files WriteAll writes into its directory.
const (
	TableFile = "bench.txt"
	CSVFile   = "bench.csv"
	JSONFile  = "bench.json"
	ChartsDir = "charts"
	PlansDir  = "plans"
)

// WriteAll writes the table (bench.txt), bench.csv, bench.json, the
// charts (charts/*.png and charts/*.svg) and every plan in the plan JSON
// of MODEL.md (plans/<instance>.<method>.json) into dir, creating the
// directories it needs. Every file is written atomically
// (report.WriteFile). It returns the paths written, sorted by kind.
func (r *Report) WriteAll(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var written []string
	put := func(name string, write func(io.Writer) error) error {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		path := filepath.Join(dir, name)
		if err := report.WriteFile(path, b.Bytes()); err != nil {
			return err
		}
		written = append(written, path)
		return nil
	}
	if err := put(TableFile, r.WriteTable); err != nil {
		return written, err
	}
	if err := put(CSVFile, r.WriteCSV); err != nil {
		return written, err
	}
	if err := put(JSONFile, r.WriteJSON); err != nil {
		return written, err
	}
	charts, err := r.WriteCharts(filepath.Join(dir, ChartsDir))
	written = append(written, charts...)
	if err != nil {
		return written, err
	}
	plans := filepath.Join(dir, PlansDir)
	if err := os.MkdirAll(plans, 0o755); err != nil {
		return written, err
	}
	for _, row := range r.Rows {
		if row.Plan == nil {
			continue
		}
		data, err := report.JSON(row.Plan)
		if err != nil {
			return written, err
		}
		path := filepath.Join(plans, fileName(row.Instance)+"."+row.Method+".json")
		if err := report.WriteFile(path, data); err != nil {
			return written, err
		}
		written = append(written, path)
	}
	return written, nil
}

// fileName keeps letters, digits, '-', '_' and '.' of an instance name and
// replaces everything else with '_'.
func fileName(name string) string {
	out := []rune(name)
	for i, c := range out {
		ok := c == '-' || c == '_' || c == '.' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
		if !ok {
			out[i] = '_'
		}
	}
	s := strings.TrimLeft(string(out), ".")
	if s == "" {
		s = "instance"
	}
	return s
}

// f formats a number exactly, in its shortest round-trip form.
func f(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }

func fptr(x *float64) string {
	if x == nil {
		return ""
	}
	return f(*x)
}

// money formats an amount for the table, with one decimal.
func money(x float64) string {
	s := strconv.FormatFloat(x, 'f', 1, 64)
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

func pct(x float64) string  { return fmt.Sprintf("%.0f%%", 100*x) }
func pct1(x float64) string { return fmt.Sprintf("%.1f%%", 100*x) }

// table is a text table with per-column alignment: a header starting with
// '>' is right-aligned (the '>' is not printed).
type table struct {
	head  []string
	right []bool
	rows  [][]string
}

func newTable(cols ...string) *table {
	t := &table{}
	for _, c := range cols {
		r := strings.HasPrefix(c, ">")
		t.head = append(t.head, strings.TrimPrefix(c, ">"))
		t.right = append(t.right, r)
	}
	return t
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

func (t *table) write(w io.Writer) {
	width := make([]int, len(t.head))
	for i, h := range t.head {
		width[i] = report.Width(h)
	}
	for _, row := range t.rows {
		for i, c := range row {
			width[i] = max(width[i], report.Width(c))
		}
	}
	line := func(cells []string) {
		var b strings.Builder
		for i, c := range cells {
			pad := strings.Repeat(" ", width[i]-report.Width(c))
			if i > 0 {
				b.WriteString("  ")
			}
			if t.right[i] {
				b.WriteString(pad + c)
			} else {
				b.WriteString(c + pad)
			}
		}
		fmt.Fprintln(w, strings.TrimRight(b.String(), " "))
	}
	line(t.head)
	for _, row := range t.rows {
		line(row)
	}
}

// sharingCells are the CSV cells of a row's sharing: rule, W, S,
// transfers, firms below their outside option, price of fairness (empty
// when not applicable).
func sharingCells(row Row) []string {
	out := make([]string, 6)
	if row.Plan == nil || row.Metrics == nil {
		return out
	}
	m := row.Metrics
	out[0] = row.Plan.Sharing
	out[1], out[2], out[3], out[4] = f(m.MoneyValue), f(m.Surplus), f(m.TransfersPaid), strconv.Itoa(m.FirmsBelowOutsideOption)
	out[5] = fptr(row.Plan.PriceOfFairness)
	return out
}

// writeFairness writes the PRICE OF FAIRNESS table (nothing without
// Fairness rows).
func (r *Report) writeFairness(b *bytes.Buffer) {
	if len(r.Fairness) == 0 {
		return
	}
	b.WriteString("\nPRICE OF FAIRNESS  (cluster-fair: no firm's stake return below its outside option, no transfers; cluster: the plain plan,\n" +
		"whose firms below their outside option need the transfers of the sharing rule; price = cluster-fair less cluster)\n\n")
	t := newTable("instance", "cluster-fair", ">price in Z", ">money W given up", ">% of cluster W", "proven",
		">firms below (cluster)", ">transfers needed (cluster)", ">firms below (fair)")
	for _, fa := range r.Fairness {
		cells := []string{fa.Instance, fa.Status}
		if fa.PriceZ != nil {
			share := "-"
			if c := r.Row(fa.Instance, model.MethodCluster); c != nil && c.Metrics != nil && c.Metrics.MoneyValue != 0 {
				share = fmt.Sprintf("%.1f%%", 100**fa.PriceW/math.Abs(c.Metrics.MoneyValue))
			}
			proven := "no (limit)"
			if fa.Proven {
				proven = "yes"
			}
			cells = append(cells, money(*fa.PriceZ), money(*fa.PriceW), share, proven)
		} else {
			cells = append(cells, "-", "-", "-", "-")
		}
		cells = append(cells, strconv.Itoa(fa.FirmsBelow), money(fa.Transfers))
		if fa.PriceZ != nil {
			cells = append(cells, strconv.Itoa(fa.FairFirmsBelow))
		} else {
			cells = append(cells, "-")
		}
		t.add(cells...)
	}
	t.write(b)
}
