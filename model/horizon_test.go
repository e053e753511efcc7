package model_test

import (
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
)

func TestParseHorizon(t *testing.T) {
	in, err := model.Parse([]byte(edit(`"name": "mini"`, `"name": "mini", "horizon": {"periods": 3, "discount": 0.9,
		"capital_release": 0.5, "learning": {"by_doing": 0.1, "with_pioneer": 0.2, "spillover": 0.25}, "experienced_at": 0.7}`,
		`"knowledge_required"`, `"periods": [1, 3], "knowledge_required"`)))
	if err != nil {
		t.Fatal(err)
	}
	if err := model.ValidateErr(in); err != nil {
		t.Fatal(err)
	}
	h := in.Horizon
	gD, gP, phi := h.Gains()
	if in.Periods() != 3 || !in.MultiPeriod() || h.DiscountOr() != 0.9 || h.CapitalReleaseOr() != 0.5 ||
		gD != 0.1 || gP != 0.2 || phi != 0.25 || h.ExperiencedAtOr() != 0.7 {
		t.Errorf("decoded %+v, gains %g %g %g", h, gD, gP, phi)
	}
	o := &in.Opportunities[0]
	if !o.OpenIn(1) || o.OpenIn(2) || !o.OpenIn(3) {
		t.Errorf("periods %v: OpenIn wrong", o.Periods)
	}
	if r := h.Release(1); r != 0.5 {
		t.Errorf("Release(1) = %g, want 0.5", r)
	}
	if r := h.Release(3); r != 1 {
		t.Errorf("Release(3) = %g, want 1 (capped)", r)
	}
	if w := h.DiscountAt(3); math.Abs(w-0.81) > 1e-12 {
		t.Errorf("DiscountAt(3) = %g, want 0.81", w)
	}
}

func TestHorizonDefaults(t *testing.T) {
	var none *model.Horizon
	h := &model.Horizon{Periods: 4}
	for _, x := range []*model.Horizon{none, h} {
		gD, gP, phi := x.Gains()
		if x.DiscountOr() != 1 || x.CapitalReleaseOr() != 1 || x.ExperiencedAtOr() != 0.6 ||
			gD != 0.05 || gP != 0.15 || phi != 0.3 {
			t.Errorf("defaults of %+v wrong", x)
		}
	}
	if none.T() != 1 || h.T() != 4 {
		t.Errorf("T: %d %d", none.T(), h.T())
	}
	var o model.Opportunity
	if !o.OpenIn(1) || !o.OpenIn(20) {
		t.Error("an opportunity without periods must be open in every period")
	}
	in := baseInstance()
	if in.MultiPeriod() || in.Periods() != 1 {
		t.Error("an instance without horizon is one-period")
	}
}

func TestValidateHorizon(t *testing.T) {
	withHorizon := func(h model.Horizon) func(*model.Instance) {
		return func(in *model.Instance) { in.Horizon = &h }
	}
	tests := []struct {
		name   string
		mutate func(*model.Instance)
		want   []string
	}{
		{"valid", withHorizon(model.Horizon{Periods: 20, Discount: fp(1), CapitalRelease: fp(1), ExperiencedAt: fp(0),
			Learning: &model.Learning{ByDoing: fp(0), WithPioneer: fp(1), Spillover: fp(1)}}), nil},
		{"periods 0", withHorizon(model.Horizon{Periods: 0}), []string{"horizon.periods: must be an integer in 1..20, got 0"}},
		{"periods 21", withHorizon(model.Horizon{Periods: 21}), []string{"horizon.periods: must be an integer in 1..20, got 21"}},
		{"discount 0", withHorizon(model.Horizon{Periods: 2, Discount: fp(0)}), []string{"horizon.discount: must be in (0,1], got 0"}},
		{"discount above 1", withHorizon(model.Horizon{Periods: 2, Discount: fp(1.1)}), []string{"horizon.discount: must be in (0,1], got 1.1"}},
		{"discount NaN", withHorizon(model.Horizon{Periods: 2, Discount: fp(nan())}), []string{"horizon.discount: must be a finite number, got NaN"}},
		{"release 0", withHorizon(model.Horizon{Periods: 2, CapitalRelease: fp(0)}), []string{"horizon.capital_release: must be in (0,1], got 0"}},
		{"release 2", withHorizon(model.Horizon{Periods: 2, CapitalRelease: fp(2)}), []string{"horizon.capital_release: must be in (0,1], got 2"}},
		{"experienced_at", withHorizon(model.Horizon{Periods: 2, ExperiencedAt: fp(1.5)}), []string{"horizon.experienced_at: must be in [0,1], got 1.5"}},
		{"learning", withHorizon(model.Horizon{Periods: 2, Learning: &model.Learning{ByDoing: fp(-0.1), WithPioneer: fp(2), Spillover: fp(inf(1))}}),
			[]string{"horizon.learning.by_doing: must be in [0,1], got -0.1", "horizon.learning.with_pioneer: must be in [0,1], got 2",
				"horizon.learning.spillover: must be a finite number, got +Inf"}},
		{"periods without horizon", func(in *model.Instance) { in.Opportunities[1].Periods = []int{1} },
			[]string{`opportunities[1].periods: needs a "horizon" block (the periods are those of the horizon)`}},
		{"empty periods", func(in *model.Instance) {
			in.Horizon = &model.Horizon{Periods: 3}
			in.Opportunities[0].Periods = []int{}
		}, []string{"opportunities[0].periods: must list at least one period (omit it for every period)"}},
		{"period out of range and duplicate", func(in *model.Instance) {
			in.Horizon = &model.Horizon{Periods: 3}
			in.Opportunities[2].Periods = []int{0, 2, 4, 2}
		}, []string{"opportunities[2].periods[0]: must be a period in 1..3 (horizon.periods), got 0",
			"opportunities[2].periods[2]: must be a period in 1..3 (horizon.periods), got 4",
			"opportunities[2].periods[3]: duplicate period 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := baseInstance()
			tc.mutate(in)
			wantIssues(t, "Validate", model.Errors(model.Validate(in)), tc.want)
		})
	}
}
