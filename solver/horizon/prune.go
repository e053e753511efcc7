package horizon

// pairLists returns the usable pairs of every opportunity and period
// (pairsAt), nil where p cannot start (not open, or not fundable), pruned
// to the pairs an integer plan can use (prune).
func (fm *Formulation) pairLists() [][][]Pair {
	in := fm.Inst
	lists := make([][][]Pair, len(in.Opportunities))
	for p := range in.Opportunities {
		lists[p] = make([][]Pair, fm.T)
		for t := 0; t < fm.T; t++ {
			if !in.Opportunities[p].OpenIn(t + 1) {
				continue
			}
			if pairs := fm.pairsAt(p, t); fm.fundable(p, pairs) {
				lists[p][t] = pairs
			}
		}
	}
	fm.prune(lists)
	return lists
}

// prune drops, until nothing changes, what no integer plan can use:
//   - q where the firm cannot reach k_p by period t from the pairs it
//     has in earlier periods (reachable);
//   - a pair of a firm that lacks k_p and has neither q nor a pioneer of
//     Π_p other than itself with a pair in the same period (K3 holds its
//     x at 0);
//   - every pair of (p, t) once the rest cannot fund p (fundable).
//
// Each step only removes, so the loop ends; each removal can only make
// other q unreachable, never reachable.
func (fm *Formulation) prune(lists [][][]Pair) {
	for changed := true; changed; {
		changed = false
		own := fm.ownPairs(lists)
		for p := range lists {
			for t, pairs := range lists[p] {
				if pairs == nil {
					continue
				}
				kept := make([]Pair, 0, len(pairs))
				for _, pr := range pairs {
					if pr.canLearn && !fm.reachable(own[pr.Firm], pr.Firm, p, t) {
						pr.canLearn, changed = false, true
					}
					if pr.Learning && !pr.canLearn && (fm.Inst.Firms[pr.Firm].Pioneer || !pioneerBeside(pairs, pr.Firm)) {
						changed = true
						continue
					}
					kept = append(kept, pr)
				}
				if !fm.fundable(p, kept) {
					kept, changed = nil, true
				}
				lists[p][t] = kept
			}
		}
	}
}

// pioneerBeside says whether a pioneer of Π_p other than f has a pair
// among pairs.
func pioneerBeside(pairs []Pair, f int) bool {
	for _, g := range pairs {
		if g.Pioneer && g.Firm != f {
			return true
		}
	}
	return false
}

// ownPair is one pair of a firm, with the most it adds to the knowledge
// of its own market under K1: g_D, and g_P more with a learning reward (a
// w column beside a pioneer's pair).
type ownPair struct {
	p, t int
	gain float64
}

// ownPairs lists each firm's pairs in lists.
func (fm *Formulation) ownPairs(lists [][][]Pair) [][]ownPair {
	gD, gP, _ := fm.Inst.Horizon.Gains()
	own := make([][]ownPair, len(fm.Inst.Firms))
	for p := range lists {
		for t, pairs := range lists[p] {
			for _, pr := range pairs {
				g := gD
				if fm.hasReward(pr.Firm, p, t) && pioneerBeside(pairs, pr.Firm) {
					g += gP
				}
				own[pr.Firm] = append(own[pr.Firm], ownPair{p: p, t: t, gain: g})
			}
		}
	}
	return own
}

// reachable says whether firm f, whose pairs are own, can know k_p of p's
// market by period t (0-based) under K1: its knowledge κ_f(m) plus the
// gains of at most n_f − 1 participations (p's own is one of its n_f) in
// other opportunities, each taken once (its largest gain over the periods
// before t), each gain times φ outside the market.
func (fm *Formulation) reachable(own []ownPair, f, p, t int) bool {
	in := fm.Inst
	o := &in.Opportunities[p]
	m := fm.D.Market[o.Market]
	need := o.KnowledgeRequired - in.Firms[f].KnowledgeOf(o.Market)
	_, _, phi := in.Horizon.Gains()
	best := map[int]float64{}
	for _, x := range own {
		if x.t >= t || x.p == p {
			continue
		}
		g := x.gain
		if fm.D.Market[in.Opportunities[x.p].Market] != m {
			g *= phi
		}
		best[x.p] = max(best[x.p], g)
	}
	gains := make([]float64, 0, len(best))
	for _, g := range best {
		gains = append(gains, g)
	}
	k := len(gains)
	if n := in.Firms[f].MaxProjects; n != nil {
		k = min(k, *n-1)
	}
	return largest(gains, k) >= need-knowTol
}

// hasReward says whether the pair of f in p in period t (0-based) gets a
// w column: a learning-reward pair whose reward is worth λ_L or drives
// knowledge (g_P) in a later period.
func (fm *Formulation) hasReward(f, p, t int) bool {
	in := fm.Inst
	_, gP, _ := in.Horizon.Gains()
	return fm.rewardable(f, p) && (in.Objective.LearningValue > 0 || (gP > 0 && t < fm.T-1))
}
