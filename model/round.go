package model

import (
	"math"
	"strconv"
)

// PlanDigits is the number of significant digits plan output keeps: enough
// for any money or stake the model handles (the checker's tolerance is
// 1e-6), few enough that 0.049999999999999996 prints as 0.05.
const PlanDigits = 12

// Round returns x rounded to PlanDigits significant digits; NaN and ±Inf
// are returned unchanged.
func Round(x float64) float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	r, err := strconv.ParseFloat(strconv.FormatFloat(x, 'g', PlanDigits, 64), 64)
	if err != nil {
		return x
	}
	return r
}

// Round rounds every stake and credit amount of a to PlanDigits
// significant digits, as plan output prints them, so that a plan and its
// metrics are computed from the numbers a reader sees.
func (a *Assignment) Round() {
	for i := range a.Projects {
		for j := range a.Projects[i].Participants {
			s := &a.Projects[i].Participants[j]
			s.Stake = Round(s.Stake)
		}
	}
	for i := range a.Credit {
		a.Credit[i].Amount = Round(a.Credit[i].Amount)
	}
}
