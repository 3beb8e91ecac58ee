package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"outpost/app"
	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/change"
	"outpost/backend/core/store"
	"outpost/backend/filepolicy"
)

// attachCommand runs `outpost attach KIND ID FILE`, `outpost attachments KIND ID` and
// `outpost save-attachment HASH FILE` on the replica in dataDir; it returns the exit code.
func attachCommand(cmd string, args []string, dataDir, name string, force bool, log *slog.Logger) int {
	want := map[string]int{"attach": 3, "attachments": 2, "save-attachment": 2}[cmd]
	if len(args) != want {
		fmt.Fprintln(os.Stderr, "outpost: usage: outpost attach ticket|visit|sop ID FILE | attachments ticket|visit|sop ID | save-attachment HASH FILE")
		return 2
	}
	if cmd == "save-attachment" {
		if err := mayWrite(args[1], force); err != nil {
			fmt.Fprintln(os.Stderr, "outpost:", err)
			return 1
		}
	}
	ctx := context.Background()
	err := withStore(ctx, dataDir, name, log, func(st *store.Store) error {
		blobs, err := blob.Open(dataDir, 0)
		if err != nil {
			return err
		}
		if cmd != "save-attachment" {
			args[1] = recordID(st, args[0], args[1])
		}
		switch cmd {
		case "attach":
			return attachFileCommand(ctx, st, blobs, args[0], args[1], args[2])
		case "attachments":
			rec, err := st.Get(args[0], args[1])
			if err != nil {
				return fmt.Errorf("%s %s: %w", args[0], args[1], err)
			}
			for _, a := range attach.List(rec, blobs) {
				where := "here"
				if !a.Here {
					where = "not on this device yet"
				}
				fmt.Printf("%s  %-40s %10s  %-24s %s, %s  %s\n", a.Hash, a.Name, megabytes(a.Size), a.Type, a.By, a.At.Local().Format("2006-01-02 15:04"), where)
			}
			return nil
		default:
			return saveAttachmentCommand(blobs, args[0], args[1])
		}
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "outpost:", err)
		return 1
	}
	return 0
}

func attachFileCommand(ctx context.Context, st *store.Store, blobs *blob.Store, kind, id, path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	policy, err := filepolicy.Get(st)
	if err != nil {
		return err
	}
	blobs.SetMaxSize(policy.MaxFile())
	r, err := policy.Incoming(f)
	if err != nil {
		return err
	}
	h, _, err := blobs.Put(r)
	if err != nil {
		return err
	}
	a, err := attach.Add(ctx, st, blobs, st.Device().Name, kind, id, attach.Meta{Hash: h, Name: filepath.Base(path)})
	if err != nil {
		return err
	}
	fmt.Printf("Attached %s (%s, %s) to %s %s: %s\n", a.Name, megabytes(a.Size), a.Type, kind, id, a.Hash)
	return nil
}

func saveAttachmentCommand(blobs *blob.Store, hash, path string) error {
	h, err := blob.ParseHash(hash)
	if err != nil {
		return fmt.Errorf("%q is not an attachment's hash (see `outpost attachments KIND ID`)", hash)
	}
	if err := blobs.Verify(h); err != nil {
		return err
	}
	if err := app.SaveBlob(blobs, h, path); err != nil {
		return err
	}
	fmt.Printf("Saved %s\n", path)
	return nil
}

// recordID takes a ticket's number (as the queue and exports show it) or a record ID.
func recordID(st *store.Store, kind, ref string) string {
	if _, err := st.Get(kind, ref); err == nil || kind != "ticket" {
		return ref
	}
	id := ref
	_ = st.Scan(kind, func(rec change.Record) error {
		if strings.EqualFold(rec.String("number"), ref) {
			id = rec.ID
			return errFound
		}
		return nil
	})
	return id
}

var errFound = errors.New("found")
