package derive

import (
	"math"
	"strconv"
)

// Val is a derived number that may be missing. The zero Val is missing.
type Val struct {
	V  float64
	OK bool
}

// Some returns a present value; NaN and ±Inf become missing.
func Some(v float64) Val {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return Val{}
	}
	return Val{V: v, OK: true}
}

// None is the missing value.
var None = Val{}

// Or returns the value, or def when missing.
func (v Val) Or(def float64) float64 {
	if v.OK {
		return v.V
	}
	return def
}

// MarshalJSON encodes a missing value as null and a present one with at most 2 decimals.
func (v Val) MarshalJSON() ([]byte, error) {
	if !v.OK {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, math.Round(v.V*100)/100, 'f', -1, 64), nil
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (v *Val) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*v = None
		return nil
	}
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*v = Some(f)
	return nil
}

// rate is Δ/Δt per second, missing when the delta is missing or dt is not positive.
func rate(d uint64, ok bool, dt float64) Val {
	if !ok || dt <= 0 {
		return None
	}
	return Some(float64(d) / dt)
}

// pct is 100·a/b clamped to [0,100]; missing when b is 0.
func pct(a, b float64) Val {
	if b <= 0 {
		return None
	}
	return Some(clamp(100*a/b, 0, 100))
}

func clamp(v, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, v)) }
