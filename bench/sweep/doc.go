// Package sweep runs parameter sweeps: the Cartesian product of settings
// (JSON paths into the instance, each with a list of values) over one or
// more instances, each cell solved by every method, each cell's result in
// its own file, so that the cells can be shared out to the tasks of a
// Slurm array or a Kubernetes Indexed Job and merged afterwards.
//
// # The grid and its canonical order
//
// Cells are numbered from 0: instances in the order given, outermost; then
// the settings in the order given, the last one varying fastest (as nested
// loops). Cell k belongs to shard k mod N.
//
// # Cell files
//
// Cell k is written to DIR/cells/<key>.json, atomically, where key is the
// SHA-256 of the instance's canonical JSON digest, the cell's settings,
// the flags that change results and the ofdi version: a cell solved twice
// with the same inputs gets the same file name, and (for solves that end
// by their gap, not by their time limit) the same bytes apart from its
// "timings" field. Everything else in it is deterministic.
//
// # Warm starts
//
// With Flags.Warm, the cells of a shard that differ only in the last
// setting form a chain solved in order; each cluster solve starts from the
// previous cell's cluster plan when the checker (model/check) finds that
// plan feasible for the new cell. The chain depends on the shard count, so
// a cell with more than one optimal plan may report another of them under
// another sharding (same objective and bound, other stakes and partners).
// Without it (the default) every cell is solved from scratch, and a sharded
// sweep merges to exactly the unsharded one.
package sweep
