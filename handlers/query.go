package handlers

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"factdesk/db"
)

// oneValue reads a query parameter that takes one value. Given twice it is
// refused: reading the first would silently drop the other.
func oneValue(q url.Values, key string) (string, error) {
	switch vs := q[key]; len(vs) {
	case 0:
		return "", nil
	case 1:
		return vs[0], nil
	}
	return "", fmt.Errorf("%w: give %s once: it takes one value", db.ErrInvalid, key)
}

// oneValues checks that each of keys is given at most once.
func oneValues(q url.Values, keys ...string) error {
	for _, k := range keys {
		if _, err := oneValue(q, k); err != nil {
			return err
		}
	}
	return nil
}

// listValue reads a query parameter that takes a list, comma-separated or
// repeated (status=confirmed&status=disputed), or both, as one
// comma-separated list.
func listValue(q url.Values, key string) string { return strings.Join(q[key], ",") }

// parseQueueFilter reads the review queue's query string: status, document,
// and the after/before page cursors. Anything it does not understand is
// refused with db.ErrInvalid and a message for the user; so is a filter
// given twice (the queue shows one status).
func parseQueueFilter(q url.Values) (db.QueueFilter, error) {
	f := db.QueueFilter{Limit: queuePageSize}
	if err := oneValues(q, "status", "document", "after", "before"); err != nil {
		return f, err
	}
	f.Status = q.Get("status")
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

// beforeCursor reads the ?before= page cursor of the web's lists (documents,
// inbox, activity, audit log): a positive id, or none. Anything else is
// refused, not read as the first page.
func beforeCursor(q url.Values) (int64, error) {
	v, err := oneValue(q, "before")
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%w: bad page cursor", db.ErrInvalid)
	}
	return n, nil
}
