// Command ofdi plans cluster-style outward foreign direct investment: which
// overseas opportunities an industrial cluster takes and who takes part in
// each, as the mixed-integer program of MODEL.md solved with GLPK.
//
// Exit codes: 0 a plan was found (or the command succeeded), 1 internal
// error, 2 bad input or usage, 3 infeasible or no plan within the limit.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
)

// Exit codes.
const (
	exitOK         = 0
	exitInternal   = 1
	exitBadInput   = 2
	exitInfeasible = 3
)

const exitHelp = `EXIT CODES:
   0  a plan was found (solve), the instance is valid (validate), the plan passes (check)
   1  internal error
   2  bad input or usage: unreadable or invalid instance or plan, unknown command, flag,
      method or format, an --output path that cannot be written
   3  infeasible, or no plan within the time limit; check: the plan violates the model`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the CLI and returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, interspersed(app, args))
	if err == nil {
		return exitOK
	}
	var ec cli.ExitCoder
	if errors.As(err, &ec) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "ofdi:", msg)
		}
		return ec.ExitCode()
	}
	// urfave/cli returns plain errors for usage problems (unknown flags,
	// bad flag values).
	fmt.Fprintln(stderr, "ofdi:", err)
	return exitBadInput
}

func newApp(stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:  "ofdi",
		Usage: "plan cluster-style outward FDI: which overseas opportunities a cluster takes, and who takes part",
		Description: "An industrial cluster decides, as one coordinated investor, which overseas opportunities to take\n" +
			"and who takes part in each. ofdi writes this as the mixed-integer program of MODEL.md (minimise\n" +
			"internal dissipation and duplicated market-intelligence costs net of the value created, under\n" +
			"cost-sharing and CVaR risk-sharing constraints), solves it with GLPK, and compares the plan with\n" +
			"what firms would do investing alone.\n\n" +
			"Typical use:\n" +
			"   ofdi validate instances/jiangsu-electronics.json\n" +
			"   ofdi solve instances/jiangsu-electronics.json --time-limit 60s\n" +
			"   ofdi solve instances/jiangsu-electronics.json --format json -o plan.json\n" +
			"   ofdi check instances/jiangsu-electronics.json plan.json\n" +
			"   ofdi export instances/jiangsu-electronics.json --format lp -o model.lp\n" +
			"   ofdi generate --firms 150 --opportunities 60 --markets 10 --seed 7 -o cluster.json\n" +
			"   ofdi bench instances/jiangsu-electronics.json --stress 1000 --out bench/out\n" +
			"   ofdi convert instances/jiangsu-electronics.json jiangsu.xlsx   (then: ofdi solve jiangsu.xlsx)\n\n" + exitHelp,
		Writer:                 stdout,
		ErrWriter:              stderr,
		HideHelpCommand:        true,
		UseShortOptionHandling: true,
		ExitErrHandler:         func(*cli.Context, error) {}, // run() reports errors and exits
		OnUsageError:           onUsageError,
		Action:                 rootAction,
		Commands: []*cli.Command{
			solveCommand(),
			validateCommand(),
			exportCommand(),
			checkCommand(),
			generateCommand(), benchCommand(),
			explainCommand(), reportCommand(), convertCommand(), sweepCommand(),
		},
	}
	for _, c := range app.Commands {
		c.OnUsageError = onUsageError
	}
	return app
}

// onUsageError turns a flag parsing error (unknown flag, bad value) into a
// one-line usage error on stderr with exit code 2. Without it urfave/cli
// prints "Incorrect Usage" and the whole help text to stdout, which ends up
// in the plan file of "ofdi solve ... > plan.json".
func onUsageError(c *cli.Context, err error, _ bool) error {
	see := "ofdi --help"
	if c.Command != nil && c.Command.Name != "" && c.Command.Name != c.App.Name {
		see = "ofdi " + c.Command.Name + " --help"
	}
	return usageError("%v (see %s)", err, see)
}

// rootAction runs when no command matched: "ofdi" alone, "ofdi help
// [COMMAND]" (the help command is hidden from the listing) or an unknown
// command. Without it urfave/cli reports an unknown command with exit code
// 3, which here means "infeasible".
func rootAction(c *cli.Context) error {
	names := make([]string, 0, len(c.App.Commands))
	for _, cmd := range c.App.Commands {
		names = append(names, cmd.Name)
	}
	want := strings.Join(names, ", ")
	switch first := c.Args().First(); {
	case c.NArg() == 0:
		cli.HelpPrinter(c.App.ErrWriter, cli.AppHelpTemplate, c.App)
		return usageError("no command given (want %s)", want)
	case first == "help" || first == "h":
		topic := c.Args().Get(1)
		if topic == "" {
			return cli.ShowAppHelp(c)
		}
		if c.App.Command(topic) == nil {
			return usageError("help: unknown command %q (want %s)", topic, want)
		}
		return cli.ShowCommandHelp(c, topic)
	default:
		return usageError("unknown command %q (want %s; see ofdi --help)", first, want)
	}
}

func usageError(format string, args ...any) error {
	return cli.Exit(fmt.Sprintf(format, args...), exitBadInput)
}
