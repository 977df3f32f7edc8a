// Package idle starts idle processes for the live benchmarks that measure ktop on a busy host
// (sources/collect, sources/engine). Only tests import it.
package idle

import (
	"os/exec"
	"testing"
)

// Start starts n `sleep 3600` processes, killed and reaped when tb ends; tb is skipped when
// they cannot be started.
func Start(tb testing.TB, n int) {
	tb.Helper()
	var cmds []*exec.Cmd
	tb.Cleanup(func() {
		for _, c := range cmds {
			c.Process.Kill()
			c.Wait()
		}
	})
	for range n {
		c := exec.Command("sleep", "3600")
		if err := c.Start(); err != nil {
			tb.Skipf("starting idle processes: %v", err)
		}
		cmds = append(cmds, c)
	}
}
