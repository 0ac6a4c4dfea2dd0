package handlers

import (
	"fmt"
	"net/url"
	"strconv"

	"factdesk/db"
)

// parseQueueFilter reads the review queue's query string: status, document,
// and the after/before page cursors. Anything it does not understand is
// refused with db.ErrInvalid and a message for the user.
func parseQueueFilter(q url.Values) (db.QueueFilter, error) {
	f := db.QueueFilter{Limit: queuePageSize, Status: q.Get("status")}
	if f.Status != "" && !db.ValidStatus(f.Status) {
		return f, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", db.ErrInvalid, f.Status)
	}
	if d := q.Get("document"); d != "" {
		id, err := strconv.ParseInt(d, 10, 64)
		if err != nil || id <= 0 {
			return f, fmt.Errorf("%w: the document filter must be a document number", db.ErrInvalid)
		}
		f.DocumentID = id
	}
	for _, key := range []string{"after", "before"} {
		v := q.Get(key)
		if v == "" {
			continue
		}
		cur, err := db.ParseCursor(v)
		if err != nil {
			return f, err
		}
		if key == "after" {
			f.After = &cur
		} else {
			f.Before = &cur
		}
	}
	return f, nil
}
