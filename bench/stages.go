package bench

import (
	"bytes"
	"fmt"
	"strconv"

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

// stageChart draws, per multi-period instance, the SMEs abroad (early or
// experienced: dashed) and experienced (solid) after each period, one
// colour per method; nil when no plan is multi-period.
func (r *Report) stageChart() *figure {
	if !r.hasStages() {
		return nil
	}
	fg := &figure{title: "SMEs climbing the Uppsala stages: abroad (dashed) and experienced (solid) after each period",
		subtitle: "cluster plan against firms acting alone; period 0 is before the plan"}
	for _, m := range r.Methods {
		fg.legend = append(fg.legend, legendEntry{methodLabel(m), methodColor[m]})
	}
	for _, in := range r.Instances {
		p := newPanel(in.Name, "SMEs")
		any := false
		for _, m := range r.Methods {
			row := r.Row(in.Name, m)
			if row == nil || row.Plan == nil || len(row.Plan.Stages) == 0 {
				continue
			}
			any = true
			abroad, exp := make(plotter.XYs, 0, len(row.Plan.Stages)+1), make(plotter.XYs, 0, len(row.Plan.Stages)+1)
			abroad = append(abroad, plotter.XY{})
			exp = append(exp, plotter.XY{})
			for _, s := range row.Plan.Stages {
				abroad = append(abroad, plotter.XY{X: float64(s.Period), Y: float64(s.Early + s.Experienced)})
				exp = append(exp, plotter.XY{X: float64(s.Period), Y: float64(s.Experienced)})
			}
			for i, xy := range []plotter.XYs{abroad, exp} {
				l, err := plotter.NewLine(xy)
				if err != nil {
					continue
				}
				l.Color, l.Width = methodColor[m], vg.Points(2)
				if i == 0 {
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
			continue
		}
		p.X.Label.Text = "period"
		p.X.Label.TextStyle.Font = p.Y.Label.TextStyle.Font
		p.Y.Min = 0
		fg.panels = append(fg.panels, p)
	}
	return fg
}
