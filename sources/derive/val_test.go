package derive

import (
	"encoding/json"
	"math"
	"testing"
)

func TestSome(t *testing.T) {
	t.Parallel()
	for _, v := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if Some(v).OK {
			t.Errorf("Some(%v) is present", v)
		}
	}
	if v := Some(0); !v.OK || v.V != 0 {
		t.Errorf("Some(0) = %+v; zero is a value, not missing", v)
	}
	if None.Or(-1) != -1 || Some(3).Or(-1) != 3 {
		t.Error("Or")
	}
}

func TestValJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		v    Val
		want string
	}{
		{None, "null"},
		{Some(0), "0"},
		{Some(100), "100"},
		{Some(200.0 / 3), "66.67"},
		{Some(1.0 / 3), "0.33"},
		{Some(14227 / 3.74), "3804.01"},
	} {
		b, err := json.Marshal(tc.v)
		if err != nil || string(b) != tc.want {
			t.Errorf("%+v: want %s, have %s (%v)", tc.v, tc.want, b, err)
		}
		var back Val
		if err := json.Unmarshal(b, &back); err != nil || back.OK != tc.v.OK {
			t.Errorf("round trip of %s: %+v, %v", b, back, err)
		}
	}
	var v Val
	if err := json.Unmarshal([]byte(`"x"`), &v); err == nil {
		t.Error(`want an error for "x"`)
	}
}

func TestRateAndPct(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		have Val
		want Val
	}{
		{"rate", rate(300, true, 2), Some(150)},
		{"rate of a reset", rate(300, false, 2), None},
		{"rate over dt 0", rate(300, true, 0), None},
		{"rate over negative dt", rate(300, true, -1), None},
		{"pct", pct(1, 4), Some(25)},
		{"pct of 0", pct(0, 4), Some(0)},
		{"pct over 0", pct(1, 0), None},
		{"pct above 100 clamps", pct(5, 4), Some(100)},
		{"pct below 0 clamps", pct(-1, 4), Some(0)},
	} {
		if tc.have != tc.want {
			t.Errorf("%s: want %+v, have %+v", tc.name, tc.want, tc.have)
		}
	}
}
