package horizon

import (
	"testing"

	"github.com/ofdi/ofdi/instances/gen"
)

// Pioneers never learn (MODEL.md, K3: for a pioneer, x ≤ q): the learn row
// of a pioneer that does not know the market yet holds its own x and q and
// no other firm's column, so it cannot take part beside another pioneer on
// knowledge it does not have. (A plan of the 150-firm tight-risk 3-period
// cluster, seed 7, had a pioneer join beside others at κ 0.665 < 0.68; the
// independent checker refused it.)
func TestPioneersNeverLearn(t *testing.T) {
	rows := 0
	for seed := uint64(1); seed <= 6; seed++ {
		in := gen.Generate(gen.Config{Firms: 40, Opportunities: 20, Markets: 4, Seed: 900 + seed, Periods: 3})
		fm, err := Build(in)
		if err != nil {
			t.Fatal(err)
		}
		cols := map[int]string{}
		for j, c := range fm.Prob.Cols {
			cols[j] = c.Name
		}
		for p := range fm.Pairs {
			for tt := range fm.Pairs[p] {
				for _, pr := range fm.Pairs[p][tt] {
					if !pr.Learning || !in.Firms[pr.Firm].Pioneer {
						continue
					}
					name := "learn_" + fm.tag(pr.Firm, p, tt)
					for _, r := range fm.Prob.Rows {
						if r.Name != name {
							continue
						}
						rows++
						for _, j := range r.Ind {
							if j != pr.X && j != pr.Q {
								t.Errorf("seed %d: %s holds %s", seed, name, cols[j])
							}
						}
					}
				}
			}
		}
	}
	if rows == 0 {
		t.Fatal("no pioneer learning row in the generated clusters: the test checks nothing")
	}
	t.Logf("%d learn rows of pioneers checked", rows)
}
