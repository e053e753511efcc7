// Command scale is the scale benchmark of issues 4 and 12: it generates a
// matrix of instances with instances/gen, each size family (S, M and L; XL
// on request) × shape preset × seed, solves each instance with ofdi (and,
// when asked, with glpsol and cbc on the LP that `ofdi export` writes), all
// with the same time limit, and reports for each run the time to the first
// plan, objective, bound, gap, status, wall time, peak memory, the
// independent check of ofdi's plan and the family's target; then, per
// family and solver, the worst cell: worst gap, slowest first plan, largest
// memory and the targets met.
//
// Run it from the repository root:
//
//	go run ./bench/scale                                           # S, M, L × 9 shapes × 2 seeds, ofdi: about 2 hours
//	go run ./bench/scale --families S --shapes default,mixed --seeds 7
//	go run ./bench/scale --families M --solvers ofdi,glpsol,cbc    # with the general MIP solvers
//	go run ./bench/scale --families 40x20x5:5s --shapes mixed --seeds 1  # a smoke cell of a few seconds
//	go run ./bench/scale --families S,M --sharing stakes            # with constraint 16 (--sharing stakes)
//	go run ./bench/scale --families M --shapes tight-risk --repeat 3  # three runs of ofdi per instance, and their spread
//
// The tables go to stdout, progress to stderr, and scale.md and
// scale.json (rewritten after every run, atomically), the instances, ofdi's
// plans and every child's timestamped log to --out. bench/README.md,
// section "Scale benchmark (issues 4 and 12)", documents every column.
//
// Exit codes: 0 when every step ran (whatever the plans' status), 1 when an
// ofdi plan fails the check, a solver could not be run, or the run was
// interrupted, 2 on bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := mainCode(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// mainCode runs the command line args and returns the exit code.
func mainCode(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, ofdiPath, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "scale: %v\n", err)
		return 2
	}
	cfg.log = stderr
	if ofdiPath == "" {
		dir, err := os.MkdirTemp("", "ofdi-scale-")
		if err != nil {
			fmt.Fprintf(stderr, "scale: %v\n", err)
			return 1
		}
		defer os.RemoveAll(dir)
		fmt.Fprintln(stderr, "building ./cmd/ofdi")
		if ofdiPath, err = buildOfdi(ctx, dir); err != nil {
			fmt.Fprintf(stderr, "scale: %v\n", err)
			return 1
		}
		cfg.ofdiFromTree = true
	}
	cfg.ofdi = ofdiPath
	rep, err := run(ctx, cfg)
	code := 0
	if rep != nil {
		rep.WriteTable(stdout)
		for _, r := range rep.Rows {
			if r.Check == "fail" || r.Status == statusError {
				code = 1
			}
		}
		fmt.Fprintf(stderr, "results: %s, %s\n", filepath.Join(cfg.out, markdownFile), filepath.Join(cfg.out, jsonFile))
	}
	if err != nil {
		fmt.Fprintf(stderr, "scale: %v\n", err)
		code = 1
	}
	return code
}

// parseFlags reads the command line into a config; the second result is
// --ofdi.
func parseFlags(args []string, stderr io.Writer) (config, string, error) {
	fs := flag.NewFlagSet("scale", flag.ContinueOnError)
	fs.SetOutput(stderr)
	v := defineFlags(fs)
	fs.Usage = func() { usage(fs, stderr) }
	if err := fs.Parse(args); err != nil {
		return config{}, "", err
	}
	if fs.NArg() > 0 {
		return config{}, "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg, err := v.config()
	if err != nil {
		return config{}, "", err
	}
	return cfg, *v.ofdi, nil
}

// flagValues are the flags as parsed, before config checks them.
type flagValues struct {
	fams, shapes, seeds, solvers, out, ofdi, sharing *string
	scale                                            *float64
	grace                                            *time.Duration
	keepLP                                           *bool
	repeat                                           *int
}

// defineFlags defines the command's flags on fs, with their defaults.
func defineFlags(fs *flag.FlagSet) *flagValues {
	return &flagValues{
		fams:    fs.String("families", "S,M,L", "families to run, comma-separated: S, M, L, XL, or a custom FxPxM:LIMIT such as 40x20x5:5s (target: a plan)"),
		shapes:  fs.String("shapes", "all", "generator shape presets, comma-separated, or all: "+strings.Join(gen.PresetNames(), ", ")),
		seeds:   fs.String("seeds", "101,202", "generator seeds, comma-separated: one instance per family, shape and seed"),
		scale:   fs.Float64("limit-scale", 1, "multiply every time limit by `F` (rounded to whole seconds, at least 1 s), e.g. 0.05 for a smoke run"),
		solvers: fs.String("solvers", solverOfdi, "solvers to run, comma-separated: ofdi, glpsol, cbc"),
		out:     fs.String("out", filepath.Join("bench", "out", "scale"), "output `DIR`"),
		ofdi:    fs.String("ofdi", "", "ofdi binary `PATH` (default: go build ./cmd/ofdi into a temporary directory)"),
		grace:   fs.Duration("grace", 60*time.Second, "stop a solver this long after its time limit (SIGTERM, then SIGKILL 10 s later)"),
		keepLP:  fs.Bool("keep-lp", false, "keep the exported LP files in DIR/lp (L's is about 150 MB)"),
		repeat:  fs.Int("repeat", 1, "run ofdi `N` times on each instance (glpsol and cbc once) and add each instance's spread (gap min / median / max, targets met): ofdi's phases end at wall-clock times, so a run can end on another plan"),
		sharing: fs.String("sharing", "report", "passed to ofdi solve and ofdi export: report, or stakes (constraint 16: no firm below its outside option; ofdi solves twice for the price of fairness, within the same limit)"),
	}
}

// usage writes the help: what the command does, examples, the flags.
func usage(fs *flag.FlagSet, stderr io.Writer) {
	fmt.Fprintf(stderr, "usage: go run ./bench/scale [flags]\n\n"+
		"Runs ofdi (and glpsol and cbc with --solvers) on generated families × shapes × seeds with\n"+
		"equal time limits (S 150×60×10 30 s, M 300×120×15 60 s, L 2000×500×30 300 s,\n"+
		"XL 10000×2000×50 600 s), and reports every cell and the worst cell per family.\n\n"+
		"Examples:\n"+
		"  go run ./bench/scale                                    # the matrix: S, M, L × all shapes × seeds 101, 202\n"+
		"  go run ./bench/scale --families S --shapes default,mixed --seeds 7\n"+
		"  go run ./bench/scale --families 40x20x5:5s --shapes mixed --seeds 1   # smoke cell\n"+
		"  go run ./bench/scale --families S,M --sharing stakes                  # with constraint 16\n"+
		"  go run ./bench/scale --families M --shapes tight-risk --repeat 3      # three draws of each instance\n\n")
	fs.PrintDefaults()
}

// config checks the flag values (sharing, families, shapes, seeds,
// solvers, limit scale, repeat, grace, out, in that order) and returns the config
// they give; the error names the first bad flag.
func (v *flagValues) config() (config, error) {
	cfg := config{limitScale: *v.scale, out: *v.out, grace: *v.grace, keepLP: *v.keepLP, sharing: *v.sharing, repeat: *v.repeat}
	if *v.sharing != "report" && *v.sharing != "stakes" {
		return config{}, fmt.Errorf("--sharing: unknown value %q (want report or stakes)", *v.sharing)
	}
	var err error
	if cfg.families, err = parseFamilies(*v.fams); err != nil {
		return config{}, err
	}
	if cfg.shapes, err = parseShapes(*v.shapes); err != nil {
		return config{}, err
	}
	if cfg.seeds, err = parseSeeds(*v.seeds); err != nil {
		return config{}, err
	}
	if cfg.solvers, err = parseSolvers(*v.solvers); err != nil {
		return config{}, err
	}
	if !(*v.scale > 0) {
		return config{}, fmt.Errorf("--limit-scale: must be > 0, got %g", *v.scale)
	}
	if *v.repeat < 1 {
		return config{}, fmt.Errorf("--repeat: must be >= 1, got %d", *v.repeat)
	}
	if *v.grace < 0 {
		return config{}, fmt.Errorf("--grace: must be >= 0, got %s", *v.grace)
	}
	if *v.out == "" {
		return config{}, errors.New("--out: must not be empty")
	}
	return cfg, nil
}

// parseFamilies reads --families: known or custom families, each once.
func parseFamilies(list string) ([]Family, error) {
	var fams []Family
	for _, name := range splitList(list) {
		f, ok := familyByName(name)
		if !ok {
			return nil, fmt.Errorf("--families: unknown family %q (want S, M, L, XL or FxPxM:LIMIT, e.g. 40x20x5:5s)", name)
		}
		for _, g := range fams {
			if g.Name == f.Name {
				return nil, fmt.Errorf("--families: %s given twice", f.Name)
			}
		}
		fams = append(fams, f)
	}
	if len(fams) == 0 {
		return nil, errors.New("--families: none given")
	}
	return fams, nil
}

// parseShapes reads --shapes: "all" or generator presets, each once.
func parseShapes(list string) ([]gen.Shape, error) {
	names := splitList(list)
	if len(names) == 1 && names[0] == "all" {
		names = gen.PresetNames()
	}
	var shapes []gen.Shape
	for _, name := range names {
		sh, err := gen.Preset(name)
		if err != nil {
			return nil, fmt.Errorf("--shapes: unknown shape %q (want all or some of %s)", name, strings.Join(gen.PresetNames(), ", "))
		}
		for _, g := range shapes {
			if g.Name == name {
				return nil, fmt.Errorf("--shapes: %s given twice", name)
			}
		}
		shapes = append(shapes, sh)
	}
	if len(shapes) == 0 {
		return nil, errors.New("--shapes: none given")
	}
	return shapes, nil
}

// parseSeeds reads --seeds: non-negative integers.
func parseSeeds(list string) ([]uint64, error) {
	var seeds []uint64
	for _, s := range splitList(list) {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("--seeds: %q is not a non-negative integer", s)
		}
		seeds = append(seeds, v)
	}
	if len(seeds) == 0 {
		return nil, errors.New("--seeds: none given")
	}
	return seeds, nil
}

// parseSolvers reads --solvers: names of allSolvers, in any case.
func parseSolvers(list string) ([]string, error) {
	var solvers []string
	for _, s := range splitList(list) {
		s = strings.ToLower(s)
		known := false
		for _, k := range allSolvers {
			known = known || s == k
		}
		if !known {
			return nil, fmt.Errorf("--solvers: unknown solver %q (want ofdi, glpsol or cbc)", s)
		}
		solvers = append(solvers, s)
	}
	if len(solvers) == 0 {
		return nil, errors.New("--solvers: none given")
	}
	return solvers, nil
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// buildOfdi builds ./cmd/ofdi into dir and returns the binary's path.
func buildOfdi(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "ofdi")
	out, err := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/ofdi/ofdi/cmd/ofdi").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build ./cmd/ofdi: %v\n%s", err, out)
	}
	return bin, nil
}
