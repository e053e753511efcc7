package sheet

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// IsSheets reports whether path names spreadsheets rather than a JSON
// file: a file ending in .xlsx, or a directory.
func IsSheets(path string) bool {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return true
	}
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

// Read reads an instance from an .xlsx workbook or a folder of CSV files.
func Read(path string) (*model.Instance, *Source, error) {
	if strings.EqualFold(filepath.Ext(path), ".xlsx") {
		return ReadXLSX(path)
	}
	return ReadCSV(path)
}
