package glpk

// Support returns the columns where x is not zero: the Params.LPSupport
// that warm-starts an LP relaxation from the plan x. It returns nil (a
// cold start) for a nil x.
func Support(x []float64) []bool {
	if x == nil {
		return nil
	}
	s := make([]bool, len(x))
	for j, v := range x {
		s[j] = v != 0
	}
	return s
}
