package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/ofdi/ofdi/bench"
	"github.com/ofdi/ofdi/model"
	"github.com/urfave/cli/v2"
)

// maxStressDraws bounds --stress: beyond it the stress test takes longer
// than the solves it follows, with no visible gain in precision.
const maxStressDraws = 10_000_000

func benchCommand() *cli.Command {
	lossModels := make([]string, len(bench.LossModels))
	for i, m := range bench.LossModels {
		lossModels[i] = string(m)
	}
	return &cli.Command{
		Name:      "bench",
		Usage:     "compare the cluster plan with firms investing alone, on files and generated families",
		ArgsUsage: "[INSTANCE.json...]",
		Description: "Solves every instance with the cluster MIP and with both distributed baselines of MODEL.md\n" +
			"(independent: firms chase their own best project; policy_push: firms rush into promoted\n" +
			"markets), checks every plan with the independent checker, stress-tests it, and prints a\n" +
			"comparison: objective Z, info cost, dissipation, value, market power, learning, projects,\n" +
			"SME participation, capital and credit, targets, solve time; the stress test's distressed\n" +
			"firms and realised losses; and what coordination is worth against each baseline.\n\n" +
			"The stress test draws --stress years per plan: a scenario with its probability, then each\n" +
			"opportunity's loss within it (--loss-model writeoff: the project is written off with\n" +
			"probability ℓ_pk; scenario: it loses exactly ℓ_pk; independent: each opportunity draws its\n" +
			"own scenario). A firm is distressed when its realised loss exceeds its risk limit. All plans\n" +
			"of an instance are stressed on the same draws; the same --stress-seed gives the same numbers.\n\n" +
			"--out DIR receives bench.txt (the table), bench.csv, bench.json, charts/*.png and *.svg,\n" +
			"and plans/<instance>.<method>.json; every file is written atomically.\n" +
			"--family FxPxM adds --count generated instances (firms x opportunities x markets) with\n" +
			"seeds --seed, --seed+1, ...; it may be repeated.\n" +
			"--sharing stakes adds the method cluster-fair after cluster: the cluster MIP in which no firm's\n" +
			"stake return falls below its outside option (constraint 16, no transfers), and a PRICE OF\n" +
			"FAIRNESS table and chart (charts/fairness.*): the price in Z and in money W, the plain cluster\n" +
			"plan's firms below their outside option and the transfers it needs.\n\n" +
			"Examples:\n" +
			"   ofdi bench instances/jiangsu-electronics.json\n" +
			"   ofdi bench instances/tiny.json instances/jiangsu-electronics.json --family 30x20x5 --count 5\n" +
			"   ofdi bench --family 60x40x8 --count 3 --seed 10 --time-limit 2m --stress 5000 --out results\n" +
			"   ofdi bench instances/jiangsu-electronics.json --sharing stakes --out fair\n\n" +
			exitHelp + "\n   bench: 0 when every instance was benchmarked, whatever the plans' status; 1 when a plan\n" +
			"   fails the independent check or the run is interrupted (the rows finished are written)",
		Flags: []cli.Flag{
			&cli.StringSliceFlag{Name: "family", Usage: "add generated instances of size `FxPxM` (e.g. 30x20x5); may be repeated"},
			&cli.IntFlag{Name: "count", Value: 1, Usage: "`N` instances per --family"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "first generator seed `S` of each --family"},
			&cli.DurationFlag{Name: "time-limit", Aliases: []string{"t"}, Value: time.Minute, Usage: "limit of each cluster solve, e.g. 60s, 5m; 0 = none"},
			&cli.IntFlag{Name: "stress", Value: 1000, Usage: "`N` stress-test draws per plan; 0 = no stress test"},
			&cli.Uint64Flag{Name: "stress-seed", Value: 1, Usage: "seed `S` of the stress-test draws"},
			&cli.StringFlag{Name: "loss-model", Value: string(bench.WriteOff), Usage: "how a draw realises losses: " + strings.Join(lossModels, ", ")},
			&cli.StringFlag{Name: "out", Value: filepath.Join("bench", "out"), Usage: "write the table, CSV, JSON, charts and plans to `DIR`"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines or warnings on stderr"},
			&cli.StringFlag{Name: "sharing", Value: model.SharingReport, Usage: "report (the three methods) or stakes (adds cluster-fair: constraint 16, and the price of fairness)"},
		},
		Action: benchAction,
	}
}

func benchAction(c *cli.Context) error {
	files := c.Args().Slice()
	families := c.StringSlice("family")
	if len(files) == 0 && len(families) == 0 {
		return usageError("bench: no instances: give instance files and/or --family FxPxM (see ofdi bench --help)")
	}
	count := c.Int("count")
	if count < 1 || count > 10000 {
		return usageError("--count: must be in [1, 10000], got %d", count)
	}
	if c.IsSet("count") && len(families) == 0 {
		return usageError("--count: only applies to --family")
	}
	if c.IsSet("seed") && len(families) == 0 {
		return usageError("--seed: only applies to --family (the stress test has --stress-seed)")
	}
	if c.Duration("time-limit") < 0 {
		return usageError("--time-limit: must be >= 0, got %s", c.Duration("time-limit"))
	}
	draws := c.Int("stress")
	if draws < 0 || draws > maxStressDraws {
		return usageError("--stress: must be in [0, %d], got %d", maxStressDraws, draws)
	}
	lossModel := c.String("loss-model")
	valid := make([]string, len(bench.LossModels))
	for i, m := range bench.LossModels {
		valid[i] = string(m)
	}
	if err := oneOf("loss-model", lossModel, valid...); err != nil {
		return err
	}
	if err := oneOf("sharing", c.String("sharing"), model.SharingReport, model.SharingStakes); err != nil {
		return err
	}
	for _, fam := range families {
		if _, err := bench.ParseFamily(fam); err != nil {
			return usageError("--family: %v", err)
		}
	}
	out := c.String("out")
	if out == "" {
		return usageError("--out: must not be empty")
	}
	if st, err := os.Stat(out); err == nil && !st.IsDir() {
		return usageError("--out %s: is not a directory", out)
	}

	quiet := c.Bool("quiet")
	stderr := c.App.ErrWriter
	var insts []*model.Instance
	source := map[string]string{} // instance name → where it came from
	groups := map[string]string{}
	add := func(inst *model.Instance, from string) error {
		if prev, ok := source[inst.Name]; ok {
			return usageError("bench: %s and %s are both named %q; instance names must be distinct", prev, from, inst.Name)
		}
		source[inst.Name] = from
		insts = append(insts, inst)
		return nil
	}
	for _, path := range files {
		inst, err := loadInstance(path, stderr, !quiet)
		if err != nil {
			return err
		}
		if err := add(inst, path); err != nil {
			return err
		}
	}
	for _, fam := range families {
		gen, err := bench.Family(fam, count, c.Uint64("seed"))
		if err != nil {
			return usageError("--family: %v", err)
		}
		cfg, _ := bench.ParseFamily(fam)
		label := bench.FamilyLabel(cfg)
		for _, inst := range gen {
			if err := model.ValidateErr(inst); err != nil {
				return cli.Exit(fmt.Sprintf("internal error: generated instance %s: %v", inst.Name, err), exitInternal)
			}
			if err := add(inst, "--family "+fam); err != nil {
				return err
			}
			groups[inst.Name] = label
		}
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return usageError("--out %s: %v", out, err)
	}

	opts := bench.Options{
		TimeLimit: c.Duration("time-limit"),
		Stress:    draws,
		Seed:      c.Uint64("stress-seed"),
		LossModel: bench.LossModel(lossModel),
		Groups:    groups,
		Sharing:   c.String("sharing"),
	}
	if !quiet {
		opts.Progress = func(p bench.Progress) {
			r := p.Row
			z := "-"
			if r.Objective != nil {
				z = fmt.Sprintf("%.6g", *r.Objective)
			}
			fmt.Fprintf(stderr, "[%*d/%d] %-24s %-12s %-10s Z %-12s %6.2fs\n", len(fmt.Sprint(p.Total)), p.Done, p.Total,
				r.Instance, r.Method, r.Status, z, r.SolveSeconds)
		}
		opts.SolverProgress = progressPrinter(stderr)
	}
	rep, runErr := bench.Run(c.Context, insts, opts)
	if rep == nil {
		return cli.Exit(runErr.Error(), exitInternal)
	}
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	if _, err := c.App.Writer.Write(table.Bytes()); err != nil {
		return err
	}
	written, err := rep.WriteAll(out)
	if err != nil {
		return cli.Exit(fmt.Sprintf("write %s: %v", out, err), exitInternal)
	}
	if !quiet {
		fmt.Fprintf(stderr, "wrote %d files to %s (%s, %s, %s, %s/, %s/)\n", len(written), out,
			bench.TableFile, bench.CSVFile, bench.JSONFile, bench.ChartsDir, bench.PlansDir)
	}
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
			return cli.Exit(fmt.Sprintf("bench: interrupted after %d of %d solves; the finished rows are written", len(rep.Rows), len(insts)*len(rep.Methods)), exitInternal)
		}
		return cli.Exit(runErr.Error(), exitInternal)
	}
	if errs := rep.CheckErrors(); len(errs) > 0 {
		return cli.Exit(fmt.Sprintf("internal error: %d plan(s) fail the independent check: %s", len(errs), strings.Join(errs, "; ")), exitInternal)
	}
	return nil
}
