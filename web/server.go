// Package web is the server: the echo instance, the middleware chain, the
// route table, the session store and the error handler.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"factdesk/assets"
	"factdesk/db"
	"factdesk/export"
	"factdesk/handlers"
	"factdesk/ingest"
	"factdesk/views"
	"strconv"
	"strings"
)

// Config is what the server needs.
type Config struct {
	Store       *db.Store
	Log         *slog.Logger
	MaxDocBytes int  // largest document accepted; 0 means ingest.DefaultMaxBytes
	Secure      bool // served over TLS: Secure cookies

	// Security settings.
	TLS             bool         // served over built-in TLS (--tls-cert): as Secure, and more
	TrustedProxies  []*net.IPNet // reverse proxies whose X-Forwarded-For/-Proto are believed
	SessionIdle     time.Duration
	SessionAbsolute time.Duration
	HandlerTimeout  time.Duration // deadline for a handler's context; 0 means DefaultHandlerTimeout
	Turns           int           // requests handled at once (see admit); 0 means two a core, at least 4

	// Export and API.
	Export   export.Options // ClaimReview's organisation and the public base URL
	APIRate  float64        // API requests a second per token; 0 means 10
	APIBurst int            // requests a token may send at once; 0 means 50

	// Live updates: how often an idle event stream sends a keep-alive
	// comment; 0 means handlers.DefaultKeepAlive.
	KeepAlive time.Duration
}

// Defaults for the security settings.
const (
	DefaultSessionIdle     = 12 * time.Hour
	DefaultSessionAbsolute = 7 * 24 * time.Hour
	DefaultHandlerTimeout  = 30 * time.Second
)

// New builds the echo instance with every route and middleware.
func New(cfg Config) *echo.Echo {
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	if cfg.MaxDocBytes <= 0 {
		cfg.MaxDocBytes = ingest.DefaultMaxBytes
	}
	cfg.Secure = cfg.Secure || cfg.TLS
	if cfg.SessionIdle <= 0 {
		cfg.SessionIdle = DefaultSessionIdle
	}
	if cfg.SessionAbsolute <= 0 {
		cfg.SessionAbsolute = DefaultSessionAbsolute
	}
	if cfg.HandlerTimeout <= 0 {
		cfg.HandlerTimeout = DefaultHandlerTimeout
	}
	if cfg.Turns <= 0 {
		// Two a core keeps the cores busy while a request waits for the
		// writer.
		cfg.Turns = max(4, 2*runtime.GOMAXPROCS(0))
	}
	views.AssetVersion = assets.Version()
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor, e.SchemeExtractor = clientExtractors(cfg.TrustedProxies)
	store := NewSessionStore(cfg.Store, cfg.Secure)
	store.Timeouts = db.SessionTimeouts{Idle: cfg.SessionIdle, Absolute: cfg.SessionAbsolute}
	store.Options.MaxAge = int(cfg.SessionAbsolute / time.Second)
	sm := &sessionManager{store: store, name: sessionCookieName(cfg.Secure), log: cfg.Log}
	h := &handlers.Handler{Store: cfg.Store, Sessions: sm, Log: cfg.Log, MaxDocBytes: cfg.MaxDocBytes}
	h.ExportOptions = cfg.Export
	h.KeepAlive = cfg.KeepAlive
	// Event streams never end on their own: end them when shutdown begins,
	// or Serve would wait for them until its drain timeout.
	streamsDone := make(chan struct{})
	var endStreams sync.Once
	e.Server.RegisterOnShutdown(func() { endStreams.Do(func() { close(streamsDone) }) })
	h.Shutdown = streamsDone
	e.HTTPErrorHandler = errorHandler(h, cfg.Log)

	e.Use(middleware.RequestID())
	e.Use(securityHeaders(cfg.Secure))
	e.Use(recoverer(cfg.Log))
	e.Use(requestLog(cfg.Log))
	e.Use(handlerTimeout(cfg.HandlerTimeout))
	e.Use(admit(cfg.Turns, noTurn))
	e.Use(sm.loadUser(cfg.Store))
	routes(e, h, cfg)
	return e
}

// routes is the route table: every route with its middleware, in order.
// The body limit comes first, so nothing reads a large body (CSRF checks
// parse forms) before it is refused; then login, CSRF and role (after CSRF,
// so that a refusal page still carries a token for its logout form). Routes
// carry their middleware themselves rather than through groups, whose
// catch-all routes would answer unknown paths with a group's checks.
func routes(e *echo.Echo, h *handlers.Handler, cfg Config) {
	small := limitBody(smallBodyLimit)
	// Multipart framing and form fields come on top of the document itself.
	upload := limitBody(handlers.ImportRequestLimit(cfg.MaxDocBytes))
	csrf := csrfMiddleware(cfg.Secure)
	reviewer := requireRole("reviewer")
	// Every GET answers HEAD too, through the same middleware (so with the
	// same checks), with the same status and headers: net/http drops the
	// body of a HEAD.
	get := func(path string, h echo.HandlerFunc, m ...echo.MiddlewareFunc) {
		e.GET(path, h, m...)
		e.HEAD(path, h, m...)
	}

	get("/assets/*", assetHandler())
	get("/healthz", func(c echo.Context) error { return c.String(http.StatusOK, "ok") })

	// Anyone: logging in and the first-admin setup.
	get("/login", h.LoginForm, small, csrf)
	e.POST("/login", h.Login, small, csrf)
	get("/setup/:token", h.SetupForm, small, csrf)
	e.POST("/setup/:token", h.Setup, small, csrf)

	// Logged-in users of any role: reading and exporting.
	e.POST("/logout", h.Logout, small, requireLogin, csrf)
	get("/", h.Documents, small, requireLogin, csrf)
	get("/documents/:id", h.Document, small, requireLogin, csrf)
	get("/queue", h.Queue, small, requireLogin, csrf)
	get("/claims/:id", h.Claim, small, requireLogin, csrf)
	get("/export", h.Export, small, requireLogin, csrf)

	// Reviewers and up: anything that changes data.
	get("/documents/new", h.NewDocument, small, requireLogin, csrf, reviewer)
	e.POST("/documents", h.CreateDocument, upload, requireLogin, csrf, reviewer)
	e.POST("/claims/:id/status", h.SetStatus, small, requireLogin, csrf, reviewer)

	// Team work: users, assignment, dismissals, comments, evidence, second
	// opinions, the inbox, the activity feed and bulk actions.
	editor := requireRole("editor")
	admin := requireRole("admin")
	get("/admin/users", h.Users, small, requireLogin, csrf, admin)
	e.POST("/admin/users", h.CreateUser, small, requireLogin, csrf, admin)
	e.POST("/admin/users/:id/role", h.SetUserRole, small, requireLogin, csrf, admin)
	e.POST("/admin/users/:id/password", h.ResetPassword, small, requireLogin, csrf, admin)
	e.POST("/admin/users/:id/disable", h.DisableUser, small, requireLogin, csrf, admin)
	e.POST("/admin/users/:id/enable", h.EnableUser, small, requireLogin, csrf, admin)
	get("/inbox", h.Inbox, small, requireLogin, csrf)
	e.POST("/inbox/read", h.MarkInboxRead, small, requireLogin, csrf)
	get("/activity", h.Activity, small, requireLogin, csrf)
	get("/documents/:id/activity", h.DocumentActivity, small, requireLogin, csrf)
	get("/agreement", h.Agreement, small, requireLogin, csrf)
	e.POST("/claims/:id/dismiss", h.Dismiss, small, requireLogin, csrf, reviewer)
	e.POST("/claims/:id/comments", h.AddComment, small, requireLogin, csrf, reviewer)
	e.POST("/claims/:id/evidence", h.AddEvidence, small, requireLogin, csrf, reviewer)
	e.POST("/claims/:id/opinion", h.SubmitOpinion, small, requireLogin, csrf, reviewer)
	e.POST("/claims/:id/restore", h.Restore, small, requireLogin, csrf, editor)
	e.POST("/claims/:id/assign", h.AssignClaim, small, requireLogin, csrf, editor)
	e.POST("/claims/:id/second-opinion", h.RequestOpinion, small, requireLogin, csrf, editor)
	e.POST("/claims/:id/second-opinion/withdraw", h.WithdrawOpinion, small, requireLogin, csrf, editor)
	e.POST("/documents/:id/assign", h.AssignDocument, small, requireLogin, csrf, editor)
	e.POST("/documents/:id/claims", h.AddClaim, small, requireLogin, csrf, reviewer)
	e.POST("/claims/bulk", h.Bulk, small, requireLogin, csrf, editor)

	// Publishing, API tokens and the public review pages.
	e.POST("/claims/:id/publish", h.Publish, small, requireLogin, csrf, editor)
	e.POST("/claims/:id/unpublish", h.Unpublish, small, requireLogin, csrf, editor)
	get("/tokens", h.Tokens, small, requireLogin, csrf)
	e.POST("/tokens", h.CreateToken, small, requireLogin, csrf)
	e.POST("/tokens/:id/revoke", h.RevokeToken, small, requireLogin, csrf)
	get("/public/claims/:id", h.PublicClaim, small) // anyone: published reviews only

	// The JSON API (/api/v1): a bearer token instead of the session (so no
	// cookie, and no CSRF to check), a rate limit per token, the same roles.
	bearer := apiAuth(cfg.Store, cfg.Log)
	limit := apiRateLimit(cfg.APIRate, cfg.APIBurst)
	// JSON escapes can double a text's size.
	apiUpload := limitBody(2*cfg.MaxDocBytes + 64<<10)
	viewer := requireRole("viewer")
	get("/api/v1/openapi.json", h.OpenAPI, small)
	get("/api/v1/me", h.APIMe, small, bearer, limit, viewer)
	get("/api/v1/documents", h.APIDocuments, small, bearer, limit, viewer)
	e.POST("/api/v1/documents", h.APICreateDocument, apiUpload, bearer, limit, reviewer)
	get("/api/v1/documents/:id", h.APIDocument, small, bearer, limit, viewer)
	e.POST("/api/v1/documents/:id/claims", h.APIAddClaims, apiUpload, bearer, limit, reviewer)
	get("/api/v1/claims", h.APIClaims, small, bearer, limit, viewer)
	get("/api/v1/claims/:id", h.APIClaim, small, bearer, limit, viewer)
	e.POST("/api/v1/claims/:id/status", h.APISetStatus, small, bearer, limit, reviewer)
	e.PUT("/api/v1/claims/:id/publication", h.APIPublish, small, bearer, limit, editor)
	e.DELETE("/api/v1/claims/:id/publication", h.APIUnpublish, small, bearer, limit, editor)
	get("/api/v1/export", h.APIExport, small, bearer, limit, viewer)

	// The JSON API for team work: comments, evidence, dismissals,
	// assignment, second opinions, bulk actions, the inbox, the activity
	// feed, agreement and, for admins, users.
	get("/api/v1/claims/:id/comments", h.APIComments, small, bearer, limit, viewer)
	e.POST("/api/v1/claims/:id/comments", h.APIAddComment, small, bearer, limit, reviewer)
	get("/api/v1/claims/:id/evidence", h.APIEvidence, small, bearer, limit, viewer)
	e.POST("/api/v1/claims/:id/evidence", h.APIAddEvidence, small, bearer, limit, reviewer)
	e.POST("/api/v1/claims/:id/dismiss", h.APIDismiss, small, bearer, limit, reviewer)
	e.POST("/api/v1/claims/:id/restore", h.APIRestore, small, bearer, limit, editor)
	e.POST("/api/v1/claims/:id/assign", h.APIAssignClaim, small, bearer, limit, editor)
	e.POST("/api/v1/documents/:id/assign", h.APIAssignDocument, small, bearer, limit, editor)
	e.POST("/api/v1/claims/:id/second-opinion", h.APIRequestOpinion, small, bearer, limit, editor)
	e.DELETE("/api/v1/claims/:id/second-opinion", h.APIWithdrawOpinion, small, bearer, limit, editor)
	e.POST("/api/v1/claims/:id/opinion", h.APISubmitOpinion, small, bearer, limit, reviewer)
	e.POST("/api/v1/claims/bulk", h.APIBulk, small, bearer, limit, editor)
	get("/api/v1/inbox", h.APIInbox, small, bearer, limit, viewer)
	e.POST("/api/v1/inbox/read", h.APIMarkInboxRead, small, bearer, limit, viewer)
	get("/api/v1/activity", h.APIActivityFeed, small, bearer, limit, viewer)
	get("/api/v1/documents/:id/activity", h.APIDocumentActivity, small, bearer, limit, viewer)
	get("/api/v1/agreement", h.APIAgreement, small, bearer, limit, viewer)
	get("/api/v1/reviewers", h.APIReviewers, small, bearer, limit, viewer)
	get("/api/v1/users", h.APIUsers, small, bearer, limit, admin)
	e.POST("/api/v1/users", h.APICreateUser, small, bearer, limit, admin)
	e.POST("/api/v1/users/:id/role", h.APISetUserRole, small, bearer, limit, admin)
	e.POST("/api/v1/users/:id/password", h.APIResetPassword, small, bearer, limit, admin)
	e.POST("/api/v1/users/:id/disable", h.APIDisableUser, small, bearer, limit, admin)
	e.POST("/api/v1/users/:id/enable", h.APIEnableUser, small, bearer, limit, admin)

	// Live updates, search and the dashboard: logged-in users of any role.
	// /events is a stream without a deadline; it sets no cookie, so no csrf,
	// and a HEAD of it would be a stream of nothing: GET only.
	e.GET("/events", h.Events, small, requireLogin)
	get("/claims/:id/live", h.ClaimLive, small, requireLogin, csrf)
	get("/claims/:id/row", h.QueueRow, small, requireLogin, csrf)
	get("/search", h.Search, small, requireLogin, csrf)
	get("/dashboard", h.Dashboard, small, requireLogin, csrf)

	// Live updates of the document page: a claim's highlight.
	get("/claims/:id/mark", h.DocMark, small, requireLogin, csrf)

	// Security: ending all of one's sessions, and the audit log for admins.
	e.POST("/logout/everywhere", h.LogoutEverywhere, small, requireLogin, csrf)
	get("/admin/audit", h.AuditLog, small, requireLogin, csrf, requireRole("admin"))

	// A refused form shows its page again at the address it was sent to.
	// A reload or a bookmark of that address goes back to the form's page,
	// not to a page saying the address takes no GET.
	for path, to := range formPages {
		get(path, backToForm(to))
	}
}

// formPages maps the address of each form of the pages to the page the form
// is on; ":id" stands for the same id.
var formPages = map[string]string{
	"/documents":                          "/documents/new",
	"/documents/:id/claims":               "/documents/:id#add-claim",
	"/documents/:id/assign":               "/documents/:id",
	"/claims/bulk":                        "/queue",
	"/inbox/read":                         "/inbox",
	"/tokens/:id/revoke":                  "/tokens",
	"/logout":                             "/",
	"/logout/everywhere":                  "/",
	"/admin/users/:id/role":               "/admin/users",
	"/admin/users/:id/password":           "/admin/users",
	"/admin/users/:id/disable":            "/admin/users",
	"/admin/users/:id/enable":             "/admin/users",
	"/claims/:id/status":                  "/claims/:id",
	"/claims/:id/dismiss":                 "/claims/:id",
	"/claims/:id/comments":                "/claims/:id#comments",
	"/claims/:id/evidence":                "/claims/:id#evidence",
	"/claims/:id/opinion":                 "/claims/:id",
	"/claims/:id/restore":                 "/claims/:id",
	"/claims/:id/assign":                  "/claims/:id",
	"/claims/:id/second-opinion":          "/claims/:id",
	"/claims/:id/second-opinion/withdraw": "/claims/:id",
	"/claims/:id/publish":                 "/claims/:id",
	"/claims/:id/unpublish":               "/claims/:id",
}

// backToForm redirects to the page a form is on; an id that is no number
// is no page.
func backToForm(to string) echo.HandlerFunc {
	return func(c echo.Context) error {
		page := to
		if strings.Contains(page, ":id") {
			id, err := strconv.ParseInt(c.Param("id"), 10, 64)
			if err != nil || id <= 0 {
				return echo.ErrNotFound
			}
			page = strings.Replace(page, ":id", strconv.FormatInt(id, 10), 1)
		}
		return c.Redirect(http.StatusSeeOther, page)
	}
}

// noHandlerTimeout lists the routes that outlive a handler's deadline (see
// handlerTimeout): event streams stay open as long as their page, exports of
// a large database stream for minutes. The server's WriteTimeout still
// bounds an export.
var noHandlerTimeout = map[string]bool{"/events": true, "/export": true, "/api/v1/export": true}

// noTurn lists the routes that take no turn (see admit): those that
// outlive a handler's deadline, and the login, whose throttle holds a
// request for seconds.
var noTurn = map[string]bool{"/events": true, "/export": true, "/api/v1/export": true, "/login": true}

// drainTimeout bounds how long a shutdown waits for requests in flight.
const drainTimeout = 15 * time.Second

// Serve runs the server until ctx ends, then stops accepting connections and
// lets the requests in flight finish before it returns, so that the caller
// closes the database after the last write. It serves through e.Server, so
// handlers of long-lived responses (event streams) can end themselves at
// shutdown with e.Server.RegisterOnShutdown instead of holding it up.
func Serve(ctx context.Context, e *echo.Echo, ln net.Listener, log *slog.Logger) error {
	srv := e.Server
	configureServer(srv, e, log)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	shutdown, cancel := context.WithTimeout(context.Background(), drainTimeout)
	defer cancel()
	err := srv.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		// Their transactions either committed or roll back; only the
		// answers are lost. Stopping beats hanging on a stuck client.
		log.Warn("requests still running after the drain timeout were cut off", "timeout", drainTimeout)
		err = srv.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) {
		return serr
	}
	return err
}

// configureServer bounds what a slow or idle client can hold: headers must
// arrive within ReadHeaderTimeout, a whole request within ReadTimeout.
func configureServer(srv *http.Server, h http.Handler, log *slog.Logger) {
	srv.Handler = h
	srv.ReadHeaderTimeout = 10 * time.Second
	srv.ReadTimeout = 2 * time.Minute
	srv.WriteTimeout = 10 * time.Minute // exports of large databases stream for a while
	srv.IdleTimeout = 2 * time.Minute
	srv.MaxHeaderBytes = 64 << 10
	srv.ErrorLog = slog.NewLogLogger(log.Handler(), slog.LevelWarn)
}
