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

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/transform"
)

// Limits on an imported file. A file of any length streams through; a line this long
// means the file is no CSV, and is refused with a message instead of filling memory.
const (
	MaxLineBytes = 1 << 20
	MaxColumns   = 200
)

// Errors for files that cannot be read as a table at all. Their messages are fit to show a person.
var (
	ErrEmpty    = errors.New("the file is empty")
	ErrBinary   = errors.New("this is not a CSV file: it contains binary data")
	ErrUTF16    = errors.New("the file is saved as UTF-16; save it as UTF-8 CSV and import it again")
	ErrNoHeader = errors.New("the file has no header line naming its columns")
	ErrLongLine = errors.New("line is too long")
)

// scanner reads a file's rows one at a time, each with the line it starts on and, for a
// row that cannot be used, why.
type scanner struct {
	cr       *csv.Reader
	lim      *limitLines
	delim    rune
	header   []string
	encoding string
}

// Encodings a file can be read in.
const (
	EncUTF8    = "UTF-8"
	EncUTF8BOM = "UTF-8 with BOM"
	EncCP1252  = "Windows-1252 (converted)"
)

// limitLines passes bytes through and fails on a physical line longer than MaxLineBytes
// or a file longer than MaxFileBytes, counting lines so the error can name one.
type limitLines struct {
	r     io.Reader
	line  int // current line, 1-based
	width int // bytes on the current line so far
	total int64
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
	return n, err
}

// sniff looks at the start of the file: it refuses empty, binary and UTF-16 files,
// strips a UTF-8 byte order mark, tells UTF-8 from Windows-1252 (what Excel saves as
// "CSV" on Windows in western locales) and guesses the delimiter from the header line.
func sniff(br *bufio.Reader) (delim rune, encoding string, err error) {
	head, err := br.Peek(64 << 10)
	if err != nil && err != io.EOF && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, "", err
	}
	if len(bytes.TrimSpace(head)) == 0 {
		return 0, "", ErrEmpty
	}
	if bytes.HasPrefix(head, []byte{0xff, 0xfe}) || bytes.HasPrefix(head, []byte{0xfe, 0xff}) {
		return 0, "", ErrUTF16
	}
	encoding = EncUTF8
	if bytes.HasPrefix(head, []byte{0xef, 0xbb, 0xbf}) {
		br.Discard(3)
		head, encoding = head[3:], EncUTF8BOM
	}
	controls := 0
	for _, b := range head {
		if b == 0 {
			return 0, "", ErrBinary
		}
		if b < 0x20 && b != '\n' && b != '\r' && b != '\t' {
			controls++
		}
	}
	if controls > len(head)/100+2 {
		return 0, "", ErrBinary
	}
	if encoding == EncUTF8 && !validUTF8Prefix(head) {
		encoding = EncCP1252
	}
	first := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		first = head[:i]
	}
	return guessDelimiter(first), encoding, nil
}

// validUTF8Prefix says whether b is UTF-8, allowing a character cut at its end.
func validUTF8Prefix(b []byte) bool {
	for i := 0; i < 3 && len(b) > 0 && !utf8.Valid(b); i++ {
		b = b[:len(b)-1]
	}
	return utf8.Valid(b)
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

// newScanner sniffs the file and reads its header. delim 0 means guess it.
func newScanner(r io.Reader, delim rune) (*scanner, error) {
	lim := &limitLines{r: r, line: 1}
	br := bufio.NewReaderSize(lim, 64<<10)
	guessed, encoding, err := sniff(br)
	if err != nil {
		return nil, err
	}
	if delim == 0 {
		delim = guessed
	}
	var text io.Reader = br
	if encoding == EncCP1252 {
		text = transform.NewReader(br, charmap.Windows1252.NewDecoder())
	}
	cr := csv.NewReader(text)
	cr.Comma = delim
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	s := &scanner{cr: cr, lim: lim, delim: delim, encoding: encoding}
	rec, _, _, err := s.next()
	if err == io.EOF {
		return nil, ErrNoHeader
	}
	if err != nil {
		return nil, err
	}
	if len(rec) > MaxColumns {
		return nil, fmt.Errorf("the header has %d columns; at most %d are read", len(rec), MaxColumns)
	}
	s.header = rec
	return s, nil
}

// next returns the next non-blank row, the line it starts on, and why it cannot be
// used ("" when it can); io.EOF at the end of the file.
func (s *scanner) next() (rec []string, line int, bad string, err error) {
	for {
		rec, err = s.cr.Read()
		if err == io.EOF {
			return nil, 0, "", err
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && !errors.Is(err, ErrLongLine) {
				return nil, 0, "", fmt.Errorf("line %d: %v", pe.StartLine, pe.Err)
			}
			return nil, 0, "", unwrapRead(err)
		}
		if !isBlank(rec) {
			break
		}
	}
	line, _ = s.cr.FieldPos(0)
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return rec, line, "is not valid UTF-8 text; save the file as UTF-8 and import it again", nil
		}
	}
	if s.header != nil && len(rec) != len(s.header) {
		return rec, line, fmt.Sprintf("has %d columns; the header has %d", len(rec), len(s.header)), nil
	}
	return rec, line, "", nil
}

// offset is how many bytes of the file have been read.
func (s *scanner) offset() int64 { return s.lim.total }

// unwrapRead returns the limit error inside a csv error, whose own wording would hide it.
func unwrapRead(err error) error {
	for _, target := range []error{ErrLongLine} {
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
