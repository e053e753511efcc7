package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
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

// TestGenerateShape: --shape and --set-shape reach the generator; the
// default shape is the plain generator; every preset's instance validates.
func TestGenerateShape(t *testing.T) {
	size := []string{"generate", "--firms", "20", "--opportunities", "10", "--markets", "4", "--seed", "3", "-q"}
	plain := ofdi(t, size...)
	wantCode(t, plain, exitOK)
	def := ofdi(t, append(size, "--shape", "default")...)
	wantCode(t, def, exitOK)
	if def.stdout != plain.stdout {
		t.Error("--shape default differs from no --shape")
	}
	dir := t.TempDir()
	for _, name := range gen.PresetNames() {
		out := filepath.Join(dir, name+".json")
		wantCode(t, ofdi(t, append(size, "--shape", name, "-o", out)...), exitOK)
		inst, err := model.LoadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		if want := "gen-20x10x4-" + name + "-s3"; name != "default" && inst.Name != want {
			t.Errorf("name %q, want %q", inst.Name, want)
		}
		wantCode(t, ofdi(t, "validate", out), exitOK)
	}
	// Parameters on top of a preset, in any order and over several flags.
	r := ofdi(t, append(size, "--shape", "tight-risk", "--set-shape", "worst_prob=0.01,scenarios=6", "--set-shape", "segments=3")...)
	wantCode(t, r, exitOK)
	wantContains(t, "output", r.stdout, `"name": "gen-20x10x4-custom-s3"`, `"id": "sanctions"`, `"probability": 0.01`)
	inst, err := model.Parse([]byte(r.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if len(inst.Scenarios) != 6 {
		t.Errorf("%d scenarios, want 6", len(inst.Scenarios))
	}
	for _, f := range inst.Firms {
		if f.RiskLimit > 0.1*f.Capital+0.05 {
			t.Errorf("firm %s: risk_limit %v of capital %v: the preset's risk range is lost", f.ID, f.RiskLimit, f.Capital)
		}
	}
	// Help lists the presets and the parameters.
	h := ofdi(t, "generate", "--help")
	wantCode(t, h, exitOK)
	wantContains(t, "help", h.stdout, "PRESETS:", "scarce-pioneers", "nonequity-heavy", "SHAPE PARAMETERS", "pioneer_share=F", "mode_mix=A:G:N:P:J:D")
}

func TestGenerateBadShape(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--shape", "hard"}, `--shape: gen: invalid shape: unknown preset "hard" (known: default, many-scenarios, scarce-pioneers`},
		{[]string{"--set-shape", "pioneers=3"}, `--set-shape: gen: invalid shape: unknown parameter "pioneers" (known: scenarios, shock_prob, worst_prob`},
		{[]string{"--set-shape", "scenarios=9"}, `scenarios: must be 0 (default) or in [2, 6], got 9`},
		{[]string{"--set-shape", "projects=3:x"}, `projects: "x" is not an integer`},
		{[]string{"--set-shape", "risk"}, `"risk": want name=value`},
	} {
		r := ofdi(t, append([]string{"generate"}, tc.args...)...)
		wantCode(t, r, exitBadInput)
		if r.stdout != "" {
			t.Errorf("%v: stdout not empty", tc.args)
		}
		wantContains(t, "stderr", r.stderr, tc.want)
	}
}
