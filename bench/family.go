package bench

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/instances/gen"
	"github.com/ofdi/ofdi/model"
)

// ErrBadFamily is wrapped by the errors of ParseFamily and Family.
var ErrBadFamily = errors.New("bad family")

// MaxFamilySize bounds each dimension of a family spec: the generator
// handles far more, but the cluster MIP does not within a benchmark's time.
const MaxFamilySize = 100000

// ParseFamily parses a family spec "FxPxM" (firms × opportunities ×
// markets, for example "30x20x5") into a generator configuration.
func ParseFamily(spec string) (gen.Config, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(spec)), "x")
	if len(parts) != 3 {
		return gen.Config{}, fmt.Errorf("%w %q: want FIRMSxOPPORTUNITIESxMARKETS, e.g. 30x20x5", ErrBadFamily, spec)
	}
	var n [3]int
	for i, p := range parts {
		v, err := strconv.Atoi(p)
		if err != nil || v < 1 || v > MaxFamilySize {
			return gen.Config{}, fmt.Errorf("%w %q: %q is not a whole number in [1, %d]", ErrBadFamily, spec, p, MaxFamilySize)
		}
		n[i] = v
	}
	return gen.Config{Firms: n[0], Opportunities: n[1], Markets: n[2]}, nil
}

// FamilyLabel returns the canonical spec "FxPxM" of a configuration.
func FamilyLabel(cfg gen.Config) string {
	cfg = cfg.Normalized()
	return fmt.Sprintf("%dx%dx%d", cfg.Firms, cfg.Opportunities, cfg.Markets)
}

// Family generates count instances of the family spec with seeds seed,
// seed+1, …, named as the generator names them ("gen-30x20x5-s1", …).
func Family(spec string, count int, seed uint64) ([]*model.Instance, error) {
	cfg, err := ParseFamily(spec)
	if err != nil {
		return nil, err
	}
	if count < 1 {
		return nil, fmt.Errorf("%w: count must be >= 1, got %d", ErrBadFamily, count)
	}
	out := make([]*model.Instance, count)
	for i := range out {
		c := cfg
		c.Seed = seed + uint64(i)
		out[i] = gen.Generate(c)
	}
	return out, nil
}
