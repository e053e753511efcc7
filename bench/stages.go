package bench

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/ofdi/ofdi/model"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// hasStages reports whether some plan of the report is multi-period.
func (r *Report) hasStages() bool {
	for _, row := range r.Rows {
		if row.Plan != nil && len(row.Plan.Stages) > 0 {
			return true
		}
	}
	return false
}

// writeStages writes, for multi-period instances, each plan's SMEs per
// Uppsala stage after each period and sme_experienced.
func (r *Report) writeStages(b *bytes.Buffer) {
	if !r.hasStages() {
		return
	}
	T := 0
	for _, row := range r.Rows {
		if row.Plan != nil {
			T = max(T, len(row.Plan.Stages))
		}
	}
	b.WriteString("\nSME STAGES  (multi-period instances: SMEs pre / early / experienced after each period; experienced = knowledge ≥ experienced_at)\n\n")
	cols := []string{"instance", "method", ">SMEs experienced"}
	for t := 1; t <= T; t++ {
		cols = append(cols, ">after period "+strconv.Itoa(t))
	}
	tb := newTable(cols...)
	for _, row := range r.Rows {
		if row.Plan == nil || len(row.Plan.Stages) == 0 {
			continue
		}
		exp := "-"
		if m := row.Metrics; m != nil && m.SMEExperienced != nil {
			exp = strconv.Itoa(*m.SMEExperienced)
		}
		cells := []string{row.Instance, row.Method, exp}
		for t := 0; t < T; t++ {
			cell := "-"
			if t < len(row.Plan.Stages) {
				s := row.Plan.Stages[t]
				cell = fmt.Sprintf("%d / %d / %d", s.Pre, s.Early, s.Experienced)
			}
			cells = append(cells, cell)
		}
		tb.add(cells...)
	}
	tb.write(b)
}

// stageTitle and stageSubtitle head every stages chart.
const (
	stageTitle    = "SMEs climbing the Uppsala stages: abroad (dashed) and experienced (solid) after each period"
	stageSubtitle = "cluster plan against firms acting alone; period 0 is before the plan"
)

// stageChart draws, per multi-period instance, the SMEs abroad (early or
// experienced: dashed) and experienced (solid) after each period, one
// colour per method; nil when no plan is multi-period.
func (r *Report) stageChart() *figure {
	if !r.hasStages() {
		return nil
	}
	fg := &figure{title: stageTitle, subtitle: stageSubtitle}
	for _, m := range r.Methods {
		fg.legend = append(fg.legend, legendEntry{methodLabel(m), methodColor[m]})
	}
	for _, in := range r.Instances {
		stages := make([][]model.StageCount, len(r.Methods))
		for i, m := range r.Methods {
			if row := r.Row(in.Name, m); row != nil && row.Plan != nil {
				stages[i] = row.Plan.Stages
			}
		}
		if p := stagePanel(in.Name, r.Methods, stages); p != nil {
			fg.panels = append(fg.panels, p)
		}
	}
	return fg
}

// StagesSVG draws the stages chart of one multi-period instance (the
// bench chart's panel) for plans of several methods, each line in its
// method's colour, as an SVG document without its XML prolog, so that a
// page can inline it (fonts named, not embedded). Plans without stages
// are left out; an error when none has any. width is the panel's width
// (0: one panel's width).
func StagesSVG(title string, plans []*model.Plan, width vg.Length) ([]byte, error) {
	fg := &figure{title: "SMEs climbing the Uppsala stages", subtitle: "SMEs abroad dashed, experienced solid; period 0: before the plan",
		cols: 1, w: width}
	var methods []string
	var stages [][]model.StageCount
	for _, p := range plans {
		if p != nil && len(p.Stages) > 0 {
			methods, stages = append(methods, p.Method), append(stages, p.Stages)
			fg.legend = append(fg.legend, legendEntry{methodLabel(p.Method), methodColor[p.Method]})
		}
	}
	p := stagePanel(title, methods, stages)
	if p == nil {
		return nil, fmt.Errorf("stages chart: no plan has stages")
	}
	fg.panels = []*plot.Plot{p}
	return fg.inlineSVG()
}

// stagePanel draws one instance's panel: for each method (stages[i] its
// plan's stages, nil without), SMEs abroad dashed and experienced solid
// after each period from period 0; nil when no method has stages.
func stagePanel(title string, methods []string, stages [][]model.StageCount) *plot.Plot {
	p := newPanel(title, "SMEs")
	any := false
	for i, m := range methods {
		if len(stages[i]) == 0 {
			continue
		}
		any = true
		abroad, exp := plotter.XYs{{}}, plotter.XYs{{}}
		for _, s := range stages[i] {
			abroad = append(abroad, plotter.XY{X: float64(s.Period), Y: float64(s.Early + s.Experienced)})
			exp = append(exp, plotter.XY{X: float64(s.Period), Y: float64(s.Experienced)})
		}
		for k, xy := range []plotter.XYs{abroad, exp} {
			l, err := plotter.NewLine(xy)
			if err != nil {
				continue
			}
			l.Color, l.Width = methodColor[m], vg.Points(2)
			if k == 0 {
				l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
			}
			p.Add(l)
			pts, err := plotter.NewScatter(xy)
			if err == nil {
				pts.Color, pts.Shape, pts.Radius = methodColor[m], draw.CircleGlyph{}, vg.Points(2.5)
				p.Add(pts)
			}
		}
	}
	if !any {
		return nil
	}
	p.X.Label.Text = "period"
	p.X.Label.TextStyle.Font = p.Y.Label.TextStyle.Font
	p.Y.Min = 0
	return p
}
