package app

import (
	"bytes"
	"errors"
	"io"

	"outpost/app/atomicfile"

	"outpost/backend/coaching"
	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/field"
	"outpost/backend/thumb"
)

// CoachingService is a lead's one-on-one notes, goals and action items, as bound to
// the UI. Everything it returns was opened with this device's person key; items
// sealed to others never appear.
type CoachingService struct{ a *App }

// Notes returns what this person can read about technician techID.
func (s *CoachingService) Notes(techID string) (coaching.View, error) {
	v, err := s.a.coaching.Notes(techID)
	return v, s.a.userError("coaching notes", err)
}

// SharedWithMe returns the items a lead shared with this person.
func (s *CoachingService) SharedWithMe() (coaching.View, error) {
	v, err := s.a.coaching.SharedWithMe()
	return v, s.a.userError("shared coaching items", err)
}

// Subjects lists the technicians this person has coaching items about.
func (s *CoachingService) Subjects() ([]coaching.Subject, error) {
	subs, err := s.a.coaching.Subjects()
	return subs, s.a.userError("coaching subjects", err)
}

// Get returns one item.
func (s *CoachingService) Get(id string) (coaching.Item, error) {
	it, err := s.a.coaching.Get(id)
	return it, s.a.userError("coaching item", err)
}

// AddNote records one-on-one meeting notes about technician techID.
func (s *CoachingService) AddNote(techID string, in coaching.Content, share bool) (coaching.Item, error) {
	it, err := s.a.coaching.AddNote(s.a.ctx, techID, in, share)
	return it, s.a.userError("add coaching note", err)
}

// AddGoal sets a goal for technician techID.
func (s *CoachingService) AddGoal(techID string, in coaching.Content, share bool) (coaching.Item, error) {
	it, err := s.a.coaching.AddGoal(s.a.ctx, techID, in, share)
	return it, s.a.userError("add coaching goal", err)
}

// AddAction adds an action item for technician techID.
func (s *CoachingService) AddAction(techID string, in coaching.Content, share bool) (coaching.Item, error) {
	it, err := s.a.coaching.AddAction(s.a.ctx, techID, in, share)
	return it, s.a.userError("add action item", err)
}

// Update replaces an item's content; it also settles concurrent edits.
func (s *CoachingService) Update(id string, in coaching.Content) (coaching.Item, error) {
	it, err := s.a.coaching.Update(s.a.ctx, id, in)
	return it, s.a.userError("change coaching item", err)
}

// SetActionDone ticks or unticks an action item.
func (s *CoachingService) SetActionDone(id string, done bool) (coaching.Item, error) {
	it, err := s.a.coaching.SetActionDone(s.a.ctx, id, done)
	return it, s.a.userError("tick action item", err)
}

// Share shares an item with its technician, or stops sharing later versions.
func (s *CoachingService) Share(id string, shared bool) (coaching.Item, error) {
	it, err := s.a.coaching.Share(s.a.ctx, id, shared)
	return it, s.a.userError("share coaching item", err)
}

// Delete removes an item (a tombstone; its sealed history stays sealed).
func (s *CoachingService) Delete(id string) error {
	return s.a.userError("delete coaching item", s.a.coaching.Delete(s.a.ctx, id))
}

// RemoveFile takes sealed file hash off item id (its author's): it leaves the item's
// content, and its ciphertext is freed on every device.
func (s *CoachingService) RemoveFile(id, hash string) (coaching.Item, error) {
	h, err := blob.ParseHash(hash)
	if err != nil {
		return coaching.Item{}, field.Errorf("hash", "is not a file's")
	}
	it, err := s.a.coaching.RemoveFile(s.a.ctx, id, h)
	return it, s.a.userError("remove file", err)
}

// SaveFile asks the person (in the window) where to save sealed file hash of item id and
// writes it there, decrypted. A file this person cannot open is refused before the dialog
// (a malformed hash after it, as AttachmentService.SaveFile does).
func (s *CoachingService) SaveFile(id, hash string) error {
	h, herr := blob.ParseHash(hash)
	var r io.ReadCloser
	var f coaching.File
	if herr == nil {
		var err error
		if r, f, err = s.a.OpenCoachingFile(id, h); err != nil {
			return err
		}
		defer r.Close()
	}
	path, ok, err := s.a.pickSave(FilePrompt{Title: "Save file", DefaultName: attach.SafeName(f.Name)})
	if err != nil || !ok {
		return err
	}
	if herr != nil {
		return field.Errorf("hash", "is not a file's")
	}
	return s.a.userError("save file", atomicfile.WriteFrom(path, func(w io.Writer) error { _, err := io.Copy(w, r); return err }))
}

// maxSealedThumb bounds the sealed images previewed: they are decrypted into memory.
const maxSealedThumb = 32 << 20

// CoachingThumbnail makes a thumbnail of sealed image hash of item id, for its reader. It is
// made afresh in memory each time and never cached: a thumbnail on disk would be the
// picture in the clear.
func (a *App) CoachingThumbnail(id string, h blob.Hash) ([]byte, error) {
	r, f, err := a.OpenCoachingFile(id, h)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	if f.Size > maxSealedThumb {
		return nil, thumb.ErrNotImage
	}
	b, err := io.ReadAll(io.LimitReader(r, maxSealedThumb))
	if err != nil {
		return nil, a.userError("open file", err)
	}
	return thumb.Make(bytes.NewReader(b))
}

// attachSealed adds r's bytes to coaching item id as a sealed file: encrypted to a key of its
// own inside the item's sealed content, so every device holds only ciphertext and only the
// item's readers open it (OpenCoachingFile). The result describes the file as its reader sees it.
func (a *App) attachSealed(id, name string, r io.Reader) (*attach.Attachment, error) {
	it, err := a.coaching.AttachFile(a.ctx, id, name, r, a.blobs)
	if errors.Is(err, blob.ErrTooLarge) {
		return nil, field.Errorf("file", "is larger than the team's limit of %d MB", a.blobs.MaxSize()>>20)
	}
	if err != nil {
		return nil, a.userError("attach file", err)
	}
	f := it.Files[len(it.Files)-1]
	return &attach.Attachment{Meta: attach.Meta{Hash: f.Blob, Name: f.Name, Size: f.Size, Type: f.Type}, By: it.UpdatedBy, At: it.Updated, Here: true}, nil
}

// OpenCoachingFile returns the bytes of a sealed file of coaching item id, decrypted, if
// this device's person can read the item.
func (a *App) OpenCoachingFile(id string, h blob.Hash) (io.ReadCloser, coaching.File, error) {
	r, f, err := a.coaching.OpenFile(id, h, a.blobs)
	return r, f, a.userError("open file", err)
}
