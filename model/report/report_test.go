package report_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
)

func TestWriteFileReplacesAtomically(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "plan.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("got %q, %v", got, err)
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the existing file's 0600", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

func TestWriteFileFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	// The target is a non-empty directory: the rename fails, and nothing
	// else in dir may change.
	target := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(target, "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteFile(target, []byte("data")); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 || entries[0].Name() != "out" || !entries[0].IsDir() {
		t.Errorf("dir changed: %v", entries)
	}
	if err := report.WriteFile(filepath.Join(dir, "missing", "p.json"), nil); err == nil {
		t.Error("writing into a missing directory succeeded")
	}
}

func TestJSONIsDeterministic(t *testing.T) {
	z := -97.0
	p := &model.Plan{Instance: "tiny", Method: "cluster", Status: "optimal", Objective: &z,
		Metrics: &model.Metrics{FirmsByRole: map[model.Role]int{model.SME: 2, model.Large: 1, model.Supporting: 1}}}
	a, err := report.JSON(p)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 20; i++ {
		b, _ := report.JSON(p)
		if !bytes.Equal(a, b) {
			t.Fatal("JSON differs between calls")
		}
	}
	if !strings.HasSuffix(string(a), "}\n") || !strings.Contains(string(a), `"large": 1`) {
		t.Fatalf("unexpected JSON:\n%s", a)
	}
}
