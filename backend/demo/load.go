package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"outpost/backend/permission"
	"outpost/backend/roles"
	"time"

	"outpost/backend/core/store"
)

// DeviceName is the name of the device the demo data comes from when it is merged
// into a replica that already exists.
const DeviceName = "Demo data"

// mergeChunk bounds the changes handed to one Apply call while merging.
const mergeChunk = 4 << 20

// Load generates cfg into a scratch replica under scratchDir and merges it into dst as
// the changes of a separate "Demo data" device, exactly as a team member's changes arrive
// by sync: validated, signature-checked and folded. A replica in use has a clock at the
// present, so the year of history cannot be stamped by its own device. The scratch
// replica is removed afterwards.
func Load(ctx context.Context, dst *store.Store, scratchDir string, cfg Config, progress func(Progress)) (Stats, error) {
	if progress == nil {
		progress = func(Progress) {}
	}
	if err := cfg.Normalize(time.Now()); err != nil {
		return Stats{}, err
	}
	if err := os.MkdirAll(scratchDir, 0o700); err != nil {
		return Stats{}, fmt.Errorf("create scratch directory: %w", err)
	}
	dir, err := os.MkdirTemp(scratchDir, "demo-*")
	if err != nil {
		return Stats{}, fmt.Errorf("create scratch directory: %w", err)
	}
	defer os.RemoveAll(dir)
	clk := NewClock(cfg.Begin())
	src, err := store.Open(ctx, store.Options{Dir: dir, DeviceName: DeviceName, Now: clk.Now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		return Stats{}, fmt.Errorf("open scratch replica: %w", err)
	}
	defer src.Close()
	stats, err := Generate(ctx, src, clk, cfg, progress)
	if err != nil {
		return stats, err
	}
	total := stats.Changes + 1 // and the demo device's registration
	if err := admitDemoDevice(ctx, dst, src); err != nil {
		return stats, err
	}
	merged := 1
	for {
		if err := ctx.Err(); err != nil {
			return stats, err
		}
		have, err := dst.Vector()
		if err != nil {
			return stats, err
		}
		cs, err := src.ChangesAfter(have, mergeChunk)
		if err != nil {
			return stats, fmt.Errorf("read demo changes: %w", err)
		}
		if len(cs) == 0 {
			break
		}
		res, err := dst.Apply(cs)
		if err != nil {
			return stats, fmt.Errorf("merge demo data: %w", err)
		}
		if len(res.Rejected) > 0 {
			r := res.Rejected[0]
			return stats, fmt.Errorf("merge demo data: change %s refused: %w", r.ID, r.Err)
		}
		if res.Applied == 0 {
			return stats, fmt.Errorf("merge demo data: no progress (%d buffered)", res.Buffered)
		}
		merged += res.Applied
		progress(Progress{Phase: "merging", Done: merged, Total: total})
	}
	return stats, nil
}

// admitDemoDevice brings the demo device's registration over and makes it a lead of
// the team, so that the lead's and coordinator's work in the demo (SLA settings,
// technician profiles, coaching) counts on every replica: the loading device grants
// it, which it may when it owns the team (a device in no team owns its own).
func admitDemoDevice(ctx context.Context, dst, src *store.Store) error {
	have, err := dst.Vector()
	if err != nil {
		return err
	}
	cs, err := src.ChangesAfter(have, 1)
	if err != nil || len(cs) == 0 {
		return err
	}
	if _, err := dst.Apply(cs[:1]); err != nil {
		return fmt.Errorf("merge demo data: %w", err)
	}
	_, err = dst.Update(ctx, dst.Device().Name, func(tx *store.Tx) error {
		return roles.GrantAll(tx, src.Device().ID, DeviceName, permission.Lead)
	})
	if errors.Is(err, permission.ErrNotAllowed) {
		return fmt.Errorf("load demo data: only a device that owns its team can load the demo (%w)", err)
	}
	return err
}
