// Package mip is a neutral, sparse mixed-integer programming model: columns
// with bounds, kinds and objective coefficients, rows with lower and upper
// activity limits, and a constant objective term. The sense is always
// minimisation.
//
// The package knows nothing of clusters or of any particular solver. It
// checks a problem (Validate), evaluates candidate solutions (Objective,
// CheckFeasible), and writes the problem as CPLEX LP (WriteLP) or free MPS
// (WriteMPS) files that both glpsol and cbc read.
//
// Names are restricted so that the same problem can be written in both
// formats without renaming: see NameDefect.
package mip
