//go:build !linux

package cluster

// lowerPriority does nothing outside Linux: the LP bound's thread then
// competes with the others as an equal.
func lowerPriority() {}
