package bench

import (
	"bytes"
	"testing"
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
