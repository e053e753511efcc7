package main

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/model/sheet"
	"github.com/urfave/cli/v2"
)

// The formats of ofdi convert.
const (
	formatJSON = "json"
	formatCSV  = "csv"
	formatXLSX = "xlsx"
)

func convertCommand() *cli.Command {
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert an instance between JSON, an .xlsx workbook and a folder of CSV files",
		ArgsUsage: "IN OUT",
		Description: "Reads the instance IN (a .json file, an .xlsx workbook or a folder of CSV files) and writes it\n" +
			"to OUT in the format --to names, or else the one OUT's name implies: .json, .xlsx, anything\n" +
			"else a folder of CSV files (created if needed). The sheets: firms, markets, opportunities,\n" +
			"scenarios (one row per element), policy, rules, objective, instance (\"field,value\" rows).\n" +
			"A map field has one column per key (knowledge.default, knowledge.de, loss.fx_shock), a list\n" +
			"is one cell separated by \";\", an empty cell means \"absent, use the default\". The round\n" +
			"trip is lossless: JSON -> sheets -> JSON gives the instance back, as canonical JSON (fields\n" +
			"in MODEL.md's order, map keys sorted, numbers in their shortest exact form).\n\n" +
			"solve, validate, bench and sweep read workbooks and CSV folders directly; problems are\n" +
			"located by cell (cluster.xlsx: firms!E5: firms[3].capital: must be > 0, got -5; or\n" +
			"cluster/firms.csv:5:5: ...). instances/template.xlsx is a small instance to start from.\n\n" +
			"Examples:\n" +
			"   ofdi convert instances/jiangsu-electronics.json jiangsu.xlsx\n" +
			"   ofdi convert instances/jiangsu-electronics.json jiangsu/          (CSV files)\n" +
			"   ofdi convert jiangsu.xlsx jiangsu.json\n" +
			"   ofdi convert cluster.json cluster.txt --to csv --force\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "to", Usage: "output format: json, xlsx or csv (a folder); default: from OUT's name"},
			&cli.BoolFlag{Name: "force", Usage: "convert an instance that fails validation (ranges, references), e.g. to fix it in a spreadsheet; malformed input still stops"},
		},
		Action: convertAction,
	}
}

func convertAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError("convert: want IN and OUT arguments, got %d (see ofdi convert --help)", c.NArg())
	}
	in, out := c.Args().Get(0), c.Args().Get(1)
	format := c.String("to")
	if format == "" {
		format = formatOf(out)
	}
	if err := oneOf("to", format, formatJSON, formatXLSX, formatCSV); err != nil {
		return err
	}
	if err := checkConvertOutput(in, out, format); err != nil {
		return err
	}
	stderr := c.App.ErrWriter
	inst, issues, err := readInstance(in, stderr, "invalid instance")
	if err != nil {
		return err
	}
	if errs := model.Errors(issues); len(errs) > 0 {
		printIssues(stderr, in, errs)
		if !c.Bool("force") {
			return cli.Exit(fmt.Sprintf("%s: invalid instance (%d problem%s); --force converts it anyway", in, len(errs), plural(len(errs))), exitBadInput)
		}
	}
	switch format {
	case formatJSON:
		var data []byte
		if data, err = sheet.CanonicalJSON(inst); err == nil {
			err = report.WriteFile(out, data)
		}
	case formatXLSX:
		err = sheet.WriteXLSX(out, inst)
	default:
		err = sheet.WriteCSV(out, inst)
	}
	if errors.Is(err, sheet.ErrUnrepresentable) {
		return cli.Exit(fmt.Sprintf("convert %s: %v", in, err), exitBadInput)
	}
	if err != nil {
		return cli.Exit(fmt.Sprintf("write %s: %v", out, err), exitInternal)
	}
	return nil
}

// formatOf is the output format OUT's name implies.
func formatOf(out string) string {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".json":
		return formatJSON
	case ".xlsx":
		return formatXLSX
	}
	return formatCSV
}

// checkConvertOutput refuses, before reading anything, an output that
// would overwrite the input or cannot be written.
func checkConvertOutput(in, out, format string) error {
	if ist, err := os.Stat(in); err == nil {
		if ost, err := os.Stat(out); err == nil && os.SameFile(ist, ost) {
			return usageError("convert: OUT %s is the input; refusing to overwrite it", out)
		}
	}
	if format == formatCSV {
		if st, err := os.Stat(out); err == nil && !st.IsDir() {
			return usageError("convert: OUT %s: exists and is not a folder (CSV output is a folder of files)", out)
		}
		return nil
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return usageError("convert: OUT %s: is a folder; give a file name ending in .%s", out, format)
	}
	if dir := filepath.Dir(out); dir != "" {
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return usageError("convert: OUT %s: directory %s does not exist", out, dir)
		}
	}
	return nil
}
