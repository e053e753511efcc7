package stakes

import (
	"math"
)

// evaluator is the smooth augmented Lagrangian minimised by L-BFGS. Its
// variables x are z, one per free stake; the stakes of a group are
// s = s0 + z − mean(z), so their sum never changes.
//
//	F_f = min_θ θ + 1/(1−α)·Σ_k π_k·h_ε(L_fk/R_f − θ)      (≥ CVaR_f/R_f)
//	obj = w·Σ_f max(0, F_f)²  +  Σ_c ψ(g_c; λ_c, μ)
//
// over the constraints g_c ≤ 0:
//
//	F_f − 1 + m                                     CVaR ≤ R
//	lo_i − s_i,  s_i − hi_i                         stake bounds, lead
//	spend_f/K_f − 1 − β + m                         budget, credit ≤ βK
//	(Σ_f max(0, spend_f − K_f) − B)/scale + m       credit line
//	(o_f − Σ_p v_p·s_fp)/max(1, |o_f|) + m          constraint 16 (Options.Outside)
//
// where h_ε is a Huber smoothing of the hinge max(0, ·) from above (so F_f
// is the Rockafellar–Uryasev CVaR with a smoothed hinge, minimised over θ
// exactly by smoothCVaR), m is margin, w normalises the objective, and ψ
// is the PHR term of phr: a quadratic penalty, shifted by the multiplier
// λ_c when there is one. Every term is convex and continuously
// differentiable in z.
type evaluator struct {
	pb      *problem
	mu, eps float64
	w       float64 // weight of the objective
	inv     float64 // 1/(1−α)
	bScale  float64
	// beta is β, or 0 when the credit line B is 0: then nobody may draw,
	// the budget is spend_f ≤ K_f and the credit line's own term is left
	// out (its value Σ max(0, spend_f − K_f) − B could never be negative,
	// so a margin on it could never be met).
	beta   float64
	noLine bool

	lastX      []float64
	valid      bool
	f          float64
	g          []float64
	s          []float64 // free stakes
	gs         []float64 // gradient w.r.t. free stakes
	loss, gL   []float64 // per variable firm and scenario
	spend, gSp []float64 // per variable firm
	u, bp      []float64 // scratch for smoothCVaR

	// Margins by which the CVaR and budget constraints of each variable
	// firm, and the credit line, are tightened (see tighten); margin at
	// the start.
	mCVaR, mBudget []float64
	mCredit        float64

	// Constraint values g (≤ 0 when satisfied) at the last point and their
	// multipliers λ ≥ 0, per free stake (lower, upper), per variable firm
	// (CVaR, budget) and for the credit line.
	cLower, cUpper, lLower, lUpper []float64
	cCVaR, cBudget, lCVaR, lBudget []float64
	cCredit, lCredit               float64
	// Constraint 16 per variable firm (only with outside options): the
	// firm's stake return, its constraint value, multiplier and margin.
	ret, gRet, cFair, lFair, mFair []float64
}

func newEvaluator(pb *problem) *evaluator {
	nz, nv := len(pb.free), len(pb.vFirms)
	e := &evaluator{
		pb:    pb,
		w:     1,
		inv:   1 / (1 - pb.alpha),
		lastX: make([]float64, nz),
		g:     make([]float64, nz),
		s:     make([]float64, nz),
		gs:    make([]float64, nz),
		loss:  make([]float64, nv*pb.nk),
		gL:    make([]float64, nv*pb.nk),
		spend: make([]float64, nv),
		gSp:   make([]float64, nv),
		u:     make([]float64, pb.nk),
		bp:    make([]float64, 2*pb.nk),

		cLower: make([]float64, nz), cUpper: make([]float64, nz),
		lLower: make([]float64, nz), lUpper: make([]float64, nz),
		cCVaR: make([]float64, nv), cBudget: make([]float64, nv),
		lCVaR: make([]float64, nv), lBudget: make([]float64, nv),

		mCVaR: make([]float64, nv), mBudget: make([]float64, nv), mCredit: margin,
	}
	for v := range e.mCVaR {
		e.mCVaR[v], e.mBudget[v] = margin, margin
	}
	if pb.outside != nil {
		e.ret, e.gRet = make([]float64, nv), make([]float64, nv)
		e.cFair, e.lFair, e.mFair = make([]float64, nv), make([]float64, nv), make([]float64, nv)
		for v := range e.mFair {
			e.mFair[v] = margin
		}
	}
	var meanK float64
	for _, f := range pb.vFirms {
		meanK += pb.d.Inst.Firms[f].Capital
	}
	meanK /= float64(max(1, nv))
	e.beta, e.noLine = pb.beta, !(pb.credit > 0)
	if e.noLine {
		e.beta = 0
	}
	e.bScale = math.Max(pb.credit, meanK)
	if !(e.bScale > 0) {
		e.bScale = 1
	}
	return e
}

// start returns the initial point: the input stakes (z = 0).
func (e *evaluator) start() []float64 { return make([]float64, len(e.pb.free)) }

// smoothCVaR returns F = min_θ θ + inv·Σ_k π_k·h_ε(u_k − θ) and writes
// ∂F/∂u_k into grad (envelope theorem: inv·π_k·h'_ε(u_k − θ*)). The
// minimiser solves φ(θ) = Σ_k π_k·h'_ε(u_k − θ) = 1/inv; φ is continuous,
// non-increasing and linear between the breakpoints u_k ± ε/2, so θ* is
// found exactly by walking the sorted breakpoints down from the largest. With ε = 0 it is the
// exact CVaR (mean of the worst 1/inv of the probability) and a
// subgradient. bp is scratch of length 2·len(u).
func smoothCVaR(u, probs []float64, inv, eps float64, grad, bp []float64) float64 {
	tail := 1 / inv
	if eps <= 0 {
		// Exact: take the scenarios from the worst down until the tail
		// mass is used up.
		for k := range grad {
			grad[k] = 0
		}
		remaining, F := tail, 0.0
		for remaining > 0 {
			best := -1
			for k := range u {
				if grad[k] == 0 && probs[k] > 0 && (best < 0 || u[k] > u[best]) {
					best = k
				}
			}
			if best < 0 {
				break
			}
			take := math.Min(probs[best], remaining)
			grad[best] = inv * take
			F += inv * take * u[best]
			remaining -= take
		}
		return F
	}
	phi := func(theta float64) float64 {
		var t float64
		for k, x := range u {
			_, hp := hinge(x-theta, eps)
			t += probs[k] * hp
		}
		return t
	}
	n := 0
	for _, x := range u {
		bp[n], bp[n+1] = x-eps/2, x+eps/2
		n += 2
	}
	bp = bp[:n]
	for i := 1; i < n; i++ { // insertion sort: tiny and deterministic
		for j := i; j > 0 && bp[j] < bp[j-1]; j-- {
			bp[j], bp[j-1] = bp[j-1], bp[j]
		}
	}
	// Walk down from the top breakpoint, where φ = 0: the tail is short,
	// so the crossing is usually among the first few.
	theta, prev := bp[0], 0.0
	for i := n - 2; i >= 0; i-- {
		cur := phi(bp[i])
		if cur >= tail {
			theta = bp[i]
			if cur > prev {
				theta += (cur - tail) / (cur - prev) * (bp[i+1] - bp[i])
			}
			break
		}
		prev = cur
	}
	F := theta
	for k, x := range u {
		h, hp := hinge(x-theta, eps)
		F += inv * probs[k] * h
		grad[k] = inv * probs[k] * hp
	}
	return F
}

// stakes returns the full stake vector for x (fixed stakes as in s0).
func (e *evaluator) stakes(x []float64) []float64 {
	e.eval(x)
	s := append([]float64{}, e.pb.s0...)
	for j, i := range e.pb.free {
		s[i] = e.s[j]
	}
	return s
}

func (e *evaluator) invalidate() { e.valid = false }

func (e *evaluator) fn(x []float64) float64 {
	e.eval(x)
	return e.f
}

func (e *evaluator) grad(g, x []float64) {
	e.eval(x)
	copy(g, e.g)
}

// hinge returns h_ε(u) and h'_ε(u), a smoothing of max(0, u) from above:
// 0 up to −ε/2, (u + ε/2)²/(2ε) up to ε/2, then u. It exceeds max(0, u)
// by at most ε/8, so F_f ≥ CVaR_f/R_f always and the CVaR penalty is
// conservative. ε = 0 gives the hinge itself.
func hinge(u, eps float64) (float64, float64) {
	x := u + eps/2
	switch {
	case x <= 0:
		return 0, 0
	case x < eps:
		return x * x / (2 * eps), x / eps
	default:
		return u, 1
	}
}

// margin is the least amount by which the budget, credit line and CVaR
// constraints of the penalty are tightened (in units of K_f, of the credit
// line's scale and of R_f). The minimiser of an augmented Lagrangian
// approaches an active constraint from outside, violating it by about
// (gradient − λ)/μ; tighten raises each constraint's margin by what the
// last round's point violated, so that the point lands inside and the
// repair (a straight line from a feasible point) can reach it.
const margin = 1e-5

// phr returns the augmented-Lagrangian (Powell–Hestenes–Rockafellar) term
// of a constraint g ≤ 0 with multiplier λ ≥ 0 and weight μ, and its
// derivative in g: (max(0, λ + μg)² − λ²)/(2μ). With λ = 0 it is the
// quadratic penalty (μ/2)·max(0, g)².
func phr(g, lam, mu float64) (float64, float64) {
	t := lam + mu*g
	if t <= 0 {
		return -lam * lam / (2 * mu), 0
	}
	return (t*t - lam*lam) / (2 * mu), t
}

// eval computes the objective and its gradient at x, unless x is the last
// point evaluated (gonum asks for the value and the gradient separately).
// It also records every constraint's value for update. The terms are
// added to e.f one by one in a fixed order: per variable firm (CVaR,
// budget, constraint 16), the credit line, per free stake (bounds).
func (e *evaluator) eval(x []float64) {
	if e.valid && equal(x, e.lastX) {
		return
	}
	copy(e.lastX, x)
	e.valid = true
	e.setStakes(x)
	e.sumExposure()
	e.f = 0
	for v := range e.pb.vFirms {
		e.firmTerms(v)
	}
	e.creditLineTerm()
	e.stakeTerms()
	e.centreGradient()
}

// groupMean returns the mean of xs over the free stakes of group gr.
func groupMean(gr group, xs []float64) float64 {
	var mean float64
	for j := gr.start; j < gr.end; j++ {
		mean += xs[j]
	}
	return mean / float64(gr.end-gr.start)
}

// setStakes sets the free stakes e.s = s0 + z − mean(z), per group, so
// that each group's sum stays that of s0.
func (e *evaluator) setStakes(z []float64) {
	pb := e.pb
	for _, gr := range pb.groups {
		mean := groupMean(gr, z)
		for j := gr.start; j < gr.end; j++ {
			e.s[j] = pb.s0[pb.free[j]] + z[j] - mean
		}
	}
}

// sumExposure sets each variable firm's loss per scenario, spend and
// stake return: its fixed stakes' plus its free stakes'.
func (e *evaluator) sumExposure() {
	pb := e.pb
	nk := pb.nk
	copy(e.loss, pb.fixLoss)
	copy(e.spend, pb.fixSpnd)
	copy(e.ret, pb.fixRet)
	for j, i := range pb.free {
		v, s := pb.vIdx[pb.stakes[i].firm], e.s[j]
		e.spend[v] += pb.stakes[i].a * s
		if e.ret != nil {
			e.ret[v] += pb.stakes[i].v * s
		}
		co := pb.lossCo[i*nk : (i+1)*nk]
		l := e.loss[v*nk : (v+1)*nk]
		for k := range l {
			l[k] += co[k] * s
		}
	}
}

// firmTerms adds the terms of variable firm v: the objective w·max(0,F)²
// with its CVaR penalty, the budget penalty and, with outside options,
// that of constraint 16; it sets the firm's gradients with respect to
// its losses (gL), spend (gSp) and return (gRet).
func (e *evaluator) firmTerms(v int) {
	pb, mu := e.pb, e.mu
	f := pb.vFirms[v]
	R, K := pb.d.Inst.Firms[f].RiskLimit, pb.d.Inst.Firms[f].Capital
	nk := pb.nk
	l, gl := e.loss[v*nk:(v+1)*nk], e.gL[v*nk:(v+1)*nk]
	for k := range l {
		e.u[k] = l[k] / R
	}
	F := smoothCVaR(e.u, pb.probs, e.inv, e.eps, gl, e.bp)
	pos := F
	if pos < 0 {
		pos = 0
	}
	e.cCVaR[v] = F - 1 + e.mCVaR[v]
	pen, dpen := phr(e.cCVaR[v], e.lCVaR[v], mu)
	e.f += e.w*pos*pos + pen
	gF := (2*e.w*pos + dpen) / R
	for k := range gl {
		gl[k] *= gF
	}
	e.cBudget[v] = e.spend[v]/K - 1 - e.beta + e.mBudget[v]
	pen, dpen = phr(e.cBudget[v], e.lBudget[v], mu)
	e.f += pen
	e.gSp[v] = dpen / K
	if e.ret != nil {
		o := pb.outside[f]
		sc := math.Max(1, math.Abs(o))
		e.cFair[v] = (o-e.ret[v])/sc + e.mFair[v]
		pen, dpen := phr(e.cFair[v], e.lFair[v], mu)
		e.f += pen
		e.gRet[v] = -dpen / sc // d pen / d ret_f
	}
}

// creditLineTerm adds the credit line's penalty, on the credit drawn
// Σ_f max(0, spend_f − K_f), and its gradient to the spend of every
// variable firm that draws credit. Without a credit line there is none.
func (e *evaluator) creditLineTerm() {
	pb := e.pb
	in := pb.d.Inst
	drawn := pb.fixCred
	for v, f := range pb.vFirms {
		if K := in.Firms[f].Capital; e.spend[v] > K {
			drawn += e.spend[v] - K
		}
	}
	e.cCredit = (drawn-pb.credit)/e.bScale + e.mCredit
	if e.noLine {
		e.cCredit = -1 // satisfied, with no penalty, no multiplier
	}
	pen, dpen := phr(e.cCredit, e.lCredit, e.mu)
	e.f += pen
	if dpen > 0 {
		for v, f := range pb.vFirms {
			if e.spend[v] > in.Firms[f].Capital {
				e.gSp[v] += dpen / e.bScale
			}
		}
	}
}

// stakeTerms adds the penalties of each free stake's bounds and sets
// its gradient gs by the chain rule through its firm's spend, return and
// losses.
func (e *evaluator) stakeTerms() {
	pb, mu := e.pb, e.mu
	nk := pb.nk
	for j, i := range pb.free {
		sk := &pb.stakes[i]
		v, s := pb.vIdx[sk.firm], e.s[j]
		g := sk.a * e.gSp[v]
		if e.ret != nil {
			g += sk.v * e.gRet[v]
		}
		co, gl := pb.lossCo[i*nk:(i+1)*nk], e.gL[v*nk:(v+1)*nk]
		for k := range co {
			g += co[k] * gl[k]
		}
		e.cLower[j], e.cUpper[j] = sk.lo-s, s-sk.hi
		pen, dpen := phr(e.cLower[j], e.lLower[j], mu)
		e.f += pen
		g -= dpen
		pen, dpen = phr(e.cUpper[j], e.lUpper[j], mu)
		e.f += pen
		g += dpen
		e.gs[j] = g
	}
}

// centreGradient sets the gradient in z: as s = s0 + z − mean(z) per
// group, it is gs minus its group mean.
func (e *evaluator) centreGradient() {
	for _, gr := range e.pb.groups {
		mean := groupMean(gr, e.gs)
		for j := gr.start; j < gr.end; j++ {
			e.g[j] = e.gs[j] - mean
		}
	}
}

// update moves every multiplier to max(0, λ + μ·g) at x and returns the
// largest violation there of a constraint (without its margin), or 0.
func (e *evaluator) update(x []float64) float64 {
	e.eval(x)
	var worst float64
	// tight is the margin g carries: the violation reported is that of
	// the constraint itself, not of its tightened form.
	step := func(g, tight float64, lam *float64) {
		worst = math.Max(worst, g-tight)
		*lam = math.Max(0, *lam+e.mu*g)
	}
	for j := range e.cLower {
		step(e.cLower[j], 0, &e.lLower[j])
		step(e.cUpper[j], 0, &e.lUpper[j])
	}
	for v := range e.cCVaR {
		step(e.cCVaR[v], e.mCVaR[v], &e.lCVaR[v])
		step(e.cBudget[v], e.mBudget[v], &e.lBudget[v])
	}
	step(e.cCredit, e.mCredit, &e.lCredit)
	for v := range e.cFair {
		step(e.cFair[v], e.mFair[v], &e.lFair[v])
	}
	e.valid = false // the function changed with the multipliers
	return worst
}

// tighten moves the margins of the CVaR, budget and credit line
// constraints by what the exact constraint values g (pb.violations, ≤ 0
// when satisfied) at a round's projected point say, in each constraint's
// units: violated (g > 0), the margin rises by g + margin; satisfied with
// more slack than margin (g < −margin), it falls by −g − margin, never
// below margin; in between it stays. So a binding constraint ends with
// the point inside it by up to about margin, whatever the penalty's own
// error, and the repair can reach the point. Without this, a constraint
// that binds both at the input and at the optimum (a firm at its risk
// limit in both, common in MIP plans) stops the repair at the input.
func (e *evaluator) tighten(g []float64) {
	pb := e.pb
	in := pb.d.Inst
	shift := func(m *float64, gs float64) {
		switch {
		case gs > 0:
			*m += gs + margin
		case gs < -margin:
			*m = math.Max(margin, *m+gs+margin)
		}
	}
	for j, c := range pb.cons {
		switch c.kind {
		case consCVaR:
			if v := pb.vIdx[c.index]; v >= 0 {
				shift(&e.mCVaR[v], g[j]/in.Firms[c.index].RiskLimit)
			}
		case consBudget:
			if v := pb.vIdx[c.index]; v >= 0 {
				shift(&e.mBudget[v], g[j]/in.Firms[c.index].Capital)
			}
		case consCreditLine:
			if !e.noLine {
				shift(&e.mCredit, g[j]/e.bScale)
			}
		case consOutside:
			if v := pb.vIdx[c.index]; v >= 0 {
				shift(&e.mFair[v], g[j]/c.scale)
			}
		}
	}
	e.valid = false
}

func equal(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
