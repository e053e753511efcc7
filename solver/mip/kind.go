package mip

import "strconv"

// Kind is the kind of a column.
type Kind int

// The column kinds. The zero value is Continuous.
const (
	// Continuous columns take any real value within their bounds.
	Continuous Kind = iota
	// Binary columns take the value 0 or 1. Their bounds are always [0, 1]:
	// Col.Lo and Col.Hi are ignored and must be left zero or be 0 and 1.
	// To fix a 0/1 variable, use an Integer column with Lo == Hi.
	Binary
	// Integer columns take integral values within their bounds, which must
	// be integral or infinite.
	Integer
)

// String returns "continuous", "binary" or "integer".
func (k Kind) String() string {
	switch k {
	case Continuous:
		return "continuous"
	case Binary:
		return "binary"
	case Integer:
		return "integer"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// IsInteger reports whether columns of kind k must take integral values.
func (k Kind) IsInteger() bool { return k == Binary || k == Integer }
