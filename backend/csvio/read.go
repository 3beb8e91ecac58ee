// Package csvio imports tickets from other help desks' CSV exports (column mapping,
// preview with per-row errors) and writes lists as CSV.
package csvio

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"
)

// Limits on an imported file: a help desk's export fits well inside them, and a file
// that does not is refused with a message instead of filling memory.
const (
	MaxFileBytes = 64 << 20
	MaxLineBytes = 1 << 20
	MaxRows      = 200_000
	MaxColumns   = 200
)

// Errors for files that cannot be read as a table at all. Their messages are fit to show a person.
var (
	ErrEmpty    = errors.New("the file is empty")
	ErrBinary   = errors.New("this is not a CSV file: it contains binary data")
	ErrUTF16    = errors.New("the file is saved as UTF-16; save it as UTF-8 CSV and import it again")
	ErrNoHeader = errors.New("the file has no header line naming its columns")
	ErrTooLarge = fmt.Errorf("the file is larger than %d MB; split it into smaller files", MaxFileBytes>>20)
	ErrTooMany  = fmt.Errorf("the file has more than %d rows; split it into smaller files", MaxRows)
	ErrLongLine = errors.New("line is too long")
)

// table is a parsed file: its header and rows, each with the line it starts on.
type table struct {
	delim  rune
	header []string
	rows   [][]string
	lines  []int
	bad    map[int]string // row index -> why it could not be read (invalid UTF-8, wrong column count)
}

// limitLines passes bytes through and fails on a physical line longer than MaxLineBytes
// or a file longer than MaxFileBytes, counting lines so the error can name one.
type limitLines struct {
	r     io.Reader
	line  int // current line, 1-based
	width int // bytes on the current line so far
	total int
}

func (l *limitLines) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		l.total++
		if b == '\n' {
			l.line++
			l.width = 0
			continue
		}
		l.width++
		if l.width > MaxLineBytes {
			return i, fmt.Errorf("%w: line %d is longer than %d KB; is this really a CSV file?", ErrLongLine, l.line, MaxLineBytes>>10)
		}
	}
	if l.total > MaxFileBytes {
		return 0, ErrTooLarge
	}
	return n, err
}

// sniff looks at the start of the file: it refuses empty, binary and UTF-16 files,
// strips a UTF-8 byte order mark and guesses the delimiter from the header line.
func sniff(br *bufio.Reader) (rune, error) {
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, err
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return 0, ErrEmpty
	}
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return 0, ErrUTF16
	}
	if bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
		head = head[3:]
	}
	controls := 0
	for _, b := range head {
		if b == 0 {
			return 0, ErrBinary
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			controls++
		}
	}
	if controls > len(head)/100+2 {
		return 0, ErrBinary
	}
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	return guessDelimiter(first), nil
}

// guessDelimiter picks the delimiter that occurs most often outside quotes in the header line.
func guessDelimiter(line []byte) rune {
	counts := map[rune]int{}
	quoted := false
	for _, r := range string(line) {
		switch {
		case r == '"':
			quoted = !quoted
		case !quoted && (r == ',' || r == ';' || r == '\t' || r == '|'):
			counts[r]++
		}
	}
	best, n := ',', 0
	for _, d := range []rune{',', ';', '\t', '|'} {
		if counts[d] > n {
			best, n = d, counts[d]
		}
	}
	return best
}

// readTable parses the file. delim 0 means guess it.
func readTable(r io.Reader, delim rune) (*table, error) {
	lim := &limitLines{r: r, line: 1}
	br := bufio.NewReaderSize(lim, 64<<10)
	guessed, err := sniff(br)
	if err != nil {
		return nil, err
	}
	if delim == 0 {
		delim = guessed
	}
	cr := csv.NewReader(br)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	cr.ReuseRecord = false
	t := &table{delim: delim, bad: map[int]string{}}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, ErrLongLine) && !errors.Is(err, ErrTooLarge) {
				return nil, fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, unwrapRead(err)
		}
		line, _ := cr.FieldPos(0)
		if t.header == nil {
			t.header = rec
			if len(rec) > MaxColumns {
				return nil, fmt.Errorf("the header has %d columns; at most %d are read", len(rec), MaxColumns)
			}
			continue
		}
		if isBlank(rec) {
			continue
		}
		if len(t.rows) == MaxRows {
			return nil, ErrTooMany
		}
		i := len(t.rows)
		t.rows = append(t.rows, rec)
		t.lines = append(t.lines, line)
		for _, f := range rec {
			if !utf8.ValidString(f) {
				t.bad[i] = "is not valid UTF-8 text; save the file as UTF-8 and import it again"
				break
			}
		}
		if _, ok := t.bad[i]; !ok && len(rec) != len(t.header) {
			t.bad[i] = fmt.Sprintf("has %d columns; the header has %d", len(rec), len(t.header))
		}
	}
	if t.header == nil {
		return nil, ErrNoHeader
	}
	return t, nil
}

// unwrapRead returns the limit error inside a csv error, whose own wording would hide it.
func unwrapRead(err error) error {
	for _, target := range []error{ErrLongLine, ErrTooLarge} {
		if errors.Is(err, target) {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return pe.Err
			}
			return err
		}
	}
	return err
}

func isBlank(rec []string) bool {
	for _, f := range rec {
		if f != "" {
			return false
		}
	}
	return true
}
