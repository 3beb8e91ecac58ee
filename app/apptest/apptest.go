// Package apptest holds what the tests of app and of its front ends share: a port free for
// gossip, waiting for a condition, and a small PNG to attach.
package apptest

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"outpost/backend/core/field"
	"testing"
	"time"
)

// FreePort finds a port free on 127.0.0.1 for both TCP and UDP (gossip uses both).
func FreePort(t testing.TB) int {
	t.Helper()
	port, err := FreeLoopbackPort()
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// Eventually waits until cond holds, failing the test after within.
func Eventually(t testing.TB, within time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Screenshot is a 640x400 PNG, as a pasted screenshot would be.
func Screenshot() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 400))
	for x := range 640 {
		img.Set(x, x%400, color.RGBA{200, 30, 30, 255})
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}

// IsField reports whether err is invalid input in the named field.
func IsField(err error, name string) bool {
	fe, ok := field.As(err)
	return ok && fe.Field == name
}
