package sheet

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// tinyCSV writes tiny.json as CSV files into a fresh folder.
func tinyCSV(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "tiny")
	if err := WriteCSV(dir, loadJSON(t, filepath.Join("..", "..", "instances", "tiny.json"))); err != nil {
		t.Fatal(err)
	}
	return dir
}

func edit(t *testing.T, path, old, new string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), old) {
		t.Fatalf("%s does not contain %q", path, old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(b), old, new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestCSVErrors: every problem names its file:row:column and the field's
// JSON path. Validation problems (model.Validate) are located through the
// Source.
func TestCSVErrors(t *testing.T) {
	tests := []struct {
		name string
		file string // "" adds the file named by old
		old  string
		new  string
		want []string
	}{
		{"not a number", "firms.csv", "1000,120", "lots,120", []string{"firms.csv:2:5: firms[0].capital: must be a number, got string \"lots\""}},
		{"range", "firms.csv", "1000,120", "-5,120", []string{"firms.csv:2:5: firms[0].capital: must be > 0, got -5"}},
		{"integer", "firms.csv", "display,0.8,,3", "display,0.8,,2.5", []string{"firms.csv:2:10: firms[0].max_projects: must be an integer, got 2.5"}},
		{"unknown column", "firms.csv", "risk_limit", "risk_limt", []string{"firms.csv:1:6: column \"risk_limt\": unknown field \"risk_limt\""}},
		{"unknown market in a map column", "firms.csv", "knowledge.default", "knowledge.atlantis", []string{"firms.csv:2:8: firms[0].knowledge.atlantis: unknown market \"atlantis\""}},
		{"list element", "policy.csv", "promoted_markets,vn", "promoted_markets,de;atlantis", []string{"policy.csv:6:2: policy.promoted_markets[1]: unknown market \"atlantis\""}},
		{"unknown field", "policy.csv", "credit_line,", "credit_lines,", []string{"policy.csv:2:1: field \"credit_lines\": unknown field"}},
		{"bad bool", "firms.csv", "large,true", "large,maybe", []string{"firms.csv:2:4: firms[0].pioneer: must be true or false"}},
		{"unknown sheet", "", "firm.csv", "id\nx\n", []string{"firm.csv: unknown sheet \"firm\""}},
		{"missing required cell", "scenarios.csv", "base,0.8", "base,", []string{"scenarios.csv:2: scenarios[0].probability: missing required field"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tinyCSV(t)
			if tc.file == "" {
				if err := os.WriteFile(filepath.Join(dir, tc.old), []byte(tc.new), 0o644); err != nil {
					t.Fatal(err)
				}
			} else {
				edit(t, filepath.Join(dir, tc.file), tc.old, tc.new)
			}
			var issues []model.Issue
			inst, src, err := ReadCSV(dir)
			if err != nil {
				var ve *model.ValidationError
				if !errors.As(err, &ve) {
					t.Fatalf("error %v is not a ValidationError", err)
				}
				issues = ve.Issues
			} else {
				issues = src.Annotate(model.Errors(model.Validate(inst)))
			}
			var lines []string
			for _, is := range issues {
				lines = append(lines, is.String())
			}
			all := strings.Join(lines, "\n")
			for _, w := range tc.want {
				if !strings.Contains(all, w) {
					t.Errorf("issues\n%s\ndo not contain %q", all, w)
				}
			}
			if len(issues) == 0 {
				t.Error("no issue reported")
			}
		})
	}
}

// TestXLSXLocation: workbook problems are located as sheet!cell.
func TestXLSXLocation(t *testing.T) {
	inst := loadJSON(t, filepath.Join("..", "..", "instances", "tiny.json"))
	inst.Firms[1].Capital = -5
	path := filepath.Join(t.TempDir(), "book.xlsx")
	if err := WriteXLSX(path, inst); err != nil {
		t.Fatal(err)
	}
	got, src, err := ReadXLSX(path)
	if err != nil {
		t.Fatal(err)
	}
	issues := src.Annotate(model.Errors(model.Validate(got)))
	want := path + ": firms!E3: firms[1].capital: must be > 0, got -5"
	if len(issues) != 1 || issues[0].String() != want {
		t.Fatalf("issues %v, want [%s]", issues, want)
	}
}

// TestUnrepresentable: a list element holding the separator is refused
// instead of being split on reading.
func TestUnrepresentable(t *testing.T) {
	inst := loadJSON(t, filepath.Join("..", "..", "instances", "tiny.json"))
	inst.Firms[0].Segments = []string{"dis;play"}
	if _, err := Encode(inst); !errors.Is(err, ErrUnrepresentable) {
		t.Fatalf("Encode: error %v, want ErrUnrepresentable", err)
	}
}
