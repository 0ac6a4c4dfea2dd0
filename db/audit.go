package db

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Kinds of audit events. RecordAudit takes any lowercase name, so that new
// kinds need no change here; these are the ones factdesk records.
const (
	AuditLogin            = "login"
	AuditLoginFailed      = "login_failed"
	AuditLogout           = "logout"
	AuditLogoutEverywhere = "logout_everywhere"
	AuditUserCreated      = "user_created"
	AuditRoleChanged      = "role_changed"
	AuditPasswordReset    = "password_reset"
	AuditUserDisabled     = "user_disabled"
	AuditUserEnabled      = "user_enabled"
	AuditTokenCreated     = "token_created"
	AuditTokenRevoked     = "token_revoked"
)

// AuditEvents lists the known kinds, in the order the audit page offers them.
var AuditEvents = []string{
	AuditLogin, AuditLoginFailed, AuditLogout, AuditLogoutEverywhere,
	AuditUserCreated, AuditRoleChanged, AuditPasswordReset, AuditUserDisabled, AuditUserEnabled,
	AuditTokenCreated, AuditTokenRevoked,
}

// AuditEvent is one security event. Never put a password or a token in it.
type AuditEvent struct {
	ID       int64
	At       time.Time // set by RecordAudit
	Event    string    // one of the Audit* kinds
	ActorID  int64     // who did it; 0 for nobody logged in, or the command line
	Actor    string    // their user name as it was (or as typed, for a failed login)
	TargetID int64     // the user or token it was done to, if any
	Target   string
	IP       string // the client address, for events from the web
	Detail   string // a short note, such as "reviewer -> admin"
}

// Field limits: a failed login stores whatever was typed as the user name,
// so every field is clipped.
const (
	auditNameMax   = 100
	auditIPMax     = 64
	auditDetailMax = 500
)

// RecordAudit appends one event to the audit log, in its own transaction.
// Code in this package that changes users records its event inside its own
// transaction with recordAudit instead.
func (s *Store) RecordAudit(ctx context.Context, ev AuditEvent) error {
	return s.tx(ctx, func(ctx context.Context, tx *sql.Tx) error { return recordAudit(ctx, tx, ev, s.now()) })
}

func recordAudit(ctx context.Context, tx *sql.Tx, ev AuditEvent, now time.Time) error {
	if !validAuditKind(ev.Event) {
		return fmt.Errorf("%w: audit event kind %q", ErrInvalid, ev.Event)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO audit_log (created_at, event, actor_id, actor, target_id, target, ip, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		formatTime(now), ev.Event, ev.ActorID, auditText(ev.Actor, auditNameMax), ev.TargetID,
		auditText(ev.Target, auditNameMax), auditText(ev.IP, auditIPMax), auditText(ev.Detail, auditDetailMax))
	return err
}

func validAuditKind(k string) bool {
	if k == "" || len(k) > 40 {
		return false
	}
	for _, r := range k {
		if (r < 'a' || r > 'z') && r != '_' {
			return false
		}
	}
	return true
}

// auditText makes a value safe to keep and to read: valid UTF-8, control and
// bidirectional formatting characters written out as \uXXXX (so a user name
// cannot reorder or hide the text around it), clipped to max code points.
func auditText(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	n := 0
	for _, r := range s {
		if n >= max {
			b.WriteString("…")
			break
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u200b' || r == '\u2028' || r == '\u2029' {
			fmt.Fprintf(&b, `\u%04x`, r)
		} else {
			b.WriteRune(r)
		}
		n++
	}
	return b.String()
}

// AuditFilter selects a page of the audit log, newest first.
type AuditFilter struct {
	Event  string // "" for every kind
	Before int64  // show events with a smaller id (the next page); 0 for the newest
	Limit  int
}

// AuditLog returns a page of the audit log, newest first, by keyset
// pagination on the id.
func (s *Store) AuditLog(ctx context.Context, f AuditFilter) ([]AuditEvent, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	if f.Event != "" && !validAuditKind(f.Event) {
		return nil, fmt.Errorf("%w: unknown audit event kind", ErrInvalid)
	}
	var where []string
	var args []any
	if f.Event != "" {
		where = append(where, "event = ?")
		args = append(args, f.Event)
	}
	if f.Before > 0 {
		where = append(where, "id < ?")
		args = append(args, f.Before)
	}
	q := `SELECT id, created_at, event, actor_id, actor, target_id, target, ip, detail FROM audit_log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY id DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := s.r.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AuditEvent
	for rows.Next() {
		var ev AuditEvent
		var at string
		if err := rows.Scan(&ev.ID, &at, &ev.Event, &ev.ActorID, &ev.Actor, &ev.TargetID, &ev.Target, &ev.IP, &ev.Detail); err != nil {
			return nil, err
		}
		ev.At = parseTime(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}
