package record

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// lockFile takes an exclusive advisory lock on a recording, so that a second recorder on the
// same file is refused instead of interleaving frames. The lock ends with the file's close.
func lockFile(f *os.File) error {
	err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		return fmt.Errorf("record: %s is being written by another process", f.Name())
	}
	if err != nil {
		return fmt.Errorf("record: locking %s: %w", f.Name(), err)
	}
	return nil
}
