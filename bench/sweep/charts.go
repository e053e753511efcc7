package sweep

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model/report"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// palette colours the methods in flag order (ColorBrewer Dark2, as the
// bench charts: cluster green, independent orange, policy_push purple).
var palette = []color.Color{
	color.RGBA{0x1b, 0x9e, 0x77, 0xff}, color.RGBA{0xd9, 0x5f, 0x02, 0xff}, color.RGBA{0x75, 0x70, 0xb3, 0xff},
	color.RGBA{0xe7, 0x29, 0x8a, 0xff}, color.RGBA{0x66, 0xa6, 0x1e, 0xff}, color.RGBA{0xe6, 0xab, 0x02, 0xff},
}

// dashes tell the instances apart.
var dashes = [][]vg.Length{nil, {vg.Points(6), vg.Points(3)}, {vg.Points(2), vg.Points(2)}, {vg.Points(8), vg.Points(3), vg.Points(2), vg.Points(3)}}

// WriteCharts draws every metric (and the objective Z) against every
// numeric setting, one line per method (and instance), as
// <metric>--<setting>.png and .svg in dir. Where the grid has other
// settings, each point is the mean over them; a boolean metric is drawn
// as the share of cells where it holds.
func (m *Merged) WriteCharts(dir string) ([]string, error) {
	rows, err := m.Rows()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	metrics := append([]string{"objective"}, metricColumns(rows)...) // objective is Z
	values := make([]map[string]float64, len(rows))                  // row → metric → value
	for i, r := range rows {
		values[i] = map[string]float64{}
		if r.Z != nil {
			values[i]["objective"] = *r.Z
		}
		for _, f := range r.flat {
			if y, ok := number(f.value); ok {
				values[i][f.name] = y
			}
		}
	}
	var written []string
	for si, s := range m.Manifest.Settings {
		xs, ok := numbers(s.Values)
		if !ok {
			continue // a setting with non-numeric values has no x axis
		}
		for _, metric := range metrics {
			p, ok := m.chart(rows, values, si, xs, metric)
			if !ok {
				continue
			}
			name := sanitize(metric) + "--" + sanitize(s.Path)
			for _, format := range []string{"png", "svg"} {
				w, err := p.WriterTo(7*vg.Inch, 4.5*vg.Inch, format)
				if err != nil {
					return written, err
				}
				var b bytes.Buffer
				if _, err := w.WriteTo(&b); err != nil {
					return written, err
				}
				path := filepath.Join(dir, name+"."+format)
				if err := report.WriteFile(path, b.Bytes()); err != nil {
					return written, err
				}
				written = append(written, path)
			}
		}
	}
	return written, nil
}

// chart draws one metric against setting si; false when no row has it.
func (m *Merged) chart(rows []Row, values []map[string]float64, si int, xs []float64, metric string) (*plot.Plot, bool) {
	s := m.Manifest.Settings[si]
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s against %s", metric, s.Path)
	if len(m.Manifest.Settings) > 1 {
		p.Title.Text += " (mean over the other settings)"
	}
	p.X.Label.Text = s.Path
	p.Y.Label.Text = metric
	p.Legend.Top = true
	p.Add(plotter.NewGrid())
	any := false
	for ii, in := range m.Manifest.Instances {
		for mi, method := range m.Manifest.Flags.Methods {
			sum := make([]float64, len(xs))
			cnt := make([]int, len(xs))
			for i, r := range rows {
				if r.Instance != in.Name || r.Method != method {
					continue
				}
				y, ok := values[i][metric]
				if !ok {
					continue
				}
				v := valueIndex(s, r.Settings[si].Value)
				if v < 0 {
					continue
				}
				sum[v] += y
				cnt[v]++
			}
			var pts plotter.XYs
			for v := range xs {
				if cnt[v] > 0 {
					pts = append(pts, plotter.XY{X: xs[v], Y: sum[v] / float64(cnt[v])})
				}
			}
			if len(pts) == 0 {
				continue
			}
			any = true
			line, points, err := plotter.NewLinePoints(pts)
			if err != nil {
				continue
			}
			c := palette[mi%len(palette)]
			line.Color, points.Color = c, c
			line.Dashes = dashes[ii%len(dashes)]
			points.Shape = draw.CircleGlyph{}
			p.Add(line, points)
			label := method
			if len(m.Manifest.Instances) > 1 {
				label += " (" + in.Name + ")"
			}
			p.Legend.Add(label, line, points)
		}
	}
	if any {
		// Room above the lines for the legend.
		span := p.Y.Max - p.Y.Min
		if span <= 0 {
			span = max(1, 0.1*abs(p.Y.Max))
		}
		p.Y.Max += 0.3 * span
		p.Y.Min -= 0.05 * span
	}
	return p, any
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

func valueIndex(s Setting, v json.RawMessage) int {
	for i, x := range s.Values {
		if bytes.Equal(x, v) {
			return i
		}
	}
	return -1
}

// number reads a JSON number or boolean (true = 1).
func number(v json.RawMessage) (float64, bool) {
	switch string(v) {
	case "true":
		return 1, true
	case "false":
		return 0, true
	}
	x, err := strconv.ParseFloat(string(v), 64)
	return x, err == nil
}

func numbers(vs []json.RawMessage) ([]float64, bool) {
	out := make([]float64, len(vs))
	for i, v := range vs {
		x, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}

// sanitize makes a metric or path usable in a file name.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			return r
		}
		return '_'
	}, s)
}
