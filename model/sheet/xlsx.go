package sheet

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"github.com/xuri/excelize/v2"
)

// readmeText is the README sheet of a written workbook (ignored on reading).
var readmeText = []string{
	"An ofdi instance (docs/MODEL.md), one sheet per part. Edit, save as .xlsx, then: ofdi solve THIS.xlsx",
	"firms, markets, opportunities, scenarios: one row per element; columns are the fields of MODEL.md.",
	"A map field has one column per key: knowledge.default, knowledge.<market>, capacity.<segment>, loss.<scenario>. Add columns for new keys.",
	"A list is one cell with the elements separated by ';' (segments: display;iot).",
	"policy, rules, objective, instance: one 'field, value' row per setting (subsidy.joint_rnd, modes.joint_rnd.requires, ...).",
	"An empty cell means the field is absent: the default of MODEL.md applies. Blank rows are skipped.",
	"Unknown sheets, columns and fields are errors; sheets named README or starting with _ are ignored.",
	"Convert: ofdi convert THIS.xlsx cluster.json (or a folder of CSV files: ofdi convert THIS.xlsx cluster/).",
}

// WriteXLSX writes inst as an .xlsx workbook, one sheet per part plus a
// README sheet, atomically. Numbers and booleans are stored as such, so a
// spreadsheet program computes with them.
func WriteXLSX(path string, inst *model.Instance) error {
	tables, err := Encode(inst)
	if err != nil {
		return err
	}
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	for i, t := range tables {
		if i == 0 {
			err = f.SetSheetName(f.GetSheetName(0), t.Name)
		} else {
			_, err = f.NewSheet(t.Name)
		}
		if err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
		if err := writeTable(f, t, bold); err != nil {
			return fmt.Errorf("sheet %s: %w", t.Name, err)
		}
	}
	if _, err := f.NewSheet("README"); err != nil {
		return err
	}
	for i, line := range readmeText {
		if err := f.SetCellStr("README", cellName(1, i+1), line); err != nil {
			return err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return err
	}
	return report.WriteFile(path, buf.Bytes())
}

func cellName(col, row int) string {
	n, _ := excelize.CoordinatesToCellName(col, row) // cannot fail for col, row >= 1
	return n
}

func writeTable(f *excelize.File, t Table, bold int) error {
	width := make([]int, len(t.Header))
	for j, h := range t.Header {
		if err := f.SetCellStr(t.Name, cellName(j+1, 1), h); err != nil {
			return err
		}
		width[j] = len(h)
	}
	if len(t.Header) > 0 {
		if err := f.SetCellStyle(t.Name, cellName(1, 1), cellName(len(t.Header), 1), bold); err != nil {
			return err
		}
	}
	for i, row := range t.Rows {
		for j, v := range row {
			if v == "" {
				continue
			}
			if j < len(width) {
				width[j] = max(width[j], len(v))
			}
			k := kindText
			if i < len(t.kinds) && j < len(t.kinds[i]) {
				k = t.kinds[i][j]
			}
			if err := setCell(f, t.Name, cellName(j+1, i+2), v, k); err != nil {
				return err
			}
		}
	}
	for j, w := range width {
		c, _ := excelize.ColumnNumberToName(j + 1)
		if err := f.SetColWidth(t.Name, c, c, float64(min(max(w, 6), 60))+2); err != nil {
			return err
		}
	}
	return f.SetPanes(t.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
}

// setCell stores v as a number or boolean where its field is one, so that
// it reads back as the same text.
func setCell(f *excelize.File, sheet, cell, v string, k cellKind) error {
	switch k {
	case kindNumber:
		if i, err := strconv.ParseInt(v, 10, 64); err == nil {
			return f.SetCellInt(sheet, cell, i)
		}
		if x, err := strconv.ParseFloat(v, 64); err == nil {
			return f.SetCellFloat(sheet, cell, x, -1, 64)
		}
	case kindBool:
		if b, err := strconv.ParseBool(v); err == nil {
			return f.SetCellBool(sheet, cell, b)
		}
	}
	return f.SetCellStr(sheet, cell, v)
}

// xlsxWhere locates cells as "book.xlsx: firms!E5".
func xlsxWhere(path string) Where {
	return func(sheet string, row, col int) string {
		switch {
		case row == 0:
			return fmt.Sprintf("%s: sheet %s", path, sheet)
		case col == 0:
			return fmt.Sprintf("%s: %s row %d", path, sheet, row)
		}
		return fmt.Sprintf("%s: %s!%s", path, sheet, cellName(col, row))
	}
}

// ReadXLSX reads an instance from an .xlsx workbook (see Decode). An
// absent name defaults to the file name without extension.
func ReadXLSX(path string) (*model.Instance, *Source, error) {
	f, err := excelize.OpenFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: not a readable .xlsx workbook: %w", path, err)
	}
	defer f.Close()
	var tables []Table
	for _, name := range f.GetSheetList() {
		if ignored(name) {
			continue
		}
		rows, err := f.GetRows(name, excelize.Options{RawCellValue: true})
		if err != nil {
			return nil, nil, fmt.Errorf("%s: sheet %s: %w", path, name, err)
		}
		t := Table{Name: name, Header: []string{}}
		if len(rows) > 0 {
			t.Header, t.Rows = rows[0], rows[1:]
		}
		tables = append(tables, t)
	}
	inst, src, err := Decode(tables, xlsxWhere(path))
	if err != nil {
		return nil, src, err
	}
	if inst.Name == "" {
		inst.Name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	return inst, src, nil
}
