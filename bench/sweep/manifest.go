package sweep

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ofdi/ofdi/model/report"
)

// ManifestFile describes the whole grid in the output folder; every shard
// writes the same one, and merge reads it.
const ManifestFile = "manifest.json"

// ErrOtherSweep is returned when the output folder holds another sweep.
var ErrOtherSweep = errors.New("sweep: the folder holds another sweep")

// Manifest is the grid as merge needs it: what every cell is and where its
// file is.
type Manifest struct {
	Format    int                `json:"format"`
	Version   string             `json:"version"`
	Flags     Flags              `json:"flags"`
	Settings  []Setting          `json:"settings"`
	Instances []ManifestInstance `json:"instances"`
	Cells     []Cell             `json:"cells"`
	// Shards is the shard count of the run that wrote the manifest, used
	// by merge to name the shards of missing cells.
	Shards int `json:"shards"`
}

// ManifestInstance is one input of the grid.
type ManifestInstance struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
}

// Manifest returns the grid's manifest for a run with the given shard count.
func (g *Grid) Manifest(shards int) *Manifest {
	m := &Manifest{Format: CellFormat, Version: g.Spec.Version, Flags: g.Spec.Flags, Settings: g.Spec.Settings, Cells: g.Cells, Shards: shards}
	for i, in := range g.Spec.Inputs {
		m.Instances = append(m.Instances, ManifestInstance{Name: in.Instance.Name, SHA256: g.digest[i]})
	}
	if m.Settings == nil {
		m.Settings = []Setting{}
	}
	return m
}

func (m *Manifest) marshal() []byte {
	b, _ := json.MarshalIndent(m, "", "  ") // plain data, cannot fail
	return append(b, '\n')
}

// sameGrid compares two manifests, the shard count aside.
func sameGrid(a, b *Manifest) bool {
	x, y := *a, *b
	x.Shards, y.Shards = 0, 0
	return bytes.Equal(x.marshal(), y.marshal())
}

// ReadManifest reads dir's manifest.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, err
	}
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, ManifestFile), err)
	}
	if m.Format != CellFormat {
		return nil, fmt.Errorf("%s: format %d, want %d", filepath.Join(dir, ManifestFile), m.Format, CellFormat)
	}
	return &m, nil
}

// Prepare makes dir ready for a run of the grid with the given shard
// count: it creates the folders and writes the manifest, or refuses (with
// ErrOtherSweep) a folder that holds another grid's manifest.
func (g *Grid) Prepare(dir string, shards int) error {
	m := g.Manifest(shards)
	if old, err := ReadManifest(dir); err == nil && !sameGrid(old, m) {
		return fmt.Errorf("%w: %s was written for other instances, settings, flags or ofdi version; use another --out", ErrOtherSweep, filepath.Join(dir, ManifestFile))
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, CellsDir), 0o755); err != nil {
		return err
	}
	return report.WriteFile(filepath.Join(dir, ManifestFile), m.marshal())
}
