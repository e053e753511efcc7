package cluster

import "slices"

// coalitionPool keeps the relaxation's coalitions at the last size best
// multipliers of a Lagrangian ascent. Consecutive best multipliers late
// in the ascent are all good, and their coalitions differ in the firms a
// plan may need: their union, per opportunity, names the pairs that
// better plans mostly use.
type coalitionPool struct {
	size   int
	recent [][][]int
}

// add keeps members (one coalition per opportunity, as
// LagrangianResult.coalitions gives them; nil: no change), dropping the
// oldest beyond size. members is kept, not copied: its slices must not
// change afterwards.
func (c *coalitionPool) add(members [][]int) {
	if members == nil {
		return
	}
	c.recent = append(c.recent, members)
	if len(c.recent) > c.size {
		c.recent = c.recent[1:]
	}
}

// union returns, per opportunity, every firm of the kept coalitions, in
// the order first seen (nil when none is kept).
func (c *coalitionPool) union() [][]int {
	if len(c.recent) == 0 {
		return nil
	}
	merged := make([][]int, len(c.recent[len(c.recent)-1]))
	for _, g := range c.recent {
		for p := range merged {
			if p >= len(g) {
				continue
			}
			for _, f := range g[p] {
				if !slices.Contains(merged[p], f) {
					merged[p] = append(merged[p], f)
				}
			}
		}
	}
	return merged
}
