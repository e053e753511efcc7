package report

import "testing"

func TestRoundNumbers(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{`{"stake": 0.049999999999999996}`, `{"stake": 0.05}`},
		{`{"u": 1.000000000001, "c": 13.888888453015682}`, `{"u": 1, "c": 13.888888453}`},
		{`{"nodes": 376, "big": 12345678901234567}`, `{"nodes": 376, "big": 12345678901234567}`},
		{`{"id": "p0.049999999999999996", "esc": "a\"1.0000000000001"}`, `{"id": "p0.049999999999999996", "esc": "a\"1.0000000000001"}`},
		{`[-0.30000000000000004, 1e-07, 2.5E+3]`, `[-0.3, 1e-07, 2500]`},
	} {
		if got := string(roundNumbers([]byte(tc.in))); got != tc.want {
			t.Errorf("roundNumbers(%s) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

func TestGapPercent(t *testing.T) {
	for _, tc := range []struct {
		gap  float64
		want string
	}{
		{1.374e-16, "0%"},
		{-3e-15, "0%"},
		{0, "0%"},
		{2e-11, "2e-09%"},
		{0.006831, "0.6831%"},
		{0.0123456, "1.235%"},
	} {
		if got := gapPercent(tc.gap); got != tc.want {
			t.Errorf("gapPercent(%g) = %q, want %q", tc.gap, got, tc.want)
		}
	}
}

func TestPadAndClipCountColumns(t *testing.T) {
	for _, tc := range []struct {
		s       string
		n       int
		pad     string
		clipped string
	}{
		{"p1", 5, "p1   ", "p1"},
		{"德国", 6, "德国  ", "德国"},
		{"江苏电子集团有限公司", 8, "江苏电子集团有限公司", "江苏电~"},
		{"Taizhou Sensor", 8, "Taizhou Sensor", "Taizhou~"},
		{"ｆ１", 5, "ｆ１ ", "ｆ１"},
	} {
		if got := pad(tc.s, tc.n); got != tc.pad {
			t.Errorf("pad(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.pad)
		}
		if got := clip(tc.s, tc.n); got != tc.clipped {
			t.Errorf("clip(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.clipped)
		}
		if w := Width(clip(tc.s, tc.n)); w > tc.n {
			t.Errorf("clip(%q, %d) takes %d columns", tc.s, tc.n, w)
		}
	}
}
