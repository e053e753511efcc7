package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// TimelineRow is one period of a multi-period plan's timeline, as the
// text plan prints it: each field lists ids, or reads "none".
type TimelineRow struct {
	Period int
	// Starts are the projects started, Enters the markets entered for the
	// first time, Joins the firms taking part for the first time.
	Starts, Enters, Joins string
	// Learns lists who learns beside which pioneers, "sme beside p1+p2 in
	// project".
	Learns string
}

// Timeline returns a multi-period plan's timeline, period by period (nil
// for a one-period plan).
func Timeline(p *model.Plan) []TimelineRow {
	var out []TimelineRow
	for _, pp := range p.Periods {
		learns := make([]string, len(pp.Learning))
		for i, l := range pp.Learning {
			learns[i] = fmt.Sprintf("%s beside %s in %s", l.Firm, strings.Join(l.Pioneers, "+"), l.Project)
		}
		out = append(out, TimelineRow{Period: pp.Period, Starts: orNone(pp.Projects), Enters: orNone(pp.MarketsEntered),
			Joins: orNone(pp.Joined), Learns: orNone(learns)})
	}
	return out
}

// timeline writes a multi-period plan period by period: the projects
// started, the markets entered, the firms joining and who learns beside
// which pioneers.
func timeline(b *strings.Builder, p *model.Plan) {
	b.WriteString("\ntimeline:\n")
	for _, r := range Timeline(p) {
		fmt.Fprintf(b, "  period %d\n", r.Period)
		fmt.Fprintf(b, "    starts         %s\n", r.Starts)
		fmt.Fprintf(b, "    enters         %s\n", r.Enters)
		fmt.Fprintf(b, "    joins          %s\n", r.Joins)
		fmt.Fprintf(b, "    learns         %s\n", r.Learns)
	}
}

// stageTable writes the SMEs per Uppsala stage after each period.
func stageTable(b *strings.Builder, stages []model.StageCount) {
	b.WriteString("\nSMEs by stage after each period (pre: not yet abroad; early: abroad, knowledge below experienced_at; experienced):\n")
	fmt.Fprintf(b, "  %-7s %5s %6s %12s\n", "period", "pre", "early", "experienced")
	for _, s := range stages {
		fmt.Fprintf(b, "  %-7d %5d %6d %12d\n", s.Period, s.Pre, s.Early, s.Experienced)
	}
}

// StageComparison writes the SMEs per stage after each period for several
// plans of the same multi-period instance side by side (e.g. the cluster
// plan and both baselines): one row per period, pre/early/experienced per
// plan. Plans without stages are left out.
func StageComparison(w io.Writer, plans ...*model.Plan) error {
	var b strings.Builder
	var ps []*model.Plan
	for _, p := range plans {
		if p != nil && len(p.Stages) > 0 {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 {
		return nil
	}
	b.WriteString("\nSMEs pre / early / experienced after each period, cluster against firms acting alone:\n")
	fmt.Fprintf(&b, "  %-7s", "period")
	for _, p := range ps {
		fmt.Fprintf(&b, " %18s", p.Method)
	}
	b.WriteString("\n")
	for t := range ps[0].Stages {
		fmt.Fprintf(&b, "  %-7d", t+1)
		for _, p := range ps {
			cell := "-"
			if t < len(p.Stages) {
				s := p.Stages[t]
				cell = fmt.Sprintf("%d / %d / %d", s.Pre, s.Early, s.Experienced)
			}
			fmt.Fprintf(&b, " %18s", cell)
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
