package cluster

// lazyOrder yields a set of indexes by increasing key, sorted only as far
// as it is read: the rest is kept in a binary heap and popped on demand.
// The Lagrangian's coalition problems read the first few candidates of an
// opportunity by price, out of hundreds at province size, so a full sort
// per iterate would be most of the work.
//
// The order is total: by the first key, then the second, then the index,
// so the sequence read is the one a full sort gives.
type lazyOrder struct {
	// done holds the first len(done) indexes in order; heap the rest, a
	// min-heap.
	done []int
	heap []lazyItem
}

// lazyItem is one index of a lazyOrder with its keys.
type lazyItem struct {
	k1, k2 float64
	i      int
}

// less is the order of lazyOrder.
func (a *lazyItem) less(b *lazyItem) bool {
	switch {
	case a.k1 != b.k1:
		return a.k1 < b.k1
	case a.k2 != b.k2:
		return a.k2 < b.k2
	}
	return a.i < b.i
}

// clear empties the order (its slices are reused); add then build start
// a new one.
func (o *lazyOrder) clear() { o.done, o.heap = o.done[:0], o.heap[:0] }

// add puts index i with keys k1, k2 in the order (before build).
func (o *lazyOrder) add(i int, k1, k2 float64) {
	o.heap = append(o.heap, lazyItem{k1: k1, k2: k2, i: i})
}

// build makes the heap of the indexes added.
func (o *lazyOrder) build() {
	for i := len(o.heap)/2 - 1; i >= 0; i-- {
		o.down(i)
	}
}

// at returns the k-th index in order (from 0), or -1 when there are no
// more than k.
func (o *lazyOrder) at(k int) int {
	for len(o.done) <= k {
		if len(o.heap) == 0 {
			return -1
		}
		o.done = append(o.done, o.heap[0].i)
		last := len(o.heap) - 1
		o.heap[0] = o.heap[last]
		o.heap = o.heap[:last]
		o.down(0)
	}
	return o.done[k]
}

// down restores the heap below position i.
func (o *lazyOrder) down(i int) {
	h := o.heap
	for {
		l := 2*i + 1
		if l >= len(h) {
			return
		}
		m := l
		if r := l + 1; r < len(h) && h[r].less(&h[l]) {
			m = r
		}
		if !h[m].less(&h[i]) {
			return
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
}
