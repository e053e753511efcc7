package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// TestGenerateDeterministic: the same flags give the same bytes, on stdout
// and with -o; the file loads strictly and validates.
func TestGenerateDeterministic(t *testing.T) {
	args := []string{"generate", "--firms", "12", "--opportunities", "8", "--markets", "3", "--seed", "4", "-q"}
	a := ofdi(t, args...)
	wantCode(t, a, exitOK)
	b := ofdi(t, args...)
	if a.stdout != b.stdout {
		t.Fatal("same flags, different output")
	}
	dir := t.TempDir()
	out := filepath.Join(dir, "gen.json")
	wantCode(t, ofdi(t, append(args, "-o", out)...), exitOK)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(data, []byte(a.stdout)) {
		t.Error("-o FILE differs from stdout")
	}
	inst, err := model.LoadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(inst.Firms) != 12 || len(inst.Opportunities) != 8 || len(inst.Markets) != 3 || inst.Name != "gen-12x8x3-s4" {
		t.Errorf("got %s with %d firms, %d opportunities, %d markets", inst.Name, len(inst.Firms), len(inst.Opportunities), len(inst.Markets))
	}
	wantCode(t, ofdi(t, "validate", out), exitOK)
	// The generated file solves.
	wantCode(t, ofdi(t, "solve", out, "-q"), exitOK)

	// Another seed, another instance; --name names it.
	c := ofdi(t, "generate", "--firms", "12", "--opportunities", "8", "--markets", "3", "--seed", "5", "--name", "mine", "-q")
	wantCode(t, c, exitOK)
	if c.stdout == a.stdout {
		t.Error("seeds 4 and 5 give the same instance")
	}
	wantContains(t, "output", c.stdout, `"name": "mine"`)
	// Flags may follow -o and be given in any order; defaults are 30x20x5.
	d := ofdi(t, "generate", "-q")
	wantCode(t, d, exitOK)
	wantContains(t, "output", d.stdout, `"name": "gen-30x20x5-s1"`)
}

func TestGenerateBadFlags(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--firms", "0"},
		{"--firms", "-3"},
		{"--opportunities", "0"},
		{"--markets", "0"},
		{"--firms", "x"},
		{"--seed", "-1"},
		{"--firms", "200000"},
		{"--firms", "50000", "--opportunities", "50000"},
		{"--name", ""},
		{"--bogus"},
		{"extra-argument"},
		{"-o", filepath.Join(dir, "missing", "x.json")},
		{"-o", dir},
	} {
		r := ofdi(t, append([]string{"generate"}, args...)...)
		wantCode(t, r, exitBadInput)
		if r.stdout != "" {
			t.Errorf("%v: stdout not empty", args)
		}
		wantContains(t, "stderr", r.stderr, "ofdi:")
	}
}
