package main

import (
	"reflect"
	"strings"
	"testing"
)

// TestHelp: the help of the app and of every command explains the exit
// codes and gives examples, on stdout, with exit code 0.
func TestHelp(t *testing.T) {
	exitLines := []string{"EXIT CODES", "0  ", "1  internal error", "2  bad input or usage", "3  infeasible"}
	for _, tc := range []struct {
		args     []string
		examples []string
	}{
		{[]string{"--help"}, []string{"ofdi validate instances/", "ofdi solve instances/", "ofdi check instances/", "ofdi export instances/"}},
		{[]string{"-h"}, []string{"ofdi solve instances/"}},
		{[]string{"help"}, []string{"ofdi solve instances/"}},
		{[]string{"solve", "--help"}, []string{"Examples:", "ofdi solve instances/tiny.json", "--format json -o plan.json", "--method independent"}},
		{[]string{"solve", tinyPath, "--help"}, []string{"Examples:", "ofdi solve instances/"}},
		{[]string{"check", tinyPath, "plan.json", "--help"}, []string{"Examples:", "ofdi check instances/"}},
		{[]string{"help", "solve"}, []string{"Examples:", "ofdi solve instances/"}},
		{[]string{"validate", "--help"}, []string{"Examples:", "ofdi validate instances/"}},
		{[]string{"export", "--help"}, []string{"Examples:", "ofdi export instances/tiny.json --format lp", "glpsol", "cbc"}},
		{[]string{"check", "-h"}, []string{"Examples:", "ofdi check instances/"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			r := ofdi(t, tc.args...)
			wantCode(t, r, exitOK)
			wantContains(t, "help", r.stdout, exitLines...)
			wantContains(t, "help", r.stdout, tc.examples...)
			if r.stderr != "" {
				t.Errorf("stderr not empty:\n%s", r.stderr)
			}
		})
	}

	// The solve help documents every flag.
	r := ofdi(t, "solve", "--help")
	wantContains(t, "solve help", r.stdout, "--method", "--format", "--output", "-o", "--time-limit", "--gap", "--quiet", "--no-balance")
}

// TestNoOrUnknownCommand: usage errors exit 2, never 3 (which means
// infeasible), and name the valid commands.
func TestNoOrUnknownCommand(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no command", nil, "no command given"},
		{"unknown command", []string{"optimise", tinyPath}, `unknown command "optimise"`},
		{"help on an unknown command", []string{"help", "optimise"}, `unknown command "optimise"`},
		{"unknown global flag", []string{"--verbose", "solve", tinyPath}, "verbose"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := ofdi(t, tc.args...)
			wantCode(t, r, exitBadInput)
			wantContains(t, "stderr", r.stderr, tc.msg)
			if tc.name != "unknown global flag" {
				wantContains(t, "stderr", r.stderr, "solve, validate, export, check")
			}
			if r.stdout != "" {
				t.Errorf("stdout not empty on a usage error:\n%s", r.stdout)
			}
		})
	}
}

func TestInterspersed(t *testing.T) {
	app := newApp(nil, nil)
	for _, tc := range []struct {
		in, want []string
	}{
		{[]string{"ofdi"}, []string{"ofdi"}},
		{[]string{"ofdi", "--help"}, []string{"ofdi", "--help"}},
		{[]string{"ofdi", "nosuch", "a", "-x"}, []string{"ofdi", "nosuch", "a", "-x"}},
		{[]string{"ofdi", "solve", "f.json"}, []string{"ofdi", "solve", "--", "f.json"}},
		{[]string{"ofdi", "solve", "f.json", "--format", "json", "-o", "p.json"}, []string{"ofdi", "solve", "--format", "json", "-o", "p.json", "--", "f.json"}},
		{[]string{"ofdi", "solve", "-q", "f.json", "--no-balance"}, []string{"ofdi", "solve", "-q", "--no-balance", "--", "f.json"}},
		{[]string{"ofdi", "solve", "f.json", "--gap=0.1", "-t", "5s"}, []string{"ofdi", "solve", "--gap=0.1", "-t", "5s", "--", "f.json"}},
		// A flag value that looks like a flag stays a value.
		{[]string{"ofdi", "solve", "f.json", "--time-limit", "-1s"}, []string{"ofdi", "solve", "--time-limit", "-1s", "--", "f.json"}},
		// Combined short options: the last one takes the next argument.
		{[]string{"ofdi", "solve", "f.json", "-qo", "p.json"}, []string{"ofdi", "solve", "-qo", "p.json", "--", "f.json"}},
		{[]string{"ofdi", "solve", "-qf", "json", "f.json"}, []string{"ofdi", "solve", "-qf", "json", "--", "f.json"}},
		// "--" ends the flags: what follows is positional, even "-x".
		{[]string{"ofdi", "solve", "-q", "--", "-x.json"}, []string{"ofdi", "solve", "-q", "--", "-x.json"}},
		// "-" is a positional argument.
		{[]string{"ofdi", "check", "i.json", "-"}, []string{"ofdi", "check", "--", "i.json", "-"}},
		// --help anywhere shows the command's help, whatever else is given.
		{[]string{"ofdi", "solve", "f.json", "--format", "json", "--help"}, []string{"ofdi", "solve", "--help"}},
		{[]string{"ofdi", "check", "i.json", "-h", "p.json"}, []string{"ofdi", "check", "--help"}},
		// ... but "-h" as the value of a flag is a value.
		{[]string{"ofdi", "solve", "f.json", "-o", "-h"}, []string{"ofdi", "solve", "-o", "-h", "--", "f.json"}},
		// A trailing flag without its value is left for the parser to reject.
		{[]string{"ofdi", "solve", "f.json", "--format"}, []string{"ofdi", "solve", "--format", "--", "f.json"}},
	} {
		if got := interspersed(app, tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("interspersed(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
