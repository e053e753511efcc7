package cluster

import "time"

// budget is the time budget of one solve: the limit counts from start
// (building and validation included).
type budget struct {
	start time.Time
	limit time.Duration // zero: no limit
}

// at returns the moment share of the limit has passed since the start
// (zero without a limit).
func (b budget) at(share float64) time.Time {
	if b.limit <= 0 {
		return time.Time{}
	}
	return b.start.Add(time.Duration(float64(b.limit) * share))
}

// ofLeft returns the moment share of the time left from now has passed
// (zero without a limit).
func (b budget) ofLeft(share float64) time.Time {
	if b.limit <= 0 {
		return time.Time{}
	}
	now := time.Now()
	return now.Add(time.Duration(float64(b.start.Add(b.limit).Sub(now)) * share))
}

// left returns the time left, at least 1 ms (zero without a limit, which
// GLPK reads as none).
func (b budget) left() time.Duration {
	if b.limit <= 0 {
		return 0
	}
	return max(time.Millisecond, b.limit-time.Since(b.start))
}

// fromNow returns the moment share of the limit from now has passed (zero
// without a limit).
func (b budget) fromNow(share float64) time.Time {
	if b.limit <= 0 {
		return time.Time{}
	}
	return time.Now().Add(b.share(share))
}

// share returns share of the limit (zero without a limit).
func (b budget) share(share float64) time.Duration {
	return time.Duration(float64(b.limit) * share)
}
