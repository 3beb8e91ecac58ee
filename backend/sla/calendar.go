package sla

import (
	"fmt"
	"slices"
	"sync"
	"time"

	"outpost/backend/core/field"
)

// WorkingHours is the working window of one weekday, as wall-clock times "HH:MM" in the
// calendar's time zone; Close may be "24:00". An empty Open means a day off.
type WorkingHours struct {
	Open  string `json:"open"`
	Close string `json:"close"`
}

// Calendar is the team's business calendar: when SLA clocks run.
type Calendar struct {
	Zone string `json:"zone"` // IANA name, e.g. "Europe/Berlin"
	// AllHours makes every hour count (24x7): working hours and holidays are ignored.
	AllHours bool `json:"allHours"`
	// Week holds the working hours per weekday, Sunday first (index = time.Weekday).
	Week [7]WorkingHours `json:"week"`
	// Holidays are dates "YYYY-MM-DD" on which nobody works.
	Holidays []string `json:"holidays"`
	// DayMinutes is the length of one business day, for targets given in business days.
	DayMinutes int `json:"dayMinutes"`
}

// DefaultCalendar is Monday to Friday, 09:00 to 17:00 UTC, no holidays; a business day is 8 hours.
func DefaultCalendar() Calendar {
	c := Calendar{Zone: "UTC", DayMinutes: 8 * 60, Holidays: []string{}}
	for d := time.Monday; d <= time.Friday; d++ {
		c.Week[d] = WorkingHours{Open: "09:00", Close: "17:00"}
	}
	return c
}

var dayNames = [7]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

// Validate checks the calendar and names the first bad field ("calendar.zone", "calendar.week.monday", ...).
func (c Calendar) Validate() error {
	_, err := c.compile()
	return err
}

type window struct{ open, close int } // minutes after local midnight

type compiled struct {
	loc      *time.Location
	all      bool
	week     [7]window
	holidays map[int64]bool // civil day numbers
}

func parseClock(s string) (int, bool) {
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	if _, err := fmt.Sscanf(s, "%02d:%02d", &h, &m); err != nil || m > 59 || h > 24 || h == 24 && m != 0 {
		return 0, false
	}
	return h*60 + m, true
}

func (c Calendar) compile() (compiled, error) {
	var out compiled
	if c.Zone == "" {
		return out, field.Relabel(field.Errorf("calendar.zone", "is required (for example Europe/Berlin or UTC)"), "Time zone")
	}
	loc, err := time.LoadLocation(c.Zone)
	if err != nil || c.Zone == "Local" {
		return out, field.Relabel(field.Errorf("calendar.zone", "must be a known time zone name such as Europe/Berlin, not %q", c.Zone), "Time zone")
	}
	out.loc, out.all = loc, c.AllHours
	if c.DayMinutes < 60 || c.DayMinutes > 24*60 {
		return out, field.Relabel(field.Errorf("calendar.dayMinutes", "must be from 1 to 24 hours"), "A business day")
	}
	working := 0
	for d, h := range c.Week {
		name, label := "calendar.week."+dayNames[d], time.Weekday(d).String()
		if h.Open == "" && h.Close == "" {
			continue
		}
		o, ok1 := parseClock(h.Open)
		cl, ok2 := parseClock(h.Close)
		if !ok1 || !ok2 {
			return out, field.Relabel(field.Errorf(name, "must open and close at times like 09:00 and 17:00"), label)
		}
		if cl <= o {
			return out, field.Relabel(field.Errorf(name, "must close after it opens (it opens at %s and closes at %s)", h.Open, h.Close), label)
		}
		out.week[d] = window{o, cl}
		working++
	}
	if working == 0 && !c.AllHours {
		return out, field.Relabel(field.Errorf("calendar.week", "needs at least one working day (or choose 24x7)"), "Working days and hours")
	}
	if len(c.Holidays) > 2000 {
		return out, field.Relabel(field.Errorf("calendar.holidays", "may hold at most 2000 days"), "Holidays")
	}
	out.holidays = map[int64]bool{}
	for _, h := range c.Holidays {
		d, err := time.Parse(time.DateOnly, h)
		if err != nil {
			return out, field.Relabel(field.Errorf("calendar.holidays", "must be dates such as 2025-12-25, not %q", h), "Holidays")
		}
		out.holidays[d.Unix()/86400] = true
	}
	return out, nil
}

// Bounds of the times a clock tabulates; times outside are clamped.
var (
	minTime = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano()
)

// Clock measures business time on a calendar. It tabulates each local day's
// working window as absolute instants (so DST days come out exact) with running
// sums, which makes Between and Add a binary search and a few subtractions.
// It is safe for concurrent use.
type Clock struct {
	cal compiled

	mu    sync.RWMutex
	first int64   // civil day number of day 0 of the table
	start []int64 // unix ns of each day's local midnight; len(open)+1
	open  []int64 // unix ns of each day's window (open == close on a day off)
	close []int64
	cum   []int64 // business ns before each day; len(open)+1
}

// NewClock compiles a calendar into a clock; it fails with a field error on a bad calendar.
func NewClock(c Calendar) (*Clock, error) {
	cc, err := c.compile()
	if err != nil {
		return nil, err
	}
	return &Clock{cal: cc}, nil
}

// Location is the calendar's time zone.
func (k *Clock) Location() *time.Location { return k.cal.loc }

// AllHours reports whether every hour counts on this clock.
func (k *Clock) AllHours() bool { return k.cal.all }

func clamp(t time.Time) int64 {
	n := t.UnixNano()
	if t.Before(time.Unix(0, minTime)) {
		return minTime
	}
	if t.After(time.Unix(0, maxTime)) {
		return maxTime
	}
	return n
}

// civilDay returns the day number of instant ns in the clock's zone.
func (k *Clock) civilDay(ns int64) int64 {
	y, m, d := time.Unix(0, ns).In(k.cal.loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// build tabulates civil days [from, to].
func (k *Clock) build(from, to int64) {
	n := int(to - from + 1)
	start := make([]int64, n+1)
	open := make([]int64, n)
	cls := make([]int64, n)
	cum := make([]int64, n+1)
	for i := 0; i <= n; i++ {
		y, m, d := time.Unix((from+int64(i))*86400, 0).UTC().Date()
		start[i] = time.Date(y, m, d, 0, 0, 0, 0, k.cal.loc).UnixNano()
		if i == n {
			break
		}
		w := k.cal.week[time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Weekday()]
		if w.close > w.open && !k.cal.holidays[from+int64(i)] {
			open[i] = time.Date(y, m, d, w.open/60, w.open%60, 0, 0, k.cal.loc).UnixNano()
			cls[i] = time.Date(y, m, d, w.close/60, w.close%60, 0, 0, k.cal.loc).UnixNano()
		}
		if cls[i] < open[i] { // a window inside a DST gap
			cls[i] = open[i]
		}
		cum[i+1] = cum[i] + cls[i] - open[i]
	}
	k.first, k.start, k.open, k.close, k.cum = from, start, open, cls, cum
}

// cover makes sure instants a..b (unix ns, a <= b) lie inside the table. Caller holds mu.
func (k *Clock) cover(a, b int64) {
	if k.covers(a, b) {
		return
	}
	from, to := k.civilDay(a)-1, k.civilDay(b)+1
	if k.start != nil {
		from = min(from, k.first)
		to = max(to, k.first+int64(len(k.open))-1)
	}
	// Grow in steps so a moving "now" does not rebuild the table on every call.
	if k.start != nil && to > k.first+int64(len(k.open))-1 {
		to += 64
	}
	k.build(from, to)
}

// covers reports whether instants a..b lie inside the table. Caller holds mu (for reading at least).
func (k *Clock) covers(a, b int64) bool {
	return k.start != nil && a >= k.start[0] && b < k.start[len(k.start)-1]
}

// day returns the table index of the day holding instant ns (inside the table). Caller holds mu.
// Days are 24 hours give or take a DST hour, so a division lands on the day or next to it.
func (k *Clock) day(ns int64) int {
	i := int((ns - k.start[0]) / int64(24*time.Hour))
	i = min(max(i, 0), len(k.open)-1)
	for i > 0 && k.start[i] > ns {
		i--
	}
	for i < len(k.open)-1 && k.start[i+1] <= ns {
		i++
	}
	return i
}

// before returns the business time from the table's start to instant ns. Caller holds mu.
func (k *Clock) before(ns int64) int64 {
	i := k.day(ns)
	return k.cum[i] + max(0, min(ns, k.close[i])-k.open[i])
}

// Between returns the business time in [a, b); zero when b is not after a.
func (k *Clock) Between(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	if k.cal.all {
		return b.Sub(a)
	}
	x, y := clamp(a), clamp(b)
	k.mu.RLock() // the table usually covers both already: many readers at once (the queue measures on every core)
	if k.covers(x, y) {
		d := time.Duration(k.before(y) - k.before(x))
		k.mu.RUnlock()
		return d
	}
	k.mu.RUnlock()
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cover(x, y)
	return time.Duration(k.before(y) - k.before(x))
}

// Add returns the instant at which d of business time has passed since from.
func (k *Clock) Add(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	if k.cal.all {
		return from.Add(d)
	}
	x := clamp(from)
	k.mu.Lock()
	defer k.mu.Unlock()
	k.cover(x, x)
	want := k.before(x) + int64(d)
	for k.cum[len(k.cum)-1] < want {
		last := k.start[len(k.start)-1]
		if last >= maxTime {
			return time.Unix(0, maxTime)
		}
		k.cover(x, min(last+int64(90*24*time.Hour), maxTime-1))
	}
	// The first day whose running sum reaches want holds the instant.
	j, _ := slices.BinarySearch(k.cum[1:], want)
	return time.Unix(0, k.open[j]+want-k.cum[j])
}
