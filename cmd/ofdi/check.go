package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/urfave/cli/v2"
)

func checkCommand() *cli.Command {
	return &cli.Command{
		Name:      "check",
		Usage:     "verify a plan JSON against an instance with the independent checker",
		ArgsUsage: "INSTANCE.json PLAN.json",
		Description: "Recomputes every constraint (funding, stakes, leads, roles, partners, learning,\n" +
			"budgets and credit, CVaR, capacity, markets, targets) and every metric of the plan from the\n" +
			"instance alone, sharing no code with the solver, and lists every violation. A plan\n" +
			"with status infeasible or no_solution passes when it carries no plan block.\n\n" +
			"Examples:\n" +
			"   ofdi solve instances/tiny.json --format json -o plan.json\n" +
			"   ofdi check instances/tiny.json plan.json\n\n" + exitHelp,
		Action: func(c *cli.Context) error {
			if c.NArg() != 2 {
				return usageError("check: want INSTANCE.json PLAN.json, got %d arguments", c.NArg())
			}
			inst, err := loadInstance(c.Args().Get(0), c.App.ErrWriter, false)
			if err != nil {
				return err
			}
			planPath := c.Args().Get(1)
			data, err := os.ReadFile(planPath)
			if errors.Is(err, os.ErrNotExist) {
				return cli.Exit(fmt.Sprintf("%s: no such file", planPath), exitBadInput)
			}
			if err != nil {
				return cli.Exit(err.Error(), exitBadInput)
			}
			// json.Unmarshal, unlike a Decoder, also rejects data after
			// the plan object (a truncated concatenation, a stray edit).
			var plan model.Plan
			if err := json.Unmarshal(data, &plan); err != nil {
				return cli.Exit(fmt.Sprintf("%s: not a plan JSON: %v", planPath, err), exitBadInput)
			}
			rep := check.Check(inst, &plan, check.Options{RequireAccounts: true})
			if !rep.OK() {
				for _, v := range rep.Violations {
					fmt.Fprintln(c.App.Writer, v.String())
				}
				return cli.Exit(fmt.Sprintf("%s: %d violation%s", planPath, len(rep.Violations), plural(len(rep.Violations))), exitInfeasible)
			}
			if plan.Plan == nil {
				// An infeasible or no_solution report: nothing to recompute,
				// and "Z = 0" would be misleading.
				fmt.Fprintf(c.App.Writer, "%s: ok: status %s, no plan to check\n", planPath, plan.Status)
				return nil
			}
			fmt.Fprintf(c.App.Writer, "%s: ok: every constraint holds and every metric matches (Z = %.6g)\n", planPath, rep.Objective)
			return nil
		},
	}
}

// verify runs the independent checker on a plan before it is reported.
func verify(inst *model.Instance, plan *model.Plan) error {
	if err := check.Check(inst, plan, check.Options{RequireAccounts: true}).Err(); err != nil {
		return fmt.Errorf("internal error: the plan fails the independent check: %w", err)
	}
	return nil
}
