package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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
	lossModels := lossModelNames()
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

// lossModelNames returns the names of bench.LossModels, the default first.
func lossModelNames() []string {
	names := make([]string, len(bench.LossModels))
	for i, m := range bench.LossModels {
		names[i] = string(m)
	}
	return names
}

// benchConfig is the bench command's flags and arguments, checked.
type benchConfig struct {
	files     []string // instance files
	families  []string // --family FxPxM
	count     int
	seed      uint64
	draws     int // --stress
	lossModel string
	out       string
	quiet     bool
}

func benchAction(c *cli.Context) error {
	cfg, err := benchFlags(c)
	if err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	insts, groups, err := cfg.instances(stderr)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.out, 0o755); err != nil {
		return usageError("--out %s: %v", cfg.out, err)
	}
	opts := bench.Options{
		TimeLimit: c.Duration("time-limit"),
		Stress:    cfg.draws,
		Seed:      c.Uint64("stress-seed"),
		LossModel: bench.LossModel(cfg.lossModel),
		Groups:    groups,
		Sharing:   c.String("sharing"),
	}
	if !cfg.quiet {
		opts.Progress = benchProgress(stderr)
		opts.SolverProgress = progressPrinter(stderr)
	}
	rep, runErr := bench.Run(c.Context, insts, opts)
	if rep == nil {
		return cli.Exit(runErr.Error(), exitInternal)
	}
	if err := cfg.write(c.App.Writer, stderr, rep); err != nil {
		return err
	}
	return benchOutcome(rep, runErr, len(insts))
}

// benchFlags checks the flags and arguments, in a fixed order, and
// returns them; a usage error (exit 2) names the first one that is wrong.
func benchFlags(c *cli.Context) (*benchConfig, error) {
	cfg := &benchConfig{files: c.Args().Slice(), families: c.StringSlice("family"), count: c.Int("count"),
		seed: c.Uint64("seed"), draws: c.Int("stress"), lossModel: c.String("loss-model"), out: c.String("out"),
		quiet: c.Bool("quiet")}
	if len(cfg.files) == 0 && len(cfg.families) == 0 {
		return nil, usageError("bench: no instances: give instance files and/or --family FxPxM (see ofdi bench --help)")
	}
	if cfg.count < 1 || cfg.count > 10000 {
		return nil, usageError("--count: must be in [1, 10000], got %d", cfg.count)
	}
	if c.IsSet("count") && len(cfg.families) == 0 {
		return nil, usageError("--count: only applies to --family")
	}
	if c.IsSet("seed") && len(cfg.families) == 0 {
		return nil, usageError("--seed: only applies to --family (the stress test has --stress-seed)")
	}
	if c.Duration("time-limit") < 0 {
		return nil, usageError("--time-limit: must be >= 0, got %s", c.Duration("time-limit"))
	}
	if cfg.draws < 0 || cfg.draws > maxStressDraws {
		return nil, usageError("--stress: must be in [0, %d], got %d", maxStressDraws, cfg.draws)
	}
	if err := oneOf("loss-model", cfg.lossModel, lossModelNames()...); err != nil {
		return nil, err
	}
	if err := oneOf("sharing", c.String("sharing"), model.SharingReport, model.SharingStakes); err != nil {
		return nil, err
	}
	for _, fam := range cfg.families {
		if _, err := bench.ParseFamily(fam); err != nil {
			return nil, usageError("--family: %v", err)
		}
	}
	if cfg.out == "" {
		return nil, usageError("--out: must not be empty")
	}
	if st, err := os.Stat(cfg.out); err == nil && !st.IsDir() {
		return nil, usageError("--out %s: is not a directory", cfg.out)
	}
	return cfg, nil
}

// instances loads the instance files (warnings on stderr unless quiet)
// and generates the families, in that order; groups maps each generated
// instance's name to its family's label. Names must be distinct.
func (cfg *benchConfig) instances(stderr io.Writer) (insts []*model.Instance, groups map[string]string, err error) {
	set := instanceSet{source: map[string]string{}}
	for _, path := range cfg.files {
		inst, err := loadInstance(path, stderr, !cfg.quiet)
		if err != nil {
			return nil, nil, err
		}
		if err := set.add(inst, path); err != nil {
			return nil, nil, err
		}
	}
	groups = map[string]string{}
	for _, fam := range cfg.families {
		gen, err := bench.Family(fam, cfg.count, cfg.seed)
		if err != nil {
			return nil, nil, usageError("--family: %v", err)
		}
		famCfg, _ := bench.ParseFamily(fam)
		label := bench.FamilyLabel(famCfg)
		for _, inst := range gen {
			if err := model.ValidateErr(inst); err != nil {
				return nil, nil, cli.Exit(fmt.Sprintf("internal error: generated instance %s: %v", inst.Name, err), exitInternal)
			}
			if err := set.add(inst, "--family "+fam); err != nil {
				return nil, nil, err
			}
			groups[inst.Name] = label
		}
	}
	return set.insts, groups, nil
}

// instanceSet collects the bench's instances, refusing a repeated name.
type instanceSet struct {
	insts  []*model.Instance
	source map[string]string // instance name → where it came from
}

func (s *instanceSet) add(inst *model.Instance, from string) error {
	if prev, ok := s.source[inst.Name]; ok {
		return usageError("bench: %s and %s are both named %q; instance names must be distinct", prev, from, inst.Name)
	}
	s.source[inst.Name] = from
	s.insts = append(s.insts, inst)
	return nil
}

// benchProgress returns the progress printer of finished solves: count,
// instance, method, status, Z and solve time.
func benchProgress(stderr io.Writer) func(bench.Progress) {
	return func(p bench.Progress) {
		r := p.Row
		z := "-"
		if r.Objective != nil {
			z = fmt.Sprintf("%.6g", *r.Objective)
		}
		fmt.Fprintf(stderr, "[%*d/%d] %-24s %-12s %-10s Z %-12s %6.2fs\n", len(fmt.Sprint(p.Total)), p.Done, p.Total,
			r.Instance, r.Method, r.Status, z, r.SolveSeconds)
	}
}

// write prints the table on stdout and writes every file of the report
// to the --out directory, saying so on stderr unless quiet.
func (cfg *benchConfig) write(stdout, stderr io.Writer, rep *bench.Report) error {
	var table bytes.Buffer
	if err := rep.WriteTable(&table); err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	if _, err := stdout.Write(table.Bytes()); err != nil {
		return err
	}
	written, err := rep.WriteAll(cfg.out)
	if err != nil {
		return cli.Exit(fmt.Sprintf("write %s: %v", cfg.out, err), exitInternal)
	}
	if !cfg.quiet {
		fmt.Fprintf(stderr, "wrote %d files to %s (%s, %s, %s, %s/, %s/)\n", len(written), cfg.out,
			bench.TableFile, bench.CSVFile, bench.JSONFile, bench.ChartsDir, bench.PlansDir)
	}
	return nil
}

// benchOutcome returns the command's exit: internal error (1) when the run
// was interrupted or failed, or a plan fails the independent check; nil
// otherwise. nInsts is the number of instances benchmarked.
func benchOutcome(rep *bench.Report, runErr error, nInsts int) error {
	if runErr != nil {
		if errors.Is(runErr, context.Canceled) || errors.Is(runErr, context.DeadlineExceeded) {
			return cli.Exit(fmt.Sprintf("bench: interrupted after %d of %d solves; the finished rows are written", len(rep.Rows), nInsts*len(rep.Methods)), exitInternal)
		}
		return cli.Exit(runErr.Error(), exitInternal)
	}
	if errs := rep.CheckErrors(); len(errs) > 0 {
		return cli.Exit(fmt.Sprintf("internal error: %d plan(s) fail the independent check: %s", len(errs), strings.Join(errs, "; ")), exitInternal)
	}
	return nil
}
