package search

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/core/store/storetest"
	"outpost/backend/sop"
	"outpost/backend/ticket"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func openIndex(t testing.TB, st *store.Store, dir string) *Index {
	t.Helper()
	x, err := Open(st, Options{Dir: dir, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	return x
}

func flush(t testing.TB, x *Index) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if err := x.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

type corpus struct {
	Tickets []struct {
		Key         string        `json:"key"`
		Title       string        `json:"title"`
		Description string        `json:"description"`
		Category    string        `json:"category"`
		Tags        []string      `json:"tags"`
		Status      ticket.Status `json:"status"`
		Comments    []string      `json:"comments"`
	} `json:"tickets"`
	SOPs []struct {
		Key      string   `json:"key"`
		Title    string   `json:"title"`
		Body     string   `json:"body"`
		Category string   `json:"category"`
		Tags     []string `json:"tags"`
	} `json:"sops"`
	Queries []struct {
		Name  string   `json:"name"`
		Query Query    `json:"query"`
		Want  []string `json:"want"`
	} `json:"queries"`
}

// fixture is the fixed corpus of testdata/corpus.json written to a real store.
type fixture struct {
	st      *store.Store
	tickets *ticket.Service
	sops    *sop.Service
	c       corpus
	ids     map[string]string // corpus key -> record ID
	keys    map[string]string // record ID -> corpus key
	numbers map[string]string // corpus key -> ticket number
}

func loadCorpus(t testing.TB, st *store.Store) *fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, tickets: ticket.NewService(st, nil), sops: sop.NewService(st, nil),
		ids: map[string]string{}, keys: map[string]string{}, numbers: map[string]string{}}
	if err := json.Unmarshal(raw, &f.c); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, tk := range f.c.Tickets {
		got, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: tk.Title, Description: tk.Description, Category: tk.Category, Tags: tk.Tags})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range tk.Comments {
			if _, err := f.tickets.Comment(ctx, "bob", got.ID, c, false); err != nil {
				t.Fatal(err)
			}
		}
		if tk.Status == ticket.StatusResolved || tk.Status == ticket.StatusInProgress {
			move := func() (ticket.Ticket, error) { return f.tickets.Transition(ctx, "bob", got.ID, tk.Status, "") }
			if tk.Status == ticket.StatusResolved {
				move = func() (ticket.Ticket, error) { return f.tickets.Resolve(ctx, "bob", got.ID, "fixed", "fixed it") }
			}
			if _, err := move(); err != nil {
				t.Fatal(err)
			}
		}
		f.ids[tk.Key], f.keys[got.ID], f.numbers[tk.Key] = got.ID, tk.Key, got.Number
	}
	for _, s := range f.c.SOPs {
		got, err := f.sops.Create(ctx, "alice", sop.NewSOP{Title: s.Title, Body: s.Body, Category: s.Category, Tags: s.Tags})
		if err != nil {
			t.Fatal(err)
		}
		f.ids[s.Key], f.keys[got.ID] = got.ID, s.Key
	}
	return f
}

func (f *fixture) hitKeys(hits []Hit) []string {
	out := []string{}
	for _, h := range hits {
		out = append(out, f.keys[h.ID])
	}
	return out
}

// TestRankingOnAFixedCorpus checks the order of results against the order written down in testdata/corpus.json.
func TestRankingOnAFixedCorpus(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	f := loadCorpus(t, st)
	x := openIndex(t, st, "")
	defer x.Close()
	for _, q := range f.c.Queries {
		t.Run(q.Name, func(t *testing.T) {
			if key, ok := strings.CutPrefix(q.Query.Text, "#"); ok {
				q.Query.Text = f.numbers[key]
			}
			res, err := x.Search(q.Query)
			if err != nil {
				t.Fatal(err)
			}
			if got := f.hitKeys(res.Hits); !slices.Equal(got, q.Want) {
				for _, h := range res.Hits {
					t.Logf("%-14s %.4f", f.keys[h.ID], h.Score)
				}
				t.Fatalf("%q gave %v, want %v", q.Query.Text, got, q.Want)
			}
			if res.Total != uint64(len(q.Want)) {
				t.Fatalf("total = %d, want %d", res.Total, len(q.Want))
			}
		})
	}
}

func joinParts(ps []Part) (text, marked string) {
	var all, m []string
	for _, p := range ps {
		all = append(all, p.Text)
		if p.Match {
			m = append(m, p.Text)
		}
	}
	return strings.Join(all, ""), strings.Join(m, "|")
}

func TestHighlighting(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	f := loadCorpus(t, st)
	ctx := context.Background()
	hostile := "Pasted from the portal: <script>alert('x')</script> & <b>bold</b> then the VPN failed."
	tk, err := f.tickets.Create(ctx, "alice", ticket.NewTicket{Title: "Portal error", Description: hostile})
	if err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, st, "")
	defer x.Close()

	res, err := x.Search(Query{Text: "printer jam", Kinds: []string{KindSOP}})
	if err != nil || len(res.Hits) == 0 {
		t.Fatalf("search = %v, %v", res, err)
	}
	title, marked := joinParts(res.Hits[0].Title)
	if title != "Clear a printer jam" || marked != "printer|jam" {
		t.Fatalf("title parts = %+v", res.Hits[0].Title)
	}
	var snippet []string
	for _, s := range res.Hits[0].Snippets {
		_, m := joinParts(s.Parts)
		snippet = append(snippet, s.Field+":"+m)
	}
	if !slices.Contains(snippet, "body:printer|jams") && !slices.Contains(snippet, "body:jammed|printer|jams") {
		t.Fatalf("body snippet marks = %v", snippet)
	}

	res, err = x.Search(Query{Text: "portal vpn", Kinds: []string{KindTicket}})
	if err != nil || len(res.Hits) != 1 || res.Hits[0].ID != tk.ID {
		t.Fatalf("search = %+v, %v", res.Hits, err)
	}
	if len(res.Hits[0].Snippets) == 0 {
		t.Fatal("no snippet for the description")
	}
	text, marked := joinParts(res.Hits[0].Snippets[0].Parts)
	if !strings.Contains(hostile, text) || !strings.Contains(text, "<script>") || marked != "portal|VPN" {
		t.Fatalf("snippet text %q (marks %q) is not the description as plain text", text, marked)
	}
}

// An SOP is written in markdown; its excerpt reads as prose, without the markup.
func TestSOPExcerptsAreProse(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	ss := sop.NewService(st, nil)
	body := "## Reset the **docking station**\n\n1. Unplug the [USB-C cable](https://intra.example/dock) for `10` seconds.\n2. Plug it back in."
	if _, err := ss.Create(context.Background(), "alice", sop.NewSOP{Title: "Dock flicker", Body: body}); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, st, "")
	defer x.Close()
	res, err := x.Search(Query{Text: "docking cable", Kinds: []string{KindSOP}})
	if err != nil || len(res.Hits) != 1 || len(res.Hits[0].Snippets) == 0 {
		t.Fatalf("search = %+v, %v", res, err)
	}
	text, marked := joinParts(res.Hits[0].Snippets[0].Parts)
	for _, markup := range []string{"##", "**", "](", "https://", "`"} {
		if strings.Contains(text, markup) {
			t.Fatalf("excerpt %q shows markdown %q", text, markup)
		}
	}
	if !strings.Contains(text, "Reset the docking station") || !strings.Contains(marked, "cable") {
		t.Fatalf("excerpt %q (marks %q)", text, marked)
	}
}

// A ticket without comments shows no empty comment excerpt.
func TestNoEmptyExcerpts(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	if _, err := ticket.NewService(st, nil).Create(context.Background(), "alice", ticket.NewTicket{Title: "Zebra label printer offline", Description: "Shows a red light."}); err != nil {
		t.Fatal(err)
	}
	x := openIndex(t, st, "")
	defer x.Close()
	res, err := x.Search(Query{Text: "zebra"})
	if err != nil || len(res.Hits) != 1 {
		t.Fatalf("search = %+v, %v", res, err)
	}
	for _, sn := range res.Hits[0].Snippets {
		if text, _ := joinParts(sn.Parts); strings.TrimSpace(text) == "" {
			t.Fatalf("an empty %s excerpt: %+v", sn.Field, res.Hits[0].Snippets)
		}
	}
	if len(res.Hits[0].Snippets) != 1 || res.Hits[0].Snippets[0].Field != fBody {
		t.Fatalf("snippets = %+v, want the description only", res.Hits[0].Snippets)
	}
}

func TestParseFragment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want []Part
	}{
		{"plain &amp; simple", []Part{{Text: "plain & simple"}}},
		{"<mark>VPN</mark> drops", []Part{{Text: "VPN", Match: true}, {Text: " drops"}}},
		{"a &lt;script&gt; <mark>b</mark><mark>c</mark>", []Part{{Text: "a <script> "}, {Text: "bc", Match: true}}},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			if got := parseFragment(tt.in); !slices.Equal(got, tt.want) {
				t.Fatalf("parseFragment(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestBadQueriesAreRefusedByField(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	x := openIndex(t, st, "")
	defer x.Close()
	tests := []struct {
		name string
		q    Query
		want string
	}{
		{"unknown kind", Query{Text: "x", Kinds: []string{"visit"}}, "kinds"},
		{"limit too high", Query{Text: "x", Limit: MaxLimit + 1}, "limit"},
		{"text too long", Query{Text: strings.Repeat("a", MaxQueryText+1)}, "text"},
		{"too many words", Query{Text: strings.Repeat("word ", MaxTerms+1)}, "text"},
		{"control character", Query{Text: "a\x00"}, "text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := x.Search(tt.q)
			if fe, ok := field.As(err); !ok || fe.Field != tt.want {
				t.Fatalf("Search = %v, want a %s field error", err, tt.want)
			}
		})
	}
}

func TestSuggestSOPsForATicket(t *testing.T) {
	t.Parallel()
	st := storetest.Open(t)
	defer st.Close()
	f := loadCorpus(t, st)
	x := openIndex(t, st, "")
	defer x.Close()
	tests := []struct{ ticket, first string }{
		{"T-vpn-drops", "S-vpn"},
		{"T-printer", "S-printer"},
		{"T-locked", "S-password"},
		{"T-laptop", "S-onboarding"},
	}
	for _, tt := range tests {
		t.Run(tt.ticket, func(t *testing.T) {
			got, err := x.Suggest(f.ids[tt.ticket], 3)
			if err != nil || len(got) == 0 {
				t.Fatalf("Suggest = %v, %v", got, err)
			}
			if k := f.keys[got[0].ID]; k != tt.first || got[0].Kind != KindSOP || got[0].Linked {
				t.Fatalf("first suggestion = %s %+v, want %s", k, got[0], tt.first)
			}
		})
	}
	// A linked SOP comes first and is marked, even when it is not the closest text.
	ctx := context.Background()
	if _, err := f.sops.LinkTicket(ctx, "bob", f.ids["S-onboarding"], f.ids["T-vpn-drops"]); err != nil {
		t.Fatal(err)
	}
	flush(t, x)
	got, err := x.Suggest(f.ids["T-vpn-drops"], 3)
	if err != nil || len(got) < 2 || f.keys[got[0].ID] != "S-onboarding" || !got[0].Linked || f.keys[got[1].ID] != "S-vpn" {
		t.Fatalf("suggestions after linking = %+v, %v", got, err)
	}
	if _, err := x.Suggest("nope", 3); err == nil {
		t.Fatal("Suggest(missing ticket) succeeded")
	}
}
