package glpk

/*
#include "bridge.h"
*/
import "C"

import (
	"context"

	"github.com/ofdi/ofdi/solver/mip"
)

// forceError builds p in GLPK, then calls glp_set_col_bnds with column
// number 0, which GLPK treats as a fatal error, all under the same guard
// as a solve. Tests use it to check that GLPK errors come back as errors.
func forceError(p *mip.Problem) error {
	j := newJob(p, C.OFDI_OP_FORCE_ERROR, false)
	defer j.free()
	j.run(context.Background())
	return runError(j.c)
}
