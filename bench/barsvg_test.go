package bench

import (
	"bytes"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// TestBarsSVG: an inlinable SVG (starts with <svg, no XML prolog), one
// rect per bar and every label drawn, no external reference.
func TestBarsSVG(t *testing.T) {
	svg, err := BarsSVG("Title", "sub", "money", []Bar{{Label: "alpha", Value: 3}, {Label: "beta", Value: -2}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("SVG starts with %q", svg[:min(40, len(svg))])
	}
	for _, want := range []string{"alpha", "beta", "Title", "money"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	for _, bad := range []string{"http://", "https://", "url(", "@font-face", "xlink:href=\"data"} {
		if bytes.Contains(bytes.ReplaceAll(svg, []byte("http://www.w3.org/"), nil), []byte(bad)) {
			t.Errorf("SVG contains %q", bad)
		}
	}
}

// TestStagesSVG: an inlinable SVG with one dashed and one solid line per
// plan with stages, each in its method's colour, the legend naming them,
// no external reference; an error without any stages.
func TestStagesSVG(t *testing.T) {
	st := []model.StageCount{{Period: 1, Pre: 3, Early: 2, Experienced: 0}, {Period: 2, Pre: 1, Early: 3, Experienced: 1}}
	plans := []*model.Plan{{Method: model.MethodCluster, Stages: st}, {Method: model.MethodIndependent, Stages: st[:1]}, {Method: model.MethodPolicyPush}}
	svg, err := StagesSVG("inst", plans, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("SVG starts with %q", svg[:min(40, len(svg))])
	}
	for _, want := range []string{"inst", "cluster", "independent", "period", "Uppsala"} {
		if !bytes.Contains(svg, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if bytes.Contains(svg, []byte("policy push")) {
		t.Error("a plan without stages is in the legend")
	}
	if n := bytes.Count(svg, []byte("stroke-dasharray")); n != 2 {
		t.Errorf("%d dashed lines, want one per plan with stages", n)
	}
	if bytes.Contains(bytes.ReplaceAll(svg, []byte("http://www.w3.org/"), nil), []byte("http")) {
		t.Error("SVG refers to something outside")
	}
	if _, err := StagesSVG("inst", plans[2:], 0); err == nil {
		t.Error("no stages: no error")
	}
}
