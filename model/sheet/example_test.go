package sheet_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/sheet"
)

// Convert an instance to a folder of CSV files and read it back.
func Example() {
	inst, err := model.LoadFile("../../instances/tiny.json")
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "tiny")
	defer os.RemoveAll(dir)
	if err := sheet.WriteCSV(dir, inst); err != nil {
		panic(err)
	}
	firms, _ := os.ReadFile(filepath.Join(dir, "firms.csv"))
	header, _, _ := strings.Cut(string(firms), "\n")
	fmt.Println(header)
	back, _, err := sheet.Read(dir) // a folder: CSV files; a .xlsx file: a workbook
	if err != nil {
		panic(err)
	}
	fmt.Println(back.Name, len(back.Firms), "firms")
	// Output:
	// id,name,role,pioneer,capital,risk_limit,segments,knowledge.default,knowledge.vn,max_projects
	// tiny 5 firms
}
