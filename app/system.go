package app

// SystemService tells the UI about this device and replica.
type SystemService struct{ a *App }

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
