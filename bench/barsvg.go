package bench

import (
	"bytes"
	"image/color"

	"github.com/ofdi/ofdi/model"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
)

// Bar is one bar of BarsSVG.
type Bar struct {
	Label string
	Value float64
	// Color of the bar; nil means the cluster method's colour.
	Color color.Color
}

// MethodColor is the colour the charts give a method (nil for unknown).
func MethodColor(method string) color.Color { return methodColor[method] }

// BarsSVG draws one panel of labelled bars, titled, in the style of the
// bench charts, as an SVG document without its XML prolog, so that a page
// can inline it. The fonts are named, not embedded (the reader's system
// fonts draw them). width is the figure's width (0: one panel's width).
func BarsSVG(title, subtitle, ylabel string, bars []Bar, width vg.Length) ([]byte, error) {
	p := newPanel("", ylabel)
	labels := make([]string, len(bars))
	for i, b := range bars {
		labels[i] = b.Label
		c := b.Color
		if c == nil {
			c = methodColor[model.MethodCluster]
		}
		bar(p, float64(i), b.Value, c, shortNum(b.Value))
	}
	p.NominalX(labels...)
	p.X.Min, p.X.Max = -0.6, float64(len(bars))-0.4
	if width == 0 {
		width = panelW
	}
	fg := &figure{title: title, subtitle: subtitle, panels: []*plot.Plot{p}, cols: 1, w: width}
	return fg.inlineSVG()
}

// inlineSVG renders the figure as SVG to inline in a page: the <svg>
// element, without the XML declaration before it.
func (fg *figure) inlineSVG() ([]byte, error) {
	svg, err := fg.render("svg")
	if err != nil {
		return nil, err
	}
	if i := bytes.Index(svg, []byte("<svg")); i > 0 {
		svg = svg[i:]
	}
	return svg, nil
}
