package app

import (
	"fmt"

	"outpost/backend/core/store"
	"outpost/backend/filepolicy"
)

// followFilePolicy applies the team's file limit to the blob store now and whenever it
// changes (on this device or arriving from a peer); the transfer asks for the eager size
// at each decision.
func (a *App) followFilePolicy() {
	a.applyFilePolicy()
	a.st.Subscribe(func(e store.Event) {
		if filepolicy.Touched(e) {
			a.applyFilePolicy()
		}
	})
}

// applyFilePolicy hands the blob store the team's limit. It runs on the committing
// goroutine and only reads one record.
func (a *App) applyFilePolicy() { a.blobs.SetMaxSize(a.filePolicy().MaxFile()) }

// filePolicy is the team's attachment settings; a read error is logged and the defaults apply.
func (a *App) filePolicy() filepolicy.Settings {
	s, err := filepolicy.Get(a.st)
	if err != nil {
		a.log.Warn("read attachment settings; using the defaults", "err", err)
	}
	return s
}

// Settings returns the team's attachment settings: the largest file, the size fetched from
// peers at once, the disk space kept for attachments and whether photos lose their location.
func (s *AttachmentService) Settings() (filepolicy.Settings, error) {
	p, err := filepolicy.Get(s.a.st)
	return p, s.a.userError("attachment settings", err)
}

// SaveSettings replaces the team's attachment settings (a team setting, in the change log).
func (s *AttachmentService) SaveSettings(p filepolicy.Settings) (filepolicy.Settings, error) {
	out, err := filepolicy.Save(s.a.ctx, s.a.st, s.a.me(), p)
	return out, s.a.userError("save attachment settings", err)
}

// quotaWarning says, in words, that the attachments near or pass the space kept for them.
func quotaWarning(used, quota int64) string {
	switch {
	case used > quota:
		return fmt.Sprintf("Attachments take %s, more than the %s this device keeps for them: remove files that are no longer needed, or ask a lead to raise the limit in Settings", sizeWords(used), sizeWords(quota))
	case used > quota*9/10:
		return fmt.Sprintf("Attachments take %s of the %s this device keeps for them: remove files that are no longer needed", sizeWords(used), sizeWords(quota))
	}
	return ""
}

// sizeWords writes a size as people read it (MB below a GB, GB above).
func sizeWords(n int64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%d MB", n>>20)
}
