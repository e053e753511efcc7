package sheet

import (
	"bytes"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

func loadJSON(t *testing.T, path string) *model.Instance {
	t.Helper()
	inst, err := model.LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func canonical(t *testing.T, inst *model.Instance) []byte {
	t.Helper()
	b, err := CanonicalJSON(inst)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roundTripCases are the bundled instances and generated clusters of
// several sizes.
func roundTripCases(t *testing.T) map[string]*model.Instance {
	cases := map[string]*model.Instance{}
	for _, n := range []string{"tiny", "jiangsu-electronics", "infeasible-target", "jiangsu-3-periods"} {
		cases[n] = loadJSON(t, filepath.Join("..", "..", "instances", n+".json"))
	}
	for _, cfg := range []gen.Config{{Seed: 1}, {Seed: 7, Firms: 60, Opportunities: 30, Markets: 8}, {Seed: 3, Firms: 5, Opportunities: 3, Markets: 2}, {Seed: 4, Firms: 12, Opportunities: 9, Markets: 3, Periods: 3}} {
		inst := gen.Generate(cfg)
		cases[inst.Name] = inst
	}
	return cases
}

// TestRoundTrip: JSON -> CSV folder -> JSON and JSON -> workbook -> JSON
// give byte-identical canonical JSON, and the instance read back is
// semantically the one written (its canonical JSON parses to the same).
func TestRoundTrip(t *testing.T) {
	for name, inst := range roundTripCases(t) {
		want := canonical(t, inst)
		t.Run(name+"/csv", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), name)
			if err := WriteCSV(dir, inst); err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadCSV(dir)
			if err != nil {
				t.Fatal(err)
			}
			if g := canonical(t, got); !bytes.Equal(g, want) {
				t.Fatalf("round trip differs:\n%s", firstDiff(g, want))
			}
		})
		t.Run(name+"/xlsx", func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name+".xlsx")
			if err := WriteXLSX(path, inst); err != nil {
				t.Fatal(err)
			}
			got, _, err := ReadXLSX(path)
			if err != nil {
				t.Fatal(err)
			}
			if g := canonical(t, got); !bytes.Equal(g, want) {
				t.Fatalf("round trip differs:\n%s", firstDiff(g, want))
			}
		})
	}
}

func firstDiff(a, b []byte) string {
	la, lb := strings.Split(string(a), "\n"), strings.Split(string(b), "\n")
	for i := 0; i < len(la) && i < len(lb); i++ {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: got %s, want %s", i+1, la[i], lb[i])
		}
	}
	return "lengths differ"
}

// TestTemplate: the bundled template workbook reads to tiny.json.
func TestTemplate(t *testing.T) {
	got, _, err := ReadXLSX(filepath.Join("..", "..", "instances", "template.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	want := canonical(t, loadJSON(t, filepath.Join("..", "..", "instances", "tiny.json")))
	if g := canonical(t, got); !bytes.Equal(g, want) {
		t.Fatalf("template differs from tiny.json (regenerate: go run ./cmd/ofdi convert instances/tiny.json instances/template.xlsx):\n%s", firstDiff(g, want))
	}
}

// TestLibreOfficeWorkbook: a workbook edited and saved by LibreOffice Calc
// (testdata/libreoffice-edit.py: its own .xlsx writer, shared strings, its
// booleans and number formats, an extra notes sheet) reads as
// jiangsu-electronics with exactly the two edits made.
func TestLibreOfficeWorkbook(t *testing.T) {
	got, _, err := ReadXLSX(filepath.Join("testdata", "libreoffice-edited.xlsx"))
	if err != nil {
		t.Fatal(err)
	}
	want := loadJSON(t, filepath.Join("..", "..", "instances", "jiangsu-electronics.json"))
	want.Policy.Subsidy[model.JointRnD] = 0.3
	for i := range want.Firms {
		if want.Firms[i].ID == "f03" {
			want.Firms[i].Capital = 300
		}
	}
	if g, w := canonical(t, got), canonical(t, want); !bytes.Equal(g, w) {
		t.Fatalf("the edited workbook differs:\n%s", firstDiff(g, w))
	}
}
