package main

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	"github.com/ofdi/ofdi/model"
	"github.com/ofdi/ofdi/model/report"
	"github.com/ofdi/ofdi/solver"
	"github.com/ofdi/ofdi/solver/cluster"
	"github.com/ofdi/ofdi/solver/horizon"
	"github.com/ofdi/ofdi/solver/mip"
	"github.com/urfave/cli/v2"
)

func exportCommand() *cli.Command {
	return &cli.Command{
		Name:      "export",
		Usage:     "write the cluster MIP as an LP or MPS file for glpsol, CBC, HiGHS or any other solver",
		ArgsUsage: "INSTANCE (.json, .xlsx or a folder of CSV files)",
		Description: "Writes the MIP that 'ofdi solve' solves, with readable names: y_p7 (project taken),\n" +
			"x_f12_p7 (firm takes part), s_f12_p7 (stake), l_f12_p7 (lead), u_de (market entered), c_f12\n" +
			"(credit), eta_f12 and t_f12_base (CVaR), e_de_display (excess projects), z_f12 (SME takes\n" +
			"part), w_f12_p7 (learning reward). Beyond MODEL.md's rows it writes pioneer_p7 (a pioneer of\n" +
			"Pi_p takes part where p cannot run without one), which no plan violates: the optimum of the\n" +
			"file is the optimum of the model.\n" +
			"With --sharing stakes it adds constraint 16, a row fair_f12 per firm whose outside option can\n" +
			"bind: sum_p v_p*s_f12_p >= o_f12 (o_f from the independent baseline), and exits 3 naming the\n" +
			"firms when a static bound shows no plan can meet it.\n" +
			"A multi-period instance (with a horizon block) gets the multi-period MIP: the same names with\n" +
			"the period appended (y_p7_t2, x_f12_p7_t2, u_de_t1, e_de_display_t3), plus q_f12_p7_t2 (knows\n" +
			"enough on its own), k_f12_de_t2 (knowledge at the start of period 2) and the rows kappa_ (K1),\n" +
			"know_ (K2), learn_ (K3), budget_f12_t2 (cumulative budget), once_p7 (starts at most once);\n" +
			"with --sharing stakes its rows fair_f12 sum the periods, discounted: sum_t d^(t-1) sum_p\n" +
			"v_p*s_f12_p_t >= o_f12 (o_f from the independent baseline over the horizon, discounted).\n\n" +
			"Examples:\n" +
			"   ofdi export instances/tiny.json --format lp -o tiny.lp && glpsol --lp tiny.lp -o tiny.sol\n" +
			"   ofdi export instances/tiny.json --format mps -o tiny.mps && cbc tiny.mps solve\n" +
			"   ofdi export instances/jiangsu-electronics.json --sharing stakes -o fair.lp\n" +
			"   ofdi export instances/jiangsu-3-periods.json -o three.lp && cbc three.lp solve\n" +
			"   ofdi export instances/jiangsu-3-periods.json --sharing stakes -o three-fair.lp\n\n" + exitHelp,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "lp", Usage: "lp (CPLEX LP) or mps (free MPS)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to `FILE` (atomically) instead of stdout"},
			&cli.StringFlag{Name: "sharing", Value: model.SharingReport, Usage: "report (the MIP as solve --sharing report solves it) or stakes (with constraint 16)"},
		},
		Action: func(c *cli.Context) error {
			path, err := oneArg(c, "instance file")
			if err != nil {
				return err
			}
			format := c.String("format")
			if err := oneOf("format", format, "lp", "mps"); err != nil {
				return err
			}
			if err := oneOf("sharing", c.String("sharing"), model.SharingReport, model.SharingStakes); err != nil {
				return err
			}
			if err := checkOutput(c, path); err != nil {
				return err
			}
			inst, err := loadInstance(path, c.App.ErrWriter, false)
			if err != nil {
				return err
			}
			prob, why, err := exportProblem(inst, c.String("sharing"))
			if errors.Is(err, solver.ErrMultiPeriod) {
				return cli.Exit(fmt.Sprintf("%s: %v", path, err), exitBadInput)
			}
			if err != nil {
				return cli.Exit(err.Error(), exitInternal)
			}
			if len(why) > 0 {
				return cli.Exit(fmt.Sprintf("%s: infeasible: %s", path, strings.Join(why, "; ")), exitInfeasible)
			}
			var b bytes.Buffer
			if format == "lp" {
				err = prob.WriteLP(&b)
			} else {
				err = prob.WriteMPS(&b)
			}
			if err != nil {
				return cli.Exit(err.Error(), exitInternal)
			}
			if o := c.String("output"); o != "" {
				if err := report.WriteFile(o, b.Bytes()); err != nil {
					return cli.Exit(fmt.Sprintf("write %s: %v", o, err), exitInternal)
				}
				return nil
			}
			_, err = c.App.Writer.Write(b.Bytes())
			return err
		},
	}
}

// exportProblem builds the MIP that ofdi solve solves for inst: the
// multi-period one for an instance with a horizon block, else the
// one-period one; with sharing stakes, with constraint 16 (why, when not
// empty, says which firms no plan can give their outside option).
func exportProblem(inst *model.Instance, sharing string) (prob *mip.Problem, why []string, err error) {
	d := model.Derive(inst)
	if inst.MultiPeriod() {
		fm, err := horizon.Build(inst)
		if err != nil {
			return nil, nil, err
		}
		if sharing == model.SharingStakes {
			outside, err := solver.OutsideOptions(d)
			if err != nil {
				return nil, nil, err
			}
			if why := fm.Fair(outside); len(why) > 0 {
				return nil, why, nil
			}
		}
		return fm.Prob, nil, nil
	}
	fm, err := cluster.Build(d)
	if err != nil {
		return nil, nil, err
	}
	if sharing == model.SharingStakes {
		outside, err := solver.OutsideOptions(d)
		if err != nil {
			return nil, nil, err
		}
		if why := fm.Fair(outside); len(why) > 0 {
			return nil, why, nil
		}
	}
	return fm.Prob, nil, nil
}
