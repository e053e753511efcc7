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
	fams := fs.String("families", "S,M,L", "families to run, comma-separated: S, M, L, XL, or a custom FxPxM:LIMIT such as 40x20x5:5s (target: a plan)")
	shapes := fs.String("shapes", "all", "generator shape presets, comma-separated, or all: "+strings.Join(gen.PresetNames(), ", "))
	seeds := fs.String("seeds", "101,202", "generator seeds, comma-separated: one instance per family, shape and seed")
	scale := fs.Float64("limit-scale", 1, "multiply every time limit by `F` (rounded to whole seconds, at least 1 s), e.g. 0.05 for a smoke run")
	solvers := fs.String("solvers", solverOfdi, "solvers to run, comma-separated: ofdi, glpsol, cbc")
	out := fs.String("out", filepath.Join("bench", "out", "scale"), "output `DIR`")
	ofdi := fs.String("ofdi", "", "ofdi binary `PATH` (default: go build ./cmd/ofdi into a temporary directory)")
	grace := fs.Duration("grace", 60*time.Second, "stop a solver this long after its time limit (SIGTERM, then SIGKILL 10 s later)")
	keepLP := fs.Bool("keep-lp", false, "keep the exported LP files in DIR/lp (L's is about 150 MB)")
	sharing := fs.String("sharing", "report", "passed to ofdi solve and ofdi export: report, or stakes (constraint 16: no firm below its outside option; ofdi solves twice for the price of fairness, within the same limit)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench/scale [flags]\n\n"+
			"Runs ofdi (and glpsol and cbc with --solvers) on generated families × shapes × seeds with\n"+
			"equal time limits (S 150×60×10 30 s, M 300×120×15 60 s, L 2000×500×30 300 s,\n"+
			"XL 10000×2000×50 600 s), and reports every cell and the worst cell per family.\n\n"+
			"Examples:\n"+
			"  go run ./bench/scale                                    # the matrix: S, M, L × all shapes × seeds 101, 202\n"+
			"  go run ./bench/scale --families S --shapes default,mixed --seeds 7\n"+
			"  go run ./bench/scale --families 40x20x5:5s --shapes mixed --seeds 1   # smoke cell\n"+
			"  go run ./bench/scale --families S,M --sharing stakes                  # with constraint 16\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return config{}, "", err
	}
	if fs.NArg() > 0 {
		return config{}, "", fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg := config{limitScale: *scale, out: *out, grace: *grace, keepLP: *keepLP, sharing: *sharing}
	if *sharing != "report" && *sharing != "stakes" {
		return config{}, "", fmt.Errorf("--sharing: unknown value %q (want report or stakes)", *sharing)
	}
	for _, name := range splitList(*fams) {
		f, ok := familyByName(name)
		if !ok {
			return config{}, "", fmt.Errorf("--families: unknown family %q (want S, M, L, XL or FxPxM:LIMIT, e.g. 40x20x5:5s)", name)
		}
		for _, g := range cfg.families {
			if g.Name == f.Name {
				return config{}, "", fmt.Errorf("--families: %s given twice", f.Name)
			}
		}
		cfg.families = append(cfg.families, f)
	}
	if len(cfg.families) == 0 {
		return config{}, "", errors.New("--families: none given")
	}
	names := splitList(*shapes)
	if len(names) == 1 && names[0] == "all" {
		names = gen.PresetNames()
	}
	for _, name := range names {
		sh, err := gen.Preset(name)
		if err != nil {
			return config{}, "", fmt.Errorf("--shapes: unknown shape %q (want all or some of %s)", name, strings.Join(gen.PresetNames(), ", "))
		}
		for _, g := range cfg.shapes {
			if g.Name == name {
				return config{}, "", fmt.Errorf("--shapes: %s given twice", name)
			}
		}
		cfg.shapes = append(cfg.shapes, sh)
	}
	if len(cfg.shapes) == 0 {
		return config{}, "", errors.New("--shapes: none given")
	}
	for _, s := range splitList(*seeds) {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return config{}, "", fmt.Errorf("--seeds: %q is not a non-negative integer", s)
		}
		cfg.seeds = append(cfg.seeds, v)
	}
	if len(cfg.seeds) == 0 {
		return config{}, "", errors.New("--seeds: none given")
	}
	for _, s := range splitList(*solvers) {
		s = strings.ToLower(s)
		known := false
		for _, k := range allSolvers {
			known = known || s == k
		}
		if !known {
			return config{}, "", fmt.Errorf("--solvers: unknown solver %q (want ofdi, glpsol or cbc)", s)
		}
		cfg.solvers = append(cfg.solvers, s)
	}
	if len(cfg.solvers) == 0 {
		return config{}, "", errors.New("--solvers: none given")
	}
	if !(*scale > 0) {
		return config{}, "", fmt.Errorf("--limit-scale: must be > 0, got %g", *scale)
	}
	if *grace < 0 {
		return config{}, "", fmt.Errorf("--grace: must be >= 0, got %s", *grace)
	}
	if *out == "" {
		return config{}, "", errors.New("--out: must not be empty")
	}
	return cfg, *ofdi, nil
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
