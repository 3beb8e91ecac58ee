package app

import (
	"errors"
	"io"
	"os"

	"outpost/app/atomicfile"
	"outpost/backend/coaching"
	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/field"
	"outpost/backend/thumb"
	"outpost/sync/transfer"
)

// AttachmentService is the files on tickets, visits and SOPs, as bound to the UI. Bytes
// travel over the HTTP routes (POST /api/attachments/{kind}/{id}?name=, GET
// /api/attachments/{hash}, GET /api/attachments/{hash}/thumb), which the window serves too.
type AttachmentService struct{ a *App }

// AttachmentUsage is what the attachments of this device take on disk.
type AttachmentUsage struct {
	Bytes    int64  `json:"bytes"`
	Files    int    `json:"files"`
	MaxFile  int64  `json:"maxFile"` // the largest file accepted
	Quota    int64  `json:"quota"`   // the disk space attachments may take on this device (a team setting)
	Over     bool   `json:"over"`    // the attachments take more than the quota
	Warning  string `json:"warning,omitempty"`
	Arriving int    `json:"arriving"` // files named by records whose bytes are not here yet
}

func (a *App) openAttachments() error {
	blobs, err := blob.Open(a.cfg.DataDir, 0)
	if err != nil {
		return err
	}
	thumbs, err := thumb.OpenCache(a.cfg.DataDir)
	if err != nil {
		return err
	}
	a.blobs, a.thumbs = blobs, thumbs
	a.Attachments = &AttachmentService{a: a}
	a.followFilePolicy()
	return nil
}

// attachmentArrived runs on the transfer's goroutine when a file's bytes arrived and verified:
// the UI is told, and the search index reads it if it is a text file.
func (a *App) attachmentArrived(h blob.Hash) {
	a.events.emit(EventAttachmentArrived, AttachmentArrived{Hash: h})
	if a.index != nil {
		a.index.FileArrived(h)
	}
}

// List returns the attachments of a ticket, visit or SOP, oldest first.
func (s *AttachmentService) List(kind, id string) ([]attach.Attachment, error) {
	rec, err := s.a.st.Get(kind, id)
	if err != nil {
		return nil, s.a.userError("list attachments", err)
	}
	return attach.List(rec, s.a.blobs), nil
}

// Remove takes an attachment off its record. Its history keeps who added and removed it.
func (s *AttachmentService) Remove(kind, id, attachmentID string) error {
	return s.a.userError("remove attachment", attach.Remove(s.a.ctx, s.a.st, s.a.me(), kind, id, attachmentID))
}

// Usage says how much disk the attachments take and warns near the quota.
func (s *AttachmentService) Usage() (AttachmentUsage, error) {
	n, files, err := s.a.blobs.Usage()
	if err != nil {
		return AttachmentUsage{}, s.a.userError("attachment usage", err)
	}
	u := AttachmentUsage{Bytes: n, Files: files, MaxFile: s.a.blobs.MaxSize(), Quota: s.a.filePolicy().Quota()}
	live, err := attach.Live(s.a.st)
	if err != nil {
		return AttachmentUsage{}, s.a.userError("attachment usage", err)
	}
	for h := range live {
		if !s.a.blobs.Has(h) {
			u.Arriving++
		}
	}
	u.Over, u.Warning = n > u.Quota, quotaWarning(n, u.Quota)
	return u, nil
}

// Fetch asks the team's online peers for the bytes of a record's attachments that are not
// on this device: a file over the eager size when someone opens it, or a visit's files
// before the technician drives out. They arrive in the background (attachment:arrived).
func (s *AttachmentService) Fetch(kind, id string) (int, error) {
	list, err := s.List(kind, id)
	if err != nil {
		return 0, err
	}
	tr := s.a.transfer()
	n := 0
	for _, at := range list {
		if !at.Here {
			n++
			if tr != nil {
				tr.Want(at.Meta)
			}
		}
	}
	if n > 0 && tr == nil {
		return n, field.Errorf("sync", "this device is not syncing with a team, so the files cannot be fetched")
	}
	return n, nil
}

// Transfers lists the attachments being fetched from peers, with their progress.
func (s *AttachmentService) Transfers() []transfer.Progress {
	tr := s.a.transfer()
	if tr == nil {
		return []transfer.Progress{}
	}
	return tr.Downloads()
}

// AttachFile asks the person (in the window) for a file and attaches it.
func (s *AttachmentService) AttachFile(kind, id string) (*attach.Attachment, error) {
	path, ok, err := s.a.pickOpen(FilePrompt{Title: "Attach a file"})
	if err != nil || !ok {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, field.Errorf("file", "cannot be read: %v", errors.Unwrap(err))
	}
	defer f.Close()
	at, err := s.a.Attach(kind, id, f.Name(), f)
	return at, err
}

// SaveFile asks the person (in the window) where to save an attachment and writes it there.
func (s *AttachmentService) SaveFile(hash, name string) error {
	h, err := blob.ParseHash(hash)
	if err == nil && !s.a.blobs.Has(h) {
		return blob.ErrNotFound // not asked where to save what is not here
	}
	path, ok, perr := s.a.pickSave(FilePrompt{Title: "Save attachment", DefaultName: attach.SafeName(name)})
	if perr != nil || !ok {
		return perr
	}
	if err != nil {
		return field.Errorf("hash", "is not an attachment's")
	}
	return s.a.userError("save attachment", SaveBlob(s.a.blobs, h, path))
}

// SaveBlob writes blob h's bytes to path through a temporary file beside it.
func SaveBlob(blobs *blob.Store, h blob.Hash, path string) error {
	f, err := blobs.Open(h)
	if err != nil {
		return err
	}
	defer f.Close()
	return atomicfile.WriteFrom(path, func(w io.Writer) error { _, err := io.Copy(w, f); return err })
}

// Attach stores r's bytes as an attachment of kind/id (an upload over HTTP, a file the window picked).
// A coaching item's files are sealed with it (attachSealed).
func (a *App) Attach(kind, id, name string, r io.Reader) (*attach.Attachment, error) {
	r, err := a.filePolicy().Incoming(r)
	if err == nil && kind == coaching.Kind {
		return a.attachSealed(id, name, r)
	}
	if err != nil {
		return nil, field.Errorf("file", "cannot be read as a photo: %v", err)
	}
	h, n, err := a.blobs.Put(r)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, field.Errorf("file", "is larger than the team's limit of %d MB", a.blobs.MaxSize()>>20)
	}
	if err != nil {
		return nil, a.userError("attach file", err)
	}
	at, err := attach.Add(a.ctx, a.st, a.blobs, a.me(), kind, id, attach.Meta{Hash: h, Name: name, Size: n})
	if err != nil {
		return nil, a.userError("attach file", err)
	}
	return &at, nil
}
