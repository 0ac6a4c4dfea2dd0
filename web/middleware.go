package web

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/handlers"
	"factdesk/ingest"
)

// recoverer turns a panic into a logged 500; the user sees the generic page.
func recoverer(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) (err error) {
			defer func() {
				if r := recover(); r != nil {
					if r == http.ErrAbortHandler {
						panic(r)
					}
					buf := make([]byte, 8<<10)
					buf = buf[:runtime.Stack(buf, false)]
					log.Error("panic", "request_id", requestID(c), "panic", fmt.Sprint(r), "stack", string(buf))
					err = fmt.Errorf("panic: %v", r)
				}
			}()
			return next(c)
		}
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// requestLog writes one line per request. It hands a handler's error to
// the error handler itself (HandleError), so that the line has the status
// sent, and echo's logger then returns the error all the same: passed on,
// echo would hand it to the error handler a second time, which logged
// "error after response started" for every refusal. It is passed on only
// if nothing was sent.
func requestLog(log *slog.Logger) echo.MiddlewareFunc {
	logged := requestLogger(log)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := logged(next)
		return func(c echo.Context) error {
			if err := h(c); err != nil && !c.Response().Committed {
				return err
			}
			return nil
		}
	}
}

func requestLogger(log *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus: true, LogURIPath: true, LogMethod: true, LogLatency: true, LogRequestID: true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			log.LogAttrs(c.Request().Context(), slog.LevelInfo, "request",
				slog.String("method", v.Method), slog.String("path", v.URIPath), slog.Int("status", v.Status),
				slog.Duration("latency", v.Latency), slog.String("request_id", v.RequestID))
			return nil
		},
	})
}

// contentSecurityPolicy allows scripts and styles from this origin only;
// htmx is configured (meta htmx-config) to need no inline script or style.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"

// securityHeaders sets the headers every response carries, errors and
// assets included; it runs before anything that can fail. HSTS goes out only
// over HTTPS: on a TLS connection, from a trusted proxy that says so, or when
// the operator declared the site HTTPS-only (--secure).
func securityHeaders(secure bool) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			h := c.Response().Header()
			h.Set("Content-Security-Policy", contentSecurityPolicy)
			h.Set("X-Content-Type-Options", "nosniff")
			h.Set("X-Frame-Options", "DENY")
			h.Set("Referrer-Policy", "same-origin")
			h.Set("Cross-Origin-Opener-Policy", "same-origin")
			h.Set("Cross-Origin-Resource-Policy", "same-origin")
			h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
			// Pages show unpublished reviews: no shared or back-button cache.
			// Assets override this with their own long-lived caching.
			h.Set("Cache-Control", "no-store")
			if secure || c.Scheme() == "https" {
				h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
			}
			return next(c)
		}
	}
}

// clientExtractors decide the client address and the scheme of a request.
// Without trusted proxies only the connection counts: anyone can send an
// X-Forwarded-For header. With them, the forwarding headers are believed
// only when the connection comes from one of those proxies, which must then
// overwrite (not pass on) what the client sent.
func clientExtractors(trusted []*net.IPNet) (echo.IPExtractor, echo.SchemeExtractor) {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect(), echo.ExtractSchemeDirect()
	}
	// echo trusts private and loopback addresses by default: only the
	// configured ranges count here.
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...), echo.ExtractSchemeFromHeaders(opts...)
}

// ParseCIDRs reads a comma-separated list of CIDR ranges or single addresses.
func ParseCIDRs(list string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			ip := net.ParseIP(s)
			if ip == nil {
				return nil, fmt.Errorf("%q is not an IP address or CIDR range", s)
			}
			bits := 128
			if ip.To4() != nil {
				bits = 32
			}
			out = append(out, &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)})
			continue
		}
		_, n, err := net.ParseCIDR(s)
		if err != nil {
			return nil, fmt.Errorf("%q is not an IP address or CIDR range", s)
		}
		out = append(out, n)
	}
	return out, nil
}

// handlerTimeout gives every handler's context a deadline (echo's
// ContextTimeout, not its deprecated Timeout middleware), so a stuck query
// ends in a 503 rather than holding a connection; the routes listed in
// noHandlerTimeout run without one.
func handlerTimeout(d time.Duration) echo.MiddlewareFunc {
	deadline := middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{
		Timeout: d,
		Skipper: func(c echo.Context) bool { return noHandlerTimeout[c.Path()] },
		ErrorHandler: func(err error, c echo.Context) error {
			// An error that has its status already (the queue's "too
			// busy", a refusal) keeps it; echo's default would wrap it
			// in a bare 503 whenever it carries the deadline.
			var he *echo.HTTPError
			if !errors.As(err, &he) && errors.Is(err, context.DeadlineExceeded) {
				return echo.NewHTTPError(http.StatusServiceUnavailable).SetInternal(err)
			}
			return err
		},
	})
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := deadline(next)
		return func(c echo.Context) error {
			// The deadline's context is cancelled when the handler returns;
			// the error page is rendered after that, under the request's own.
			req := c.Request()
			err := h(c)
			c.SetRequest(req)
			return err
		}
	}
}

// smallBodyLimit bounds every request but uploads: forms and JSON.
const smallBodyLimit = 64 << 10

// ctxBodyLimit holds the route's body limit, which the 413 names.
const ctxBodyLimit = "factdesk.body_limit"

// limitBody refuses a body over limit bytes with 413 (echo's BodyLimit): at
// once when its length says so, else when reading passes the limit, which
// readForm turns into the same 413 for forms.
func limitBody(limit int) echo.MiddlewareFunc {
	check := middleware.BodyLimit(strconv.Itoa(limit))
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := check(next)
		return func(c echo.Context) error {
			c.Set(ctxBodyLimit, limit)
			return h(c)
		}
	}
}

// readForm parses the form of a state-changing request before anything
// reads a field of it. Request.FormValue ignores errors: a body cut off at
// its limit (one sent without a length), or a multipart form of more parts
// than Go reads, came through as an empty or partial form, and was refused
// as an expired form, a missing field or a wrong password, or worse acted
// on. Here it is refused for what it is.
func readForm(c echo.Context) error {
	r := c.Request()
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil
	}
	var err error
	if mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType)); mt == echo.MIMEMultipartForm {
		_, err = c.MultipartForm()
	} else {
		err = r.ParseForm()
	}
	switch {
	case err == nil:
		return nil
	case errors.Is(err, echo.ErrStatusRequestEntityTooLarge):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge).SetInternal(err)
	case errors.Is(err, multipart.ErrMessageTooLarge):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge).SetInternal(err)
	}
	return fmt.Errorf("%w: the form could not be read; reload the page and try again", db.ErrInvalid)
}

// csrfMiddleware checks a token on every state-changing request: the hidden
// _csrf form field, or the X-CSRF-Token header that htmx sends. It reads
// the form first (readForm).
func csrfMiddleware(secure bool) echo.MiddlewareFunc {
	check := csrfCheck(secure)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		h := check(next)
		return func(c echo.Context) error {
			if err := readForm(c); err != nil {
				return err
			}
			return h(c)
		}
	}
}

func csrfCheck(secure bool) echo.MiddlewareFunc {
	name := "factdesk_csrf"
	if secure {
		name = "__Host-" + name
	}
	return middleware.CSRFWithConfig(middleware.CSRFConfig{
		TokenLookup:    "header:" + echo.HeaderXCSRFToken + ",form:_csrf",
		ContextKey:     handlers.CSRFContextKey,
		CookieName:     name,
		CookiePath:     "/",
		CookieHTTPOnly: true,
		CookieSecure:   secure,
		CookieSameSite: http.SameSiteLaxMode,
		CookieMaxAge:   int((12 * time.Hour).Seconds()),
		// Browsers that send Sec-Fetch-Site need no token for same-origin
		// requests; a state change from another site, even a sibling
		// subdomain, is refused rather than left to the cookie token.
		AllowSecFetchSiteFunc: func(c echo.Context) (bool, error) {
			return false, echo.NewHTTPError(http.StatusForbidden, "This request came from another site and was refused.")
		},
		ErrorHandler: func(err error, c echo.Context) error {
			return echo.NewHTTPError(http.StatusForbidden,
				"This form has expired or did not come from factdesk. Reload the page and try again.").SetInternal(err)
		},
	})
}

// requireLogin sends anonymous visitors (mostly: users whose session ended)
// to the login page, and after it back to the page they were on: the page
// asked for; for htmx, the page that asked for the fragment (a fragment
// alone is an unstyled scrap); for a form sent, the page it was sent from.
// What a form sent was not saved, and the login page says so.
func requireLogin(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if handlers.CurrentUser(c) != nil {
			return next(c)
		}
		req := c.Request()
		htmx := req.Header.Get("HX-Request") == "true"
		q := url.Values{}
		back := ""
		switch {
		case htmx:
			back = samePagePath(req, req.Header.Get("HX-Current-URL"))
		case req.Method == http.MethodGet || req.Method == http.MethodHead:
			back = req.URL.RequestURI()
		default:
			back = samePagePath(req, req.Referer())
		}
		if back != "" {
			q.Set("next", back)
		}
		if req.Method != http.MethodGet && req.Method != http.MethodHead && !strings.HasPrefix(c.Path(), "/logout") {
			q.Set("ended", "unsaved")
		}
		target := "/login"
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		if htmx {
			c.Response().Header().Set("HX-Redirect", target)
			return c.NoContent(http.StatusUnauthorized)
		}
		return c.Redirect(http.StatusSeeOther, target)
	}
}

// samePagePath is the path and query of a page's URL, as the browser
// reports it (Referer, HX-Current-URL), when it is a page of this site;
// else "".
func samePagePath(req *http.Request, raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host != req.Host || u.User != nil {
		return ""
	}
	return u.RequestURI()
}

// requireRole refuses users without at least the given role, on the server.
func requireRole(role string) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			u := handlers.CurrentUser(c)
			if u == nil || !auth.Allows(u.Role, role) {
				return echo.NewHTTPError(http.StatusForbidden, "Your role does not allow this: it needs the "+role+" role.")
			}
			return next(c)
		}
	}
}

// errorHandler is the one place errors become responses: application errors
// map to statuses, anything else is a 500 whose details go to the log only.
func errorHandler(h *handlers.Handler, log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			log.Warn("error after response started", "err", err, "request_id", requestID(c))
			return
		}
		if isAPI(c) {
			apiError(c, err, h.MaxDocBytes, log)
			return
		}
		upload := c.Request().Method == http.MethodPost && c.Request().URL.Path == "/documents"
		code, heading, msg := classify(err, h.MaxDocBytes, upload)
		rid := requestID(c)
		switch {
		case code >= 500:
			log.Error("request failed", "err", err, "status", code, "path", c.Request().URL.Path, "request_id", rid)
		default:
			log.Warn("request refused", "err", err, "status", code, "path", c.Request().URL.Path, "request_id", rid)
		}
		if c.Request().Header.Get("HX-Request") == "true" {
			// htmx shows the message in the page's alert area.
			c.Response().Header().Set("HX-Retarget", "#alerts")
			c.Response().Header().Set("HX-Reswap", "innerHTML")
		}
		page := errorPage(c, h, code, heading, msg, rid)
		if rerr := handlers.Render(c, code, page); rerr != nil {
			log.Error("rendering the error page", "err", rerr, "request_id", rid)
		}
	}
}

// classify maps an error to a status, a heading and a message safe to show.
func classify(err error, maxDoc int, upload bool) (int, string, string) {
	var he *echo.HTTPError
	switch {
	case errors.Is(err, db.ErrNotFound):
		return http.StatusNotFound, "Not found", "There is nothing at this address. It may have never existed."
	case errors.Is(err, db.ErrInvalid):
		return http.StatusBadRequest, "That did not work", handlers.UserMessage(err)
	case errors.Is(err, db.ErrNotAllowed):
		return http.StatusForbidden, "Not allowed", "Your role does not allow this."
	case errors.As(err, &he):
		msg, _ := he.Message.(string)
		switch he.Code {
		case http.StatusNotFound:
			if msg == "" || msg == http.StatusText(http.StatusNotFound) {
				msg = "There is nothing at this address."
			}
			return he.Code, "Not found", msg
		case http.StatusRequestEntityTooLarge:
			if errors.Is(err, multipart.ErrMessageTooLarge) {
				// More parts than Go reads (1,000), or parts with too many headers.
				return he.Code, "Too large", "The form has too many parts to read: factdesk reads up to 1,000 fields and files. Send fewer at a time."
			}
			if upload {
				return he.Code, "Too large", fmt.Sprintf("The upload is larger than the %s limit.", ingest.FormatSize(maxDoc))
			}
			return he.Code, "Too large", "The request is larger than this form accepts. Shorten the text and try again."
		case http.StatusMethodNotAllowed:
			return he.Code, "Not allowed", "This address does not accept that kind of request."
		case http.StatusServiceUnavailable:
			if errors.Is(err, errTooBusy) {
				return he.Code, "Too busy", "factdesk is too busy to answer right now. Nothing was changed. Reload the page in a moment."
			}
			return he.Code, "Too slow", "factdesk took too long to answer and stopped. Reload the page to see what was saved, then try again."
		}
		if he.Code >= 500 {
			break
		}
		if msg == "" {
			msg = http.StatusText(he.Code)
		}
		return he.Code, http.StatusText(he.Code), msg
	}
	return http.StatusInternalServerError, "Something went wrong",
		"factdesk could not complete this request. Nothing was changed. If it happens again, give your administrator the request id below."
}
