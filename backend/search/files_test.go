package search

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/store/storetest"
	"outpost/backend/ticket"
)

// attachText stores data in blobs and attaches it to the ticket under name.
func attachText(t *testing.T, blobs *blob.Store, x *Index, id, name string, data []byte) attach.Attachment {
	t.Helper()
	h, _, err := blobs.Put(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	a, err := attach.Add(context.Background(), x.st, blobs, "ana", "ticket", id, attach.Meta{Hash: h, Name: name})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTextAttachmentsAreSearchable(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	blobs, err := blob.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(st, Options{Logger: quiet, Files: blobs})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	tk, err := ticket.NewService(st, nil).Create(context.Background(), "ana", ticket.NewTicket{Title: "Printing stops after an hour"})
	if err != nil {
		t.Fatal(err)
	}
	attachText(t, blobs, x, tk.ID, "spooler.log", []byte("10:02 spoolsv.exe stopped: faulting module PrintConfig.dll\n"))
	attachText(t, blobs, x, tk.ID, "readings.csv", []byte("room,temperature\nserver room,31\n"))
	attachText(t, blobs, x, tk.ID, "dump.log", append([]byte{0, 1, 2, 0xff}, []byte(" quokka")...)) // binary, named .log
	attachText(t, blobs, x, tk.ID, "huge.txt", append(bytes.Repeat([]byte("a "), MaxTextFile/2), []byte(" wombat")...))
	attachText(t, blobs, x, tk.ID, "notes.docx", []byte("platypus"))
	flush(t, x)

	for _, c := range []struct {
		name, query, file string
	}{
		{"a word of a log", "faulting", "spooler.log"},
		{"a phrase of a log", `"faulting module"`, "spooler.log"},
		{"a table", "temperature", "readings.csv"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := x.Search(Query{Text: c.query})
			if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != tk.ID {
				t.Fatalf("Search(%q) = %+v, %v; want the ticket", c.query, res.Hits, err)
			}
			var in *Fragment
			for i, s := range res.Hits[0].Snippets {
				if s.Field == fFiles {
					in = &res.Hits[0].Snippets[i]
				}
			}
			if in == nil || in.File != c.file || !marked(in.Parts) {
				t.Fatalf("snippets %+v: want a marked excerpt of %s", res.Hits[0].Snippets, c.file)
			}
		})
	}
	for _, word := range []string{"quokka", "wombat", "platypus"} {
		if res, _ := x.Search(Query{Text: word}); len(res.Hits) != 0 {
			t.Errorf("%q matched: binary, oversized and non-text files are not read", word)
		}
	}
}

func marked(parts []Part) bool {
	for _, p := range parts {
		if p.Match && strings.TrimSpace(p.Text) != "" {
			return true
		}
	}
	return false
}

// A text attachment whose bytes arrive after its record is found once they are here.
func TestATextFileIsIndexedWhenItArrives(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	author, err := blob.Open(t.TempDir(), 0)
	if err != nil {
		t.Fatal(err)
	}
	here, err := blob.Open(t.TempDir(), 0) // this device: the bytes are still on the author's
	if err != nil {
		t.Fatal(err)
	}
	x, err := Open(st, Options{Logger: quiet, Files: here})
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	tk, err := ticket.NewService(st, nil).Create(context.Background(), "ana", ticket.NewTicket{Title: "VPN drops"})
	if err != nil {
		t.Fatal(err)
	}
	data := []byte("ike negotiation timed out on tunnel 4\n")
	a := attachText(t, author, x, tk.ID, "vpn.log", data)
	flush(t, x)
	if res, _ := x.Search(Query{Text: "negotiation"}); len(res.Hits) != 0 {
		t.Fatal("a file not on this device matched")
	}
	if _, err := here.PutVerified(bytes.NewReader(data), a.Hash); err != nil {
		t.Fatal(err)
	}
	x.FileArrived(a.Hash)
	flush(t, x)
	if res, _ := x.Search(Query{Text: "negotiation"}); len(res.Hits) != 1 {
		t.Fatalf("after the file arrived: %+v", res.Hits)
	}
}
