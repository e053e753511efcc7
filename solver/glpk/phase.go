package glpk

/*
#include "bridge.h"
*/
import "C"

import "time"

// phaseEvent is one branch-and-cut callback as the phase clock sees it:
// its reason (GLP_IROWGEN … GLP_IPREPRO), and when it was called and
// returned, in seconds.
type phaseEvent struct {
	reason           int
	called, returned float64
}

// phaseEstimate replays events through the bridge's phase clock, after a
// root LP of rootLP seconds, and returns its estimate of how long GLPK
// runs after a callback of reason returns: the stretch the search does
// not start when it would end past the time limit. It exists for the
// tests.
func phaseEstimate(rootLP float64, events []phaseEvent, reason int) time.Duration {
	var j job
	defer j.free()
	j.c = (*C.ofdi_job)(j.alloc(int(C.sizeof_ofdi_job)))
	j.c.root_lp_time = C.double(rootLP)
	for _, e := range events {
		C.ofdi_phase_call(j.c, C.int(e.reason), C.double(e.called))
		C.ofdi_phase_return(j.c, C.double(e.returned))
	}
	return time.Duration(float64(C.ofdi_phase_next(j.c, C.int(reason))) * float64(time.Second))
}
