package sheet

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
)

// ErrNoSheets is returned for a folder without any CSV file.
var ErrNoSheets = errors.New("sheet: no CSV files")

// WriteCSV writes inst as a folder of CSV files, one per sheet
// (firms.csv, markets.csv, ...), each atomically. The folder is created if
// needed; other files in it are left alone.
func WriteCSV(dir string, inst *model.Instance) error {
	tables, err := Encode(inst)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, t := range tables {
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		if err := w.Write(t.Header); err != nil {
			return err
		}
		if err := w.WriteAll(t.Rows); err != nil {
			return err
		}
		if err := report.WriteFile(filepath.Join(dir, t.Name+".csv"), b.Bytes()); err != nil {
			return err
		}
	}
	return nil
}

// csvWhere locates cells as file:row:column (column = field number).
func csvWhere(dir string) Where {
	return func(sheet string, row, col int) string {
		f := filepath.Join(dir, sheet+".csv")
		switch {
		case row == 0:
			return f
		case col == 0:
			return fmt.Sprintf("%s:%d", f, row)
		}
		return fmt.Sprintf("%s:%d:%d", f, row, col)
	}
}

// ReadCSV reads an instance from a folder of CSV files (see Decode). Files
// not ending in .csv are ignored. An absent name defaults to the folder's
// name.
func ReadCSV(dir string) (*model.Instance, *Source, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, nil, err
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".csv") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	if len(names) == 0 {
		return nil, nil, fmt.Errorf("%s: %w (want firms.csv, markets.csv, ...)", dir, ErrNoSheets)
	}
	var tables []Table
	var issues []model.Issue
	for _, n := range names {
		t, err := readCSVFile(filepath.Join(dir, n))
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				issues = append(issues, model.Issue{Path: fmt.Sprintf("%s:%d:%d", filepath.Join(dir, n), pe.Line, pe.Column), Message: pe.Err.Error()})
				continue
			}
			return nil, nil, err
		}
		t.Name = strings.TrimSuffix(n, filepath.Ext(n))
		tables = append(tables, t)
	}
	if len(issues) > 0 {
		return nil, nil, &model.ValidationError{Issues: issues}
	}
	inst, src, err := Decode(tables, csvWhere(dir))
	if err != nil {
		return nil, src, err
	}
	if inst.Name == "" {
		inst.Name = filepath.Base(filepath.Clean(dir))
	}
	return inst, src, nil
}

func readCSVFile(path string) (Table, error) {
	f, err := os.Open(path)
	if err != nil {
		return Table{}, err
	}
	defer f.Close()
	r := csv.NewReader(io.LimitReader(f, model.MaxFileSize))
	r.FieldsPerRecord = -1
	var t Table
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Table{}, err
		}
		line, _ := r.FieldPos(0)
		if t.Header == nil {
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a UTF-8 byte order mark, as Excel writes
			}
			t.Header = rec
			continue
		}
		t.Rows = append(t.Rows, rec)
		t.lines = append(t.lines, line)
	}
	if t.Header == nil {
		t.Header = []string{}
	}
	return t, nil
}
