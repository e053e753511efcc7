// Package model holds the cluster co-investment instance of MODEL.md: its
// types, strict loading with JSON-path errors, validation, the derived sets
// (eligible pairs, learning pairs, pioneers per opportunity), the plan type
// every method writes, and the metrics computed from a plan.
//
// model knows nothing of solvers. The path through the project is
// Load → Validate → (solver) → check → report.
package model
