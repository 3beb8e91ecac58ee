package app

// ReportService is the lead's reports screen, as bound to the UI.
type ReportService struct{ a *App }
