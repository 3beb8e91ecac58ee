// Package app wires the replica, the domain services and the user interface:
// the Wails-bound services of the desktop window and the same methods over HTTP
// for `outpost serve`. Bound methods are thin: decode, call the domain, return (T, error).
package app

import (
	"context"
	"errors"
	"log/slog"
	"outpost/backend/mail/mailbox"
	"outpost/backend/mail/transport"
	"outpost/backend/permission"
	"outpost/backend/roles"
	"time"

	"outpost/backend/category"
	"outpost/backend/coaching"
	"outpost/backend/core/attach"
	"outpost/backend/core/blob"
	"outpost/backend/core/field"
	"outpost/backend/core/store"
	"outpost/backend/person"
	"outpost/backend/queue"
	"outpost/backend/requester"
	"outpost/backend/resolution"
	"outpost/backend/search"
	"outpost/backend/sop"
	"outpost/backend/technician"
	"outpost/backend/thumb"
	"outpost/backend/ticket"
	"outpost/backend/view"
	"outpost/backend/visit"
	"outpost/sync/replica"
	"outpost/sync/team"
)

// Version is the application version, set at build time.
var Version = "0.1.0-dev"

// Config says where the replica lives and how the app presents itself.
type Config struct {
	DataDir    string
	DeviceName string
	Logger     *slog.Logger
	Sync       SyncConfig
	Now        func() time.Time // the clock of assignment suggestions; time.Now when nil
	// MailCAFile names a PEM file of a certificate authority that mail servers'
	// certificates may be signed by, besides the system's.
	MailCAFile string
}

// App is one running Outpost: the replica and the services on it.
type App struct {
	ctx    context.Context
	cfg    Config
	log    *slog.Logger
	st     *store.Store
	queue  *queue.Index
	events *hub
	sync   syncer

	tickets  *ticket.Service
	people   *person.Service
	coaching *coaching.Service
	techs    *technician.Service
	visits   *visit.Service

	// Bound services: their exported methods are what the UI calls.
	Tickets  *TicketService
	Data     *DataService
	System   *SystemService
	Team     *TeamService
	Identity *IdentityService
	Coaching *CoachingService
	SLA      *SLAService    // set by startSLA
	Reports  *ReportService // set by startSLA

	Technicians *TechnicianService
	Visits      *VisitService

	lead       *leadWork // problems, escalation paths, directory, onboarding, reviews, plans
	Problems   *ProblemService
	Escalation *EscalationService
	Directory  *DirectoryService
	Onboarding *OnboardingService
	Reviews    *ReviewService
	Plans      *PlanService
	Summary    *SummaryService

	slaRT *slaRuntime

	picker FilePicker // the window's file dialogs; nil in `outpost serve`

	kb     *sop.Service
	index  *search.Index
	KB     *KBService
	Search *SearchService
	Views  *ViewService

	Categories *CategoryService

	blobs       *blob.Store
	thumbs      *thumb.Cache
	Attachments *AttachmentService
	Mail        *MailService
	mail        *mailer // the email channel
	Roles       *RoleService
	roles       *roles.Service // who may do what

	codes *resolution.Service // the team's resolution codes

	requesters *requester.Service
	migration  *requesterMigration
	Requesters *RequesterService
}

// Open opens the replica in cfg.DataDir and starts the services.
func Open(ctx context.Context, cfg Config) (*App, error) {
	began := time.Now()
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	st, err := store.Open(ctx, store.Options{Dir: cfg.DataDir, DeviceName: cfg.DeviceName, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	// The queue loads in the background, open tickets first: the window's first page
	// waits for those only, and nothing else here waits for it.
	q := queue.StartWith(st, queue.Options{Snapshot: queue.SnapshotPath(cfg.DataDir)})
	a := &App{ctx: ctx, cfg: cfg, log: cfg.Logger, st: st, queue: q, events: newHub()}
	go func() {
		if err := q.Err(); err != nil {
			a.log.Error("ticket queue not fully loaded", "err", err)
		}
	}()
	a.openRoles()
	a.tickets = ticket.NewService(st, nil)
	a.codes = resolution.NewService(st)
	a.tickets.CheckCodes(a.codes.Has)
	a.Tickets = &TicketService{a: a}
	a.System = &SystemService{a: a, opened: began}
	a.Data = &DataService{a: a}
	a.Team = &TeamService{a: a}
	a.openField()
	if err := a.openPeople(); err != nil {
		q.Close()
		st.Close()
		return nil, err
	}
	a.openLeadWork()
	a.openRequesters()
	a.Views = &ViewService{a: a, svc: view.NewService(st)}
	a.Categories = &CategoryService{a: a, svc: category.NewService(st)}
	if err := a.openAttachments(); err != nil {
		a.closeRequesters()
		q.Close()
		st.Close()
		return nil, err
	}
	a.openKB()
	if err := a.openMail(); err != nil {
		a.closeKB()
		q.Close()
		st.Close()
		return nil, err
	}
	st.Subscribe(a.onCommit)
	a.startSLA()
	if err := a.startSync(); err != nil {
		a.log.Warn("sync not started", "err", err)
	}
	return a, nil
}

// Close stops the services and closes the replica.
func (a *App) Close() error {
	a.closeMail()
	a.roles.Close()
	a.stopSync()
	a.stopSLA()
	a.closeRequesters()
	a.closeKB()
	a.queue.Close()
	a.events.close()
	return a.st.Close()
}

// Bound lists the services the UI may call, by the name the UI uses.
func (a *App) Bound() map[string]any {
	return map[string]any{"TicketService": a.Tickets, "SystemService": a.System, "TeamService": a.Team, "DataService": a.Data,
		"IdentityService": a.Identity, "CoachingService": a.Coaching,
		"SLAService": a.SLA, "ReportService": a.Reports,
		"TechnicianService": a.Technicians, "VisitService": a.Visits,
		"ProblemService": a.Problems, "EscalationService": a.Escalation, "DirectoryService": a.Directory,
		"OnboardingService": a.Onboarding, "ReviewService": a.Reviews, "PlanService": a.Plans, "SummaryService": a.Summary,
		"KBService": a.KB, "SearchService": a.Search, "ViewService": a.Views,
		"CategoryService": a.Categories, "AttachmentService": a.Attachments, "MailService": a.Mail,
		"RequesterService": a.Requesters, "RoleService": a.Roles}
}

// me is who performs actions on this device: its person's name once one is set up, else the device name.
func (a *App) me() string {
	if a.people != nil {
		if name := a.people.Name(); name != "" {
			return name
		}
	}
	return a.st.Device().Name
}

// onCommit turns store commits into "records:changed" events, one per kind. It does not block.
func (a *App) onCommit(e store.Event) {
	for kind, ids := range e.Touched() {
		a.events.emit(EventRecordsChanged, RecordsChanged{Kind: kind, IDs: ids, Remote: !e.Local})
	}
}

// ErrInternal is what a person sees instead of a storage or programming error; the detail goes to the log.
var ErrInternal = errors.New("something went wrong on this device; the details are in Outpost's log")

// userError turns err into a message fit for a person: field errors and known
// conditions pass through; anything else is logged and replaced by ErrInternal.
func (a *App) userError(op string, err error) error {
	if err == nil {
		return nil
	}
	if fe, ok := field.As(err); ok {
		return fe
	}
	if isLeadError(err) {
		return err
	}
	for _, known := range []error{ticket.ErrNotFound, store.ErrNotFound, store.ErrAlreadyRunning, store.ErrDiskFull, context.Canceled,
		team.ErrNoTeam, team.ErrBadInvite, replica.ErrRotating,
		person.ErrNoIdentity, person.ErrNotFound, coaching.ErrNotFound, coaching.ErrNotAllowed, visit.ErrNotFound, view.ErrNotFound, category.ErrNotFound, requester.ErrNotFound,
		attach.ErrNotFound, blob.ErrNotFound, blob.ErrMismatch,
		permission.ErrNotAllowed, ErrNoMailbox, mailbox.ErrNotFound, mailbox.ErrNotHandler, mailbox.ErrNoKey, mailbox.ErrReseal,
		transport.ErrLookup, transport.ErrConnect, transport.ErrTLS, transport.ErrLogin} {
		if errors.Is(err, known) {
			return err
		}
	}
	a.log.Error("operation failed", "op", op, "err", err)
	return ErrInternal
}
