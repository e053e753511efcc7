package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/urfave/cli/v2"
)

// Generator size limits: each count at most maxGenCount, and at most
// maxGenPairs firm × opportunity pairs (the instance and its derived sets
// grow with their product).
const (
	maxGenCount = 100000
	maxGenPairs = 100_000_000
)

func generateCommand() *cli.Command {
	return &cli.Command{
		Name:  "generate",
		Usage: "write a synthetic cluster instance with realistic distributions",
		Description: "Writes a valid instance of MODEL.md: a local electronics cluster with large firms, SMEs\n" +
			"and supporting firms, a few pioneers, foreign markets and opportunities in every entry mode.\n" +
			"Capital is log-normal by role, knowledge depends on role and pioneer status, costs, losses\n" +
			"and market power depend on the mode, and knowledge requirements grow with market distance;\n" +
			"instances/README.md documents every distribution. The targets are set from a feasible plan\n" +
			"the generator builds, so every generated instance is feasible. The same flags give the same\n" +
			"file, byte for byte (within one Go release).\n\n" +
			"Shapes: --shape NAME picks a preset of the shape parameters (default: the original generator),\n" +
			"--set-shape name=value,… sets single parameters on top of it. Ranges are LO:HI (or one value).\n" +
			"A shaped instance is named gen-<F>x<P>x<M>-<shape>-s<seed> (\"custom\" with --set-shape).\n\n" +
			"Periods: --periods T adds a horizon block (MODEL.md, \"Multi-period plans\"): discount 0.9,\n" +
			"capital_release min(1, 1.5/T), the learning defaults of MODEL.md, and about 40% of the\n" +
			"opportunities opening only from a later period (a window a..T). Other draws are unchanged; the\n" +
			"name gets -t<T> before the seed.\n\n" +
			"PRESETS:\n" + presetHelp() + "\n" +
			"SHAPE PARAMETERS (--set-shape):\n" + shapeParamHelp() + "\n" +
			"Examples:\n" +
			"   ofdi generate --firms 30 --opportunities 20 --markets 5 --seed 1 -o cluster.json\n" +
			"   ofdi generate --firms 150 --opportunities 60 --markets 10 --seed 7 --name big | ofdi validate /dev/stdin\n" +
			"   ofdi generate --firms 150 --opportunities 60 --markets 10 --shape scarce-pioneers -o scarce.json\n" +
			"   ofdi generate --firms 20 --opportunities 15 --periods 3 -o three-periods.json\n" +
			"   ofdi generate --shape tight-risk --set-shape scenarios=5,worst_prob=0.02 -o risky.json\n" +
			"   ofdi generate --set-shape projects=2:4,mode_mix=1:1:4:4:1:1,max_partners=2:8 -o custom.json\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "firms", Value: gen.DefaultFirms, Usage: "number of firms `N`"},
			&cli.IntFlag{Name: "opportunities", Value: gen.DefaultOpportunities, Usage: "number of overseas opportunities `P`"},
			&cli.IntFlag{Name: "markets", Value: gen.DefaultMarkets, Usage: "number of foreign markets `M`"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "random seed `S` (any non-negative integer; 0 is a seed like any other)"},
			&cli.StringFlag{Name: "name", Usage: "instance `NAME` (default gen-<firms>x<opportunities>x<markets>[-<shape>]-s<seed>)"},
			&cli.StringFlag{Name: "shape", Value: "default", Usage: "shape preset `NAME`: " + strings.Join(gen.PresetNames(), ", ")},
			&cli.IntFlag{Name: "periods", Usage: "add a horizon of `T` periods (1-20) with opportunity windows: a multi-period instance (default: none, one period)"},
			&cli.StringSliceFlag{Name: "set-shape", Usage: "set shape parameters `name=value,…` on top of --shape (repeatable; see SHAPE PARAMETERS)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the instance to `FILE` (atomically) instead of stdout"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no validation warnings on stderr"},
		},
		Action: generateAction,
	}
}

func generateAction(c *cli.Context) error {
	if c.NArg() != 0 {
		return usageError("generate: takes no arguments, got %q (see ofdi generate --help)", c.Args().First())
	}
	cfg := gen.Config{
		Firms:         c.Int("firms"),
		Opportunities: c.Int("opportunities"),
		Markets:       c.Int("markets"),
		Seed:          c.Uint64("seed"),
		Name:          c.String("name"),
		Periods:       c.Int("periods"),
	}
	if c.IsSet("periods") && (cfg.Periods < 1 || cfg.Periods > model.MaxPeriods) {
		return usageError("--periods: must be in [1, %d], got %d", model.MaxPeriods, cfg.Periods)
	}
	for _, f := range []struct {
		name string
		v    int
	}{{"firms", cfg.Firms}, {"opportunities", cfg.Opportunities}, {"markets", cfg.Markets}} {
		if f.v < 1 || f.v > maxGenCount {
			return usageError("--%s: must be in [1, %d], got %d", f.name, maxGenCount, f.v)
		}
	}
	if pairs := int64(cfg.Firms) * int64(cfg.Opportunities); pairs > maxGenPairs {
		return usageError("--firms × --opportunities: at most %d, got %d", maxGenPairs, pairs)
	}
	if c.IsSet("name") && cfg.Name == "" {
		return usageError("--name: must not be empty")
	}
	shape, err := shapeFlags(c)
	if err != nil {
		return err
	}
	cfg.Shape = shape
	if err := checkOutput(c); err != nil {
		return err
	}
	inst, err := gen.Build(cfg)
	if err != nil {
		return usageError("%v", err)
	}
	data, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		return cli.Exit(err.Error(), exitInternal)
	}
	data = append(data, '\n')
	// Check what is written, as a reader will load it.
	back, err := model.Parse(data)
	if err != nil {
		return cli.Exit(fmt.Sprintf("internal error: the generated instance does not load: %v", err), exitInternal)
	}
	issues := model.Validate(back)
	if errs := model.Errors(issues); len(errs) > 0 {
		printIssues(c.App.ErrWriter, inst.Name, errs)
		return cli.Exit("internal error: the generated instance is invalid", exitInternal)
	}
	if !c.Bool("quiet") {
		printIssues(c.App.ErrWriter, inst.Name, model.Warnings(issues))
	}
	return emit(c, data)
}

// shapeFlags reads --shape and --set-shape.
func shapeFlags(c *cli.Context) (gen.Shape, error) {
	shape, err := gen.Preset(c.String("shape"))
	if err != nil {
		return shape, usageError("--shape: %v", err)
	}
	if specs := c.StringSlice("set-shape"); len(specs) > 0 {
		// One call: a parameter may need one set later (shock_prob, scenarios).
		if err := shape.SetParams(strings.Join(specs, ",")); err != nil {
			return shape, usageError("--set-shape: %v", err)
		}
		if !shape.IsDefault() {
			shape.Name = "custom"
		}
	}
	return shape, nil
}

// presetHelp lists the presets, one per line, with what they set.
func presetHelp() string {
	var b strings.Builder
	for _, name := range gen.PresetNames() {
		s, _ := gen.Preset(name)
		fmt.Fprintf(&b, "   %-16s %s\n", name, gen.PresetAbout(name))
		if p := s.String(); p != "" {
			fmt.Fprintf(&b, "   %-16s = %s\n", "", p)
		}
	}
	return b.String()
}

// shapeParamHelp lists the shape parameters, one per line.
func shapeParamHelp() string {
	var b strings.Builder
	for _, p := range gen.ShapeParams() {
		fmt.Fprintf(&b, "   %-24s %s\n", p.Name+"="+p.Syntax, p.About)
	}
	return b.String()
}
