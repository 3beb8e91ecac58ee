package app

import (
	"testing"

	"outpost/backend/directory"
)

// Editing a contact changes it in place; deleting it writes a tombstone: it leaves the
// directory, but the record and its history stay in the replica, as for every kind.
func TestContactEditAndDelete(t *testing.T) {
	t.Parallel()
	a := openApp(t)
	c, err := a.Directory.SaveContact("", directory.ContactInput{Name: "Acme Networks", Type: directory.ContactVendor, Phone: "+49 30 1234"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := a.Directory.SaveContact("", directory.ContactInput{Name: "Front desk", Type: directory.ContactSite, Phone: "+49 30 100"})
	if err != nil {
		t.Fatal(err)
	}

	edited, err := a.Directory.SaveContact(c.ID, directory.ContactInput{Name: "Acme Networks GmbH", Type: directory.ContactVendor, Phone: "+49 30 9999", Preferred: "email"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.ID != c.ID || edited.Name != "Acme Networks GmbH" || edited.Phone != "+49 30 9999" {
		t.Fatalf("edited contact = %+v", edited)
	}
	if _, err := a.Directory.SaveContact(c.ID, directory.ContactInput{Name: " ", Type: directory.ContactVendor}); err == nil {
		t.Fatal("an edit without a name was accepted")
	}

	if err := a.Directory.Delete("contact", c.ID); err != nil {
		t.Fatal(err)
	}
	list, err := a.Directory.Contacts("")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != other.ID {
		t.Fatalf("contacts after the delete = %+v, want only the front desk", list)
	}
	rec, err := a.st.Get(directory.KindContact, c.ID)
	if err != nil || !rec.Deleted() {
		t.Fatalf("deleted contact's record: deleted=%v err=%v, want a tombstone", rec.Deleted(), err)
	}
	if err := a.Directory.Delete("contact", ""); err == nil {
		t.Fatal("deleting no contact succeeded")
	}
}
