//go:build linux

package main

import (
	"os"
	"syscall"
)

// peakMiB is the peak resident memory of an exited process, from
// getrusage's ru_maxrss (KiB on Linux); 0 when unknown.
func peakMiB(ps *os.ProcessState) float64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok && ru != nil {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}
