package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"factdesk/db"
)

// maxWatched bounds how many claims one stream follows (a queue page shows 50).
const maxWatched = 200

// DefaultKeepAlive is how often an idle stream sends a comment, so that
// proxies keep it open and a dead client is noticed.
const DefaultKeepAlive = 15 * time.Second

// LiveSessions is what the live stream needs of the session layer besides
// Sessions: whether the session that opened the stream is still valid, so
// that logging out or disabling a user also ends their open streams.
type LiveSessions interface {
	StillLoggedIn(c echo.Context) (bool, error)
}

// parseWatched reads claims=ID[.VERSION],... : the claims a page shows and,
// optionally, the version it shows of each (0 when not given).
func parseWatched(s string) (map[int64]int64, error) {
	out := map[int64]int64{}
	if s == "" {
		return out, nil
	}
	for _, item := range strings.Split(s, ",") {
		idPart, verPart, hasVer := strings.Cut(strings.TrimSpace(item), ".")
		id, err := strconv.ParseInt(idPart, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%w: claims must be a list of claim numbers", db.ErrInvalid)
		}
		var ver int64
		if hasVer {
			if ver, err = strconv.ParseInt(verPart, 10, 64); err != nil || ver <= 0 {
				return nil, fmt.Errorf("%w: claims must be a list of claim numbers", db.ErrInvalid)
			}
		}
		out[id] = ver
	}
	if len(out) > maxWatched {
		return nil, fmt.Errorf("%w: a page can follow at most %d claims", db.ErrInvalid, maxWatched)
	}
	return out, nil
}

// Events streams claim changes as server-sent events, one event named
// claim-ID per change, its data the new version. Pages re-fetch the part
// that shows that claim (htmx: hx-trigger="sse:claim-ID"). With claims=...
// only those claims are sent; without, every change is.
//
// The stream has no deadline: it ends when the client goes away, when the
// server begins to shut down (Handler.Shutdown), or when the session ends.
func (h *Handler) Events(c echo.Context) error {
	watched, err := parseWatched(c.QueryParam("claims"))
	if err != nil {
		return err
	}
	ctx := c.Request().Context()
	// Subscribe before reading versions, so a change between the two is
	// sent rather than lost.
	changes, stop := h.Store.Subscribe()
	defer stop()
	// watched holds the version the page shows of each claim, as far as
	// this stream knows: from the URL, then from each event sent (0 when
	// not known). A page that shows an old version is told at once.
	var known []int64
	for id, v := range watched {
		if v > 0 {
			known = append(known, id)
		}
	}
	stale, err := h.staleClaims(c, watched, known)
	if err != nil {
		return err
	}

	res := c.Response()
	rc := http.NewResponseController(res)
	// The server's read and write timeouts are for ordinary requests; a
	// stream is open for as long as the page is. Not every ResponseWriter
	// (httptest's recorder) supports deadlines, and that is fine.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	hdr := res.Header()
	hdr.Set(echo.HeaderContentType, "text/event-stream")
	hdr.Set("Cache-Control", "no-store")
	hdr.Set("X-Accel-Buffering", "no") // nginx: pass events through at once
	res.WriteHeader(http.StatusOK)

	write := func(s string) error {
		if _, err := res.Write([]byte(s)); err != nil {
			return err
		}
		return rc.Flush()
	}
	// retry: how long the browser waits before reconnecting after the
	// stream ends (a restart, a shutdown).
	if err := write("retry: 2000\n: connected\n\n"); err != nil {
		return nil
	}
	sendStale := func(ids []int64) error {
		for _, id := range ids {
			if err := write(fmt.Sprintf("event: claim-%d\ndata: changed\n\n", id)); err != nil {
				return err
			}
		}
		return nil
	}
	if sendStale(stale) != nil {
		return nil
	}

	every := h.KeepAlive
	if every <= 0 {
		every = DefaultKeepAlive
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	live, _ := h.Sessions.(LiveSessions)
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-h.Shutdown:
			return nil
		case ch, ok := <-changes:
			if !ok {
				return nil
			}
			if ch.Action == db.ActionResync {
				// This stream fell behind and lost changes: ask the
				// database instead, for every claim the page shows.
				ids := make([]int64, 0, len(watched))
				for id := range watched {
					ids = append(ids, id)
				}
				stale, err := h.staleClaims(c, watched, ids)
				if err != nil || sendStale(stale) != nil {
					return nil // the page reconnects and catches up then
				}
				continue
			}
			if len(watched) > 0 {
				if _, ok := watched[ch.ClaimID]; !ok {
					continue
				}
				// Changes may be published out of order; keep the newest.
				watched[ch.ClaimID] = max(watched[ch.ClaimID], ch.Version)
			}
			if err := write(fmt.Sprintf("event: claim-%d\ndata: %d\n\n", ch.ClaimID, ch.Version)); err != nil {
				return nil
			}
		case <-tick.C:
			if live != nil {
				ok, err := live.StillLoggedIn(c)
				if err != nil {
					return nil // the page reconnects, and is asked again then
				}
				if !ok {
					// The page says so at once, before anything typed there
					// is sent in vain; it stops reconnecting then.
					_ = write("event: session-ended\ndata: ended\n\n")
					return nil
				}
			}
			if err := write(": keep-alive\n\n"); err != nil {
				return nil
			}
		}
	}
}

// staleClaims returns those of ids whose current version differs from the
// one in shown, and records the current one in shown.
func (h *Handler) staleClaims(c echo.Context, shown map[int64]int64, ids []int64) ([]int64, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	current, err := h.Store.ClaimVersions(c.Request().Context(), ids)
	if err != nil {
		return nil, err
	}
	var stale []int64
	for _, id := range ids {
		if cur, ok := current[id]; ok && cur != shown[id] {
			stale = append(stale, id)
			shown[id] = cur
		}
	}
	return stale, nil
}
