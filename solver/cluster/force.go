package cluster

import (
	"errors"
	"fmt"

	"github.com/ofdi/ofdi/solver/mip"
)

// ErrForceLarge is returned by Solve when opportunities are forced into a
// model too large for GLPK (see MaxGLPKRows): the greedy of solveLarge
// cannot honour the fixing.
var ErrForceLarge = errors.New("cluster: forcing opportunities in needs the MIP (model above MaxGLPKRows)")

// Force fixes y_p = 1 for every opportunity index in ps, through y_p's
// column bounds (an integer column with bounds [1, 1]), and makes the
// heuristics take those opportunities first and never drop them. It
// returns the reasons why some of them can never be undertaken (y_p has
// no column: no coalition can fund p), or nil; the model with such a
// fixing is infeasible. fm must have its MIP (Build, not BuildStructure).
func (fm *Formulation) Force(ps []int) []string {
	var why []string
	if fm.forced == nil {
		fm.forced = make([]bool, len(fm.Y))
	}
	for _, p := range ps {
		id := fm.D.Inst.Opportunities[p].ID
		if fm.Y[p] == none {
			why = append(why, fmt.Sprintf("%s cannot be forced in: no coalition can fund it (%s)", id, fm.Reason[p]))
			continue
		}
		if fm.forced[p] {
			continue
		}
		fm.forced[p] = true
		fm.Forced = append(fm.Forced, p)
		c := &fm.Prob.Cols[fm.Y[p]]
		c.Kind, c.Lo, c.Hi = mip.Integer, 1, 1
	}
	return why
}

// isForced reports whether opportunity p is forced in (see Force).
func (fm *Formulation) isForced(p int) bool {
	return fm.forced != nil && fm.forced[p]
}
