package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"outpost/app/apptest/peer"
)

// coldStart starts the desktop binary under Xvfb on the large dataset and measures
// the time until its window is mapped, until the queue's first rows are painted, and
// the resident memory of the backend and of WebKit's processes once the queue has loaded.
func (r *Report) coldStart(bin, dir string) {
	if _, err := os.Stat(bin); err != nil {
		r.add(Figure{Name: "cold start to window, 100k (desktop binary)", Note: "skipped: run `make build` first"})
		return
	}
	for _, tool := range []string{"Xvfb", "xdotool"} {
		if _, err := exec.LookPath(tool); err != nil {
			r.add(Figure{Name: "cold start to window, 100k (desktop binary)", Note: "skipped: " + tool + " is not installed"})
			return
		}
	}
	const display = ":97"
	x := exec.Command("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	if err := x.Start(); err != nil {
		r.add(Figure{Name: "cold start", Note: "skipped: " + err.Error()})
		return
	}
	defer func() { x.Process.Kill(); x.Wait() }()
	time.Sleep(500 * time.Millisecond)
	env := append(os.Environ(), "DISPLAY="+display)
	// The queue step closed the app cleanly, leaving the open tickets' snapshot: the
	// first start is the usual one. It is killed, as a crash would end it, so the
	// second start has no snapshot and reads every ticket.
	r.launch(bin, dir, env, "after a clean close", true)
	r.launch(bin, dir, env, "after a crash (no snapshot)", false)
}

func (r *Report) launch(bin, dir string, env []string, when string, memory bool) {
	app := exec.Command(bin, "--data", dir, "--no-sync")
	app.Env = env
	// The window calls SystemService.Painted once the queue shows its first rows; the
	// backend logs `msg="queue painted" ms=<since the process started>`.
	logs, err := app.StderrPipe()
	if err != nil {
		r.add(Figure{Name: "cold start", Note: "skipped: " + err.Error()})
		return
	}
	began := time.Now()
	if err := app.Start(); err != nil {
		r.add(Figure{Name: "cold start", Note: "skipped: " + err.Error()})
		return
	}
	defer func() { app.Process.Kill(); app.Wait() }()
	painted := make(chan float64, 1)
	go func() {
		sc := bufio.NewScanner(logs)
		for sc.Scan() {
			if m := paintedLine.FindStringSubmatch(sc.Text()); m != nil {
				ms, _ := strconv.ParseFloat(m[1], 64)
				select {
				case painted <- ms:
				default:
				}
			}
		}
	}()
	find := exec.Command("xdotool", "search", "--sync", "--onlyvisible", "--name", "Outpost")
	find.Env = env
	done := make(chan error, 1)
	go func() { done <- find.Run() }()
	select {
	case err := <-done:
		if err != nil {
			r.add(Figure{Name: "cold start", Note: "window not found: " + err.Error()})
			return
		}
	case <-time.After(30 * time.Second):
		find.Process.Kill()
		r.add(Figure{Name: "cold start", Note: "no window within 30 s"})
		return
	}
	r.add(Figure{Name: "cold start to a mapped window, 100k tickets (Xvfb), " + when, Value: time.Since(began).Seconds(), Unit: "s"})
	goal := "< 1.5"
	if !memory {
		goal = ""
	}
	select {
	case ms := <-painted:
		r.add(Figure{Name: "cold start to the painted queue, 100k tickets (Xvfb), " + when, Value: ms / 1000, Unit: "s", Goal: goal,
			Note: "from process start to the queue's first rows on screen (SystemService.Painted)"})
	case <-time.After(60 * time.Second):
		r.add(Figure{Name: "cold start to the painted queue", Note: "the queue did not report its first paint within 60 s"})
	}
	if !memory {
		return
	}
	time.Sleep(3 * time.Second) // the closed tickets finish loading
	backend := rss(app.Process.Pid)
	webkit := 0.0
	for _, pid := range descendants(app.Process.Pid) {
		if name, _ := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "comm")); strings.HasPrefix(string(name), "WebKit") {
			webkit += rss(pid)
		}
	}
	r.add(Figure{Name: "resident memory, backend process, 100k tickets", Value: backend, Unit: "MB"})
	r.add(Figure{Name: "resident memory, WebKit processes", Value: webkit, Unit: "MB"})
}

var paintedLine = regexp.MustCompile(`msg="queue painted" ms=(\d+)`)

func rss(pid int) float64 { return procStatus(pid, "VmRSS:") }

// peakRSS is the most memory pid has held so far (VmHWM), in MB. Unlike the rusage of a
// child, it is the child's own: a child started from a large process is not charged for it.
func peakRSS(pid int) float64 { return procStatus(pid, "VmHWM:") }

// procStatus reads one kB figure of /proc/PID/status, in MB.
func procStatus(pid int, key string) float64 { return float64(peer.StatusKB(pid, key)) / 1024 }

// descendants lists every process below pid.
func descendants(pid int) []int {
	children := map[int][]int{}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue
		}
		s := string(b)
		f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(f) > 1 {
			pp, _ := strconv.Atoi(f[1])
			children[pp] = append(children[pp], p)
		}
	}
	var out []int
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}
