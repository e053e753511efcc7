//go:build !linux

package main

import "os"

// peakMiB is 0 (unknown) outside Linux: ru_maxrss has other units there,
// and Windows has none.
func peakMiB(*os.ProcessState) float64 { return 0 }
