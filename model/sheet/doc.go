// Package sheet converts instances to and from spreadsheets: a folder of CSV
// files or an .xlsx workbook, one sheet per part of the instance.
//
// # Layout
//
// List sheets hold one row per element: firms, markets, opportunities and
// scenarios. Their columns are the JSON field names of MODEL.md; a map field
// becomes one column per key, named field.key (knowledge.default,
// knowledge.de, capacity.display, loss.fx_shock); a list field is one cell
// with the elements separated by ";" (segments "display;iot").
//
// Field sheets hold one "field,value" row per setting: policy, rules,
// objective (field paths such as subsidy.joint_rnd or
// modes.joint_rnd.requires), and instance for the top-level name and
// currency.
//
// An empty cell means the field is absent, so the default of MODEL.md
// applies; blank rows are skipped. Sheets (or CSV files) whose name starts
// with "_", and a sheet named README, are ignored, so notes may be kept in
// the workbook. Anything else unknown (a sheet, a column, a field) is an
// error, since it is usually a typo.
//
// The layout is derived from the types of package model by reflection:
// a field added to model.Instance appears in the sheets without changes
// here.
//
// # Errors
//
// Read reports every problem at once as a *model.ValidationError whose
// issues carry the instance's JSON path; Source.Annotate prefixes each with
// the cell it came from: "firms.csv:5:3" (file:row:column) for CSV,
// "book.xlsx: firms!E5" for a workbook.
//
// # Round trip
//
// Numbers are written in the shortest form that reads back to the same
// float64, and an absent optional field stays absent, so instance → sheets
// → instance gives the same instance, and the same canonical JSON
// (Canonical).
package sheet
