package main

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/baseline"
	"github.com/urfave/cli/v2"
)

func solveCommand() *cli.Command {
	return &cli.Command{
		Name:      "solve",
		Usage:     "plan an instance: the cluster MIP (default) or a distributed baseline",
		ArgsUsage: "INSTANCE (.json, .xlsx or a folder of CSV files)",
		Description: "Solves the instance and prints the plan: status and gap, the projects undertaken with\n" +
			"market, mode, lead, partners and stakes, the markets entered, the credit drawn, the\n" +
			"metrics of MODEL.md and the firm accounts (per firm: role, pioneer mark, projects, money\n" +
			"committed and share of capital, CVaR use, stake return, outside option, transfer and the\n" +
			"limits that bind). Every plan is re-checked by the independent checker before it is\n" +
			"printed. Long solves report progress on stderr every 1.5-2 s (--quiet silences it); Ctrl-C\n" +
			"stops the search and prints the best plan found so far.\n\n" +
			"Examples:\n" +
			"   ofdi solve instances/tiny.json\n" +
			"   ofdi solve instances/jiangsu-electronics.json --time-limit 60s --gap 1e-4\n" +
			"   ofdi solve instances/jiangsu-electronics.json --format json -o plan.json\n" +
			"   ofdi solve instances/jiangsu-electronics.json --method independent\n" +
			"   ofdi solve instances/jiangsu-electronics.json --sharing stakes -t 2m   # no firm worse off than alone\n" +

			"   ofdi solve three-periods.json   (an instance with a horizon block: a multi-period plan)\n" +
			"   ofdi solve instances/jiangsu-3-periods.json --sharing stakes -t 2m\n\n" +
			"An instance with a \"horizon\" block (see ofdi generate --periods) is planned over its periods\n" +
			"(MODEL.md, \"Multi-period plans\"): the projects carry their start period, and the plan adds a\n" +
			"timeline (per period: projects started, markets entered, firms joining, who learns beside which\n" +
			"pioneer), the SMEs per stage (pre / early / experienced) after each period, and the knowledge\n" +
			"paths. Up to 10000 rows GLPK's branch and cut solves the multi-period MIP; larger models get a\n" +
			"rolling horizon (the one-period solver period by period) for a first plan, a bound from\n" +
			"one-period relaxations, neighbourhoods over markets and periods, then GLPK (--time-limit, --gap).\n" +
			"Its firm accounts sum over the periods, money discounted to period 1 (the outside option from\n" +
			"the independent baseline over the horizon); --sharing stakes keeps every firm's discounted stake\n" +
			"return at or above it (constraint 16 summed over the periods).\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "method", Value: model.MethodCluster, Usage: "cluster (the MIP), independent or policy_push (the distributed baselines)"},
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "text (readable summary) or json (the plan JSON of MODEL.md)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the plan to `FILE` (atomically) instead of stdout"},
			&cli.DurationFlag{Name: "time-limit", Aliases: []string{"t"}, Usage: "stop the search `DURATION` (e.g. 60s, 5m) after the command starts, reading the instance included, and return the best plan; 0 = no limit"},
			&cli.Float64Flag{Name: "gap", Value: 1e-6, Usage: "stop when the relative gap |Z - bound|/max(1,|Z|) is at most `G`, and call the plan optimal"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines on stderr"},
			&cli.BoolFlag{Name: "no-balance", Usage: "skip the risk-balanced stakes refinement"},
			&cli.StringFlag{Name: "sharing", Value: model.SharingReport, Usage: "sharing rule of a cluster plan: report (transfers give each firm its outside option plus a share of the surplus by money committed; the MIP unchanged) or stakes (no transfers: the MIP keeps every firm's stake return at or above its outside option, constraint 16, and reports the price of fairness when it can prove both optima: when the first solve is optimal, a second one without 16 gets the time it leaves)"},
		},
		Action: solveAction,
	}
}

func solveAction(c *cli.Context) error {
	start := time.Now()
	path, err := oneArg(c, "instance file")
	if err != nil {
		return err
	}
	format := c.String("format")
	if err := oneOf("format", format, "text", "json"); err != nil {
		return err
	}
	if err := oneOf("method", c.String("method"), solver.Methods()...); err != nil {
		return err
	}
	if err := oneOf("sharing", c.String("sharing"), model.SharingReport, model.SharingStakes); err != nil {
		return err
	}
	if c.Duration("time-limit") < 0 {
		return usageError("--time-limit: must be >= 0, got %s", c.Duration("time-limit"))
	}
	if g := c.Float64("gap"); !(g >= 0 && g < 1) {
		return usageError("--gap: must be in [0,1), got %g", g)
	}
	if err := checkOutput(c, path); err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	inst, err := loadInstance(path, stderr, !c.Bool("quiet"))
	if err != nil {
		return err
	}
	opts := solver.Options{
		Method:    c.String("method"),
		TimeLimit: remaining(c.Duration("time-limit"), start),
		Gap:       c.Float64("gap"),
		NoBalance: c.Bool("no-balance"),
		Sharing:   c.String("sharing"),
	}
	if !c.Bool("quiet") {
		opts.Progress = progressPrinter(stderr)
	}
	res, err := solver.Solve(c.Context, inst, opts)
	if err != nil {
		if errors.Is(err, model.ErrInvalid) || errors.Is(err, solver.ErrMultiPeriod) {
			return cli.Exit(err.Error(), exitBadInput)
		}
		return cli.Exit(err.Error(), exitInternal)
	}
	plan := res.Plan()
	if err := verify(inst, plan); err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	var out []byte
	if format == "json" {
		if out, err = report.JSON(plan); err != nil {
			return cli.Exit(err.Error(), exitInternal)
		}
	} else {
		var b strings.Builder
		report.Text(&b, inst, plan)
		if inst.MultiPeriod() && plan.Method == model.MethodCluster && plan.Plan != nil {
			report.StageComparison(&b, append([]*model.Plan{plan}, horizonBaselines(inst)...)...)
		}
		out = []byte(b.String())
	}
	if err := emit(c, out); err != nil {
		return err
	}
	if res.Status.Err() != nil {
		msg := fmt.Sprintf("%s: %s", path, res.Status)
		if len(res.Explanation) > 0 {
			msg += ": " + strings.Join(res.Explanation, "; ")
		}
		return cli.Exit(msg, exitInfeasible)
	}
	return nil
}

// emit writes out to -o FILE atomically, or to stdout.
func emit(c *cli.Context, out []byte) error {
	if o := c.String("output"); o != "" {
		if err := report.WriteFile(o, out); err != nil {
			return cli.Exit(fmt.Sprintf("write %s: %v", o, err), exitInternal)
		}
		return nil
	}
	_, err := c.App.Writer.Write(out)
	return err
}

// printEvery is the least time between two progress lines.
const printEvery = 1500 * time.Millisecond

// progressPrinter prints a progress line once at least printEvery has
// passed since the last, starting after the first 2 s so that quick solves
// stay silent. The solver reports at least every quarter second (its
// heartbeat), so lines come every 1.5–2 s.
func progressPrinter(w io.Writer) func(solver.Progress) {
	var last time.Duration
	return func(p solver.Progress) {
		if p.Elapsed < 2*time.Second || p.Elapsed-last < printEvery {
			return
		}
		last = p.Elapsed
		inc, gap := "none", "-"
		if p.HasIncumbent {
			inc = fmt.Sprintf("%.6g", p.Incumbent)
			gap = fmt.Sprintf("%.3g%%", 100*p.Gap)
		}
		fmt.Fprintf(w, "%7.1fs  %-16s incumbent %-12s bound %-12.6g gap %s\n", p.Elapsed.Seconds(), p.Phase, inc, p.Bound, gap)
	}
}

// remaining is what is left of the time limit (0: none) since start, at
// least a millisecond so that a spent limit still means "stop at once".
func remaining(limit time.Duration, start time.Time) time.Duration {
	if limit <= 0 {
		return 0
	}
	return max(limit-time.Since(start), time.Millisecond)
}

// horizonBaselines runs both baselines over the horizon, for the stage
// comparison of a multi-period cluster plan (they take milliseconds).
func horizonBaselines(inst *model.Instance) []*model.Plan {
	d := model.Derive(inst)
	var out []*model.Plan
	for _, m := range []string{model.MethodIndependent, model.MethodPolicyPush} {
		if p, err := baseline.RunHorizon(d, m); err == nil {
			out = append(out, p)
		}
	}
	return out
}
