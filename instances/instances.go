// Package instances bundles the instance files of this directory (see
// README.md): tiny.json (optimum worked out by hand in tiny.md),
// jiangsu-electronics.json (a realistic cluster) and infeasible-target.json
// (a market power target no plan can meet). The generator of synthetic
// instances is the sub-package gen.
package instances

import (
	"embed"
	"io/fs"
	"sort"
	"strings"
)

// Files holds the bundled instance files, named "<name>.json".
//
//go:embed *.json
var Files embed.FS

// Names lists the bundled instances (file names without ".json"), sorted.
func Names() []string {
	entries, _ := fs.ReadDir(Files, ".") // cannot fail on an embed.FS root
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}
