package bench

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model/report"
)

// TestTableAlignsWideNames: columns line up in terminal columns when a
// cell holds Chinese characters (two columns each).
func TestTableAlignsWideNames(t *testing.T) {
	tb := newTable("instance", "method", ">Z")
	tb.add("江苏电子", "cluster", "-1389.6")
	tb.add("tiny", "independent", "-70.0")
	var b bytes.Buffer
	tb.write(&b)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d lines:\n%s", len(lines), b.String())
	}
	want := -1
	for _, l := range lines {
		for _, m := range []string{"method", "cluster", "independent"} {
			if i := strings.Index(l, m); i >= 0 {
				col := report.Width(l[:i])
				if want >= 0 && col != want {
					t.Errorf("column 2 starts at terminal column %d in %q, want %d", col, l, want)
				}
				want = col
			}
		}
		if w := report.Width(l); w != report.Width(lines[0]) {
			t.Errorf("line %q is %d columns wide, the header %d", l, w, report.Width(lines[0]))
		}
	}
}
