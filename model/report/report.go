// Package report writes plans for people (a text summary) and for programs
// (indented, deterministic JSON), and writes output files atomically.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// JSON returns the plan as indented JSON with a trailing newline. Map keys
// are sorted by encoding/json, so equal plans give equal bytes. Numbers
// with a fraction or an exponent are printed with at most
// model.PlanDigits significant digits (0.05, not 0.049999999999999996);
// integers are printed as they are.
func JSON(p *model.Plan) ([]byte, error) {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(roundNumbers(b), '\n'), nil
}

// roundNumbers rewrites every number token of the JSON text b that has a
// fraction or an exponent with at most model.PlanDigits significant
// digits. Strings are copied untouched.
func roundNumbers(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					j++
				}
				j++
			}
			j = min(j+1, len(b))
			out = append(out, b[i:j]...)
			i = j
		case c == '-' || (c >= '0' && c <= '9'):
			j := i + 1
			real := false
			for j < len(b) && strings.IndexByte("0123456789+-.eE", b[j]) >= 0 {
				if strings.IndexByte(".eE", b[j]) >= 0 {
					real = true
				}
				j++
			}
			tok := b[i:j]
			if v, err := strconv.ParseFloat(string(tok), 64); real && err == nil {
				out = strconv.AppendFloat(out, v, 'g', model.PlanDigits, 64)
			} else {
				out = append(out, tok...)
			}
			i = j
		default:
			out = append(out, c)
			i++
		}
	}
	return out
}

// WriteFile writes data to path atomically: it writes a temporary file in
// the same directory, syncs it and renames it into place, so a reader (or a
// crash) sees either the old file or the complete new one, never a partial
// one. On error the existing file is untouched.
//
// A symbolic link is followed: its target is replaced, the link stays. A
// path that exists and is not a regular file (/dev/null, /dev/stdout, a
// named pipe) is written directly, since there is no file to replace:
// renaming over it would put a regular file in place of the device.
func WriteFile(path string, data []byte) error {
	if st, err := os.Stat(path); err == nil {
		if !st.Mode().IsRegular() {
			return writeDirect(path, data)
		}
		if real, err := filepath.EvalSymlinks(path); err == nil {
			path = real
		}
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(name)
		}
	}()
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	mode := os.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	if err := os.Chmod(name, mode); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// writeDirect writes data to an existing file that is not a regular one.
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Text writes a readable summary of p: status and gap, the projects with
// market, mode, lead, partners and stakes, markets entered, credit drawn,
// the metrics of MODEL.md and, when the plan has them, the firm accounts:
// a table with each firm's id, name, role, pioneer mark, projects, money
// committed and its share of capital, CVaR use, stake return, outside
// option, transfer and binding limits.
func Text(w io.Writer, inst *model.Instance, p *model.Plan) error {
	var b strings.Builder
	cur := inst.Currency
	if cur == "" {
		cur = "money units"
	}
	header(&b, p, cur)
	if a := p.Plan; a != nil {
		projectLines(&b, a.Projects)
		fmt.Fprintf(&b, "\nmarkets entered: %s\n", orNone(a.MarketsEntered))
		credit := make([]string, len(a.Credit))
		for i, c := range a.Credit {
			credit[i] = fmt.Sprintf("%s %s", c.Firm, num(c.Amount))
		}
		fmt.Fprintf(&b, "credit drawn: %s\n", orNone(credit))
	}
	if p.Periods != nil {
		timeline(&b, p)
		stageTable(&b, p.Stages)
	}
	if p.Metrics != nil {
		metricLines(&b, p)
	}
	if p.Firms != nil {
		firmTable(&b, p)
	}
	if s := p.Statistics; s != nil {
		fmt.Fprintf(&b, "\nsolved in %.2fs", s.DurationSeconds)
		if s.Variables > 0 {
			fmt.Fprintf(&b, " (%d variables, %d binaries, %d constraints, %d nodes, %s)", s.Variables, s.Binaries, s.Constraints, s.Nodes, s.Solver)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// gapPercent formats a relative gap in percent, to four significant
// digits; a gap within rounding of zero (below 1e-9 %, as when Z and the
// bound differ in their last bits) prints as 0%.
func gapPercent(gap float64) string {
	g := 100 * gap
	if math.Abs(g) < 1e-9 {
		g = 0
	}
	return fmt.Sprintf("%.4g%%", g)
}

// header writes the status line with the gap, the solver's message (one
// clause a line) and the objective with its bound, in currency cur.
func header(b *strings.Builder, p *model.Plan, cur string) {
	fmt.Fprintf(b, "instance %s   method %s   status %s", p.Instance, p.Method, p.Status)
	if p.Gap != nil {
		fmt.Fprintf(b, "   gap %s", gapPercent(*p.Gap))
	}
	b.WriteString("\n")
	if p.Message != "" {
		fmt.Fprintf(b, "\n%s\n", strings.ReplaceAll(p.Message, "; ", "\n"))
	}
	if p.Objective != nil {
		fmt.Fprintf(b, "objective Z = %s %s", num(*p.Objective), cur)
		if p.Bound != nil {
			fmt.Fprintf(b, "   (bound %s)", num(*p.Bound))
		}
		b.WriteString("\n")
	}
}

// projectLines writes one line per project: start period (multi-period
// plans), id, market, mode, lead ("-" for none) and the stakes.
func projectLines(b *strings.Builder, projects []model.Project) {
	fmt.Fprintf(b, "\nprojects undertaken (%d):\n", len(projects))
	if len(projects) == 0 {
		b.WriteString("  none\n")
	}
	for _, pj := range projects {
		lead := pj.Lead
		if lead == "" {
			lead = "-"
		}
		parts := make([]string, len(pj.Participants))
		for i, s := range pj.Participants {
			parts[i] = fmt.Sprintf("%s %.1f%%", s.Firm, 100*s.Stake)
		}
		when := ""
		if pj.Period > 0 {
			when = fmt.Sprintf("t%-3d", pj.Period)
		}
		fmt.Fprintf(b, "  %s%s %s %-13s lead %s %s\n", when, pad(pj.ID, 10), pad(pj.Market, 8), pj.Mode, pad(lead, 10), strings.Join(parts, ", "))
	}
}

// metricLines writes the metrics of MODEL.md, then, for a plan with firm
// accounts, the sharing metrics, then the price of fairness when known or
// asked for (sharing stakes).
func metricLines(b *strings.Builder, p *model.Plan) {
	m := p.Metrics
	b.WriteString("\nmetrics:\n")
	metricRow(b, "info cost", num(m.InfoCost))
	metricRow(b, "dissipation", num(m.Dissipation))
	metricRow(b, "value (npv + subsidy)", num(m.Value))
	metricRow(b, "market power", num(m.MarketPower))
	metricRow(b, "learning participations", fmt.Sprint(m.Learning))
	metricRow(b, "projects", fmt.Sprint(m.Projects))
	roles := make([]string, 0, len(m.FirmsByRole))
	for _, r := range model.Roles {
		roles = append(roles, fmt.Sprintf("%s %d", r, m.FirmsByRole[r]))
	}
	metricRow(b, "firms taking part", strings.Join(roles, ", "))
	metricRow(b, "SME participation", fmt.Sprintf("%.1f%%", 100*m.SMEParticipation))
	metricRow(b, "capital deployed", num(m.CapitalDeployed))
	metricRow(b, "credit drawn", num(m.CreditDrawn))
	metricRow(b, "CVaR utilisation", fmt.Sprintf("max %.1f%%, mean %.1f%%", 100*m.CVaRUtilisationMax, 100*m.CVaRUtilisationMean))
	metricRow(b, "targets met", fmt.Sprintf("%v (market power %v, SME participation %v)", m.TargetsMet, m.MarketPowerTarget, m.SMETarget))
	if m.SMEExperienced != nil {
		metricRow(b, "SMEs experienced", fmt.Sprintf("%d (after the last period)", *m.SMEExperienced))
		metricRow(b, "note", "info cost, dissipation and value are discounted to period 1")
	}
	if p.Firms != nil {
		sharingLines(b, m)
	}
	switch {
	case p.PriceOfFairness != nil:
		metricRow(b, "price of fairness", num(*p.PriceOfFairness)+" (Z of this plan - Z of the optimum without constraint 16)")
	case p.Sharing == model.SharingStakes:
		metricRow(b, "price of fairness", "unknown (needs both optima proven)")
	}
}

// sharingLines writes the sharing metrics of a plan with firm accounts.
func sharingLines(b *strings.Builder, m *model.Metrics) {
	metricRow(b, "money value W", num(m.MoneyValue)+" (value - info cost - dissipation)")
	metricRow(b, "surplus S", num(m.Surplus)+" (W - sum of outside options)")
	metricRow(b, "transfers paid", num(m.TransfersPaid))
	metricRow(b, "below outside option", fmt.Sprintf("%d firm%s before transfers", m.FirmsBelowOutsideOption, plural(m.FirmsBelowOutsideOption)))
	metricRow(b, "individually rational", fmt.Sprint(m.IndividuallyRational))
}

// metricRow writes one metric: its name in a column, then its value.
func metricRow(b *strings.Builder, k, v string) { fmt.Fprintf(b, "  %-26s %s\n", k, v) }

// firmTable writes the firm accounts: one line per firm, in file order.
func firmTable(b *strings.Builder, p *model.Plan) {
	rule := "each firm keeps what it earns and pays its own info cost"
	if p.Sharing == model.SharingReport {
		rule = "sharing report: transfers give each firm its outside option plus a share of the surplus by money committed"
	} else if p.Sharing == model.SharingStakes {
		rule = "sharing stakes: firms keep their stake returns, no transfers"
	}
	if p.Periods != nil {
		rule += "; money summed over the periods, discounted to period 1"
	}
	fmt.Fprintf(b, "\nfirms (%d; * pioneer; %s):\n", len(p.Firms), rule)
	fmt.Fprintf(b, "  %-8s %-24s %-10s %1s %4s %10s %5s %5s %9s %9s %9s  %s\n",
		"id", "name", "role", "*", "proj", "committed", "cap%", "CVaR%", "return", "outside", "transfer", "binding")
	for _, f := range p.Firms {
		mark := ""
		if f.Pioneer {
			mark = "*"
		}
		binding := strings.Join(f.Binding, ", ")
		if binding == "" {
			binding = "-"
		}
		fmt.Fprintf(b, "  %s %s %-10s %1s %4d %10s %5.0f %5.0f %9s %9s %9s  %s\n",
			pad(f.ID, 8), pad(clip(f.Name, 24), 24), f.Role, mark, f.Projects, num(f.Committed), 100*f.CapitalUse, 100*f.CVaRUse,
			num(f.StakeReturn), num(f.OutsideOption), num(f.Transfer), binding)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func num(x float64) string {
	if x == 0 {
		return "0"
	}
	return strings.TrimRight(strings.TrimRight(fmt.Sprintf("%.2f", x), "0"), ".")
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
