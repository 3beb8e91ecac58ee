package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"outpost/app"
	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/field"
	"outpost/backend/thumb"
	"time"
)

// attachmentRoutes adds the byte routes of attachments to mux, each wrapped by guard.
func (s *server) attachmentRoutes(mux *http.ServeMux, guard func(http.Handler) http.Handler) {
	mux.Handle("POST /api/attachments/{kind}/{id}", guard(http.HandlerFunc(s.serveUpload)))
	mux.Handle("GET /api/attachments/{hash}", guard(http.HandlerFunc(s.serveDownload)))
	mux.Handle("GET /api/attachments/{hash}/thumb", guard(http.HandlerFunc(s.serveThumb)))
	mux.Handle("GET /api/coaching/{id}/files/{hash}", guard(http.HandlerFunc(s.serveSealed)))
	mux.Handle("GET /api/coaching/{id}/files/{hash}/thumb", guard(http.HandlerFunc(s.serveSealedThumb)))
}

// serveSealed sends a coaching item's sealed file, decrypted for a reader of the item, as a
// download (never as a page). Bytes that fail their check end the response early.
func (s *server) serveSealed(w http.ResponseWriter, r *http.Request) {
	h, err := blob.ParseHash(r.PathValue("hash"))
	if err != nil {
		writeError(w, http.StatusNotFound, errors.New("no such attachment"))
		return
	}
	body, f, err := s.a.OpenCoachingFile(r.PathValue("id"), h)
	if err != nil {
		writeError(w, http.StatusNotFound, err)
		return
	}
	defer body.Close()
	downloadHeaders(w.Header(), f.Name)
	w.Header().Set("Cache-Control", "private, no-store")
	if _, err := io.Copy(w, body); err != nil {
		s.a.Logger().Warn("sealed file not sent whole", "item", r.PathValue("id"), "err", err)
	}
}

// serveSealedThumb sends a thumbnail of a coaching item's sealed image to a reader of the
// item: made in memory for each request and never stored (on disk it would be the picture
// in the clear), nor kept by the browser's cache.
func (s *server) serveSealedThumb(w http.ResponseWriter, r *http.Request) {
	h, err := blob.ParseHash(r.PathValue("hash"))
	if err != nil {
		writeError(w, http.StatusNotFound, errors.New("no such attachment"))
		return
	}
	b, err := s.a.CoachingThumbnail(r.PathValue("id"), h)
	switch {
	case errors.Is(err, thumb.ErrNotImage):
		writeError(w, http.StatusUnsupportedMediaType, err)
		return
	case err != nil:
		writeError(w, http.StatusNotFound, err)
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	_, _ = w.Write(b)
}

// downloadHeaders make a response a download the browser saves and never renders.
func downloadHeaders(h http.Header, name string) {
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": attach.SafeName(name)}))
	h.Set("Content-Security-Policy", "sandbox")
}

// WindowHandler serves the window's requests that are not for its assets: the attachment
// routes. The window's asset server is inside the process, not a network socket, so it
// needs no token.
func WindowHandler(a *app.App) http.Handler {
	s := &server{a: a}
	mux := http.NewServeMux()
	s.attachmentRoutes(mux, func(h http.Handler) http.Handler { return h })
	return securityHeaders(mux)
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// serveUpload receives a file's bytes as the request body (a dropped or pasted file).
func (s *server) serveUpload(w http.ResponseWriter, r *http.Request) {
	// One byte over the limit gets through, so the blob store sees the file is too large.
	limit := s.a.MaxFileSize()
	body := &countingReader{r: http.MaxBytesReader(w, r.Body, limit+1)}
	at, err := s.a.Attach(r.PathValue("kind"), r.PathValue("id"), r.URL.Query().Get("name"), body)
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig) || (err != nil && body.n > limit):
		writeError(w, http.StatusRequestEntityTooLarge, field.Errorf("file", "is larger than the team's limit of %d MB", s.a.MaxFileSize()>>20))
		return
	case err != nil:
		writeError(w, errorStatus(err), err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(at)
}

// serveDownload sends an attachment as a download, never as a page: whatever its bytes,
// the browser saves them and runs nothing.
func (s *server) serveDownload(w http.ResponseWriter, r *http.Request) {
	f, ok := s.openBlob(w, r)
	if !ok {
		return
	}
	defer f.Close()
	downloadHeaders(w.Header(), r.URL.Query().Get("name"))
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
}

// serveThumb sends an image attachment's thumbnail (a JPEG made afresh, without the original's metadata).
func (s *server) serveThumb(w http.ResponseWriter, r *http.Request) {
	h, err := blob.ParseHash(r.PathValue("hash"))
	if err != nil {
		writeError(w, http.StatusNotFound, errors.New("no such attachment"))
		return
	}
	b, err := s.a.Thumbnail(h)
	switch {
	case errors.Is(err, blob.ErrNotFound):
		writeError(w, http.StatusNotFound, err)
		return
	case errors.Is(err, thumb.ErrNotImage):
		writeError(w, http.StatusUnsupportedMediaType, err)
		return
	case err != nil:
		writeError(w, http.StatusInternalServerError, s.a.UserError("thumbnail", err))
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, max-age=31536000, immutable")
	_, _ = w.Write(b)
}

func (s *server) openBlob(w http.ResponseWriter, r *http.Request) (*os.File, bool) {
	h, err := blob.ParseHash(r.PathValue("hash"))
	if err != nil {
		writeError(w, http.StatusNotFound, errors.New("no such attachment"))
		return nil, false
	}
	f, err := s.a.OpenBlob(h)
	if err != nil {
		writeError(w, http.StatusNotFound, err)
		return nil, false
	}
	return f, true
}
