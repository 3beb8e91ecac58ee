// Package hlc implements hybrid logical clocks: timestamps that follow wall time
// but never go backwards and always order a change after the changes its author had seen.
package hlc

import (
	"errors"
	"fmt"
	"sync"
	"time"
)

// Timestamp packs wall-clock milliseconds since the Unix epoch (upper 48 bits)
// and a logical counter (lower 16 bits). Larger is later.
type Timestamp uint64

const logicalBits = 16

// MaxDrift is how far ahead of the local wall clock a remote timestamp may be
// before it is refused: one laptop with a clock in the future must not win every write.
const MaxDrift = time.Hour

// ErrTooFarAhead reports a remote timestamp beyond MaxDrift of the local clock.
var ErrTooFarAhead = errors.New("timestamp too far in the future")

// FromTime returns the timestamp of wall time t with a zero counter.
func FromTime(t time.Time) Timestamp {
	return Timestamp(uint64(t.UnixMilli()) << logicalBits)
}

// Time returns the wall-clock part.
func (t Timestamp) Time() time.Time {
	return time.UnixMilli(int64(uint64(t) >> logicalBits)).UTC()
}

// Logical returns the counter part.
func (t Timestamp) Logical() uint16 { return uint16(t) }

func (t Timestamp) String() string {
	return fmt.Sprintf("%s+%d", t.Time().Format(time.RFC3339Nano), t.Logical())
}

// Clock hands out timestamps. It is safe for concurrent use.
type Clock struct {
	mu   sync.Mutex
	now  func() time.Time
	last Timestamp
}

// NewClock returns a clock reading wall time from now, never issuing a
// timestamp at or below last (the highest timestamp this device has seen).
func NewClock(now func() time.Time, last Timestamp) *Clock {
	return &Clock{now: now, last: last}
}

// Now returns a timestamp greater than any issued or observed before.
func (c *Clock) Now() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := FromTime(c.now())
	if wall > c.last {
		c.last = wall
	} else {
		c.last++
	}
	return c.last
}

// Last returns the highest timestamp issued or observed.
func (c *Clock) Last() Timestamp {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.last
}

// Check reports ErrTooFarAhead when remote lies more than MaxDrift ahead of the local wall clock.
func (c *Clock) Check(remote Timestamp) error {
	if remote.Time().After(c.now().Add(MaxDrift)) {
		return fmt.Errorf("%w: %s is more than %s ahead of this device's clock", ErrTooFarAhead, remote.Time().Format(time.RFC3339), MaxDrift)
	}
	return nil
}

// Observe folds a remote timestamp into the clock so that later local
// timestamps order after it. It refuses timestamps beyond MaxDrift.
func (c *Clock) Observe(remote Timestamp) error {
	if err := c.Check(remote); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if remote > c.last {
		c.last = remote
	}
	return nil
}
