package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// interspersed moves a command's flags in front of its positional
// arguments, so that "ofdi solve FILE --format json" works as users expect:
// urfave/cli v2 stops parsing flags at the first positional argument.
// Flags that take a value keep it ("-o x", "--gap 1e-4", and "-qo x" with
// combined short options); "--" ends flags.
func interspersed(app *cli.App, args []string) []string {
	if len(args) < 2 {
		return args
	}
	var cmd *cli.Command
	for _, c := range app.Commands {
		if c.HasName(args[1]) {
			cmd = c
		}
	}
	if cmd == nil {
		return args
	}
	takesValue := map[string]bool{}
	for _, f := range cmd.Flags {
		_, isBool := f.(*cli.BoolFlag)
		for _, n := range f.Names() {
			takesValue[n] = !isBool
		}
	}
	var flags, pos []string
	help := false
	rest := args[2:]
	for i := 0; i < len(rest); i++ {
		a := rest[i]
		if a == "--" {
			pos = append(pos, rest[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		if a == "-h" || a == "--help" || a == "-help" {
			help = true
		}
		name := strings.TrimLeft(a, "-")
		if strings.Contains(name, "=") {
			continue
		}
		needsValue, known := takesValue[name]
		if !known && app.UseShortOptionHandling && !strings.HasPrefix(a, "--") && len(name) > 1 {
			// Combined short options ("-qo FILE"): only the last one
			// can take a value, and it takes the next argument.
			needsValue = takesValue[name[len(name)-1:]]
		}
		if needsValue && i+1 < len(rest) {
			flags = append(flags, rest[i+1])
			i++
		}
	}
	if help {
		// "ofdi solve FILE --help": show the help. With the file left
		// in, urfave/cli looks for a help topic named FILE and fails
		// with exit code 3.
		return []string{args[0], args[1], "--help"}
	}
	out := append([]string{args[0], args[1]}, flags...)
	if len(pos) > 0 {
		out = append(out, "--")
		out = append(out, pos...)
	}
	return out
}
