package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ofdi/ofdi/model/report"
)

// Report is one run of the scale benchmark: what ran where, and a row per
// instance and solver. It is written as scale.json.
type Report struct {
	Started time.Time `json:"started"`
	// Machine is "GOOS/GOARCH, N CPUs".
	Machine string `json:"machine"`
	// LimitScale multiplies the families' time limits (1 for the real run).
	LimitScale float64 `json:"limit_scale"`
	// Sharing is ofdi's --sharing of the run ("" or report: the plain
	// MIP; stakes: with constraint 16, for ofdi and the exported LP).
	Sharing string `json:"sharing,omitempty"`
	// Versions of the solvers, by name.
	Versions map[string]string `json:"versions"`
	// Notes are remarks on the run: skipped solvers, buffered output, …
	Notes     []string   `json:"notes,omitempty"`
	Instances []Instance `json:"instances"`
	Rows      []Row      `json:"rows"`
	// Summaries are the worst cells per family and solver, derived from
	// Rows when the report is written.
	Summaries []Summary `json:"summaries"`
	// Spreads are the repeated runs' spreads per instance and solver
	// (--repeat), derived from Rows when the report is written.
	Spreads []Spread `json:"spreads,omitempty"`
}

// Instance is one generated instance and its LP export.
type Instance struct {
	Family string `json:"family"`
	// Shape is the generator's shape preset.
	Shape string `json:"shape"`
	// Name is the generator's name, gen-<F>x<P>x<M>-s<seed>.
	Name          string  `json:"name"`
	Seed          uint64  `json:"seed"`
	Firms         int     `json:"firms"`
	Opportunities int     `json:"opportunities"`
	Markets       int     `json:"markets"`
	LimitSeconds  float64 `json:"limit_seconds"`
	Target        string  `json:"target"`
	// The LP export (ofdi export --format lp), when glpsol or cbc runs.
	LPBytes       int64   `json:"lp_bytes,omitempty"`
	ExportSeconds float64 `json:"export_seconds,omitempty"`
	ExportPeakMiB float64 `json:"export_peak_mib,omitempty"`
	ExportError   string  `json:"export_error,omitempty"`
}

// Row is one solver's run on one instance.
type Row struct {
	Family string `json:"family"`
	// Shape is the generator's shape preset.
	Shape    string `json:"shape"`
	Instance string `json:"instance"`
	Seed     uint64 `json:"seed"`
	// Run numbers ofdi's runs on one instance with --repeat (1, 2, …);
	// 0 when each instance runs once.
	Run    int    `json:"run,omitempty"`
	Solver string `json:"solver"`
	// LimitSeconds is the time limit every solver was given.
	LimitSeconds float64 `json:"limit_seconds"`
	// Status is optimal, feasible, infeasible, no_solution or error.
	Status string `json:"status"`
	// FirstPlanSeconds is the time to the first plan: ofdi's
	// statistics.first_plan_seconds, or when glpsol's or cbc's first
	// solution line reached the harness.
	FirstPlanSeconds *float64 `json:"first_plan_seconds,omitempty"`
	Objective        *float64 `json:"objective,omitempty"`
	Bound            *float64 `json:"bound,omitempty"`
	// Gap is |objective − bound| / max(1, |objective|).
	Gap *float64 `json:"gap,omitempty"`
	// Stopped is the solver's own word on why it stopped (glpsol, cbc).
	Stopped string `json:"stopped,omitempty"`
	// WallSeconds is the child process's wall time.
	WallSeconds float64 `json:"wall_seconds"`
	// PeakMiB is the child process's peak resident memory (getrusage
	// ru_maxrss).
	PeakMiB float64 `json:"peak_mib"`
	// Killed is true when the harness stopped the child at its hard limit.
	Killed   bool `json:"killed,omitempty"`
	ExitCode int  `json:"exit_code"`
	// Check is "pass" or "fail" (ofdi check on ofdi's plan), "" otherwise.
	Check string `json:"check,omitempty"`
	// Target is the target for the family: "met", "missed: …".
	Target string `json:"target"`
	Note   string `json:"note,omitempty"`
	// Log is the child's output, timestamped, relative to the output dir.
	Log string `json:"log,omitempty"`
}

// columns of the table, and whether each is numeric (right-aligned).
var columns = []column{
	{"family", false}, {"shape", false}, {"seed", true}, {"solver", false}, {"limit", true},
	{"first plan", true}, {"objective", true}, {"bound", true}, {"gap", true},
	{"status", false}, {"wall", true}, {"peak MiB", true}, {"check", false},
	{"target", false},
}

// cells formats r for the table.
func (r Row) cells() []string {
	first, obj, bound, gap := "-", "no plan", "-", "-"
	if r.Objective != nil {
		obj = fmt.Sprintf("%.1f", *r.Objective)
		if r.FirstPlanSeconds != nil {
			first = seconds(*r.FirstPlanSeconds)
		}
	}
	if r.Status == statusError || r.Status == statusSkipped {
		obj = "-"
	}
	if r.Bound != nil {
		bound = fmt.Sprintf("%.1f", *r.Bound)
	}
	if r.Gap != nil {
		gap = percent(*r.Gap)
	}
	status := r.Status
	if r.Killed {
		status += " (killed)"
	}
	check := r.Check
	if check == "" {
		check = "-"
	}
	peak, wall := "-", "-"
	if r.PeakMiB > 0 {
		peak = fmt.Sprintf("%.0f", r.PeakMiB)
	}
	if r.WallSeconds > 0 {
		wall = seconds(r.WallSeconds)
	}
	return []string{r.Family, r.Shape, r.seedCell(), r.Solver, seconds(r.LimitSeconds),
		first, obj, bound, gap, status, wall, peak, check, r.Target}
}

// seedCell is the seed, with the run number under --repeat ("9191 #2").
func (r Row) seedCell() string {
	if r.Run > 0 {
		return fmt.Sprintf("%d #%d", r.Seed, r.Run)
	}
	return fmt.Sprint(r.Seed)
}

// WriteTable writes the rows as an aligned plain-text table, then the
// worst cell of each family and solver (Summaries).
func (rep *Report) WriteTable(w io.Writer) error {
	var b strings.Builder
	writeAligned(&b, columns, rep.Rows, Row.cells)
	if sums := Summaries(rep.Rows); len(sums) > 0 {
		b.WriteString("\nWORST CELL PER FAMILY\n")
		writeAligned(&b, summaryColumns, sums, Summary.cells)
		for _, s := range sums {
			for _, m := range s.Missed {
				fmt.Fprintf(&b, "%s %s missed: %s\n", s.Family, s.Solver, m)
			}
		}
	}
	if sp := Spreads(rep.Rows); len(sp) > 0 {
		b.WriteString("\nSPREAD OVER REPEATED RUNS\n")
		writeAligned(&b, spreadColumns, sp, Spread.cells)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// column is a table column, numeric ones right-aligned.
type column = struct {
	name    string
	numeric bool
}

// writeAligned writes a header and one line per item, columns aligned.
func writeAligned[T any](b *strings.Builder, columns []column, items []T, cells func(T) []string) {
	rows := [][]string{make([]string, len(columns))}
	for i, c := range columns {
		rows[0][i] = c.name
	}
	for _, it := range items {
		rows = append(rows, cells(it))
	}
	width := make([]int, len(columns))
	for _, row := range rows {
		for i, c := range row {
			width[i] = max(width[i], utf8.RuneCountInString(c))
		}
	}
	for _, row := range rows {
		var line strings.Builder
		for i, c := range row {
			if i > 0 {
				line.WriteString("  ")
			}
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(c))
			if columns[i].numeric {
				line.WriteString(pad + c)
			} else {
				line.WriteString(c + pad)
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " ") + "\n")
	}
}

// WriteMarkdown writes the run as Markdown: the setting, the instances and
// the table.
func (rep *Report) WriteMarkdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "Run of %s on %s.", rep.Started.UTC().Format("2006-01-02 15:04 UTC"), rep.Machine)
	if rep.LimitScale != 1 {
		fmt.Fprintf(&b, " Time limits × %g: the targets assume the full limits.", rep.LimitScale)
	}
	if rep.Sharing == "stakes" {
		b.WriteString(" --sharing stakes: every solver has constraint 16 (no firm below its outside option); ofdi's limit covers its second solve, without 16, for the price of fairness.")
	}
	b.WriteString("\n\n")
	if len(rep.Versions) > 0 {
		for _, name := range []string{"ofdi", "glpsol", "cbc"} {
			if v, ok := rep.Versions[name]; ok {
				fmt.Fprintf(&b, "- %s: %s\n", name, v)
			}
		}
		b.WriteString("\n")
	}
	if len(rep.Instances) > 0 {
		b.WriteString("| family | shape | instance | firms × opps × markets | limit | target | LP | export |\n")
		b.WriteString("|---|---|---|---|---:|---|---:|---:|\n")
		for _, in := range rep.Instances {
			lp, export := "-", "-"
			if in.LPBytes > 0 {
				lp = fmt.Sprintf("%.1f MB", float64(in.LPBytes)/1e6)
				export = fmt.Sprintf("%s, %.0f MiB", seconds(in.ExportSeconds), in.ExportPeakMiB)
			}
			if in.ExportError != "" {
				export = "failed: " + in.ExportError
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %d × %d × %d | %s | %s | %s | %s |\n", in.Family, in.Shape, in.Name,
				in.Firms, in.Opportunities, in.Markets, seconds(in.LimitSeconds), in.Target, lp, mdEscape(export))
		}
		b.WriteString("\n")
	}
	writeMarkdownTable(&b, columns, rep.Rows, Row.cells)
	if sums := Summaries(rep.Rows); len(sums) > 0 {
		b.WriteString("\nWorst cell per family and solver:\n\n")
		writeMarkdownTable(&b, summaryColumns, sums, Summary.cells)
		var missed []string
		for _, s := range sums {
			for _, m := range s.Missed {
				missed = append(missed, fmt.Sprintf("- %s %s missed: %s\n", s.Family, s.Solver, mdEscape(m)))
			}
		}
		if len(missed) > 0 {
			b.WriteString("\n" + strings.Join(missed, ""))
		}
	}
	if sp := Spreads(rep.Rows); len(sp) > 0 {
		b.WriteString("\nSpread over repeated runs (--repeat):\n\n")
		writeMarkdownTable(&b, spreadColumns, sp, Spread.cells)
	}
	notes := rep.Notes
	for _, r := range rep.Rows {
		if r.Note != "" {
			notes = append(notes, fmt.Sprintf("%s %s %s %s: %s", r.Family, r.Shape, r.seedCell(), r.Solver, r.Note))
		}
	}
	if len(notes) > 0 {
		b.WriteString("\n")
		for _, n := range notes {
			fmt.Fprintf(&b, "- %s\n", n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeMarkdownTable writes a Markdown table of items.
func writeMarkdownTable[T any](b *strings.Builder, columns []column, items []T, cells func(T) []string) {
	b.WriteString("|")
	for _, c := range columns {
		b.WriteString(" " + c.name + " |")
	}
	b.WriteString("\n|")
	for _, c := range columns {
		if c.numeric {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	b.WriteString("\n")
	for _, it := range items {
		b.WriteString("|")
		for _, c := range cells(it) {
			b.WriteString(" " + mdEscape(c) + " |")
		}
		b.WriteString("\n")
	}
}

// mdEscape keeps a cell inside its Markdown table column.
func mdEscape(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}

// JSON returns the report as indented JSON with a trailing newline, "≤"
// and ">" unescaped.
func (rep *Report) JSON() ([]byte, error) {
	rep.Summaries, rep.Spreads = Summaries(rep.Rows), Spreads(rep.Rows)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Result file names in the output directory.
const (
	markdownFile = "scale.md"
	jsonFile     = "scale.json"
)

// WriteFiles writes scale.md and scale.json into dir, each atomically.
func (rep *Report) WriteFiles(dir string) error {
	var md strings.Builder
	if err := rep.WriteMarkdown(&md); err != nil {
		return err
	}
	if err := report.WriteFile(filepath.Join(dir, markdownFile), []byte(md.String())); err != nil {
		return fmt.Errorf("write %s: %w", markdownFile, err)
	}
	js, err := rep.JSON()
	if err != nil {
		return fmt.Errorf("encode %s: %w", jsonFile, err)
	}
	if err := report.WriteFile(filepath.Join(dir, jsonFile), js); err != nil {
		return fmt.Errorf("write %s: %w", jsonFile, err)
	}
	return nil
}
