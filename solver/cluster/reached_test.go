package cluster

import (
	"fmt"
	"testing"
)

func TestReachedSnapsRoundingNoise(t *testing.T) {
	for _, tc := range []struct {
		objective float64
		want      string
	}{
		{-6.16298e-33, "0"},
		{0, "0"},
		{-1.9999999999999, "2"},
		{-2.5, "2.5"},
		{-6.2, "6.2"},
		{3e-12, "0"},
		{-1234.0000000001, "1234"},
	} {
		if got := fmt.Sprintf("%.6g", reached(tc.objective)); got != tc.want {
			t.Errorf("reached(%g) prints %s, want %s", tc.objective, got, tc.want)
		}
	}
}
