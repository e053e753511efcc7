package cluster

import "syscall"

// lowerPriority gives the calling OS thread the lowest scheduling priority
// (nice 19), so that it runs only when the other threads leave a core
// idle. Best effort: an error leaves the priority as it was.
func lowerPriority() {
	_ = syscall.Setpriority(syscall.PRIO_PROCESS, syscall.Gettid(), 19)
}
