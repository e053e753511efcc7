package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/bench/sweep"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/solver"
	"github.com/urfave/cli/v2"
)

// setFlag collects repeated --set PATH=VALUES arguments verbatim (a
// StringSliceFlag would split the values at their commas).
type setFlag struct{ args []string }

func (f *setFlag) Set(v string) error { f.args = append(f.args, v); return nil }
func (f *setFlag) String() string     { return strings.Join(f.args, " ") }

func sweepCommand() *cli.Command {
	return &cli.Command{
		Name:      "sweep",
		Usage:     "solve a grid of policy what-ifs (a parameter sweep), sharded over Slurm arrays or Kubernetes Indexed Jobs",
		ArgsUsage: "INSTANCE... --set PATH=VALUES... --out DIR  |  merge DIR",
		Description: "Solves every cell of the grid: each instance given, with every combination of the --set values\n" +
			"(the Cartesian product), by every method of --methods. PATH is a JSON path into the instance\n" +
			"(policy.credit_line, policy.subsidy.joint_rnd, objective.market_power_target, policy.cvar_alpha,\n" +
			"firms[3].capital, markets[de].info_cost: list elements by index or id); VALUES is a,b,c or\n" +
			"from:to:step. Bad paths and values are refused before any solve (exit 2), naming the path.\n\n" +
			"Cells are numbered in canonical order: instances as given (outermost), then the settings as\n" +
			"given, the last varying fastest. Each cell is written to DIR/cells/<key>.json as soon as it is\n" +
			"solved (key: a hash of the instance, the cell's values, the flags and the ofdi version); the\n" +
			"same cell solved twice gives the same bytes apart from its \"timings\" (for solves that end by\n" +
			"their gap, not their time limit). An infeasible or no-plan cell is a result (exit 0).\n" +
			"Without sharding the run ends by writing DIR/sweep.csv (one row per cell and method: the swept\n" +
			"values and every metric of the plans), DIR/sweep.json and DIR/charts/ (each metric against each\n" +
			"setting, one line per method).\n\n" +
			"Sharding: cell k belongs to shard k mod N. The shard is --shard I/N; else JOB_COMPLETION_INDEX\n" +
			"(a Kubernetes Indexed Job) with --shards N; else the Slurm array task: (SLURM_ARRAY_TASK_ID -\n" +
			"SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP of SLURM_ARRAY_TASK_COUNT. Every task writes only\n" +
			"its cells; then \"ofdi sweep merge DIR\" checks that every cell is there and writes the same\n" +
			"sweep.csv, sweep.json and charts as an unsharded run. While cells are missing it prints the\n" +
			"shards to run again (--array=3,7) and exits 3. --resume skips cells whose file is valid.\n\n" +
			"Speed: --jobs cells run at once (default: cores / 2, since each solve races two GLPK\n" +
			"searches). With --warm, cells that differ only in the last setting are solved in order, each\n" +
			"cluster solve starting from the previous cell's plan when the checker finds it feasible\n" +
			"(1.6-1.9x the cells per minute on jiangsu-electronics); where a cell has several optimal\n" +
			"plans, which one is reported may then depend on the sharding (same Z and bound). Without\n" +
			"--warm a sharded sweep merges to exactly the unsharded one.\n\n" +
			"Examples:\n" +
			"   ofdi sweep instances/jiangsu-electronics.json --set policy.credit_line=0:2000:500 \\\n" +
			"        --set policy.subsidy.joint_rnd=0,0.1,0.2,0.3 --out runs/credit\n" +
			"   ofdi sweep cluster.xlsx --set objective.market_power_target=0:100:10 --methods cluster --out runs/g\n" +
			"   sbatch --array=0-2 --wrap 'ofdi sweep inst.json --set policy.credit_line=0:1000:100 --out runs/c'\n" +
			"   ofdi sweep merge runs/c\n\n" + exitHelp +
			"\n   sweep: 0 every cell of this shard is written (infeasible cells included); 1 a cell failed\n" +
			"   (an internal error) or the run was interrupted; merge: 3 while cells are missing",
		Flags: []cli.Flag{
			&cli.GenericFlag{Name: "set", Value: &setFlag{}, Usage: "sweep `PATH=VALUES` (a,b,c or from:to:step); may be repeated"},
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "output folder `DIR` (cells/, manifest.json, sweep.csv, sweep.json, charts/)"},
			&cli.StringFlag{Name: "methods", Value: strings.Join(defaultMethods(), ","), Usage: "methods solved in each cell, comma-separated (known: " + strings.Join(solver.Methods(), ", ") + ")"},
			&cli.DurationFlag{Name: "time-limit", Aliases: []string{"t"}, Value: 60e9, Usage: "limit of each solve, e.g. 60s; 0 = none"},
			&cli.Float64Flag{Name: "gap", Value: 1e-6, Usage: "relative gap `G` at which a cluster solve stops"},
			&cli.BoolFlag{Name: "no-balance", Usage: "skip the risk-balanced stakes refinement"},
			&cli.BoolFlag{Name: "warm", Usage: "start each cluster solve from the previous cell's plan (faster; ties may then resolve differently under another sharding)"},
			&cli.IntFlag{Name: "jobs", Aliases: []string{"j"}, Usage: "cells solved at once (default: cores / 2)"},
			&cli.StringFlag{Name: "shard", Usage: "solve only shard `I/N`: the cells k with k mod N = I"},
			&cli.IntFlag{Name: "shards", Usage: "shard count `N` with JOB_COMPLETION_INDEX (or to override SLURM_ARRAY_TASK_COUNT)"},
			&cli.BoolFlag{Name: "resume", Usage: "skip cells whose result file is valid"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines or warnings on stderr"},
		},
		Action: sweepAction,
	}
}

// defaultMethods is every method the solver knows, the cluster MIP first.
func defaultMethods() []string {
	out := []string{model.MethodCluster}
	for _, m := range solver.Methods() {
		if m != model.MethodCluster {
			out = append(out, m)
		}
	}
	return out
}

// ofdiVersion names the build, for the cell keys: the module version, or
// the VCS revision (+dirty), or "devel".
func ofdiVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	rev, dirty := "", false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if rev == "" {
		return "devel"
	}
	if dirty {
		rev += "+dirty"
	}
	return rev
}

func sweepAction(c *cli.Context) error {
	if c.Args().First() == "merge" {
		return mergeAction(c)
	}
	g, err := sweepGrid(c)
	if err != nil {
		return err
	}
	shard, err := resolveShard(c.String("shard"), c.Int("shards"), os.Getenv)
	if err != nil {
		return usageError("%v", err)
	}
	jobs := c.Int("jobs")
	if jobs < 0 {
		return usageError("--jobs: must be >= 0, got %d", jobs)
	}
	out := c.String("out")
	quiet := c.Bool("quiet")
	stderr := c.App.ErrWriter
	if jobs*sweep.CoresPerSolve > runtime.NumCPU() && !quiet {
		fmt.Fprintf(stderr, "warning: --jobs %d: each solve uses %d cores and this machine has %d; solves will compete\n", jobs, sweep.CoresPerSolve, runtime.NumCPU())
	}
	if err := g.Prepare(out, shard.Count); err != nil {
		if errors.Is(err, sweep.ErrOtherSweep) {
			return usageError("%v", err)
		}
		return usageError("--out %s: %v", out, err)
	}
	opts := sweep.RunOptions{Dir: out, Shard: shard, Jobs: jobs, Resume: c.Bool("resume")}
	if !quiet {
		opts.Progress = func(p sweep.CellProgress) { printCell(stderr, p) }
	}
	sum, runErr := g.Run(c.Context, opts)
	if !quiet {
		fmt.Fprintf(stderr, "shard %d/%d: %d cells solved, %d skipped (valid), %d failed\n", shard.Index, shard.Count, sum.Solved, sum.Skipped, len(sum.Failed))
	}
	if runErr != nil {
		return cli.Exit(fmt.Sprintf("sweep: interrupted; the cells finished are written (--resume goes on): %v", runErr), exitInternal)
	}
	if len(sum.Failed) > 0 {
		return cli.Exit(fmt.Sprintf("sweep: %d cell(s) failed: %s", len(sum.Failed), strings.Join(sum.Failed, "; ")), exitInternal)
	}
	if shard.Count > 1 {
		if !quiet {
			fmt.Fprintf(stderr, "when every shard is done: ofdi sweep merge %s\n", out)
		}
		return nil
	}
	return writeMerged(c, out, 1)
}

// sweepGrid reads the instances, settings and flags and builds the grid,
// checking every cell's instance: all bad input exits 2 here, before any
// solve.
func sweepGrid(c *cli.Context) (*sweep.Grid, error) {
	files := c.Args().Slice()
	if len(files) == 0 {
		return nil, usageError("sweep: no instance given (see ofdi sweep --help)")
	}
	if c.String("out") == "" {
		return nil, usageError("sweep: --out DIR is required")
	}
	if st, err := os.Stat(c.String("out")); err == nil && !st.IsDir() {
		return nil, usageError("--out %s: is not a directory", c.String("out"))
	}
	methods := strings.Split(c.String("methods"), ",")
	seen := map[string]bool{}
	for i, m := range methods {
		methods[i] = strings.TrimSpace(m)
		if err := oneOf("methods", methods[i], solver.Methods()...); err != nil {
			return nil, err
		}
		if seen[methods[i]] {
			return nil, usageError("--methods: %s given twice", methods[i])
		}
		seen[methods[i]] = true
	}
	if c.Duration("time-limit") < 0 {
		return nil, usageError("--time-limit: must be >= 0, got %s", c.Duration("time-limit"))
	}
	if g := c.Float64("gap"); !(g >= 0 && g < 1) {
		return nil, usageError("--gap: must be in [0,1), got %g", g)
	}
	var settings []sweep.Setting
	for _, arg := range c.Generic("set").(*setFlag).args {
		s, err := sweep.ParseSetting(arg)
		if err != nil {
			return nil, usageError("--set %v", err)
		}
		settings = append(settings, s)
	}
	spec := sweep.Spec{Settings: settings, Version: ofdiVersion(), Flags: sweep.Flags{
		Methods: methods, TimeLimit: c.Duration("time-limit").String(), Gap: c.Float64("gap"),
		NoBalance: c.Bool("no-balance"), Warm: c.Bool("warm"),
	}}
	for _, f := range files {
		inst, err := loadInstance(f, c.App.ErrWriter, !c.Bool("quiet"))
		if err != nil {
			return nil, err
		}
		spec.Inputs = append(spec.Inputs, sweep.Input{Source: f, Instance: inst})
	}
	g, err := sweep.New(spec)
	if err != nil {
		return nil, usageError("%v", err)
	}
	return g, nil
}

// resolveShard finds this task's shard: --shard I/N, else a Kubernetes
// Indexed Job's JOB_COMPLETION_INDEX with --shards N, else a Slurm array
// task, else the whole grid.
func resolveShard(flag string, shards int, getenv func(string) string) (sweep.Shard, error) {
	if shards < 0 {
		return sweep.Shard{}, fmt.Errorf("--shards: must be >= 1, got %d", shards)
	}
	if flag != "" {
		sh, err := sweep.ParseShard(flag)
		if err != nil {
			return sh, fmt.Errorf("--shard %v", err)
		}
		if shards > 0 && shards != sh.Count {
			return sh, fmt.Errorf("--shard %s and --shards %d disagree", flag, shards)
		}
		return sh, nil
	}
	envInt := func(name string, def int) (int, error) {
		v := getenv(name)
		if v == "" {
			return def, nil
		}
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return 0, fmt.Errorf("%s=%q: not an integer", name, v)
		}
		return n, nil
	}
	if getenv("JOB_COMPLETION_INDEX") != "" {
		i, err := envInt("JOB_COMPLETION_INDEX", 0)
		if err != nil {
			return sweep.Shard{}, err
		}
		if shards == 0 {
			return sweep.Shard{}, fmt.Errorf("JOB_COMPLETION_INDEX is set: give the Job's completions as --shards N")
		}
		sh := sweep.Shard{Index: i, Count: shards}
		return sh, sh.Check()
	}
	if getenv("SLURM_ARRAY_TASK_ID") != "" {
		id, err := envInt("SLURM_ARRAY_TASK_ID", 0)
		if err != nil {
			return sweep.Shard{}, err
		}
		lo, err := envInt("SLURM_ARRAY_TASK_MIN", 0)
		if err != nil {
			return sweep.Shard{}, err
		}
		step, err := envInt("SLURM_ARRAY_TASK_STEP", 1)
		if err != nil {
			return sweep.Shard{}, err
		}
		count, err := envInt("SLURM_ARRAY_TASK_COUNT", 0)
		if err != nil {
			return sweep.Shard{}, err
		}
		if shards > 0 {
			count = shards
		}
		if step < 1 || (id-lo)%step != 0 {
			return sweep.Shard{}, fmt.Errorf("Slurm array task %d is not on the array's grid (min %d, step %d)", id, lo, step)
		}
		if count == 0 {
			return sweep.Shard{}, fmt.Errorf("SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give --shards N")
		}
		sh := sweep.Shard{Index: (id - lo) / step, Count: count}
		return sh, sh.Check()
	}
	if shards > 1 {
		return sweep.Shard{}, fmt.Errorf("--shards %d: which shard is this? give --shard I/%d (or run as a Kubernetes Indexed Job or Slurm array)", shards, shards)
	}
	return sweep.Shard{Index: 0, Count: 1}, nil
}

// printCell is one progress line per cell.
func printCell(w io.Writer, p sweep.CellProgress) {
	width := len(strconv.Itoa(p.Total))
	head := fmt.Sprintf("[%*d/%d] cell %d %s:", width, p.Done, p.Total, p.Cell.Index, p.Label)
	switch {
	case p.Err != nil:
		fmt.Fprintf(w, "%s FAILED: %v\n", head, p.Err)
		return
	case p.Skipped:
		fmt.Fprintf(w, "%s valid file, skipped\n", head)
		return
	}
	var parts []string
	for _, pl := range p.Result.Plans {
		s := pl.Method + " " + pl.Status
		if pl.Objective != nil {
			s += fmt.Sprintf(" Z %.6g", *pl.Objective)
		}
		parts = append(parts, s)
	}
	warm := "cold"
	if p.Result.Timings.WarmFrom != nil {
		warm = fmt.Sprintf("warm from cell %d", *p.Result.Timings.WarmFrom)
	}
	fmt.Fprintf(w, "%s %s  %.2fs %s\n", head, strings.Join(parts, " | "), p.Elapsed.Seconds(), warm)
}

// mergeAction is "ofdi sweep merge DIR".
func mergeAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("sweep merge: want one DIR argument, got %d", c.NArg()-1)
	}
	dir := c.Args().Get(1)
	m, err := sweep.ReadManifest(dir)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return usageError("sweep merge %s: no %s: not a sweep folder", dir, sweep.ManifestFile)
		}
		return usageError("sweep merge %s: %v", dir, err)
	}
	shards := m.Shards
	if c.Int("shards") > 0 {
		shards = c.Int("shards")
	}
	return writeMerged(c, dir, shards)
}

// writeMerged merges dir and writes sweep.csv, sweep.json and the charts,
// or exits 3 naming the shards whose cells are missing.
func writeMerged(c *cli.Context, dir string, shards int) error {
	stderr := c.App.ErrWriter
	merged, err := sweep.Merge(dir)
	if err != nil {
		return cli.Exit(fmt.Sprintf("sweep merge %s: %v", dir, err), exitBadInput)
	}
	if n := len(merged.Missing); n > 0 {
		idx := merged.MissingShards(shards)
		list := make([]string, len(idx))
		for i, s := range idx {
			list[i] = strconv.Itoa(s)
		}
		for _, why := range merged.Invalid {
			fmt.Fprintf(stderr, "%s: invalid cell file, counted as missing: %s\n", dir, why)
		}
		fmt.Fprintf(stderr, "%s: %d of %d cells missing (cells %s)\n", dir, n, len(merged.Manifest.Cells), cellList(merged.Missing))
		fmt.Fprintf(c.App.Writer, "--array=%s\n", strings.Join(list, ","))
		return cli.Exit(fmt.Sprintf("%s: incomplete: run shards %s of %d again (sbatch --array=%s ...; Kubernetes: those completion indexes)",
			dir, strings.Join(list, ","), shards, strings.Join(list, ",")), exitInfeasible)
	}
	written, err := merged.WriteAll(dir)
	if err != nil {
		return cli.Exit(fmt.Sprintf("write %s: %v", dir, err), exitInternal)
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(stderr, "%s: %d cells merged; wrote %d files (%s, %s, %s/)\n", dir, len(merged.Manifest.Cells), len(written), sweep.CSVFile, sweep.JSONFile, sweep.ChartsDir)
	}
	return nil
}

func cellList(cells []int) string {
	const show = 20
	var parts []string
	for i, k := range cells {
		if i == show {
			parts = append(parts, fmt.Sprintf("... %d more", len(cells)-show))
			break
		}
		parts = append(parts, strconv.Itoa(k))
	}
	return strings.Join(parts, ",")
}
