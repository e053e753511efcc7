package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
)

// The solvers the harness compares.
const (
	solverOfdi   = "ofdi"
	solverGlpsol = "glpsol"
	solverCBC    = "cbc"
)

var allSolvers = []string{solverOfdi, solverGlpsol, solverCBC}

// config is one run of the harness.
type config struct {
	families []Family
	// shapes are the generator presets of the matrix.
	shapes []gen.Shape
	seeds  []uint64
	// limitScale multiplies every family's time limit.
	limitScale float64
	solvers    []string
	// out is the output directory.
	out string
	// ofdi is the ofdi binary; ofdiFromTree says the harness built it
	// from the working tree.
	ofdi         string
	ofdiFromTree bool
	// grace is how long past its time limit a child may run before the
	// harness stops it.
	grace time.Duration
	// keepLP keeps the exported LP files (they are large: 150–200 MB
	// for L, extrapolated).
	keepLP bool
	// sharing is ofdi's --sharing (report or stakes), for solve and export.
	sharing string
	// repeat is how many times ofdi runs on each instance (0 or 1: once).
	repeat int
	// log receives a progress line per step.
	log io.Writer
}

// Subdirectories of the output directory.
const (
	instancesDir = "instances"
	lpDir        = "lp"
	plansDir     = "plans"
	logsDir      = "logs"
)

// harness runs the benchmark of a config.
type harness struct {
	config
	rep *Report
	// cbc is the command prefix that runs cbc with line-buffered output.
	cbc []string
	// run reports whether a solver takes part (and is installed).
	run map[string]bool
}

// run generates every instance of cfg, runs every solver on it and returns
// the report. Results are written to cfg.out after every row, so an
// interrupted run keeps what it measured. The error is ctx's when the run
// was interrupted, or a failure of the harness itself (not of a solver: a
// solver that fails gets a row with status error).
func run(ctx context.Context, cfg config) (*Report, error) {
	for _, d := range []string{"", instancesDir, lpDir, plansDir, logsDir} {
		if err := os.MkdirAll(filepath.Join(cfg.out, d), 0o755); err != nil {
			return nil, fmt.Errorf("create output directory: %w", err)
		}
	}
	h := &harness{config: cfg, run: map[string]bool{}}
	h.rep = &Report{
		Started:    time.Now().UTC().Truncate(time.Second),
		Machine:    fmt.Sprintf("%s/%s, %d CPUs", runtime.GOOS, runtime.GOARCH, runtime.NumCPU()),
		LimitScale: cfg.limitScale,
		Sharing:    cfg.sharing,
		Versions:   map[string]string{},
	}
	for _, s := range cfg.solvers {
		h.run[s] = true
	}
	h.findSolvers(ctx)
	for _, fam := range cfg.families {
		limit := scaledLimit(fam.Limit, cfg.limitScale)
		for _, shape := range cfg.shapes {
			for _, seed := range cfg.seeds {
				if err := ctx.Err(); err != nil {
					return h.rep, err
				}
				if err := h.instance(ctx, fam, shape, seed, limit); err != nil {
					return h.rep, err
				}
			}
		}
	}
	return h.rep, ctx.Err()
}

// findSolvers drops glpsol and cbc when they are not installed, and
// records the versions.
func (h *harness) findSolvers(ctx context.Context) {
	if h.run[solverOfdi] {
		h.rep.Versions[solverOfdi] = ofdiVersion(ctx, h.ofdi, h.ofdiFromTree)
	}
	for _, name := range []string{solverGlpsol, solverCBC} {
		if !h.run[name] {
			continue
		}
		if _, err := exec.LookPath(name); err != nil {
			h.note("%s: not installed, skipped", name)
			delete(h.run, name)
			continue
		}
	}
	if h.run[solverGlpsol] {
		h.rep.Versions[solverGlpsol] = firstLine(ctx, []string{"glpsol", "--version"}, "")
	}
	if h.run[solverCBC] {
		v := firstLine(ctx, []string{"cbc", "-quit"}, "Version:")
		h.rep.Versions[solverCBC] = "CBC " + strings.TrimSpace(strings.TrimPrefix(v, "Version:"))
		h.cbc = []string{"cbc"}
		if p, err := exec.LookPath("stdbuf"); err == nil {
			h.cbc = []string{p, "-oL", "cbc"}
		} else {
			h.note("stdbuf not found: cbc's output reaches the harness in blocks, so its time to first plan is late")
		}
	}
}

// note records a remark on the run and prints it.
func (h *harness) note(format string, args ...any) {
	s := fmt.Sprintf(format, args...)
	fmt.Fprintln(h.log, s)
	h.rep.Notes = append(h.rep.Notes, s)
}

// instance benchmarks one generated instance with every solver.
func (h *harness) instance(ctx context.Context, fam Family, shape gen.Shape, seed uint64, limit time.Duration) error {
	inst, err := gen.Build(gen.Config{Firms: fam.Firms, Opportunities: fam.Opportunities, Markets: fam.Markets, Seed: seed, Shape: shape})
	if err != nil {
		return fmt.Errorf("generate %s %s s%d: %w", fam.Name, shape.Name, seed, err)
	}
	data, err := json.MarshalIndent(inst, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", inst.Name, err)
	}
	instPath := filepath.Join(h.out, instancesDir, inst.Name+".json")
	if err := report.WriteFile(instPath, append(data, '\n')); err != nil {
		return fmt.Errorf("write %s: %w", instPath, err)
	}
	in := Instance{Family: fam.Name, Shape: shapeName(shape), Name: inst.Name, Seed: seed, Firms: fam.Firms,
		Opportunities: fam.Opportunities, Markets: fam.Markets,
		LimitSeconds: limit.Seconds(), Target: fam.Target.String()}
	h.rep.Instances = append(h.rep.Instances, in)
	info := &h.rep.Instances[len(h.rep.Instances)-1]
	fmt.Fprintf(h.log, "%s %s s%d: %s (%s), limit %s\n", fam.Name, in.Shape, seed, inst.Name, fam.Size(), limit)
	if err := h.save(); err != nil {
		return err
	}
	base := Row{Family: fam.Name, Shape: in.Shape, Instance: inst.Name, Seed: seed, LimitSeconds: limit.Seconds()}

	if h.run[solverOfdi] {
		for k := 1; k <= max(1, h.repeat); k++ {
			if err := ctx.Err(); err != nil {
				return err
			}
			row := base
			if h.repeat > 1 {
				row.Run = k
			}
			if err := h.add(fam, h.ofdiRow(ctx, row, instPath, limit)); err != nil {
				return err
			}
		}
	}
	if !h.run[solverGlpsol] && !h.run[solverCBC] {
		return nil
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	lp := filepath.Join(h.out, lpDir, inst.Name+".lp")
	if !h.keepLP {
		defer os.Remove(lp)
	}
	exportOK := h.export(ctx, info, instPath, lp, limit)
	if err := h.save(); err != nil {
		return err
	}
	for _, s := range []struct {
		name  string
		args  []string
		parse func([]timedLine) logResult
	}{
		{solverGlpsol, []string{"glpsol", "--lp", lp, "--tmlim", strconv.Itoa(int(limit.Seconds()))}, parseGlpsol},
		{solverCBC, append(append([]string(nil), h.cbc...), lp, "timeMode", "elapsed", "sec", strconv.Itoa(int(limit.Seconds())), "solve"), parseCBC},
	} {
		if !h.run[s.name] {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		row := base
		row.Solver = s.name
		if exportOK {
			row = h.mipRow(ctx, row, s.args, s.parse, limit)
		} else {
			row.Status, row.Note = statusError, "no LP: the export failed"
		}
		if err := h.add(fam, row); err != nil {
			return err
		}
	}
	return nil
}

// add judges row against the family's target, records and prints it, and
// saves the results so far.
func (h *harness) add(fam Family, row Row) error {
	row.Target = fam.Target.judge(row)
	h.rep.Rows = append(h.rep.Rows, row)
	c := row.cells()
	fmt.Fprintf(h.log, "%s %s s%s %-6s  %s, objective %s, bound %s, gap %s, first plan %s, wall %s, peak %s MiB, check %s, target %s\n",
		c[0], c[1], c[2], row.Solver, c[9], c[6], c[7], c[8], c[5], c[10], c[11], c[12], c[13])
	if row.Note != "" {
		fmt.Fprintf(h.log, "    note: %s\n", row.Note)
	}
	return h.save()
}

// save writes the report so far.
func (h *harness) save() error {
	return h.rep.WriteFiles(h.out)
}

// logPath is the log file of a step, and its path relative to the output
// directory (as recorded in rows).
func (h *harness) logPath(instance, step string) (abs, rel string) {
	rel = filepath.Join(logsDir, instance+"."+step+".log")
	return filepath.Join(h.out, rel), rel
}

// fill copies how the child ran into row.
func fill(row *Row, res *childResult) {
	row.WallSeconds = res.wall.Seconds()
	row.PeakMiB = res.peakMiB
	row.Killed = res.killed
	row.ExitCode = res.exit
	if res.interrupted {
		row.Note = "interrupted"
	}
}

// sharingFlag is the value of ofdi's --sharing (report when unset).
func (h *harness) sharingFlag() string {
	if h.sharing == "" {
		return "report"
	}
	return h.sharing
}

// ofdiRow runs ofdi solve and ofdi check on its plan.
func (h *harness) ofdiRow(ctx context.Context, row Row, instPath string, limit time.Duration) Row {
	row.Solver = solverOfdi
	step := solverOfdi
	if row.Run > 0 {
		step = fmt.Sprintf("%s.run%d", solverOfdi, row.Run)
	}
	plan := filepath.Join(h.out, plansDir, row.Instance+"."+step+".json")
	os.Remove(plan) // a stale plan must not count
	logAbs, logRel := h.logPath(row.Instance, step)
	row.Log = logRel
	res, err := runChild(ctx, child{
		args:    []string{h.ofdi, "solve", instPath, "--time-limit", limit.String(), "--format", "json", "--output", plan, "--sharing", h.sharingFlag()},
		hard:    limit + h.grace,
		logPath: logAbs,
	})
	if err != nil {
		row.Status, row.Note = statusError, err.Error()
		return row
	}
	fill(&row, res)
	data, err := os.ReadFile(plan)
	if err != nil {
		row.Status = statusError
		row.Note = fmt.Sprintf("no plan written (exit %d): %s", res.exit, res.lastLine())
		return row
	}
	var p model.Plan
	if err := json.Unmarshal(data, &p); err != nil {
		row.Status, row.Note = statusError, fmt.Sprintf("%s: not a plan JSON: %v", plan, err)
		return row
	}
	row.Status, row.Objective, row.Bound, row.Gap = p.Status, p.Objective, p.Bound, p.Gap
	if p.Objective != nil && p.Statistics != nil {
		row.FirstPlanSeconds = p.Statistics.FirstPlanSeconds
	}
	if row.Gap == nil && row.Objective != nil && row.Bound != nil {
		row.Gap = ptr(relGap(*row.Objective, *row.Bound))
	}
	if res.exit != 0 && res.exit != 3 && row.Note == "" { // 3: no plan, or infeasible
		row.Note = fmt.Sprintf("exit %d: %s", res.exit, res.lastLine())
	}
	row.Check = h.check(ctx, row.Instance, step, instPath, plan, limit)
	return row
}

// check runs ofdi check on the plan of step (ofdi, or ofdi.runK): "pass"
// or "fail".
func (h *harness) check(ctx context.Context, name, step, instPath, plan string, limit time.Duration) string {
	logAbs, _ := h.logPath(name, step+".check")
	res, err := runChild(ctx, child{args: []string{h.ofdi, "check", instPath, plan}, hard: limit + h.grace, logPath: logAbs})
	if err != nil || res.exit != 0 {
		return "fail"
	}
	return "pass"
}

// export writes the instance's LP with ofdi export and records its size,
// time and memory in info; false when it failed.
func (h *harness) export(ctx context.Context, info *Instance, instPath, lp string, limit time.Duration) bool {
	os.Remove(lp)
	logAbs, _ := h.logPath(info.Name, "export")
	res, err := runChild(ctx, child{
		args:    []string{h.ofdi, "export", instPath, "--format", "lp", "--output", lp, "--sharing", h.sharingFlag()},
		hard:    limit + h.grace,
		logPath: logAbs,
	})
	switch {
	case err != nil:
		info.ExportError = err.Error()
	case res.killed:
		info.ExportError = fmt.Sprintf("killed after %s", seconds(res.wall.Seconds()))
	case res.interrupted:
		info.ExportError = "interrupted"
	case res.exit != 0:
		info.ExportError = fmt.Sprintf("exit %d: %s", res.exit, res.lastLine())
	}
	if res != nil {
		info.ExportSeconds, info.ExportPeakMiB = res.wall.Seconds(), res.peakMiB
	}
	if info.ExportError == "" {
		st, err := os.Stat(lp)
		if err != nil {
			info.ExportError = err.Error()
		} else {
			info.LPBytes = st.Size()
		}
	}
	if info.ExportError != "" {
		fmt.Fprintf(h.log, "%s s%d: LP export failed: %s\n", info.Family, info.Seed, info.ExportError)
		return false
	}
	fmt.Fprintf(h.log, "%s s%d: LP %.1f MB written in %s\n", info.Family, info.Seed, float64(info.LPBytes)/1e6, seconds(info.ExportSeconds))
	return true
}

// mipRow runs glpsol or cbc on the LP and reads its log.
func (h *harness) mipRow(ctx context.Context, row Row, args []string, parse func([]timedLine) logResult, limit time.Duration) Row {
	logAbs, logRel := h.logPath(row.Instance, row.Solver)
	row.Log = logRel
	res, err := runChild(ctx, child{args: args, hard: limit + h.grace, logPath: logAbs})
	if err != nil {
		row.Status, row.Note = statusError, err.Error()
		return row
	}
	fill(&row, res)
	lr := parse(res.lines)
	row.Status, row.FirstPlanSeconds, row.Objective, row.Bound, row.Stopped = lr.Status, lr.FirstPlan, lr.Objective, lr.Bound, lr.Stopped
	if row.Objective != nil && row.Bound != nil {
		row.Gap = ptr(relGap(*row.Objective, *row.Bound))
	}
	if res.exit != 0 && !res.killed && !res.interrupted {
		if lr.Stopped == "" {
			row.Status = statusError
		}
		row.Note = fmt.Sprintf("exit %d: %s", res.exit, res.lastLine())
	}
	return row
}

// ofdiVersion describes the ofdi binary: Go version and VCS revision, as
// `go version -m` reports them, or for a binary built from the working tree
// without VCS stamps, as git reports them.
func ofdiVersion(ctx context.Context, bin string, fromTree bool) string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "version", "-m", bin).Output()
	if err != nil {
		return "unknown"
	}
	var gov, rev, modified string
	for i, l := range strings.Split(string(out), "\n") {
		f := strings.Fields(l)
		if i == 0 && len(f) == 2 {
			gov = f[1] // "path: go1.26.8"
		}
		if len(f) == 2 && f[0] == "build" {
			if v, ok := strings.CutPrefix(f[1], "vcs.revision="); ok && len(v) >= 12 {
				rev = v[:12]
			}
			if f[1] == "vcs.modified=true" {
				modified = " (modified)"
			}
		}
	}
	if rev == "" && fromTree {
		if out, err := exec.CommandContext(ctx, "git", "rev-parse", "--short=12", "HEAD").Output(); err == nil {
			rev = strings.TrimSpace(string(out))
		}
		if out, err := exec.CommandContext(ctx, "git", "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(out) > 0 {
			modified = " (modified)"
		}
	}
	s := gov
	if rev != "" {
		s += ", commit " + rev + modified
	}
	return s
}

// firstLine runs a command and returns its first output line containing
// sub (its first line when sub is ""), trimmed; "unknown" on failure.
func firstLine(ctx context.Context, args []string, sub string) string {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, args[0], args[1:]...).CombinedOutput()
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" && strings.Contains(l, sub) {
			return l
		}
	}
	return "unknown"
}

// shapeName is a preset's name, "default" for the zero shape.
func shapeName(s gen.Shape) string {
	if s.Name == "" {
		return "default"
	}
	return s.Name
}
