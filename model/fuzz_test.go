package model_test

import (
	"encoding/json"
	"errors"
	"math"
	"testing"

	"github.com/ofdi/ofdi/model"
)

// FuzzParse: Parse never panics and fails only with a *ValidationError; a
// parsed instance survives Validate, re-encoding and, when valid, Derive
// and Evaluate of the empty plan. The seed corpus is in
// testdata/fuzz/FuzzParse and is replayed by every `go test`.
func FuzzParse(f *testing.F) {
	f.Add([]byte(minimal))
	f.Fuzz(func(t *testing.T, data []byte) {
		inst, err := model.Parse(data)
		if err != nil {
			var ve *model.ValidationError
			if !errors.As(err, &ve) || !errors.Is(err, model.ErrInvalid) {
				t.Fatalf("Parse error %T %v is not a *ValidationError wrapping ErrInvalid", err, err)
			}
			if len(ve.Issues) == 0 {
				t.Fatalf("ValidationError without issues")
			}
			if inst != nil {
				t.Fatalf("instance returned with an error")
			}
			return
		}

		// What Parse accepts, json.Marshal writes back, and Parse accepts
		// again unchanged.
		enc, err := json.Marshal(inst)
		if err != nil {
			t.Fatalf("Marshal of a parsed instance: %v", err)
		}
		again, err := model.Parse(enc)
		if err != nil {
			t.Fatalf("re-Parse of the re-encoded instance: %v\n%s", err, enc)
		}
		if enc2, _ := json.Marshal(again); string(enc2) != string(enc) {
			t.Fatalf("re-encoding differs:\n%s\n%s", enc, enc2)
		}

		issues := model.Validate(inst)
		for _, is := range issues {
			if is.Message == "" {
				t.Fatalf("issue without message: %+v", is)
			}
		}
		if len(model.Errors(issues)) > 0 {
			if model.ValidateErr(inst) == nil {
				t.Fatalf("errors but ValidateErr is nil")
			}
			return
		}
		d := model.Derive(inst)
		for p, prs := range d.Pairs {
			for _, pr := range prs {
				if !(pr.MaxStake >= 0 && pr.MaxStake <= pr.StakeCap) && !math.IsNaN(pr.MaxStake) {
					t.Fatalf("opportunity %d, firm %d: MaxStake %v outside [0, %v]", p, pr.Firm, pr.MaxStake, pr.StakeCap)
				}
			}
		}
		m, z, err := d.Evaluate(&model.Assignment{}, model.MethodCluster)
		if err != nil {
			t.Fatalf("Evaluate of the empty plan: %v", err)
		}
		if z != 0 || m.Projects != 0 || m.InfoCost != 0 || m.Learning != 0 {
			t.Fatalf("empty plan: Z %v, metrics %+v", z, m)
		}
	})
}
