// Package cluster writes the cluster co-investment MIP of MODEL.md as a
// neutral mip.Problem, builds starting plans for it, and decodes solver
// vectors back into plans.
//
// The formulation keeps MODEL.md's optimum exactly; the reformulations it
// applies (variables fixed by bounds, redundant rows dropped, tightened
// stake bounds) are each justified in docs/formulation.md.
package cluster
