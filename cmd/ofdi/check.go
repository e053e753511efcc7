package main

import (
	"encoding/json"
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
			"instance alone, sharing no code with the solver, and lists every violation.\n\n" + exitHelp,
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
			if err != nil {
				return cli.Exit(err.Error(), exitBadInput)
			}
			var plan model.Plan
			dec := json.NewDecoder(bytesReader(data))
			if err := dec.Decode(&plan); err != nil {
				return cli.Exit(fmt.Sprintf("%s: not a plan JSON: %v", planPath, err), exitBadInput)
			}
			rep := check.Check(inst, &plan, check.Options{})
			if !rep.OK() {
				for _, v := range rep.Violations {
					fmt.Fprintln(c.App.Writer, v.String())
				}
				return cli.Exit(fmt.Sprintf("%s: %d violation%s", planPath, len(rep.Violations), plural(len(rep.Violations))), exitInfeasible)
			}
			fmt.Fprintf(c.App.Writer, "%s: ok: every constraint holds and every metric matches (Z = %.6g)\n", planPath, rep.Objective)
			return nil
		},
	}
}

// verify runs the independent checker on a plan before it is reported.
func verify(inst *model.Instance, plan *model.Plan) error {
	if err := check.Check(inst, plan, check.Options{}).Err(); err != nil {
		return fmt.Errorf("internal error: the plan fails the independent check: %w", err)
	}
	return nil
}
