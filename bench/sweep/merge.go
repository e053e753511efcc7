package sweep

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/ofdi/ofdi/model/report"
)

// The merged outputs, in the output folder.
const (
	CSVFile   = "sweep.csv"
	JSONFile  = "sweep.json"
	ChartsDir = "charts"
)

// Merged is a sweep read back from its folder: the manifest and each
// cell's result (nil where the cell file is missing or unreadable).
type Merged struct {
	Manifest *Manifest
	Results  []*CellResult
	// Missing lists the cells without a valid file, by index.
	Missing []int
	// Invalid says why each unreadable cell file (counted in Missing) was
	// rejected; --resume solves such cells again.
	Invalid []string
}

// Merge reads the manifest and every cell file of dir.
func Merge(dir string) (*Merged, error) {
	m, err := ReadManifest(dir)
	if err != nil {
		return nil, err
	}
	out := &Merged{Manifest: m, Results: make([]*CellResult, len(m.Cells))}
	for i, c := range m.Cells {
		r, err := readCell(dir, c.Key, m.Flags.Methods)
		if err != nil {
			if !errors.Is(err, os.ErrNotExist) {
				out.Invalid = append(out.Invalid, err.Error())
			}
			out.Missing = append(out.Missing, c.Index)
			continue
		}
		out.Results[i] = r
	}
	return out, nil
}

// MissingShards lists the shards (of shards) that own a missing cell,
// sorted: the array indices to submit again.
func (m *Merged) MissingShards(shards int) []int {
	set := map[int]bool{}
	for _, k := range m.Missing {
		set[k%max(1, shards)] = true
	}
	out := make([]int, 0, len(set))
	for s := range set {
		out = append(out, s)
	}
	sort.Ints(out)
	return out
}

// Row is one line of the tidy table: one cell and method.
type Row struct {
	Instance string          `json:"instance"`
	Cell     int             `json:"cell"`
	Settings []CellSetting   `json:"settings"`
	Method   string          `json:"method"`
	Status   string          `json:"status"`
	Z        *float64        `json:"objective,omitempty"`
	Bound    *float64        `json:"bound,omitempty"`
	Gap      *float64        `json:"gap,omitempty"`
	Metrics  json.RawMessage `json:"metrics,omitempty"`

	// metrics flattened, in the plan's order.
	flat []field
}

type field struct {
	name  string
	value json.RawMessage
}

// Rows is the tidy table: every cell's plans in grid order, methods in
// flag order.
func (m *Merged) Rows() ([]Row, error) {
	var rows []Row
	for _, r := range m.Results {
		if r == nil {
			continue
		}
		for _, p := range r.Plans {
			row := Row{Instance: r.Instance, Cell: r.Index, Settings: r.Settings, Method: p.Method, Status: p.Status, Z: p.Objective, Bound: p.Bound, Gap: p.Gap}
			if p.Metrics != nil {
				raw, err := json.Marshal(p.Metrics)
				if err != nil {
					return nil, err
				}
				row.Metrics = raw
				if row.flat, err = flatten(raw, ""); err != nil {
					return nil, err
				}
			}
			rows = append(rows, row)
		}
	}
	return rows, nil
}

// flatten lists the leaves of a JSON object in document order, nested keys
// joined by ".".
func flatten(raw json.RawMessage, prefix string) ([]field, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return []field{{prefix, raw}}, nil
	}
	var out []field
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		name := t.(string)
		if prefix != "" {
			name = prefix + "." + name
		}
		sub, err := flatten(v, name)
		if err != nil {
			return nil, err
		}
		out = append(out, sub...)
	}
	return out, nil
}

// metricColumns is the union of the rows' metric names, in first-seen order.
func metricColumns(rows []Row) []string {
	var cols []string
	seen := map[string]bool{}
	for _, r := range rows {
		for _, f := range r.flat {
			if !seen[f.name] {
				seen[f.name] = true
				cols = append(cols, f.name)
			}
		}
	}
	return cols
}

func num(p *float64) string {
	if p == nil {
		return ""
	}
	b, _ := json.Marshal(*p)
	return string(b)
}

// WriteCSV writes the tidy table: instance, cell, one column per setting,
// method, status, objective, bound, gap, then every metric of the plans
// (nested ones as name.key); a plan without metrics leaves them empty.
func (m *Merged) WriteCSV(w io.Writer) error {
	rows, err := m.Rows()
	if err != nil {
		return err
	}
	mcols := metricColumns(rows)
	header := []string{"instance", "cell"}
	for _, s := range m.Manifest.Settings {
		header = append(header, s.Path)
	}
	header = append(header, "method", "status", "objective", "bound", "gap")
	header = append(header, mcols...)
	cw := csv.NewWriter(w)
	if err := cw.Write(header); err != nil {
		return err
	}
	for _, r := range rows {
		rec := []string{r.Instance, fmt.Sprint(r.Cell)}
		for _, s := range r.Settings {
			rec = append(rec, ValueText(s.Value))
		}
		rec = append(rec, r.Method, r.Status, num(r.Z), num(r.Bound), num(r.Gap))
		vals := map[string]string{}
		for _, f := range r.flat {
			vals[f.name] = ValueText(f.value)
		}
		for _, c := range mcols {
			rec = append(rec, vals[c])
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// sweepJSON is the layout of sweep.json.
type sweepJSON struct {
	Format    int                `json:"format"`
	Version   string             `json:"version"`
	Flags     Flags              `json:"flags"`
	Settings  []Setting          `json:"settings"`
	Instances []ManifestInstance `json:"instances"`
	Rows      []Row              `json:"rows"`
}

// JSON is sweep.json: the grid and the tidy rows, with each plan's
// metrics as the plan reports them.
func (m *Merged) JSON() ([]byte, error) {
	rows, err := m.Rows()
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []Row{}
	}
	b, err := json.MarshalIndent(sweepJSON{CellFormat, m.Manifest.Version, m.Manifest.Flags, m.Manifest.Settings, m.Manifest.Instances, rows}, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// WriteAll writes sweep.csv, sweep.json and the charts into dir, each file
// atomically, and returns the paths written. The bytes depend only on the
// cell files' deterministic parts: a sharded run merges to the same files
// as an unsharded one.
func (m *Merged) WriteAll(dir string) ([]string, error) {
	if len(m.Missing) > 0 {
		return nil, fmt.Errorf("sweep: %d of %d cells missing", len(m.Missing), len(m.Manifest.Cells))
	}
	var b bytes.Buffer
	if err := m.WriteCSV(&b); err != nil {
		return nil, err
	}
	written := []string{filepath.Join(dir, CSVFile), filepath.Join(dir, JSONFile)}
	if err := report.WriteFile(written[0], b.Bytes()); err != nil {
		return nil, err
	}
	js, err := m.JSON()
	if err != nil {
		return nil, err
	}
	if err := report.WriteFile(written[1], js); err != nil {
		return nil, err
	}
	charts, err := m.WriteCharts(filepath.Join(dir, ChartsDir))
	return append(written, charts...), err
}
