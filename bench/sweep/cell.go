package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/check"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/solver"
)

// CellFormat is the version of the cell file layout.
const CellFormat = 1

// CellsDir is the folder of the cell files within the output folder.
const CellsDir = "cells"

// ErrCheck is wrapped when a plan fails the independent checker: a bug,
// never a property of the instance.
var ErrCheck = errors.New("sweep: plan fails the independent check")

// CellResult is the content of one cell file. Everything but Timings is
// determined by the cell's key (see the package documentation).
type CellResult struct {
	Format         int           `json:"format"`
	Key            string        `json:"key"`
	Index          int           `json:"index"`
	Instance       string        `json:"instance"`
	InstanceSHA256 string        `json:"instance_sha256"`
	Settings       []CellSetting `json:"settings"`
	Flags          Flags         `json:"flags"`
	Version        string        `json:"version"`
	// Plans are the plan JSON of MODEL.md, one per method in Flags
	// order, without their run-dependent statistics (see Timings).
	Plans []*model.Plan `json:"plans"`
	// Timings hold everything that varies from run to run.
	Timings Timings `json:"timings"`
}

// Timings are the run-dependent part of a cell file.
type Timings struct {
	Methods []MethodTiming `json:"methods"`
	// WarmFrom is the index of the cell whose plan the cluster solve
	// started from; nil for a cold start.
	WarmFrom *int `json:"warm_from,omitempty"`
}

// MethodTiming is one solve's duration, node count and first-plan time
// (taken out of the plan's statistics).
type MethodTiming struct {
	Method           string   `json:"method"`
	DurationSeconds  float64  `json:"duration_seconds"`
	FirstPlanSeconds *float64 `json:"first_plan_seconds,omitempty"`
	Nodes            int      `json:"nodes,omitempty"`
}

// CellPath is the file of the cell with key in dir.
func CellPath(dir, key string) string {
	return filepath.Join(dir, CellsDir, key+".json")
}

// warm is a plan to start a cell's cluster solve from.
type warm struct {
	from int
	plan *model.Assignment
}

// solveCell solves every method on cell c; a warm plan is offered to the
// cluster solve if the checker finds it feasible for this cell. An
// infeasible or no-plan cell is a result, not an error.
func (g *Grid) solveCell(ctx context.Context, c Cell, w *warm) (*CellResult, error) {
	inst, err := g.Instance(c)
	if err != nil {
		return nil, err
	}
	r := &CellResult{Format: CellFormat, Key: c.Key, Index: c.Index, Instance: inst.Name, InstanceSHA256: g.digest[c.Input],
		Settings: g.settings(c), Flags: g.Spec.Flags, Version: g.Spec.Version}
	limit, err := time.ParseDuration(g.Spec.Flags.TimeLimit)
	if err != nil {
		return nil, fmt.Errorf("time limit: %w", err)
	}
	for _, m := range g.Spec.Flags.Methods {
		opts := solver.Options{Method: m, TimeLimit: limit, Gap: g.Spec.Flags.Gap, NoBalance: g.Spec.Flags.NoBalance}
		if m == model.MethodCluster && w != nil && w.plan != nil && feasibleFor(inst, w.plan) {
			opts.Start = w.plan
			from := w.from
			r.Timings.WarmFrom = &from
		}
		res, err := solver.Solve(ctx, inst, opts)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %w", c.Index, err)
		}
		if ctx.Err() != nil {
			return nil, ctx.Err() // an interrupted solve is not the cell's result
		}
		plan := res.Plan()
		if err := check.Check(inst, plan, check.Options{}).Err(); err != nil {
			return nil, fmt.Errorf("cell %d, %s: %w: %v", c.Index, m, ErrCheck, err)
		}
		r.Plans = append(r.Plans, plan)
		r.Timings.Methods = append(r.Timings.Methods, splitTimings(m, plan))
	}
	return r, nil
}

// splitTimings moves the run-dependent statistics out of plan.
func splitTimings(method string, plan *model.Plan) MethodTiming {
	t := MethodTiming{Method: method}
	if s := plan.Statistics; s != nil {
		t.DurationSeconds, t.FirstPlanSeconds, t.Nodes = s.DurationSeconds, s.FirstPlanSeconds, s.Nodes
		s.DurationSeconds, s.FirstPlanSeconds, s.Nodes = 0, nil, 0
	}
	return t
}

// feasibleFor reports whether the plan a (of a neighbouring cell) is a
// feasible cluster plan of inst, by the independent checker.
func feasibleFor(inst *model.Instance, a *model.Assignment) bool {
	m, z, err := model.Derive(inst).Evaluate(a, model.MethodCluster)
	if err != nil {
		return false
	}
	p := &model.Plan{Instance: inst.Name, Method: model.MethodCluster, Status: model.StatusFeasible, Objective: &z, Metrics: &m, Plan: a}
	return check.Check(inst, p, check.Options{}).Err() == nil
}

// clusterPlan is the cluster method's plan of a cell result, if any.
func (r *CellResult) clusterPlan() *model.Assignment {
	for _, p := range r.Plans {
		if p.Method == model.MethodCluster {
			return p.Plan
		}
	}
	return nil
}

// marshal is the cell file's bytes: indented JSON, newline-terminated.
func (r *CellResult) marshal() ([]byte, error) {
	b, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

func (r *CellResult) write(dir string) error {
	b, err := r.marshal()
	if err != nil {
		return err
	}
	return report.WriteFile(CellPath(dir, r.Key), b)
}

// readCell reads the cell file of key in dir and checks its structure:
// format, key, one plan per method. It returns os.ErrNotExist when absent.
func readCell(dir, key string, methods []string) (*CellResult, error) {
	b, err := os.ReadFile(CellPath(dir, key))
	if err != nil {
		return nil, err
	}
	var r CellResult
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("%s: %w", CellPath(dir, key), err)
	}
	switch {
	case r.Format != CellFormat:
		return nil, fmt.Errorf("%s: format %d, want %d", CellPath(dir, key), r.Format, CellFormat)
	case r.Key != key:
		return nil, fmt.Errorf("%s: holds cell key %s", CellPath(dir, key), r.Key)
	case len(r.Plans) != len(methods):
		return nil, fmt.Errorf("%s: %d plans, want %d", CellPath(dir, key), len(r.Plans), len(methods))
	}
	for i, p := range r.Plans {
		if p == nil || p.Method != methods[i] {
			return nil, fmt.Errorf("%s: plan %d is not of method %s", CellPath(dir, key), i, methods[i])
		}
	}
	return &r, nil
}

// validCell reads cell c's file and checks every plan against the cell's
// instance with the independent checker (what --resume trusts).
func (g *Grid) validCell(dir string, c Cell) (*CellResult, bool) {
	r, err := readCell(dir, c.Key, g.Spec.Flags.Methods)
	if err != nil {
		return nil, false
	}
	inst, err := g.Instance(c)
	if err != nil {
		return nil, false
	}
	for _, p := range r.Plans {
		if check.Check(inst, p, check.Options{}).Err() != nil {
			return nil, false
		}
	}
	return r, true
}
