package app

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// SystemService tells the UI about this device and replica.
type SystemService struct {
	a         *App
	opened    time.Time // when Open began: the start when the process's own is unknown
	paintOnce sync.Once
	paintedMS int64
}

// Info describes this device.
type Info struct {
	Version    string `json:"version"`
	DeviceID   string `json:"deviceId"`
	DeviceName string `json:"deviceName"`
	DeviceTag  string `json:"deviceTag"`
	DataDir    string `json:"dataDir"`
	Me         string `json:"me"`
	Tickets    int    `json:"tickets"`
}

// Info returns facts about this device and its replica.
func (s *SystemService) Info() (Info, error) {
	d := s.a.st.Device()
	return Info{
		Version: Version, DeviceID: d.ID, DeviceName: d.Name, DeviceTag: d.Tag(),
		DataDir: s.a.cfg.DataDir, Me: s.a.me(), Tickets: s.a.queue.Len(),
	}, nil
}

// Painted is called by the window once the queue shows its first rows. The first call
// logs the time since the process started (the cold-start figure of `make bench`) and
// returns it in milliseconds; later calls return the same figure.
func (s *SystemService) Painted() (int64, error) {
	s.paintOnce.Do(func() {
		began, ok := processStart()
		if !ok {
			began = s.opened
		}
		s.paintedMS = time.Since(began).Milliseconds()
		s.a.log.Info("queue painted", "ms", s.paintedMS, "tickets", s.a.queue.Len(), "indexed", s.a.queue.Loaded())
	})
	return s.paintedMS, nil
}

// processStart returns when this process started, from /proc (Linux only): the
// system's uptime less the process's start time, both counted from boot.
func processStart() (time.Time, bool) {
	now := time.Now()
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return time.Time{}, false
	}
	// Field 22 (starttime, in clock ticks since boot) is the 20th after the command name.
	s := string(stat)
	fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(fields) < 20 {
		return time.Time{}, false
	}
	ticks, err := strconv.ParseInt(fields[19], 10, 64)
	if err != nil {
		return time.Time{}, false
	}
	up, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return time.Time{}, false
	}
	f := strings.Fields(string(up))
	if len(f) == 0 {
		return time.Time{}, false
	}
	uptime, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return time.Time{}, false
	}
	const ticksPerSecond = 100 // USER_HZ on every Linux architecture
	age := time.Duration(uptime*float64(time.Second)) - time.Duration(ticks)*time.Second/ticksPerSecond
	return now.Add(-age), true
}

// State identifies the replicated state this replica holds: two replicas with the same
// changes have the same hash (a chaos test or a person comparing two laptops checks it).
type State struct {
	Hash    string `json:"hash"`
	Changes uint64 `json:"changes"` // changes held, summed over every device's log
	Devices int    `json:"devices"` // devices whose changes it holds
	Waiting int    `json:"waiting"` // changes that arrived before their predecessors, kept on disk until those come
}

// State returns the hash of the replicated state and how many changes it covers. It reads
// every record, so it takes about a second per 100,000 tickets.
func (s *SystemService) State() (State, error) {
	v, err := s.a.st.Vector()
	if err != nil {
		return State{}, s.a.userError("state hash", err)
	}
	h, err := s.a.st.StateHash()
	if err != nil {
		return State{}, s.a.userError("state hash", err)
	}
	waiting, err := s.a.st.Waiting()
	if err != nil {
		return State{}, s.a.userError("state hash", err)
	}
	st := State{Hash: h, Devices: len(v), Waiting: waiting}
	for _, seq := range v {
		st.Changes += seq
	}
	return st, nil
}
