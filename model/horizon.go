package model

import (
	"fmt"
	"math"
)

// MaxPeriods is the largest number of periods a horizon may have.
const MaxPeriods = 20

// Horizon is the multi-period block of MODEL.md ("Multi-period plans"):
// the cluster plans over periods t = 1..Periods, and knowledge grows with
// experience. Optional fields whose default is not the zero value are
// pointers; the accessors apply the defaults.
type Horizon struct {
	// Periods T, an integer in 1..MaxPeriods (required).
	Periods int `json:"periods"`
	// Discount d ∈ (0,1] per period; nil means 1.
	Discount *float64 `json:"discount,omitempty"`
	// CapitalRelease r ∈ (0,1]: by period t a firm may have put in at most
	// min(1, r·t)·K_f plus its credit; nil means 1.
	CapitalRelease *float64 `json:"capital_release,omitempty"`
	// Learning holds the knowledge gains; nil means every default.
	Learning *Learning `json:"learning,omitempty"`
	// ExperiencedAt θ ∈ [0,1]: knowledge at which an SME counts as
	// experienced; nil means 0.6.
	ExperiencedAt *float64 `json:"experienced_at,omitempty"`
}

// Learning holds the knowledge gains of K1.
type Learning struct {
	// ByDoing g_D ∈ [0,1]: knowledge of m gained per participation in m;
	// nil means 0.05.
	ByDoing *float64 `json:"by_doing,omitempty"`
	// WithPioneer g_P ∈ [0,1]: extra gain per learning-reward
	// participation; nil means 0.15.
	WithPioneer *float64 `json:"with_pioneer,omitempty"`
	// Spillover φ ∈ [0,1]: share of a gain in m also gained in every other
	// market; nil means 0.3.
	Spillover *float64 `json:"spillover,omitempty"`
}

// The defaults of the horizon block.
const (
	DefaultDiscount       = 1.0
	DefaultCapitalRelease = 1.0
	DefaultByDoing        = 0.05
	DefaultWithPioneer    = 0.15
	DefaultSpillover      = 0.3
	DefaultExperiencedAt  = 0.6
)

// T returns the number of periods (1 for a nil horizon).
func (h *Horizon) T() int {
	if h == nil || h.Periods < 1 {
		return 1
	}
	return h.Periods
}

// DiscountOr returns d (default 1).
func (h *Horizon) DiscountOr() float64 {
	if h == nil {
		return DefaultDiscount
	}
	return orDefault(h.Discount, DefaultDiscount)
}

// CapitalReleaseOr returns r (default 1).
func (h *Horizon) CapitalReleaseOr() float64 {
	if h == nil {
		return DefaultCapitalRelease
	}
	return orDefault(h.CapitalRelease, DefaultCapitalRelease)
}

// ExperiencedAtOr returns θ (default 0.6).
func (h *Horizon) ExperiencedAtOr() float64 {
	if h == nil {
		return DefaultExperiencedAt
	}
	return orDefault(h.ExperiencedAt, DefaultExperiencedAt)
}

// Gains returns g_D, g_P and φ with their defaults applied.
func (h *Horizon) Gains() (byDoing, withPioneer, spillover float64) {
	var l Learning
	if h != nil && h.Learning != nil {
		l = *h.Learning
	}
	return orDefault(l.ByDoing, DefaultByDoing), orDefault(l.WithPioneer, DefaultWithPioneer),
		orDefault(l.Spillover, DefaultSpillover)
}

// Release returns min(1, r·t), the share of capital usable by period t.
func (h *Horizon) Release(t int) float64 {
	return math.Min(1, h.CapitalReleaseOr()*float64(t))
}

// DiscountAt returns d^(t−1), the weight of period t's terms in Z.
func (h *Horizon) DiscountAt(t int) float64 {
	return math.Pow(h.DiscountOr(), float64(t-1))
}

// Periods returns T, the number of periods of the instance (1 without a
// horizon block).
func (in *Instance) Periods() int { return in.Horizon.T() }

// MultiPeriod reports whether the instance has a horizon block: it is
// planned by the multi-period model, even with T = 1.
func (in *Instance) MultiPeriod() bool { return in.Horizon != nil }

// OpenIn reports whether opportunity o may start in period t (every
// period when its periods list is absent).
func (o *Opportunity) OpenIn(t int) bool {
	if len(o.Periods) == 0 {
		return true
	}
	for _, s := range o.Periods {
		if s == t {
			return true
		}
	}
	return false
}

// horizon validates the horizon block and every opportunity's periods.
func (v *validator) horizon() {
	in := v.inst
	h := in.Horizon
	if h == nil {
		for i, o := range in.Opportunities {
			if o.Periods != nil {
				v.l.errorf(fmt.Sprintf("opportunities[%d].periods", i), "needs a \"horizon\" block (the periods are those of the horizon)")
			}
		}
		return
	}
	if h.Periods < 1 || h.Periods > MaxPeriods {
		v.l.errorf("horizon.periods", "must be an integer in 1..%d, got %d", MaxPeriods, h.Periods)
	}
	if h.Discount != nil && v.finite("horizon.discount", *h.Discount) && (*h.Discount <= 0 || *h.Discount > 1) {
		v.l.errorf("horizon.discount", "must be in (0,1], got %g", *h.Discount)
	}
	if h.CapitalRelease != nil && v.finite("horizon.capital_release", *h.CapitalRelease) &&
		(*h.CapitalRelease <= 0 || *h.CapitalRelease > 1) {
		v.l.errorf("horizon.capital_release", "must be in (0,1], got %g", *h.CapitalRelease)
	}
	if h.ExperiencedAt != nil {
		v.unit("horizon.experienced_at", *h.ExperiencedAt)
	}
	if l := h.Learning; l != nil {
		for _, g := range []struct {
			name string
			x    *float64
		}{{"by_doing", l.ByDoing}, {"with_pioneer", l.WithPioneer}, {"spillover", l.Spillover}} {
			if g.x != nil {
				v.unit("horizon.learning."+g.name, *g.x)
			}
		}
	}
	for i, o := range in.Opportunities {
		p := fmt.Sprintf("opportunities[%d].periods", i)
		if o.Periods != nil && len(o.Periods) == 0 {
			v.l.errorf(p, "must list at least one period (omit it for every period)")
		}
		seen := map[int]bool{}
		for j, t := range o.Periods {
			tp := fmt.Sprintf("%s[%d]", p, j)
			switch {
			case t < 1 || (h.Periods >= 1 && t > h.Periods):
				v.l.errorf(tp, "must be a period in 1..%d (horizon.periods), got %d", h.T(), t)
			case seen[t]:
				v.l.errorf(tp, "duplicate period %d", t)
			}
			seen[t] = true
		}
	}
}
