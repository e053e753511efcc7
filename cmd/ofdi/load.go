package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/sheet"
	"github.com/urfave/cli/v2"
)

// loadInstance reads and validates the instance at path. Problems are
// written to stderr one per line; warnings are written too but do not stop.
func loadInstance(path string, stderr io.Writer, showWarnings bool) (*model.Instance, error) {
	inst, issues, err := readInstance(path, stderr, "invalid instance")
	if err != nil {
		return nil, err
	}
	errs := model.Errors(issues)
	if len(errs) > 0 {
		printIssues(stderr, path, errs)
		return nil, cli.Exit(fmt.Sprintf("%s: invalid instance (%d problem%s)", path, len(errs), plural(len(errs))), exitBadInput)
	}
	if showWarnings {
		printIssues(stderr, path, model.Warnings(issues))
	}
	return inst, nil
}

// readInstance reads the instance at path: a JSON file, an .xlsx workbook
// or a folder of CSV files (model/sheet). It returns the instance with the
// issues of model.Validate, located in the sheets for spreadsheet input;
// an instance that cannot be read at all is an exit-2 error ("PATH: invalid
// (N problems)", with invalid as given), its problems written to w.
func readInstance(path string, w io.Writer, invalid string) (*model.Instance, []model.Issue, error) {
	var inst *model.Instance
	var src *sheet.Source
	var err error
	if sheet.IsSheets(path) {
		inst, src, err = sheet.Read(path)
	} else {
		inst, err = model.LoadFile(path)
	}
	if err != nil {
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			printIssues(w, path, ve.Issues)
			return nil, nil, cli.Exit(fmt.Sprintf("%s: %s (%d problem%s)", path, invalid, len(ve.Issues), plural(len(ve.Issues))), exitBadInput)
		}
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, cli.Exit(fmt.Sprintf("%s: no such file", path), exitBadInput)
		}
		return nil, nil, cli.Exit(err.Error(), exitBadInput)
	}
	issues := model.Validate(inst)
	if src != nil {
		issues = src.Annotate(issues)
	}
	return inst, issues, nil
}

// printIssues writes one line per issue, prefixed by path unless the
// issue is already located in it (spreadsheet cells: "path: firms!E5: ...",
// "dir/firms.csv:5:3: ...").
func printIssues(w io.Writer, path string, issues []model.Issue) {
	for _, is := range issues {
		prefix := ""
		if is.Severity == model.Warning {
			prefix = "warning: "
		}
		if strings.HasPrefix(is.Path, path) {
			fmt.Fprintf(w, "%s%s\n", prefix, is.String())
			continue
		}
		fmt.Fprintf(w, "%s: %s%s\n", path, prefix, is.String())
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func oneArg(c *cli.Context, what string) (string, error) {
	if c.NArg() != 1 {
		return "", usageError("%s: want exactly one %s argument, got %d (see ofdi %s --help)", c.Command.Name, what, c.NArg(), c.Command.Name)
	}
	return c.Args().First(), nil
}

func oneOf(flag, v string, allowed ...string) error {
	for _, a := range allowed {
		if v == a {
			return nil
		}
	}
	return usageError("--%s: unknown value %q (want %s)", flag, v, strings.Join(allowed, ", "))
}

// checkOutput rejects an --output path that cannot be written, or that
// would overwrite one of the inputs, before any (possibly long) solve runs:
// otherwise an hour of search is lost to a typo in the directory name.
func checkOutput(c *cli.Context, inputs ...string) error {
	o := c.String("output")
	if o == "" {
		return nil
	}
	dir := filepath.Dir(o)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return usageError("--output %s: directory %s does not exist", o, dir)
	case err != nil:
		return usageError("--output %s: %v", o, err)
	case !st.IsDir():
		return usageError("--output %s: %s is not a directory", o, dir)
	}
	ost, err := os.Stat(o)
	if err != nil {
		return nil // a new file
	}
	if ost.IsDir() {
		return usageError("--output %s: is a directory", o)
	}
	for _, in := range inputs {
		if ist, err := os.Stat(in); err == nil && os.SameFile(ist, ost) {
			return usageError("--output %s: is the input file %s; refusing to overwrite it", o, in)
		}
	}
	return nil
}
