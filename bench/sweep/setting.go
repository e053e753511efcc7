package sweep

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ErrSetting is wrapped by every error about a --set argument.
var ErrSetting = errors.New("sweep: bad setting")

// MaxValues bounds the values of one setting.
const MaxValues = 10000

// Setting is one swept parameter: a JSON path into the instance and the
// values it takes, in order.
type Setting struct {
	// Path is a JSON path: fields separated by ".", list elements by
	// index or id in brackets (policy.credit_line, firms[3].capital,
	// markets[de].info_cost).
	Path string `json:"path"`
	// Values are JSON literals (numbers in their shortest form, true,
	// false, or strings).
	Values []json.RawMessage `json:"values"`
}

// ParseSetting parses "PATH=VALUES", VALUES being "a,b,c" or
// "from:to:step" (from, from+step, ..., up to to inclusive).
func ParseSetting(arg string) (Setting, error) {
	path, vals, ok := strings.Cut(arg, "=")
	path = strings.TrimSpace(path)
	if !ok || path == "" {
		return Setting{}, fmt.Errorf("%w: %q: want PATH=VALUES, e.g. policy.credit_line=0,500,1000 or policy.credit_line=0:2000:250", ErrSetting, arg)
	}
	if _, err := parsePath(path); err != nil {
		return Setting{}, fmt.Errorf("%w: %s: %v", ErrSetting, path, err)
	}
	s := Setting{Path: path}
	var err error
	if parts := strings.Split(vals, ":"); len(parts) == 3 && !strings.Contains(vals, ",") {
		s.Values, err = rangeValues(parts[0], parts[1], parts[2])
	} else {
		s.Values, err = listValues(vals)
	}
	if err != nil {
		return Setting{}, fmt.Errorf("%w: %s: %v", ErrSetting, path, err)
	}
	return s, nil
}

func listValues(vals string) ([]json.RawMessage, error) {
	var out []json.RawMessage
	seen := map[string]bool{}
	for _, v := range strings.Split(vals, ",") {
		v = strings.TrimSpace(v)
		if v == "" {
			return nil, fmt.Errorf("empty value in %q", vals)
		}
		lit := literal(v)
		if seen[string(lit)] {
			return nil, fmt.Errorf("value %s given twice", v)
		}
		seen[string(lit)] = true
		out = append(out, lit)
	}
	if len(out) > MaxValues {
		return nil, fmt.Errorf("%d values, more than %d", len(out), MaxValues)
	}
	return out, nil
}

// literal is the JSON literal of one value: a number in its shortest form,
// true, false, null, or else a string.
func literal(v string) json.RawMessage {
	if x, err := strconv.ParseFloat(v, 64); err == nil && !math.IsInf(x, 0) && !math.IsNaN(x) {
		return json.RawMessage(strconv.FormatFloat(x, 'g', -1, 64))
	}
	switch v {
	case "true", "false", "null":
		return json.RawMessage(v)
	}
	b, _ := json.Marshal(v) // a string cannot fail
	return b
}

// rangeValues expands from:to:step. The values are rounded to the decimals
// of the three numbers, so 0:1:0.1 gives 0.3, not 0.30000000000000004.
func rangeValues(from, to, step string) ([]json.RawMessage, error) {
	var xs [3]float64
	dec := 0
	for i, s := range []string{from, to, step} {
		x, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
			return nil, fmt.Errorf("range %s:%s:%s: %q is not a number", from, to, step, s)
		}
		xs[i] = x
		if _, frac, ok := strings.Cut(strings.TrimSpace(s), "."); ok {
			frac, _, _ = strings.Cut(strings.ToLower(frac), "e")
			dec = max(dec, len(frac))
		}
	}
	lo, hi, st := xs[0], xs[1], xs[2]
	if st == 0 || (hi-lo)/st < 0 {
		return nil, fmt.Errorf("range %s:%s:%s: the step must be non-zero and lead from %s to %s", from, to, step, from, to)
	}
	n := int(math.Floor((hi-lo)/st+1e-9)) + 1
	if n > MaxValues {
		return nil, fmt.Errorf("range %s:%s:%s has %d values, more than %d", from, to, step, n, MaxValues)
	}
	scale := math.Pow(10, float64(min(dec, 12)))
	out := make([]json.RawMessage, n)
	for i := range out {
		x := math.Round((lo+float64(i)*st)*scale) / scale
		out[i] = json.RawMessage(strconv.FormatFloat(x, 'g', -1, 64))
	}
	return out, nil
}

// ValueText is a value as it appears in the CSV and charts: a string
// without its quotes, anything else as its JSON literal.
func ValueText(v json.RawMessage) string {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(v)
}
