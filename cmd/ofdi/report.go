package main

import (
	"bytes"
	"fmt"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
	"github.com/urfave/cli/v2"
)

func reportCommand() *cli.Command {
	return &cli.Command{
		Name:      "report",
		Usage:     "write one self-contained HTML page: the plan by market and firm, firm accounts, explain, baselines",
		ArgsUsage: "INSTANCE.json [PLAN.json]",
		Description: "Writes one HTML page that makes no network request (a Content-Security-Policy of\n" +
			"default-src 'none', inline styles and inline SVG charts, system fonts): the cluster plan by\n" +
			"market and by firm, the firm accounts, what Z is made of, why each opportunity is left out\n" +
			"(as ofdi explain), and the cluster against both distributed baselines (solved here).\n" +
			"Without PLAN the instance is solved first, within --time-limit. The page is written\n" +
			"atomically to -o FILE (stdout without it). Reads well at 1000 px wide.\n" +
			"Over a horizon (an instance with a \"horizon\" block) money is discounted to period 1 and\n" +
			"summed, each project shows its start period, and the page adds the timeline (per period:\n" +
			"projects started, markets entered, firms joining, who learns beside which pioneer), the SMEs\n" +
			"per stage after each period against both baselines, and a chart of them.\n\n" +
			"Examples:\n" +
			"   ofdi report instances/jiangsu-electronics.json -o report.html\n" +
			"   ofdi solve instances/jiangsu-electronics.json --format json -o plan.json\n" +
			"   ofdi report instances/jiangsu-electronics.json plan.json -o report.html --per-solve 5s\n" +
			"   ofdi generate --firms 20 --opportunities 15 --periods 3 -o three.json\n" +
			"   ofdi report three.json -o three.html\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the page to `FILE` (atomically) instead of stdout"},
			&cli.DurationFlag{Name: "time-limit", Aliases: []string{"t"}, Value: time.Minute, Usage: "without PLAN: time limit of the cluster solve (`DURATION`)"},
			&cli.DurationFlag{Name: "per-solve", Value: 5 * time.Second, Usage: "time limit of each forced-in re-solve of the explain section (`DURATION`)"},
			&cli.DurationFlag{Name: "explain-limit", Value: time.Minute, Usage: "time limit of all explain re-solves together (`DURATION`)"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines on stderr"},
		},
		Action: reportAction,
	}
}

func reportAction(c *cli.Context) error {
	if c.NArg() < 1 || c.NArg() > 2 {
		return usageError("report: want INSTANCE.json [PLAN.json], got %d arguments", c.NArg())
	}
	for _, f := range []string{"time-limit", "per-solve", "explain-limit"} {
		if c.Duration(f) <= 0 {
			return usageError("--%s: must be > 0, got %s", f, c.Duration(f))
		}
	}
	if err := checkOutput(c, c.Args().Slice()...); err != nil {
		return err
	}
	stderr, quiet := c.App.ErrWriter, c.Bool("quiet")
	inst, err := loadInstance(c.Args().Get(0), stderr, !quiet)
	if err != nil {
		return err
	}
	say := func(format string, args ...any) {
		if !quiet {
			fmt.Fprintf(stderr, "report: "+format+"\n", args...)
		}
	}
	var plan *model.Plan
	source := ""
	if c.NArg() == 2 {
		if plan, err = loadPlan(inst, c.Args().Get(1)); err != nil {
			return err
		}
		source = "Plan read from " + c.Args().Get(1) + "."
	} else {
		say("solving the cluster MIP (limit %s)", c.Duration("time-limit"))
		res, err := solver.Solve(c.Context, inst, solver.Options{TimeLimit: c.Duration("time-limit")})
		if err != nil {
			return explainError(err)
		}
		plan = res.Plan()
		if err := verify(inst, plan); err != nil {
			return cli.Exit(err.Error(), exitInternal)
		}
		source = fmt.Sprintf("Plan solved here (time limit %s).", c.Duration("time-limit"))
	}
	if plan.Plan == nil {
		return cli.Exit(fmt.Sprintf("%s: no plan to report (status %s)", c.Args().Get(0), plan.Status), exitInfeasible)
	}
	baselines := map[string]*model.Plan{}
	for _, m := range []string{model.MethodIndependent, model.MethodPolicyPush} {
		say("solving the %s baseline", m)
		res, err := solver.Solve(c.Context, inst, solver.Options{Method: m})
		if err != nil {
			return explainError(err)
		}
		baselines[m] = res.Plan()
	}
	eo := solver.ExplainOptions{PerSolve: c.Duration("per-solve"), TimeLimit: c.Duration("explain-limit")}
	if !quiet {
		eo.Progress = func(id string, i, n int) { say("explain: forcing in %s (%d of %d)", id, i+1, n) }
	}
	ex, err := solver.Explain(c.Context, inst, plan, eo)
	if err != nil {
		return explainError(err)
	}
	page, err := newReportPage(inst, plan, baselines, ex, source)
	if err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	var b bytes.Buffer
	if err := page.render(&b); err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	return emit(c, b.Bytes())
}
