package sop

import "testing"

func TestPlainText(t *testing.T) {
	t.Parallel()
	tests := []struct{ name, md, want string }{
		{"heading and emphasis", "## Reset the **VPN** client\n\nOpen *Settings* first.", "Reset the VPN client\nOpen Settings first."},
		{"link keeps its text", "See [the VPN guide](https://intra.example/vpn) now.", "See the VPN guide now."},
		{"list items", "- Quit Outlook\n- Delete `ost` file\n", "Quit Outlook\nDelete ost file"},
		{"fenced code stays", "Run:\n\n```\nipconfig /flushdns\n```\n", "Run:\nipconfig /flushdns"},
		{"raw html goes", "<script>alert(1)</script>\n\nText", "Text"},
		{"soft line break", "one\ntwo", "one two"},
		{"plain text unchanged", "Restart the print spooler.", "Restart the print spooler."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PlainText(tt.md); got != tt.want {
				t.Fatalf("PlainText(%q) = %q, want %q", tt.md, got, tt.want)
			}
		})
	}
}
