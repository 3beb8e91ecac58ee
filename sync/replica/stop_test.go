package replica

import (
	"testing"
	"time"
)

// memberlist answers a peer's push/pull on a goroutine of its own, which its
// Shutdown does not wait for, and that answer reads the store (LocalState). Once
// Stop returns, no such answer may still read it: the store closes next.
func TestStopWaitsOutStoreReadsOfGossipHandlers(t *testing.T) {
	t.Parallel()
	n := startNode(t, newTeam(t), "")
	d := &delegate{r: n.rep}
	if d.LocalState(false) == nil {
		t.Fatal("a running replica sends no state")
	}
	quiet := make(chan struct{})
	go func() { // a push/pull handler that keeps answering while the replica stops
		defer close(quiet)
		for d.LocalState(false) != nil {
		}
	}()
	n.stop() // stops the replica, then closes the store under the handler
	select {
	case <-quiet:
	case <-time.After(10 * time.Second):
		t.Fatal("the replica still reads the store after Stop")
	}
}
