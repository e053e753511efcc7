package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/sheet"
)

// TestConvertRoundTrip: JSON -> workbook -> CSV folder -> JSON gives the
// canonical JSON of the input, and solve, validate and bench read the
// workbook and the folder as they read the JSON file.
func TestConvertRoundTrip(t *testing.T) {
	dir := t.TempDir()
	book := filepath.Join(dir, "tiny.xlsx")
	folder := filepath.Join(dir, "tiny")
	back := filepath.Join(dir, "back.json")
	wantCode(t, ofdi(t, "convert", tinyPath, book), exitOK)
	wantCode(t, ofdi(t, "convert", book, folder), exitOK)
	wantCode(t, ofdi(t, "convert", folder, back), exitOK)
	inst, err := model.LoadFile(tinyPath)
	if err != nil {
		t.Fatal(err)
	}
	want, _ := sheet.CanonicalJSON(inst)
	got, err := os.ReadFile(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("round trip differs:\n%s\nwant\n%s", got, want)
	}
	jsonPlan := ofdi(t, "solve", tinyPath, "--format", "json", "-q")
	wantCode(t, jsonPlan, exitOK)
	for _, in := range []string{book, folder} {
		r := ofdi(t, "solve", in, "--format", "json", "-q")
		wantCode(t, r, exitOK)
		if stripTimes(r.stdout) != stripTimes(jsonPlan.stdout) {
			t.Errorf("solve %s differs from solve of the JSON file:\n%s", in, r.stdout)
		}
		wantCode(t, ofdi(t, "validate", in), exitOK)
	}
	wantCode(t, ofdi(t, "bench", book, "--stress", "0", "--out", filepath.Join(dir, "bench"), "-q"), exitOK)
}

// stripTimes drops the lines of a plan JSON that vary between runs.
func stripTimes(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, "_seconds") || strings.Contains(l, `"nodes"`) {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// TestConvertErrors: bad cells exit 2 with the cell's location; usage
// errors exit 2 before anything is read or written.
func TestConvertErrors(t *testing.T) {
	dir := t.TempDir()
	folder := filepath.Join(dir, "c")
	wantCode(t, ofdi(t, "convert", tinyPath, folder), exitOK)
	firms := filepath.Join(folder, "firms.csv")
	b, _ := os.ReadFile(firms)
	os.WriteFile(firms, []byte(strings.Replace(string(b), "1000,120", "-5,120", 1)), 0o644)
	r := ofdi(t, "solve", folder)
	wantCode(t, r, exitBadInput)
	wantContains(t, "stderr", r.stderr, firms+":2:5: firms[0].capital: must be > 0, got -5")
	r = ofdi(t, "convert", folder, filepath.Join(dir, "x.json"))
	wantCode(t, r, exitBadInput)
	wantCode(t, ofdi(t, "convert", folder, filepath.Join(dir, "x.json"), "--force"), exitOK)

	for _, args := range [][]string{
		{"convert", tinyPath},
		{"convert", tinyPath, filepath.Join(dir, "out.json"), "--to", "yaml"},
		{"convert", tinyPath, tinyPath},
		{"convert", tinyPath, filepath.Join(dir, "nodir", "x.xlsx")},
		{"convert", tinyPath, dir + "/", "--to", "json"},
	} {
		r := ofdi(t, args...)
		wantCode(t, r, exitBadInput)
	}
}

// TestSolveLibreOfficeWorkbook: a workbook edited in a spreadsheet program
// (LibreOffice Calc, see model/sheet/testdata) solves directly, to the plan
// of its JSON conversion.
func TestSolveLibreOfficeWorkbook(t *testing.T) {
	book := "../../model/sheet/testdata/libreoffice-edited.xlsx"
	js := filepath.Join(t.TempDir(), "edited.json")
	wantCode(t, ofdi(t, "convert", book, js), exitOK)
	a := ofdi(t, "solve", book, "-q", "--format", "json")
	wantCode(t, a, exitOK)
	b := ofdi(t, "solve", js, "-q", "--format", "json")
	wantCode(t, b, exitOK)
	wantContains(t, "plan", a.stdout, `"status": "optimal"`)
	if stripTimes(a.stdout) != stripTimes(b.stdout) {
		t.Errorf("the workbook's plan differs from its JSON conversion's:\n%s", a.stdout)
	}
}
