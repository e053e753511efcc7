package bench

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// ChartNames are the charts WriteCharts draws, each as <name>.png and
// <name>.svg (the stress charts only with a stress test).
var ChartNames = []string{"gain", "objective", "waste", "value", "market-power", "sme", "distress", "distress-rate", "loss"}

// FairnessChart is the chart WriteCharts adds for a report with Fairness
// rows (Options.Sharing stakes).
const FairnessChart = "fairness"

// Method colours (ColorBrewer Dark2, readable by colour-blind readers and
// in grey print): cluster green, independent orange, policy_push purple.
var methodColor = map[string]color.Color{
	model.MethodCluster:     color.RGBA{0x1b, 0x9e, 0x77, 0xff},
	model.MethodIndependent: color.RGBA{0xd9, 0x5f, 0x02, 0xff},
	model.MethodPolicyPush:  color.RGBA{0x75, 0x70, 0xb3, 0xff},
	MethodClusterFair:       color.RGBA{0xe7, 0x29, 0x8a, 0xff},
}

var (
	infoColor   = color.RGBA{0x9e, 0xca, 0xe1, 0xff} // light blue
	dissipColor = color.RGBA{0xd6, 0x27, 0x28, 0xff} // red
	targetColor = color.RGBA{0x44, 0x44, 0x44, 0xff}
	sans        = font.Font{Typeface: "Liberation", Variant: "Sans"}
)

const (
	panelW  = 3.4 * vg.Inch
	panelH  = 2.9 * vg.Inch
	headerH = 0.75 * vg.Inch
	pngDPI  = 120
	barW    = 0.7 // bar width in panel x units (one unit per method)
)

// WriteCharts draws the report into dir (created if needed) as PNG and SVG
// files, one pair per name of ChartNames, and returns the paths written.
// Each chart but "gain" has one panel per instance, with its own scale, so
// a small instance stays readable beside a large one; the methods are
// side by side within a panel, in the same colours in every chart. The
// stress charts are drawn only when the report has a stress test; a report
// without instances has no charts.
func (r *Report) WriteCharts(dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if len(r.Instances) == 0 {
		return nil, nil
	}
	var written []string
	for _, c := range r.charts() {
		for _, format := range []string{"png", "svg"} {
			data, err := c.fig.render(format)
			if err != nil {
				return written, fmt.Errorf("chart %s: %w", c.name, err)
			}
			path := filepath.Join(dir, c.name+"."+format)
			if err := report.WriteFile(path, data); err != nil {
				return written, err
			}
			written = append(written, path)
		}
	}
	return written, nil
}

// namedChart is a figure and the base name of its files.
type namedChart struct {
	name string
	fig  *figure
}

// charts returns the report's figures in file order: the six plan charts,
// the stress charts with a stress test, the fairness chart with Fairness
// rows and the stages chart with multi-period plans.
func (r *Report) charts() []namedChart {
	charts := []namedChart{
		{"gain", r.gainChart()},
		{"objective", r.metricChart("Net value the plan creates for the cluster: −Z (higher is better)",
			"−Z = value + λ_G·market power + λ_L·learning − info cost − dissipation",
			barNegObjective, numLabel, nil)},
		{"waste", r.wasteChart()},
		{"value", r.metricChart("Value created: NPV + subsidy of the projects undertaken (higher is better)", "",
			barValue, numLabel, nil)},
		{"market-power", r.metricChart("Market power abroad: Σ G of the projects undertaken (higher is better)",
			"dashed line: the cluster's market power target G*",
			barMarketPower, numLabel, targetMarketPower)},
		{"sme", r.metricChart("SMEs taking part in overseas projects, as a share of all SMEs (higher is better)",
			"dashed line: the SME participation target ρ",
			barSMEShare, pctLabel, targetSME)},
	}
	if r.Stress != nil {
		charts = append(charts,
			namedChart{"distress", r.distressChart()},
			namedChart{"distress-rate", r.distressRateChart()},
			namedChart{"loss", r.lossChart()},
		)
	}
	if len(r.Fairness) > 0 {
		charts = append(charts, namedChart{FairnessChart, r.fairnessChart()})
	}
	if fg := r.stageChart(); fg != nil {
		charts = append(charts, namedChart{"stages", fg})
	}
	return charts
}

// barNegObjective is the objective chart's bar: −Z (false: no plan).
func barNegObjective(row *Row) (float64, bool) {
	if row.Objective == nil {
		return 0, false
	}
	return -*row.Objective, true
}

// barValue is the value chart's bar: NPV + subsidy (false: no plan).
func barValue(row *Row) (float64, bool) {
	if row.Metrics == nil {
		return 0, false
	}
	return row.Metrics.Value, true
}

// barMarketPower is the market power chart's bar (false: no plan).
func barMarketPower(row *Row) (float64, bool) {
	if row.Metrics == nil {
		return 0, false
	}
	return row.Metrics.MarketPower, true
}

// barSMEShare is the SME chart's bar: % of the SMEs taking part (false:
// no plan).
func barSMEShare(row *Row) (float64, bool) {
	if row.Metrics == nil {
		return 0, false
	}
	return 100 * row.Metrics.SMEParticipation, true
}

// targetMarketPower is the market power chart's target line and y label.
func targetMarketPower(in InstanceInfo) (float64, string) {
	return in.MarketPowerTarget, "points of market power"
}

// targetSME is the SME chart's target line (in %) and y label.
func targetSME(in InstanceInfo) (float64, string) {
	return 100 * in.SMEParticipationTarget, "% of the cluster's SMEs"
}

// distressChart: per method, the share of draws in which some firm is in
// distress, labelled with the mean number of distressed firms.
func (r *Report) distressChart() *figure {
	return r.metricChart(
		fmt.Sprintf("Stress test: share of %d drawn years in which some firm loses more than its risk limit (lower is better)", r.Stress.Draws),
		fmt.Sprintf("%s losses; label: %% of draws, and in brackets the mean number of distressed firms per draw", r.Stress.LossModel),
		func(row *Row) (float64, bool) {
			if row.Stress == nil {
				return 0, false
			}
			return 100 * row.Stress.DistressShare, true
		},
		func(row *Row, v float64) string {
			return fmt.Sprintf("%s (%.2f)", pctLabel(row, v), row.Stress.DistressedMean)
		},
		func(InstanceInfo) (float64, string) { return math.NaN(), "% of draws" })
}

// distressRateChart: per method, the chance that a firm taking part is in
// distress, labelled with the number of firms holding a stake.
func (r *Report) distressRateChart() *figure {
	return r.metricChart(
		"Stress test: the chance that a firm taking part is in distress in a drawn year (lower is better)",
		fmt.Sprintf("%s losses; distressed firms per draw / firms holding a stake in the plan; label: the number of firms holding a stake", r.Stress.LossModel),
		func(row *Row) (float64, bool) {
			if row.Stress == nil {
				return 0, false
			}
			return 100 * row.Stress.DistressRate, true
		},
		func(row *Row, v float64) string {
			n := row.Stress.FirmsAtRisk
			if n == 1 {
				return fmt.Sprintf("%s (1 firm)", pctLabel(row, v))
			}
			return fmt.Sprintf("%s (%d firms)", pctLabel(row, v), n)
		},
		func(InstanceInfo) (float64, string) { return math.NaN(), "% of firms taking part" })
}

// figure is a titled grid of panels, with an optional legend under the
// title (shared by all panels, so it never hides a bar).
type figure struct {
	title, subtitle string
	legend          []legendEntry
	panels          []*plot.Plot
	cols            int
	// width of one panel (panelW unless set).
	w vg.Length
}

type legendEntry struct {
	label string
	c     color.Color
}

func (fg *figure) render(format string) ([]byte, error) {
	n := max(1, len(fg.panels))
	cols := fg.cols
	if cols <= 0 {
		cols = min(n, 4)
	}
	rows := (n + cols - 1) / cols
	pw := fg.w
	if pw == 0 {
		pw = panelW
	}
	w := vg.Length(cols) * pw
	// The title must fit: widen the figure for long titles.
	tstyle := textStyle(15, draw.XCenter, draw.YTop)
	sstyle := textStyle(10.5, draw.XCenter, draw.YTop)
	w = max(w, tstyle.Width(fg.title)+0.6*vg.Inch, sstyle.Width(fg.subtitle)+0.6*vg.Inch)
	header := headerH
	if len(fg.legend) > 0 {
		header += 0.3 * vg.Inch
	}
	h := vg.Length(rows)*panelH + header
	var cw vg.CanvasWriterTo
	switch format {
	case "png":
		cw = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(w, h), vgimg.UseDPI(pngDPI))}
	case "svg":
		cw = vgsvg.New(w, h)
	default:
		return nil, fmt.Errorf("unknown format %q", format)
	}
	dc := draw.New(cw)
	top := dc.Max.Y - 0.12*vg.Inch
	mid := (dc.Min.X + dc.Max.X) / 2
	dc.FillText(tstyle, vg.Point{X: mid, Y: top}, fg.title)
	if fg.subtitle != "" {
		dc.FillText(sstyle, vg.Point{X: mid, Y: top - tstyle.Height(fg.title) - 0.06*vg.Inch}, fg.subtitle)
	}
	if len(fg.legend) > 0 {
		lstyle := textStyle(10.5, draw.XLeft, draw.YCenter)
		box := vg.Points(10)
		gap := vg.Points(6)
		total := vg.Length(0)
		for i, e := range fg.legend {
			if i > 0 {
				total += 3 * gap
			}
			total += box + gap + lstyle.Width(e.label)
		}
		x := mid - total/2
		y := dc.Max.Y - headerH - 0.05*vg.Inch
		for _, e := range fg.legend {
			sq := []vg.Point{{X: x, Y: y - box/2}, {X: x, Y: y + box/2}, {X: x + box, Y: y + box/2}, {X: x + box, Y: y - box/2}}
			dc.FillPolygon(e.c, sq)
			dc.StrokeLines(draw.LineStyle{Color: color.Gray{0x55}, Width: vg.Points(0.5)}, append(sq, sq[0]))
			x += box + gap
			dc.FillText(lstyle, vg.Point{X: x, Y: y}, e.label)
			x += lstyle.Width(e.label) + 3*gap
		}
	}
	body := dc
	body.Max.Y -= header
	grid := make([][]*plot.Plot, rows)
	for i := range grid {
		grid[i] = make([]*plot.Plot, cols)
	}
	for i, p := range fg.panels {
		grid[i/cols][i%cols] = p
	}
	tiles := draw.Tiles{Rows: rows, Cols: cols, PadX: 0.15 * vg.Inch, PadY: 0.2 * vg.Inch,
		PadLeft: 0.1 * vg.Inch, PadRight: 0.15 * vg.Inch, PadBottom: 0.1 * vg.Inch}
	if len(fg.panels) > 0 {
		canvases := plot.Align(grid, tiles, body)
		for i, p := range fg.panels {
			p.Draw(canvases[i/cols][i%cols])
		}
	}
	var b bytes.Buffer
	if _, err := cw.WriteTo(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func textStyle(size float64, xa text.XAlignment, ya text.YAlignment) text.Style {
	return text.Style{Color: color.Black, Font: font.From(sans, vg.Points(size)), Handler: plot.DefaultTextHandler, XAlign: xa, YAlign: ya}
}

// newPanel returns a plot styled for the charts: sans fonts, a light grid.
func newPanel(title, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = font.From(sans, vg.Points(12))
	p.Title.Padding = 0.08 * vg.Inch
	p.Y.Label.Text = ylabel
	p.Y.Label.TextStyle.Font = font.From(sans, vg.Points(9.5))
	p.X.Tick.Label.Font = font.From(sans, vg.Points(9.5))
	p.Y.Tick.Label.Font = font.From(sans, vg.Points(9))
	p.Legend.TextStyle.Font = font.From(sans, vg.Points(9))
	p.Y.Tick.Marker = cleanTicks{}
	g := plotter.NewGrid()
	g.Vertical.Color = nil
	g.Horizontal.Color = color.Gray{0xdd}
	p.Add(g)
	return p
}

func (r *Report) currencyOf(in InstanceInfo) string {
	if in.Currency != "" {
		return in.Currency
	}
	return "money units"
}

// methodAxis sets the panel's x axis to the methods, one unit each.
func (r *Report) methodAxis(p *plot.Plot) {
	p.NominalX(r.methodLabels()...)
	p.X.Min, p.X.Max = -0.6, float64(len(r.Methods))-0.4
}

func (r *Report) methodLabels() []string {
	out := make([]string, len(r.Methods))
	for i, m := range r.Methods {
		out[i] = methodLabel(m)
	}
	return out
}

// methodLabel names a method for charts ("policy push", not "policy_push").
func methodLabel(m string) string { return strings.ReplaceAll(m, "_", " ") }

// bar adds one bar of value v at x (method index), coloured c, with a
// label above (or below, for negative values).
func bar(p *plot.Plot, x, v float64, c color.Color, label string) {
	b, err := plotter.NewBarChart(plotter.Values{v}, vg.Points(1))
	if err != nil {
		return
	}
	b.Width = 0 // set by scaledBar.Plot
	b.XMin = x
	b.Color = c
	b.LineStyle.Color = color.Gray{0x55}
	b.LineStyle.Width = vg.Points(0.5)
	p.Add(&scaledBar{BarChart: b})
	valueLabel(p, x, v, label)
}

// scaledBar is a BarChart whose width is barW x-axis units, whatever the
// panel's size.
type scaledBar struct{ *plotter.BarChart }

func (s *scaledBar) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	s.Width = trX(s.XMin+barW/2) - trX(s.XMin-barW/2)
	s.BarChart.Plot(c, p)
}

func (s *scaledBar) GlyphBoxes(*plot.Plot) []plot.GlyphBox { return nil }

func valueLabel(p *plot.Plot, x, v float64, label string) {
	if label == "" {
		return
	}
	l, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: v}}, Labels: []string{label}})
	if err != nil {
		return
	}
	l.TextStyle[0].Font = font.From(sans, vg.Points(9))
	l.TextStyle[0].XAlign = draw.XCenter
	if v < 0 {
		l.TextStyle[0].YAlign = draw.YTop
		l.Offset = vg.Point{Y: -vg.Points(2)}
	} else {
		l.TextStyle[0].YAlign = draw.YBottom
		l.Offset = vg.Point{Y: vg.Points(2)}
	}
	p.Add(l)
}

// targetLine adds a dashed horizontal line at y across the panel.
func targetLine(p *plot.Plot, y float64, n int) {
	l, err := plotter.NewLine(plotter.XYs{{X: -0.5, Y: y}, {X: float64(n) - 0.5, Y: y}})
	if err != nil {
		return
	}
	l.Color = targetColor
	l.Width = vg.Points(1.2)
	l.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(l)
}

// metricChart draws one bar per method in a panel per instance. value
// gives the bar (false: no plan), label its label. target, when set, gives
// the y-axis label and a target line (NaN: none); without it the axis is in
// the instance's currency.
func (r *Report) metricChart(title, subtitle string, value func(*Row) (float64, bool),
	label func(row *Row, v float64) string, target func(InstanceInfo) (float64, string)) *figure {
	fg := &figure{title: title, subtitle: subtitle}
	for _, in := range r.Instances {
		ylabel := r.currencyOf(in)
		tgt := math.NaN()
		if target != nil {
			tgt, ylabel = target(in)
		}
		p := newPanel(in.Name, ylabel)
		r.methodAxis(p)
		if !math.IsNaN(tgt) && tgt > 0 {
			// Drawn first, so bars above the target hide it.
			targetLine(p, tgt, len(r.Methods))
		}
		for i, m := range r.Methods {
			row := r.Row(in.Name, m)
			if row == nil {
				continue
			}
			v, ok := value(row)
			if !ok {
				valueLabel(p, float64(i), 0, "no plan")
				continue
			}
			bar(p, float64(i), v, methodColor[m], label(row, v))
		}
		fg.panels = append(fg.panels, p)
	}
	return fg
}

func numLabel(_ *Row, v float64) string { return shortNum(v) }

func pctLabel(_ *Row, v float64) string {
	if v > 0 && v < 10 {
		return fmt.Sprintf("%.1f%%", v)
	}
	return fmt.Sprintf("%.0f%%", v)
}

// wasteChart stacks info cost and dissipation per method.
func (r *Report) wasteChart() *figure {
	fg := &figure{
		title:    "Money lost to duplication and internal competition (lower is better)",
		subtitle: "info cost: market studies paid once per market by the cluster, once per firm and market by firms alone; dissipation: cluster projects crowding one segment of one market",
		legend:   []legendEntry{{"info cost (market studies)", infoColor}, {"dissipation (internal competition)", dissipColor}},
	}
	for _, in := range r.Instances {
		p := newPanel(in.Name, r.currencyOf(in))
		r.methodAxis(p)
		for i, m := range r.Methods {
			row := r.Row(in.Name, m)
			if row == nil || row.Metrics == nil {
				valueLabel(p, float64(i), 0, "no plan")
				continue
			}
			info, _ := plotter.NewBarChart(plotter.Values{row.Metrics.InfoCost}, vg.Points(1))
			info.XMin, info.Color = float64(i), infoColor
			info.LineStyle.Color, info.LineStyle.Width = color.Gray{0x55}, vg.Points(0.5)
			dis, _ := plotter.NewBarChart(plotter.Values{row.Metrics.Dissipation}, vg.Points(1))
			dis.StackOn(info)
			dis.Color = dissipColor
			dis.LineStyle.Color, dis.LineStyle.Width = color.Gray{0x55}, vg.Points(0.5)
			p.Add(&scaledBar{info}, &scaledBar{dis})
			total := row.Metrics.InfoCost + row.Metrics.Dissipation
			valueLabel(p, float64(i), total, shortNum(total))
		}
		fg.panels = append(fg.panels, p)
	}
	return fg
}

// gainChart: one panel, instances on the x axis, one bar per baseline: how
// much lower the cluster's Z is, in % of |Z_baseline|, labelled with the
// amount.
func (r *Report) gainChart() *figure {
	var baselines []string
	for _, m := range r.Methods {
		if m != model.MethodCluster && m != MethodClusterFair {
			baselines = append(baselines, m)
		}
	}
	cur := r.currency()
	if cur == "" {
		cur = "money"
	}
	fg := &figure{
		title:    "What coordination is worth: the share of the cluster plan's net value −Z that firms investing alone forgo",
		subtitle: fmt.Sprintf("bar: (Z_baseline − Z_cluster) / |Z_cluster|, in %%; label: the same gain in %s; higher = coordination is worth more", cur),
		cols:     1,
		w:        max(panelW*1.6, vg.Length(len(r.Instances))*1.15*vg.Inch+1*vg.Inch),
	}
	p := newPanel("", "% of the cluster plan's −Z")
	names := make([]string, len(r.Instances))
	for i, in := range r.Instances {
		names[i] = in.Name
	}
	p.NominalX(names...)
	if len(names) > 4 {
		p.X.Tick.Label.Rotation = math.Pi / 7
		p.X.Tick.Label.XAlign = draw.XRight
		p.X.Tick.Label.YAlign = draw.YTop
	}
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	w := barW / float64(max(1, len(baselines)))
	for j, m := range baselines {
		var legendBar *plotter.BarChart
		for i, in := range r.Instances {
			var g *Gain
			for k := range r.Coordination {
				if r.Coordination[k].Instance == in.Name && r.Coordination[k].Baseline == m {
					g = &r.Coordination[k]
				}
			}
			x := float64(i) + (float64(j)-float64(len(baselines)-1)/2)*w
			if g == nil {
				valueLabel(p, x, 0, "no plan")
				continue
			}
			b, _ := plotter.NewBarChart(plotter.Values{g.ObjectiveGainPct}, vg.Points(1))
			b.XMin, b.Color = x, methodColor[m]
			b.LineStyle.Color, b.LineStyle.Width = color.Gray{0x55}, vg.Points(0.5)
			p.Add(&narrowBar{scaledBar{b}, w})
			valueLabel(p, x, g.ObjectiveGainPct, signed(g.ObjectiveGain))
			legendBar = b
		}
		if legendBar != nil {
			fg.legend = append(fg.legend, legendEntry{"against " + methodLabel(m), methodColor[m]})
		}
	}
	fg.panels = []*plot.Plot{p}
	return fg
}

// narrowBar is a scaledBar of width w x-axis units.
type narrowBar struct {
	scaledBar
	w float64
}

func (s *narrowBar) Plot(c draw.Canvas, p *plot.Plot) {
	trX, _ := p.Transforms(&c)
	s.Width = trX(s.XMin+s.w/2) - trX(s.XMin-s.w/2)
	s.BarChart.Plot(c, p)
}

// lossChart draws the cluster's realised loss per method as a box from P5
// to P95 with a line at the median.
func (r *Report) lossChart() *figure {
	fg := &figure{
		title: fmt.Sprintf("Stress test: the cluster's total realised loss over %d drawn years", r.Stress.Draws),
		subtitle: fmt.Sprintf("%s losses; box: 5th to 95th percentile, black line: median (P50); a plan that invests more has more at stake",
			r.Stress.LossModel),
	}
	for _, in := range r.Instances {
		p := newPanel(in.Name, r.currencyOf(in))
		r.methodAxis(p)
		rg := &ranges{}
		for i, m := range r.Methods {
			row := r.Row(in.Name, m)
			if row == nil || row.Stress == nil {
				valueLabel(p, float64(i), 0, "no plan")
				continue
			}
			s := row.Stress
			rg.x = append(rg.x, float64(i))
			rg.lo = append(rg.lo, s.LossP5)
			rg.mid = append(rg.mid, s.LossP50)
			rg.hi = append(rg.hi, s.LossP95)
			rg.c = append(rg.c, methodColor[m])
			valueLabel(p, float64(i), s.LossP95, shortNum(s.LossP95))
		}
		p.Add(rg)
		p.Y.Min = 0
		fg.panels = append(fg.panels, p)
	}
	return fg
}

// ranges draws boxes from lo to hi with a line at mid.
type ranges struct {
	x, lo, mid, hi []float64
	c              []color.Color
}

func (rg *ranges) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	for i := range rg.x {
		x0, x1 := trX(rg.x[i]-barW/2), trX(rg.x[i]+barW/2)
		y0, y1 := trY(rg.lo[i]), trY(rg.hi[i])
		if y1-y0 < vg.Points(1.5) {
			y1 = y0 + vg.Points(1.5)
		}
		pts := []vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}
		c.FillPolygon(rg.c[i], c.ClipPolygonY(pts))
		outline := draw.LineStyle{Color: color.Gray{0x55}, Width: vg.Points(0.5)}
		c.StrokeLines(outline, c.ClipLinesY(append(pts, pts[0]))...)
		ym := trY(rg.mid[i])
		c.StrokeLine2(draw.LineStyle{Color: color.Black, Width: vg.Points(2.5)}, x0, ym, x1, ym)
	}
}

func (rg *ranges) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax, ymin, ymax = math.Inf(1), math.Inf(-1), 0, math.Inf(-1)
	for i := range rg.x {
		xmin, xmax = math.Min(xmin, rg.x[i]), math.Max(xmax, rg.x[i])
		ymin, ymax = math.Min(ymin, rg.lo[i]), math.Max(ymax, rg.hi[i])
	}
	if len(rg.x) == 0 {
		return 0, 0, 0, 1
	}
	if ymax <= ymin {
		ymax = ymin + 1
	}
	return
}

// shortNum formats a chart label: no decimals from 100 up, one below.
func shortNum(x float64) string {
	if math.Abs(x) >= 100 {
		return fmt.Sprintf("%.0f", x)
	}
	s := fmt.Sprintf("%.1f", x)
	if s == "-0.0" {
		s = "0.0"
	}
	return s
}

func signed(x float64) string {
	s := shortNum(x)
	if x > 0 {
		s = "+" + s
	}
	return s
}

// cleanTicks are gonum's default ticks with labels written with no more
// decimals than the step between major ticks needs ("50", not "50.00").
type cleanTicks struct{}

func (cleanTicks) Ticks(lo, hi float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(lo, hi)
	var major []float64
	for _, t := range ticks {
		if t.Label != "" {
			major = append(major, t.Value)
		}
	}
	step := math.Inf(1)
	for i := 1; i < len(major); i++ {
		step = math.Min(step, major[i]-major[i-1])
	}
	dec := 0
	if step > 0 && !math.IsInf(step, 1) {
		dec = max(0, int(math.Ceil(-math.Log10(step)-1e-9)))
	}
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = strconv.FormatFloat(ticks[i].Value, 'f', dec, 64)
			if ticks[i].Label == "-0" {
				ticks[i].Label = "0"
			}
		}
	}
	return ticks
}

// Colours of the fairness chart's bars (ColorBrewer Set2).
var (
	priceZColor    = color.RGBA{0xe7, 0x29, 0x8a, 0xff}
	priceWColor    = color.RGBA{0xfc, 0x8d, 0x62, 0xff}
	transfersColor = color.RGBA{0x8d, 0xa0, 0xcb, 0xff}
)

// fairnessChart: one panel per instance, three bars: the price of
// fairness in Z and in money W, and the transfers the plain cluster plan
// needs; the panel title counts the plain plan's firms below their outside
// option.
func (r *Report) fairnessChart() *figure {
	fg := &figure{
		title: "What fairness costs: no firm below its outside option without transfers (cluster-fair) against the plain cluster plan",
		subtitle: "price in Z = Z_fair − Z_cluster; money given up = W_cluster − W_fair; transfers: paid under the plain plan's sharing rule, which lifts the firms below their " +
			"outside option; * = not proven optimal",
		legend: []legendEntry{{"price of fairness in Z", priceZColor}, {"money value W given up", priceWColor}, {"transfers the plain plan's sharing rule pays", transfersColor}},
	}
	for _, fa := range r.Fairness {
		in := r.instance(fa.Instance)
		title := fmt.Sprintf("%s: %d firm%s below (plain)", fa.Instance, fa.FirmsBelow, plural(fa.FirmsBelow))
		p := newPanel(title, r.currencyOf(in))
		p.NominalX("price Z", "W given up", "transfers")
		p.X.Min, p.X.Max = -0.6, 2.6
		if fa.PriceZ == nil {
			valueLabel(p, 0, 0, fa.Status)
			valueLabel(p, 1, 0, fa.Status)
		}
		vals := []struct {
			v  *float64
			c  color.Color
			ok bool
		}{{fa.PriceZ, priceZColor, fa.PriceZ != nil}, {fa.PriceW, priceWColor, fa.PriceW != nil}, {&fa.Transfers, transfersColor, true}}
		for i, v := range vals {
			if !v.ok {
				continue
			}
			b, _ := plotter.NewBarChart(plotter.Values{*v.v}, vg.Points(1))
			b.XMin, b.Color = float64(i), v.c
			b.LineStyle.Color, b.LineStyle.Width = color.Gray{0x55}, vg.Points(0.5)
			p.Add(&scaledBar{b})
			label := shortNum(*v.v)
			if i < 2 && !fa.Proven {
				label += "*"
			}
			valueLabel(p, float64(i), *v.v, label)
		}
		fg.panels = append(fg.panels, p)
	}
	return fg
}

// instance returns the info of the named instance (zero when unknown).
func (r *Report) instance(name string) InstanceInfo {
	for _, in := range r.Instances {
		if in.Name == name {
			return in
		}
	}
	return InstanceInfo{Name: name}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
