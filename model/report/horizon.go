package report

import (
	"fmt"
	"io"
	"strings"

	"github.com/ofdi/ofdi/model"
)

// timeline writes a multi-period plan period by period: the projects
// started, the markets entered, the firms joining and who learns beside
// which pioneers.
func timeline(b *strings.Builder, p *model.Plan) {
	b.WriteString("\ntimeline:\n")
	for _, pp := range p.Periods {
		fmt.Fprintf(b, "  period %d\n", pp.Period)
		fmt.Fprintf(b, "    starts         %s\n", orNone(pp.Projects))
		fmt.Fprintf(b, "    enters         %s\n", orNone(pp.MarketsEntered))
		fmt.Fprintf(b, "    joins          %s\n", orNone(pp.Joined))
		learns := make([]string, len(pp.Learning))
		for i, l := range pp.Learning {
			learns[i] = fmt.Sprintf("%s beside %s in %s", l.Firm, strings.Join(l.Pioneers, "+"), l.Project)
		}
		fmt.Fprintf(b, "    learns         %s\n", orNone(learns))
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
