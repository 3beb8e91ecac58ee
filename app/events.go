package app

import (
	"sync"

	"outpost/backend/core/blob"
)

// Event names the UI listens to.
const (
	EventRecordsChanged = "records:changed"
	// EventAttachmentArrived: an attachment's bytes arrived from a peer and verified.
	EventAttachmentArrived = "attachment:arrived"
)

// RecordsChanged tells the UI which records of a kind changed.
type RecordsChanged struct {
	Kind   string   `json:"kind"`
	IDs    []string `json:"ids"`
	Remote bool     `json:"remote"`
}

// Message is one emitted event.
type Message struct {
	Name string `json:"name"`
	Data any    `json:"data"`
}

// hub fans events out to listeners (the Wails window, SSE clients). emit never
// blocks: a listener that falls behind by more than its buffer loses events and
// is told to refresh.
type hub struct {
	mu        sync.Mutex
	listeners map[chan Message]struct{}
	closed    bool
}

func newHub() *hub { return &hub{listeners: map[chan Message]struct{}{}} }

// Listen returns a channel of events and a function that stops listening.
func (h *hub) Listen(buffer int) (<-chan Message, func()) {
	ch := make(chan Message, buffer)
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		close(ch)
		return ch, func() {}
	}
	h.listeners[ch] = struct{}{}
	return ch, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.listeners[ch]; ok {
			delete(h.listeners, ch)
			close(ch)
		}
	}
}

func (h *hub) emit(name string, data any) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.listeners {
		select {
		case ch <- Message{Name: name, Data: data}:
		default: // a slow listener misses this event rather than stall a commit
		}
	}
}

func (h *hub) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.closed = true
	for ch := range h.listeners {
		close(ch)
	}
	h.listeners = map[chan Message]struct{}{}
}

// AttachmentArrived names the blob whose bytes are now on this device.
type AttachmentArrived struct {
	Hash blob.Hash `json:"hash"`
}
