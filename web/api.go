package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"factdesk/auth"
	"factdesk/db"
	"factdesk/handlers"
	"factdesk/ingest"
)

// ctxTokenID holds the id of the API token a request came with.
const ctxTokenID = "factdesk.api_token"

// isAPI reports whether a request is for the JSON API, which answers
// errors in JSON and knows no session cookie.
func isAPI(c echo.Context) bool { return strings.HasPrefix(c.Request().URL.Path, "/api/") }

// apiAuth accepts only a personal API token, sent as Authorization: Bearer.
// A session cookie counts for nothing here, so a forged cross-site request
// carries no credentials and CSRF checks have nothing to protect. The token
// is looked up on every request, so a revoked token or a disabled user is
// refused at once.
func apiAuth(store *db.Store, log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			scheme, secret, _ := strings.Cut(c.Request().Header.Get(echo.HeaderAuthorization), " ")
			secret = strings.TrimSpace(secret)
			if !strings.EqualFold(scheme, "Bearer") || secret == "" {
				return echo.NewHTTPError(http.StatusUnauthorized, "Send an API token as Authorization: Bearer TOKEN (create one on the API tokens page).")
			}
			ctx := c.Request().Context()
			u, t, err := store.TokenUser(ctx, secret)
			if errors.Is(err, db.ErrNotFound) {
				return echo.NewHTTPError(http.StatusUnauthorized, "This API token is not valid: it may have been revoked, or its user disabled.")
			}
			if err != nil {
				return err
			}
			handlers.SetUser(c, &u)
			c.Set(ctxTokenID, t.ID)
			if err := store.TouchToken(ctx, t); err != nil {
				log.Warn("recording token use", "err", err, "token", t.ID)
			}
			return next(c)
		}
	}
}

// apiRateLimit allows each token perSecond requests a second on average,
// with bursts of burst; beyond that the answer is 429 with Retry-After.
func apiRateLimit(perSecond float64, burst int) echo.MiddlewareFunc {
	if perSecond <= 0 {
		perSecond = 10
	}
	if burst <= 0 {
		burst = 50
	}
	store := middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
		Rate: rate.Limit(perSecond), Burst: burst, ExpiresIn: 3 * time.Minute,
	})
	return middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
		Store: store,
		IdentifierExtractor: func(c echo.Context) (string, error) {
			id, _ := c.Get(ctxTokenID).(int64)
			return strconv.FormatInt(id, 10), nil
		},
		DenyHandler: func(c echo.Context, _ string, _ error) error {
			c.Response().Header().Set("Retry-After", strconv.Itoa(max(1, int(1/perSecond+0.5))))
			return echo.NewHTTPError(http.StatusTooManyRequests, "Too many requests with this token: slow down and retry after the time in Retry-After.")
		},
	})
}

// apiError is errorHandler for the API: the same classes of error, as JSON
// with a stable code.
func apiError(c echo.Context, err error, maxDoc int, log *slog.Logger) {
	code, body := apiClassify(err, tooLargeMessage(c, maxDoc))
	rid := requestID(c)
	if code >= 500 {
		log.Error("request failed", "err", err, "status", code, "path", c.Request().URL.Path, "request_id", rid)
		body.Message += " Request id: " + rid + "."
	} else {
		log.Warn("request refused", "err", err, "status", code, "path", c.Request().URL.Path, "request_id", rid)
	}
	if code == http.StatusUnauthorized {
		c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="factdesk"`)
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	if werr := c.JSON(code, body); werr != nil {
		log.Error("writing the error", "err", werr, "request_id", rid)
	}
}

// tooLargeMessage says what the request's route accepts, for its 413.
func tooLargeMessage(c echo.Context, maxDoc int) string {
	if c.Request().Method == http.MethodPost && c.Path() == "/api/v1/documents" {
		return handlers.DocumentTooLarge(maxDoc)
	}
	if limit, ok := c.Get(ctxBodyLimit).(int); ok {
		return fmt.Sprintf("The request is too large: this address accepts bodies up to %s.", ingest.FormatSize(limit))
	}
	return "The request is too large."
}

// apiClassify maps an error to a status and a body whose code is stable;
// tooLarge is the message of a body over the route's limit.
func apiClassify(err error, tooLarge string) (int, handlers.APIError) {
	var stale *db.StaleError
	var blindStale *handlers.BlindStaleError
	var he *echo.HTTPError
	switch {
	case errors.As(err, &blindStale):
		cur := blindStale.Current
		return http.StatusConflict, handlers.APIError{Code: "stale", Current: &cur, Message: fmt.Sprintf(
			"The claim was changed meanwhile: it is now at version %d. Nothing was saved; try again with that version.", cur.Version)}
	case errors.As(err, &stale):
		cur := handlers.NewAPIClaim(stale.Current)
		return http.StatusConflict, handlers.APIError{Code: "stale", Current: &cur, Message: fmt.Sprintf(
			"The claim was changed meanwhile: it is now %s at version %d. Nothing was saved; review it again with that version.",
			stale.Current.Status, stale.Current.Version)}
	case errors.Is(err, db.ErrNotFound):
		return http.StatusNotFound, handlers.APIError{Code: "not_found", Message: "There is nothing at this address."}
	case errors.Is(err, db.ErrInvalid), errors.Is(err, auth.ErrWeakPassword):
		return http.StatusUnprocessableEntity, handlers.APIError{Code: "invalid", Message: handlers.UserMessage(err)}
	case errors.Is(err, db.ErrDuplicate):
		return http.StatusConflict, handlers.APIError{Code: "duplicate", Message: handlers.UserMessage(err)}
	case errors.Is(err, db.ErrNotAllowed):
		return http.StatusForbidden, handlers.APIError{Code: "forbidden", Message: "Your role does not allow this."}
	case errors.Is(err, handlers.ErrBadRequest):
		return http.StatusBadRequest, handlers.APIError{Code: "bad_request", Message: handlers.Sentence(strings.TrimPrefix(err.Error(), handlers.ErrBadRequest.Error()+": "))}
	case errors.Is(err, handlers.ErrTooLarge):
		return http.StatusRequestEntityTooLarge, handlers.APIError{Code: "too_large",
			Message: handlers.Sentence(strings.TrimPrefix(err.Error(), handlers.ErrTooLarge.Error()+": "))}
	case errors.Is(err, handlers.ErrUnsupportedMedia):
		return http.StatusUnsupportedMediaType, handlers.APIError{Code: "unsupported_media_type",
			Message: handlers.Sentence(strings.TrimPrefix(err.Error(), handlers.ErrUnsupportedMedia.Error()+": "))}
	case errors.As(err, &he):
		msg, _ := he.Message.(string)
		switch he.Code {
		case http.StatusUnauthorized:
			return he.Code, handlers.APIError{Code: "unauthorized", Message: msg}
		case http.StatusForbidden:
			return he.Code, handlers.APIError{Code: "forbidden", Message: msg}
		case http.StatusNotFound:
			return he.Code, handlers.APIError{Code: "not_found", Message: "There is nothing at this address."}
		case http.StatusMethodNotAllowed:
			return he.Code, handlers.APIError{Code: "method_not_allowed", Message: "This address does not accept that method."}
		case http.StatusRequestEntityTooLarge:
			return he.Code, handlers.APIError{Code: "too_large", Message: tooLarge}
		case http.StatusTooManyRequests:
			return he.Code, handlers.APIError{Code: "rate_limited", Message: msg}
		case http.StatusServiceUnavailable:
			if errors.Is(err, errTooBusy) {
				return he.Code, handlers.APIError{Code: "unavailable",
					Message: "factdesk is too busy to answer right now. Nothing was changed; try again in a moment."}
			}
			// The handler's deadline passed: what it did in a transaction
			// that had not committed is undone.
			return he.Code, handlers.APIError{Code: "unavailable",
				Message: "factdesk took too long to answer and stopped. Check what was saved, then try again, with less at a time."}
		}
		if he.Code < 500 {
			return he.Code, handlers.APIError{Code: "bad_request", Message: http.StatusText(he.Code) + "."}
		}
	}
	return http.StatusInternalServerError, handlers.APIError{Code: "internal",
		Message: "factdesk could not complete this request. Nothing was changed."}
}
