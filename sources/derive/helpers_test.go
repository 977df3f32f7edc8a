package derive

import "math"

// fixtureRoot holds the real /proc captures shared with package collect's tests.
const fixtureRoot = "../collect/testdata"

// near compares a derived value with an expected one to 1e-9 relative.
func near(v Val, want float64) bool {
	return v.OK && math.Abs(v.V-want) <= 1e-9*math.Max(1, math.Abs(want))
}
