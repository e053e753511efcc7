package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/solver"
	"github.com/urfave/cli/v2"
)

func explainCommand() *cli.Command {
	return &cli.Command{
		Name:      "explain",
		Usage:     "say why each opportunity is left out, what binds each firm, what Z is made of, and what policy levers buy",
		ArgsUsage: "INSTANCE.json [PLAN.json]",
		Description: "With a cluster plan (ofdi solve --format json), explain prints:\n" +
			"  - the Z decomposition: npv, subsidy, market power and learning (priced), info cost and\n" +
			"    dissipation, summing to Z, and the money value W = npv + subsidy - info cost - dissipation;\n" +
			"  - for each opportunity the plan leaves out, why: either no coalition can ever fund it\n" +
			"    (validate's reason), or the cost of forcing it in, Z with y_p = 1 minus the plan's Z, from\n" +
			"    a re-solve limited by --per-solve: exact when the re-solve is optimal, else an interval;\n" +
			"  - for each firm, the limits that bind it (capital, credit, risk, projects).\n" +
			"With --levers (PLAN optional) it also re-solves the instance with the credit line, each subsidy\n" +
			"rate, each target and alpha moved up in steps (docs/explain.md), and reports dZ and dW per unit\n" +
			"between steps, exact or as an interval, and whether the lever binds at each step.\n" +
			"--time-limit bounds all re-solves together; what it leaves out is marked not_tried.\n" +
			"Over a horizon (an instance with a \"horizon\" block) every money figure is each period's,\n" +
			"discounted to period 1 and summed; a forced-in opportunity starts in exactly one of the periods\n" +
			"it may start in, and the output names which; the firms' table gives each period's cumulative\n" +
			"budget row (money put in by then against the capital released by then plus credit).\n\n" +
			"Examples:\n" +
			"   ofdi solve instances/jiangsu-electronics.json --format json -o plan.json\n" +
			"   ofdi explain instances/jiangsu-electronics.json plan.json\n" +
			"   ofdi explain instances/jiangsu-electronics.json plan.json --per-solve 5s --format json -o why.json\n" +
			"   ofdi explain instances/jiangsu-electronics.json --levers --steps 2\n" +
			"   ofdi solve instances/jiangsu-3-periods.json --format json -o plan3.json\n" +
			"   ofdi explain instances/jiangsu-3-periods.json plan3.json --per-solve 20s\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text (readable) or json"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (atomically) instead of stdout"},
			&cli.BoolFlag{Name: "levers", Usage: "also move each policy lever and report what it buys"},
			&cli.IntFlag{Name: "steps", Value: solver.DefaultLeverSteps, Usage: "with --levers: `N` steps up per lever"},
			&cli.DurationFlag{Name: "per-solve", Value: solver.DefaultPerSolve, Usage: "time limit of each re-solve (`DURATION`, e.g. 10s)"},
			&cli.DurationFlag{Name: "time-limit", Aliases: []string{"t"}, Value: solver.DefaultLeverLimit, Usage: "time limit of all re-solves together (`DURATION`)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines on stderr"},
		},
		Action: explainAction,
	}
}

// explainOutput is the JSON of ofdi explain.
type explainOutput struct {
	Explain *solver.Explanation `json:"explain,omitempty"`
	Levers  *solver.LeverReport `json:"levers,omitempty"`
}

func explainAction(c *cli.Context) error {
	start := time.Now()
	if c.NArg() < 1 || c.NArg() > 2 {
		return usageError("explain: want INSTANCE.json [PLAN.json], got %d arguments", c.NArg())
	}
	if c.NArg() == 1 && !c.Bool("levers") {
		return usageError("explain: give a PLAN.json to explain, or --levers")
	}
	format := c.String("format")
	if err := oneOf("format", format, "text", "json"); err != nil {
		return err
	}
	if c.Duration("per-solve") <= 0 || c.Duration("time-limit") <= 0 {
		return usageError("--per-solve and --time-limit: must be > 0")
	}
	if c.Int("steps") < 1 {
		return usageError("--steps: must be >= 1, got %d", c.Int("steps"))
	}
	if err := checkOutput(c, c.Args().Get(0)); err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	quiet := c.Bool("quiet")
	inst, err := loadInstance(c.Args().Get(0), stderr, !quiet)
	if err != nil {
		return err
	}
	var out explainOutput
	if c.NArg() == 2 {
		plan, err := loadPlan(inst, c.Args().Get(1))
		if err != nil {
			return err
		}
		opts := solver.ExplainOptions{PerSolve: c.Duration("per-solve"), TimeLimit: remaining(c.Duration("time-limit"), start)}
		if !quiet {
			opts.Progress = func(id string, i, n int) { fmt.Fprintf(stderr, "explain: forcing in %s (%d of %d)\n", id, i+1, n) }
		}
		if out.Explain, err = solver.Explain(c.Context, inst, plan, opts); err != nil {
			return explainError(err)
		}
	}
	if c.Bool("levers") {
		opts := solver.LeverOptions{Steps: c.Int("steps"), PerSolve: c.Duration("per-solve"), TimeLimit: remaining(c.Duration("time-limit"), start)}
		if !quiet {
			opts.Progress = func(name string, v float64) { fmt.Fprintf(stderr, "levers: %s = %.6g\n", name, v) }
		}
		if out.Levers, err = solver.Levers(c.Context, inst, opts); err != nil {
			return explainError(err)
		}
	}
	var b []byte
	if format == "json" {
		if b, err = json.MarshalIndent(out, "", "  "); err != nil {
			return cli.Exit(err.Error(), exitInternal)
		}
		b = append(b, '\n')
	} else {
		var sb strings.Builder
		writeExplainText(&sb, inst, &out)
		b = []byte(sb.String())
	}
	return emit(c, b)
}

func explainError(err error) error {
	if errors.Is(err, model.ErrInvalid) || errors.Is(err, solver.ErrNoPlan) || errors.Is(err, solver.ErrBadForce) {
		return cli.Exit(err.Error(), exitBadInput)
	}
	return cli.Exit(err.Error(), exitInternal)
}

// loadPlan reads a plan JSON and checks it with the independent checker:
// explaining a plan that breaks the model would explain nonsense.
func loadPlan(inst *model.Instance, path string) (*model.Plan, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, cli.Exit(fmt.Sprintf("%s: no such file", path), exitBadInput)
	}
	if err != nil {
		return nil, cli.Exit(err.Error(), exitBadInput)
	}
	var plan model.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, cli.Exit(fmt.Sprintf("%s: not a plan JSON: %v", path, err), exitBadInput)
	}
	if err := check.Check(inst, &plan, check.Options{}).Err(); err != nil {
		return nil, cli.Exit(fmt.Sprintf("%s: the plan fails the checker: %v", path, err), exitBadInput)
	}
	return &plan, nil
}

// writeExplainText writes the readable form of ofdi explain.
func writeExplainText(w io.Writer, inst *model.Instance, out *explainOutput) {
	cur := inst.Currency
	if ex := out.Explain; ex != nil {
		fmt.Fprintf(w, "explain %s: plan %s, Z = %s %s", ex.Instance, ex.Status, num(ex.Objective), cur)
		if ex.Periods > 0 {
			fmt.Fprintf(w, " over %d periods (money discounted to period 1)", ex.Periods)
		}
		fmt.Fprint(w, "\n\n")
		writeDecomposition(w, ex.Decomposition, ex.Periods)
		writeLeftOut(w, ex.LeftOut)
		if ex.Periods > 0 {
			writeHorizonLimits(w, ex.Firms)
		} else {
			writeFirmLimits(w, ex.Firms)
		}
	}
	if lv := out.Levers; lv != nil {
		writeLevers(w, lv)
	}
}

func writeDecomposition(w io.Writer, d solver.Decomposition, periods int) {
	if periods > 0 {
		fmt.Fprintf(w, "Z decomposition (each term's contribution to Z, each period's discounted to period 1 and summed over the %d periods; gains are negative):\n", periods)
	} else {
		fmt.Fprintln(w, "Z decomposition (each term's contribution to Z; gains are negative):")
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"npv", d.NPV}, {"subsidy (paid by government)", d.Subsidy}, {"market power (planner's price)", d.MarketPower},
		{"learning (planner's price)", d.Learning}, {"info cost", d.InfoCost}, {"dissipation", d.Dissipation}, {"= Z", d.Z}} {
		fmt.Fprintf(w, "  %-32s %12s\n", t.name, num(t.v))
	}
	fmt.Fprintf(w, "  money value W = npv + subsidy - info cost - dissipation: %s\n\n", num(d.MoneyValue))
}

func writeLeftOut(w io.Writer, los []solver.LeftOut) {
	fmt.Fprintf(w, "opportunities left out (%d):\n", len(los))
	width := 4
	for _, lo := range los {
		width = max(width, len(lo.ID))
	}
	for _, lo := range los {
		fmt.Fprintf(w, "  %-*s %-4s %-13s %s\n", width, lo.ID, lo.Market, lo.Mode, leftOutReason(lo))
	}
	fmt.Fprintln(w)
}

// leftOutReason is the one-line reason of ofdi explain's text output.
func leftOutReason(lo solver.LeftOut) string {
	if len(lo.Static) > 0 {
		return "never fundable: " + strings.Join(lo.Static, "; ")
	}
	fs := lo.Forced
	forcing := "forcing it in"
	if fs.Period > 0 {
		forcing = fmt.Sprintf("forcing it in (starting in period %d)", fs.Period)
	}
	switch fs.Status {
	case "optimal":
		return fmt.Sprintf("%s costs %s (exact; best Z with it %s)", forcing, signedNum(*fs.CostHigh), num(*fs.Objective))
	case "feasible":
		if fs.CostLow == nil {
			return fmt.Sprintf("%s costs at most %s (no bound; re-solve stopped at its limit)", forcing, signedNum(*fs.CostHigh))
		}
		return fmt.Sprintf("%s costs between %s and %s (bounded: re-solve stopped at its limit)", forcing, signedNum(*fs.CostLow), signedNum(*fs.CostHigh))
	case "infeasible":
		return "cannot be forced in: " + fs.Message
	case "no_solution":
		return "no plan with it found within the per-solve limit"
	}
	return "not tried: the total time limit was spent"
}

func writeFirmLimits(w io.Writer, firms []solver.FirmLimits) {
	fmt.Fprintln(w, "firms: use of their limits, and which bind")
	fmt.Fprintf(w, "  %-6s %21s %19s %9s  %s\n", "firm", "committed / capital", "cvar / risk limit", "projects", "binding")
	for _, f := range firms {
		np, bind := limitCells(f)
		fmt.Fprintf(w, "  %-6s %10s / %-8s %8s / %-8s %4d / %-3s  %s\n", f.Firm, num(f.Committed), num(f.Capital+f.Credit), num(f.CVaR), num(f.RiskLimit), f.Projects, np, bind)
	}
	fmt.Fprintln(w)
}

// limitCells returns a firm's project limit and binding limits as printed
// ("-" for none).
func limitCells(f solver.FirmLimits) (np, bind string) {
	np = "-"
	if f.MaxProjects != nil {
		np = fmt.Sprint(*f.MaxProjects)
	}
	if bind = strings.Join(f.Binding, ", "); bind == "" {
		bind = "-"
	}
	return np, bind
}

// writeHorizonLimits is writeFirmLimits over a horizon: each period's
// cumulative budget row (money put in by then, undiscounted, against the
// capital released by then plus credit; * where it binds), CVaR of the
// whole portfolio and the projects over the horizon.
func writeHorizonLimits(w io.Writer, firms []solver.FirmLimits) {
	fmt.Fprintln(w, "firms: use of their limits over the horizon, and which bind")
	fmt.Fprintln(w, "  (budget: money put in by the end of each period, undiscounted / capital released by then + credit; * binds)")
	budgets, width := make([]string, len(firms)), len("budget by period")
	for i, f := range firms {
		rows := make([]string, len(f.Budget))
		for k, b := range f.Budget {
			rows[k] = budgetNum(b.Spent) + "/" + budgetNum(b.Limit)
			if b.Binds {
				rows[k] += "*"
			}
		}
		budgets[i] = strings.Join(rows, "  ")
		width = max(width, len(budgets[i]))
	}
	fmt.Fprintf(w, "  %-6s %-*s %19s %9s  %s\n", "firm", width, "budget by period", "cvar / risk limit", "projects", "binding")
	for i, f := range firms {
		np, bind := limitCells(f)
		fmt.Fprintf(w, "  %-6s %-*s %8s / %-8s %4d / %-3s  %s\n", f.Firm, width, budgets[i], num(f.CVaR), num(f.RiskLimit), f.Projects, np, bind)
	}
	fmt.Fprintln(w)
}

// budgetNum prints a budget figure short: whole units from 100 up, else 4
// significant digits.
func budgetNum(x float64) string {
	if math.Abs(x) >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	if s := fmt.Sprintf("%.4g", x); s != "-0" {
		return s
	}
	return "0"
}

func writeLevers(w io.Writer, rep *solver.LeverReport) {
	fmt.Fprintf(w, "policy levers (base solve %s", rep.Base.Status)
	if rep.Base.Objective != nil {
		fmt.Fprintf(w, ", Z = %s, W = %s", num(*rep.Base.Objective), num(*rep.Base.MoneyValue))
	}
	fmt.Fprintln(w, "); dZ and dW per unit against the row above:")
	for _, l := range rep.Levers {
		fmt.Fprintf(w, "\n%s (%s), now %s, step %s\n", l.Name, l.Unit, num(l.Value), num(l.Step))
		if l.Note != "" {
			fmt.Fprintf(w, "  %s\n", l.Note)
		}
		fmt.Fprintf(w, "  %-10s %-11s %12s %-30s %12s  %-8s %s\n", "value", "status", "Z", "dZ/unit", "dW/unit", "binding", "plan")
		for i, p := range l.Points {
			z, dz, dw := "-", "-", "-"
			if p.Objective != nil {
				z = num(*p.Objective)
			}
			if p.DZ != nil {
				dz = num(*p.DZ) + " exact"
				if !p.Exact {
					dz = num(*p.DZ) + " (plans found)"
					if p.DZLow != nil {
						dz = fmt.Sprintf("%s in [%s, %s]", num(*p.DZ), num(*p.DZLow), num(*p.DZHigh))
					}
				}
				dw = num(*p.DW)
			}
			bind, plan := "no", "same"
			if p.Binding {
				bind = "yes"
			}
			if i == 0 {
				plan = "base"
			} else if p.PlanChanged {
				plan = "changed"
			}
			if p.Objective == nil {
				bind, plan = "-", "-"
			}
			fmt.Fprintf(w, "  %-10s %-11s %12s %-30s %12s  %-8s %s\n", num(p.Value), p.Status, z, dz, dw, bind, plan)
		}
	}
}

// num prints a figure with at most 6 significant digits, no "-0".
func num(x float64) string {
	s := fmt.Sprintf("%.6g", x)
	if s == "-0" {
		return "0"
	}
	return s
}

func signedNum(x float64) string {
	s := num(x)
	if !strings.HasPrefix(s, "-") && s != "0" {
		s = "+" + s
	}
	return s
}
