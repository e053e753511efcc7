package main

import (
	"fmt"
	"strings"
	"time"
)

// Family is one instance size of the scale benchmark, with its time limit
// and the targets of issue 4.
type Family struct {
	Name          string        `json:"name"`
	Firms         int           `json:"firms"`
	Opportunities int           `json:"opportunities"`
	Markets       int           `json:"markets"`
	Limit         time.Duration `json:"-"`
	Target        Target        `json:"-"`
}

// Target is what issue 4 asks of a family. Every target needs a plan;
// zero fields ask nothing more.
type Target struct {
	// FirstPlan bounds the time to the first plan.
	FirstPlan time.Duration
	// Gap bounds the final gap |Z − bound| / max(1, |Z|).
	Gap float64
	// PeakMiB bounds the solver process's peak resident memory.
	PeakMiB float64
}

// families are the scale benchmark's families; XL runs only when asked for.
var families = []Family{
	{Name: "S", Firms: 150, Opportunities: 60, Markets: 10, Limit: 30 * time.Second,
		Target: Target{Gap: 0.005}},
	{Name: "M", Firms: 300, Opportunities: 120, Markets: 15, Limit: 60 * time.Second,
		Target: Target{FirstPlan: 5 * time.Second, Gap: 0.01}},
	{Name: "L", Firms: 2000, Opportunities: 500, Markets: 30, Limit: 300 * time.Second,
		Target: Target{FirstPlan: 60 * time.Second, Gap: 0.03, PeakMiB: 4096}},
	{Name: "XL", Firms: 10000, Opportunities: 2000, Markets: 50, Limit: 600 * time.Second,
		Target: Target{FirstPlan: 600 * time.Second}},
}

// familyByName returns the family called name (case-insensitive), or a
// custom family "FxPxM:LIMIT" (e.g. "40x20x5:5s", named after its size,
// asking only for a plan).
func familyByName(name string) (Family, bool) {
	for _, f := range families {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return customFamily(name)
}

// customFamily parses "FxPxM:LIMIT".
func customFamily(spec string) (Family, bool) {
	size, lim, ok := strings.Cut(spec, ":")
	if !ok {
		return Family{}, false
	}
	var f Family
	if n, err := fmt.Sscanf(size+"\n", "%dx%dx%d\n", &f.Firms, &f.Opportunities, &f.Markets); err != nil || n != 3 ||
		f.Firms < 1 || f.Opportunities < 1 || f.Markets < 1 {
		return Family{}, false
	}
	d, err := time.ParseDuration(lim)
	if err != nil || d < time.Second {
		return Family{}, false
	}
	f.Name, f.Limit = size, d
	return f, true
}

// Size is "firms×opportunities×markets".
func (f Family) Size() string {
	return fmt.Sprintf("%d×%d×%d", f.Firms, f.Opportunities, f.Markets)
}

// String states the target, e.g. "first plan ≤ 5 s, gap ≤ 1%".
func (t Target) String() string {
	var parts []string
	if t.FirstPlan > 0 {
		parts = append(parts, "first plan ≤ "+seconds(t.FirstPlan.Seconds()))
	}
	if t.Gap > 0 {
		parts = append(parts, "gap ≤ "+percent(t.Gap))
	}
	if t.PeakMiB > 0 {
		parts = append(parts, fmt.Sprintf("peak memory ≤ %.0f MiB", t.PeakMiB))
	}
	if len(parts) == 0 {
		return "a plan"
	}
	return strings.Join(parts, ", ")
}

// judge says whether row meets the target: "met", "missed: <reasons>", or
// "-" for rows that did not run.
func (t Target) judge(r Row) string {
	if r.Status == statusSkipped || r.Status == statusError {
		return "-"
	}
	if r.Objective == nil {
		return "missed: no plan"
	}
	var why []string
	if t.FirstPlan > 0 && (r.FirstPlanSeconds == nil || *r.FirstPlanSeconds > t.FirstPlan.Seconds()) {
		fp := "unknown"
		if r.FirstPlanSeconds != nil {
			fp = seconds(*r.FirstPlanSeconds)
		}
		why = append(why, fmt.Sprintf("first plan %s > %s", fp, seconds(t.FirstPlan.Seconds())))
	}
	if t.Gap > 0 && (r.Gap == nil || *r.Gap > t.Gap) {
		g := "unknown"
		if r.Gap != nil {
			g = percent(*r.Gap)
		}
		why = append(why, fmt.Sprintf("gap %s > %s", g, percent(t.Gap)))
	}
	if t.PeakMiB > 0 && r.PeakMiB > t.PeakMiB {
		why = append(why, fmt.Sprintf("peak %.0f MiB > %.0f MiB", r.PeakMiB, t.PeakMiB))
	}
	if len(why) > 0 {
		return "missed: " + strings.Join(why, ", ")
	}
	return "met"
}

// scaledLimit is base × scale rounded to whole seconds (glpsol takes whole
// seconds), at least 1 s.
func scaledLimit(base time.Duration, scale float64) time.Duration {
	return max(time.Second, (time.Duration(float64(base)*scale) + time.Second/2).Truncate(time.Second))
}

// seconds formats a time in seconds: "0.04 s", "12.3 s", "300 s".
func seconds(s float64) string {
	switch {
	case s < 1:
		return fmt.Sprintf("%.2f s", s)
	case s < 100:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", s), ".0") + " s"
	}
	return fmt.Sprintf("%.0f s", s)
}

// percent formats a fraction as a percentage with up to two decimals:
// "0.5%", "1%", "4.41%".
func percent(x float64) string {
	s := fmt.Sprintf("%.2f", 100*x)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s + "%"
}
