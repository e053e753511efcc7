package main

import (
	"strings"
	"testing"
)

func TestValidateValid(t *testing.T) {
	for _, tc := range []struct {
		path     string
		summary  string
		warnings []string
	}{
		{jiangsuPath, "valid: 36 firms, 34 opportunities, 10 markets, 3 scenarios, 0 warnings", nil},
		// tiny.json is valid with one warning: no coalition can fund gf_vn.
		{tinyPath, "valid: 5 firms, 4 opportunities, 2 markets, 2 scenarios, 1 warning", []string{"warning: opportunities[3]: no coalition can ever fund \"gf_vn\""}},
		// Infeasibility is not a validation problem.
		{infeasiblePath, "valid:", nil},
	} {
		t.Run(tc.path, func(t *testing.T) {
			r := ofdi(t, "validate", tc.path)
			wantCode(t, r, exitOK)
			wantContains(t, "stdout", r.stdout, tc.summary)
			wantContains(t, "stdout", r.stdout, tc.warnings...)
		})
	}
}

func TestValidateWarnings(t *testing.T) {
	inst := withUnservedSegment(t)
	r := ofdi(t, "validate", inst)
	wantCode(t, r, exitOK)
	wantContains(t, "stdout", r.stdout,
		inst+`: warning: opportunities[4].segment: no firm serves segment "software"`,
		`warning: opportunities[4]: no coalition can ever fund "sw_vn"`,
		"valid: 5 firms, 5 opportunities, 2 markets, 2 scenarios, 3 warnings")
	for _, line := range strings.Split(strings.TrimSpace(r.stdout), "\n") {
		if !strings.Contains(line, "warning: ") && !strings.Contains(line, ": valid: ") {
			t.Errorf("line is neither a warning nor the summary: %q", line)
		}
	}
}

// TestValidateSemanticProblems: every semantic problem is listed, each with
// its JSON path, in one run.
func TestValidateSemanticProblems(t *testing.T) {
	inst := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "scenarios", 0)["probability"] = 0.5
		item(inst, "firms", 0)["capital"] = -5
		item(inst, "markets", 1)["info_cost"] = -1
		item(inst, "opportunities", 0)["loss"].(map[string]any)["meteor"] = 0.5
		item(inst, "opportunities", 1)["market"] = "atlantis"
		item(inst, "opportunities", 2)["mode"] = "teleport"
	})
	r := ofdi(t, "validate", inst)
	wantCode(t, r, exitBadInput)
	want := []string{
		"scenarios: probabilities must sum to 1",
		"firms[0].capital: must be > 0, got -5",
		"markets[1].info_cost: must be >= 0, got -1",
		`opportunities[0].loss.meteor: unknown scenario "meteor"`,
		`opportunities[1].market: unknown market "atlantis"`,
		`opportunities[2].mode: unknown mode "teleport"`,
	}
	for _, w := range want {
		wantContains(t, "stdout", r.stdout, inst+": "+w)
	}
	wantContains(t, "stderr", r.stderr, "invalid (6 problems)")
	if strings.Contains(r.stdout, "valid:") {
		t.Errorf("an invalid instance is reported valid:\n%s", r.stdout)
	}

	// solve reports the same problems (on stderr) and refuses to solve.
	s := ofdi(t, "solve", inst)
	wantCode(t, s, exitBadInput)
	for _, w := range want {
		wantContains(t, "solve stderr", s.stderr, w)
	}
	if s.stdout != "" {
		t.Errorf("solve of an invalid instance printed a plan:\n%s", s.stdout)
	}
}

// TestValidateStructuralProblems: unknown fields and wrong types are found
// by loading, all at once; semantic validation does not run after them.
func TestValidateStructuralProblems(t *testing.T) {
	inst := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "firms", 1)["captial"] = 5
		item(inst, "opportunities", 0)["npvv"] = 5
		inst["policy"].(map[string]any)["credit_line"] = "lots"
	})
	r := ofdi(t, "validate", inst)
	wantCode(t, r, exitBadInput)
	wantContains(t, "stdout", r.stdout,
		inst+`: firms[1].captial: unknown field (did you mean "capital"?)`,
		inst+`: opportunities[0].npvv: unknown field (did you mean "npv"?)`,
		inst+`: policy.credit_line: must be a number, got string "lots"`)
	wantContains(t, "stderr", r.stderr, "invalid (3 problems)")
}

func TestValidateUnreadable(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		path string
		msg  string
	}{
		{"empty file", writeFile(t, dir, "empty.json", nil), "empty input"},
		{"not JSON", writeFile(t, dir, "hello.json", []byte("hello")), "not valid JSON at line 1, column 1"},
		{"truncated JSON", writeFile(t, dir, "cut.json", mustRead(t, tinyPath)[:200]), "JSON"},
		{"JSON array", writeFile(t, dir, "array.json", []byte("[1, 2]\n")), "array.json"},
		{"missing file", "no-such-instance.json", "no-such-instance.json: no such file"},
		{"a directory", dir, dir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, "validate", tc.path)
			wantCode(t, r, exitBadInput)
			wantContains(t, "output", r.stdout+r.stderr, tc.msg)
			if strings.Contains(r.stdout, "valid:") {
				t.Errorf("reported valid:\n%s", r.stdout)
			}
		})
	}
}

func TestValidateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"validate"},
		{"validate", tinyPath, jiangsuPath},
		{"validate", tinyPath, "--format", "json"},
	} {
		r := ofdi(t, args...)
		if r.code != exitBadInput {
			t.Errorf("%v: want exit 2, got %s", args, r)
		}
	}
}

// TestValidateStrict: --strict turns warnings into errors (exit 2); a
// clean instance still passes.
func TestValidateStrict(t *testing.T) {
	for _, tc := range []struct {
		name, path string
		code       int
		out        []string
	}{
		{"clean", jiangsuPath, exitOK, []string{"valid: 36 firms"}},
		{"one warning", tinyPath, exitBadInput, []string{"warning: opportunities[3]"}},
		{"typo", withSegmentTypo(t), exitBadInput, []string{`no firm serves segment "dispaly" (did you mean "display"?)`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, "validate", "--strict", tc.path)
			wantCode(t, r, tc.code)
			wantContains(t, "stdout", r.stdout, tc.out...)
			if tc.code != exitOK {
				wantContains(t, "stderr", r.stderr, "invalid under --strict")
			}
		})
	}
}

// TestValidateSegmentTypo: a misspelt segment, in an opportunity or in a
// firm, gets a did-you-mean naming the segment it probably meant.
func TestValidateSegmentTypo(t *testing.T) {
	firmTypo := mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "firms", 2)["segments"] = []any{"displya"}
	})
	for _, tc := range []struct{ name, path, want string }{
		{"opportunity", withSegmentTypo(t), `opportunities[0].segment: no firm serves segment "dispaly" (did you mean "display"?)`},
		{"firm", firmTypo, `firms[2].segments[0]: no opportunity is in segment "displya" (did you mean "display"?)`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, "validate", tc.path)
			wantCode(t, r, exitOK)
			wantContains(t, "stdout", r.stdout, "warning: "+tc.want)
		})
	}
}

func withSegmentTypo(t *testing.T) string {
	return mutateInstance(t, tinyPath, func(inst map[string]any) {
		item(inst, "opportunities", 0)["segment"] = "dispaly"
	})
}
