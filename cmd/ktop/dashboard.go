package main

import (
	"context"
	"fmt"

	"github.com/ktop-dev/ktop/sources/engine"
)

func runDashboard(ctx context.Context, e *engine.Engine, o *options) error {
	return fmt.Errorf("dashboard not built yet; use -b")
}
