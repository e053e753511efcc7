package gen

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func TestPeriods(t *testing.T) {
	for _, T := range []int{1, 2, 3, 7, 20} {
		base := Generate(Config{Firms: 20, Opportunities: 15, Markets: 4, Seed: 5})
		in := Generate(Config{Firms: 20, Opportunities: 15, Markets: 4, Seed: 5, Periods: T})
		if err := model.ValidateErr(in); err != nil {
			t.Fatalf("T=%d: %v", T, err)
		}
		h := in.Horizon
		if h == nil || h.Periods != T || h.DiscountOr() != HorizonDiscount || h.Release(T) != 1 {
			t.Fatalf("T=%d: horizon %+v", T, h)
		}
		late := 0
		for i := range in.Opportunities {
			ps := in.Opportunities[i].Periods
			if len(ps) > 0 {
				late++
				if ps[0] < 2 || ps[len(ps)-1] != T {
					t.Errorf("T=%d: window %v does not run from a later period to T", T, ps)
				}
			}
			in.Opportunities[i].Periods = nil
		}
		if T > 1 && late == 0 {
			t.Errorf("T=%d: no opportunity opens late", T)
		}
		// Apart from the horizon, windows and name, the instance is the
		// one-period one.
		in.Horizon, in.Name = nil, base.Name
		a, _ := json.Marshal(in)
		b, _ := json.Marshal(base)
		if string(a) != string(b) {
			t.Errorf("T=%d: the horizon changed other draws", T)
		}
	}
	if got := Generate(Config{Firms: 20, Opportunities: 15, Markets: 4, Seed: 5, Periods: 3}).Name; got != "gen-20x15x4-t3-s5" {
		t.Errorf("name %q", got)
	}
	for _, bad := range []int{-1, 21} {
		if _, err := Build(Config{Periods: bad}); !errors.Is(err, ErrPeriods) {
			t.Errorf("Periods %d: err %v, want ErrPeriods", bad, err)
		}
	}
}
