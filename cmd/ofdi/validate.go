package main

import (
	"fmt"

	"github.com/ofdi/ofdi/model"

	"github.com/urfave/cli/v2"
)

func validateCommand() *cli.Command {
	return &cli.Command{
		Name:      "validate",
		Usage:     "check an instance file and report every problem at once",
		ArgsUsage: "INSTANCE (.json, .xlsx or a folder of CSV files)",
		Description: "Reports every problem of the instance, each with its JSON path, e.g.\n" +
			"   opportunities[4].market: unknown market \"atlantis\"\n" +
			"   firms[3].capital: must be > 0, got -5\n" +
			"and warnings for opportunities no coalition can ever fund, with the reason (no eligible\n" +
			"lead, no eligible firm of a required role, a knowledge gap with no pioneer, budgets or\n" +
			"risk limits too small), for firms that can take part nowhere, and for segments no firm\n" +
			"or no opportunity uses, with a did-you-mean when it looks like a typo of one that is used:\n" +
			"   opportunities[2].segment: no firm serves segment \"dispaly\" (did you mean \"display\"?)\n" +
			"Warnings do not make the instance invalid, unless --strict is given: then any warning is\n" +
			"an error (exit 2), for pipelines that want clean instances only.\n\n" +
			"Examples:\n" +
			"   ofdi validate instances/jiangsu-electronics.json\n" +
			"   ofdi validate --strict my-cluster.json\n" +
			"   ofdi validate my-cluster.json && ofdi solve my-cluster.json\n" +
			"   ofdi validate cluster.xlsx      (problems located by cell: cluster.xlsx: firms!E5: firms[3].capital: ...)\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "strict", Usage: "treat warnings as errors (exit 2 when there is any)"},
		},
		Action: func(c *cli.Context) error {
			path, err := oneArg(c, "instance file")
			if err != nil {
				return err
			}
			inst, issues, err := readInstance(path, c.App.Writer, "invalid")
			if err != nil {
				return err
			}
			printIssuesTo(c, path, issues)
			if n := len(model.Errors(issues)); n > 0 {
				return cli.Exit(fmt.Sprintf("%s: invalid (%d problem%s)", path, n, plural(n)), exitBadInput)
			}
			if n := len(issues); n > 0 && c.Bool("strict") {
				return cli.Exit(fmt.Sprintf("%s: invalid under --strict (%d warning%s)", path, n, plural(n)), exitBadInput)
			}
			fmt.Fprintf(c.App.Writer, "%s: valid: %d firms, %d opportunities, %d markets, %d scenarios, %d warning%s\n",
				path, len(inst.Firms), len(inst.Opportunities), len(inst.Markets), len(inst.Scenarios),
				len(issues), plural(len(issues)))
			return nil
		},
	}
}

func printIssuesTo(c *cli.Context, path string, issues []model.Issue) {
	printIssues(c.App.Writer, path, issues)
}
