package sweep

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/sheet"
)

// MaxCells bounds the size of a grid.
const MaxCells = 1_000_000

// ErrGrid is wrapped by the errors of New: a grid that cannot be run (bad
// settings or values, an invalid cell instance, too many cells).
var ErrGrid = errors.New("sweep: bad grid")

// Input is one instance of the sweep.
type Input struct {
	// Source says where it came from (a file name), for messages.
	Source   string
	Instance *model.Instance
}

// Flags are the options that change a cell's results; they are part of
// every cell's key.
type Flags struct {
	// Methods are solved in this order in every cell.
	Methods []string `json:"methods"`
	// TimeLimit of each cluster solve, as a Go duration ("60s"); "0s" = none.
	TimeLimit string `json:"time_limit"`
	// Gap is solver.Options.Gap (0: the solver's default).
	Gap       float64 `json:"gap"`
	NoBalance bool    `json:"no_balance,omitempty"`
	// Warm enables warm starts (see the package documentation).
	Warm bool `json:"warm,omitempty"`
}

// Spec is a sweep: instances, settings, flags and the ofdi version.
type Spec struct {
	Inputs   []Input
	Settings []Setting
	Flags    Flags
	// Version of ofdi, part of every cell's key ("" is allowed).
	Version string
}

// Cell is one point of the grid.
type Cell struct {
	Index int `json:"index"`
	// Input indexes Spec.Inputs.
	Input int `json:"input"`
	// Values index each setting's values.
	Values []int `json:"values"`
	// Key names the cell's result file.
	Key string `json:"key"`
}

// Grid is a validated sweep, its cells in canonical order.
type Grid struct {
	Spec  Spec
	Cells []Cell
	// base is each input's canonical JSON, digest its SHA-256.
	base   [][]byte
	digest []string
}

// New builds the grid of spec and checks, before anything is solved, that
// every cell's instance is valid: a bad path or value is reported with the
// path and the first cell that shows it (errors wrap ErrGrid).
func New(spec Spec) (*Grid, error) {
	if len(spec.Inputs) == 0 {
		return nil, fmt.Errorf("%w: no instances", ErrGrid)
	}
	if len(spec.Flags.Methods) == 0 {
		return nil, fmt.Errorf("%w: no methods", ErrGrid)
	}
	n := len(spec.Inputs)
	seen := map[string]bool{}
	for _, s := range spec.Settings {
		if seen[s.Path] {
			return nil, fmt.Errorf("%w: %s is set twice", ErrGrid, s.Path)
		}
		seen[s.Path] = true
		if len(s.Values) == 0 {
			return nil, fmt.Errorf("%w: %s has no values", ErrGrid, s.Path)
		}
		if n > MaxCells/len(s.Values) {
			return nil, fmt.Errorf("%w: more than %d cells", ErrGrid, MaxCells)
		}
		n *= len(s.Values)
	}
	g := &Grid{Spec: spec}
	names := map[string]string{}
	for _, in := range spec.Inputs {
		if prev, ok := names[in.Instance.Name]; ok {
			return nil, fmt.Errorf("%w: %s and %s are both named %q; instance names must be distinct", ErrGrid, prev, in.Source, in.Instance.Name)
		}
		names[in.Instance.Name] = in.Source
		b, err := sheet.CanonicalJSON(in.Instance)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(b)
		g.base = append(g.base, b)
		g.digest = append(g.digest, hex.EncodeToString(sum[:]))
	}
	g.Cells = make([]Cell, 0, n)
	values := make([]int, len(spec.Settings))
	for k := 0; k < n; k++ {
		rest := k
		for i := len(values) - 1; i >= 0; i-- {
			values[i] = rest % len(spec.Settings[i].Values)
			rest /= len(spec.Settings[i].Values)
		}
		c := Cell{Index: k, Input: rest, Values: append([]int(nil), values...)}
		c.Key = g.key(c)
		g.Cells = append(g.Cells, c)
	}
	if err := g.validate(); err != nil {
		return nil, err
	}
	return g, nil
}

// validate builds every cell's instance and reports the first problem of
// each distinct kind, with the setting that caused it.
func (g *Grid) validate() error {
	var msgs []string
	seen := map[string]bool{}
	for _, c := range g.Cells {
		_, err := g.Instance(c)
		if err == nil {
			continue
		}
		var lines []string
		var ve *model.ValidationError
		if errors.As(err, &ve) {
			for _, is := range ve.Issues {
				lines = append(lines, is.String())
			}
		} else {
			lines = []string{err.Error()}
		}
		for _, l := range lines {
			if !seen[l] {
				seen[l] = true
				msgs = append(msgs, fmt.Sprintf("cell %d (%s): %s", c.Index, g.Label(c), l))
			}
		}
		if len(msgs) >= 20 {
			break
		}
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%w: %s", ErrGrid, strings.Join(msgs, "\n"))
	}
	return nil
}

// Instance returns the instance of cell c: its input with the cell's
// settings applied, strictly loaded and validated.
func (g *Grid) Instance(c Cell) (*model.Instance, error) {
	doc := g.base[c.Input]
	for i, s := range g.Spec.Settings {
		var err error
		if doc, err = setJSON(doc, s.Path, s.Values[c.Values[i]]); err != nil {
			return nil, fmt.Errorf("%s: %v", s.Path, err)
		}
	}
	inst, err := model.Parse(doc)
	if err != nil {
		return nil, err
	}
	if err := model.ValidateErr(inst); err != nil {
		return nil, err
	}
	return inst, nil
}

// Label describes a cell: its instance and settings.
func (g *Grid) Label(c Cell) string {
	parts := []string{g.Spec.Inputs[c.Input].Instance.Name}
	for i, s := range g.Spec.Settings {
		parts = append(parts, s.Path+"="+ValueText(s.Values[c.Values[i]]))
	}
	return strings.Join(parts, " ")
}

// CellSetting is one setting's value in a cell.
type CellSetting struct {
	Path  string          `json:"path"`
	Value json.RawMessage `json:"value"`
}

func (g *Grid) settings(c Cell) []CellSetting {
	out := make([]CellSetting, len(g.Spec.Settings))
	for i, s := range g.Spec.Settings {
		out[i] = CellSetting{Path: s.Path, Value: s.Values[c.Values[i]]}
	}
	return out
}

// key is the SHA-256 of what determines the cell's results.
func (g *Grid) key(c Cell) string {
	b, _ := json.Marshal(struct {
		Instance string        `json:"instance_sha256"`
		Settings []CellSetting `json:"settings"`
		Flags    Flags         `json:"flags"`
		Version  string        `json:"version"`
	}{g.digest[c.Input], g.settings(c), g.Spec.Flags, g.Spec.Version})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
