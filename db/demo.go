package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"time"

	"factdesk/extract"
)

// DemoOptions says what Demo generates.
type DemoOptions struct {
	Docs         int
	Seed         uint64
	PasswordHash string // every demo user gets this password
	// Progress, when set, is called after each batch is committed.
	Progress func(DemoStats)
}

// DemoStats counts what Demo wrote so far.
type DemoStats struct {
	Docs, Claims, History int
	Users                 []DemoUser
}

// DemoUser is one account Demo created (or found) for its reviews.
type DemoUser struct {
	ID         int64
	Name, Role string
}

// demoUsers are the demo accounts: one of each role and a team of reviewers
// who wrote the histories. The editor came later and comes last, so that
// the others keep the ids they had (tests and benchmarks name
// demo-reviewer-1 as user 3).
var demoUsers = []struct{ name, role string }{
	{"demo-admin", "admin"}, {"demo-viewer", "viewer"},
	{"demo-reviewer-1", "reviewer"}, {"demo-reviewer-2", "reviewer"}, {"demo-reviewer-3", "reviewer"},
	{"demo-reviewer-4", "reviewer"}, {"demo-reviewer-5", "reviewer"}, {"demo-reviewer-6", "reviewer"},
	{"demo-reviewer-7", "reviewer"}, {"demo-reviewer-8", "reviewer"},
	{"demo-editor", "editor"},
}

// demoBatch is how many documents go into one write transaction: large
// enough that commits are rare, small enough that progress moves.
const demoBatch = 100

// Demo fills an empty database with generated articles, the claims the real
// extractor finds in them, demo users and review histories: about 100 claims
// per article, two thirds of them reviewed with one to eight history rows.
// The same seed gives the same articles, claims and reviews (dates follow
// the clock). Articles are generated and extracted on every core while one
// writer inserts batches with multi-row prepared statements.
func (s *Store) Demo(ctx context.Context, o DemoOptions) (DemoStats, error) {
	var st DemoStats
	if o.Docs <= 0 {
		return st, fmt.Errorf("%w: the number of documents must be positive", ErrInvalid)
	}
	var filled int
	if err := s.r.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM documents)`).Scan(&filled); err != nil {
		return st, err
	}
	if filled == 1 {
		return st, fmt.Errorf("%w: the database holds documents already; demo data goes into a new database", ErrInvalid)
	}
	users, err := s.demoUsers(ctx, o.PasswordHash)
	if err != nil {
		return st, err
	}
	st.Users = users
	var reviewers []int64
	for _, u := range users {
		if u.Role == "reviewer" {
			reviewers = append(reviewers, u.ID)
		}
	}

	// A desk that has run for a year: documents arrive evenly over it.
	end := s.now().UTC().Add(-24 * time.Hour)
	start := end.Add(-365 * 24 * time.Hour)
	step := end.Sub(start) / time.Duration(o.Docs)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	batches := make(chan []demoDoc, 2)
	go func() {
		defer close(batches)
		for first := 0; first < o.Docs; first += demoBatch {
			n := min(demoBatch, o.Docs-first)
			b := make([]demoDoc, n)
			var wg sync.WaitGroup
			next := make(chan int, n)
			for i := range n {
				next <- i
			}
			close(next)
			for range runtime.GOMAXPROCS(0) {
				wg.Go(func() {
					for i := range next {
						created := start.Add(time.Duration(first+i) * step)
						b[i] = makeDemoDoc(o.Seed, first+i, created, end, reviewers)
					}
				})
			}
			wg.Wait()
			select {
			case batches <- b:
			case <-ctx.Done():
				return
			}
		}
	}()

	w := demoWriter{}
	if err := s.w.QueryRowContext(ctx, `SELECT coalesce(max(id), 0) FROM claims`).Scan(&w.claimID); err != nil {
		return st, err
	}
	// History rows extend the hash chain from the last row there is.
	err = s.w.QueryRowContext(ctx, `SELECT id, hash FROM status_history ORDER BY id DESC LIMIT 1`).Scan(&w.histID, &w.prevHash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return st, err
	}
	// A larger page cache for the writer while it fills the indexes; the
	// connection goes back to the default afterwards.
	if _, err := s.w.ExecContext(ctx, `PRAGMA cache_size = -262144`); err != nil {
		return st, err
	}
	defer s.w.ExecContext(context.Background(), `PRAGMA cache_size = -2000`)
	for b := range batches {
		err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error { return w.write(ctx, tx, b) })
		if err != nil {
			return st, err
		}
		for _, d := range b {
			st.Docs++
			st.Claims += len(d.claims)
			st.History += len(d.history)
		}
		if o.Progress != nil {
			o.Progress(st)
		}
	}
	// Search: the batches left the full-text indexes in many segments.
	if ctx.Err() == nil {
		if err := s.OptimizeSearch(ctx); err != nil {
			return st, err
		}
	}
	return st, ctx.Err()
}

// demoUsers creates the demo accounts, or finds them when they exist.
func (s *Store) demoUsers(ctx context.Context, hash string) ([]DemoUser, error) {
	var out []DemoUser
	err := s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, du := range demoUsers {
			var id int64
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, du.name).Scan(&id)
			if err == sql.ErrNoRows {
				u, err := createUser(ctx, tx, du.name, hash, du.role, s.now())
				if err != nil {
					return err
				}
				id = u.ID
			} else if err != nil {
				return err
			}
			out = append(out, DemoUser{ID: id, Name: du.name, Role: du.role})
		}
		return nil
	})
	return out, err
}

// demoDoc is one generated document with its claims and their histories;
// claim and history ids are given by the writer.
type demoDoc struct {
	a       demoArticle
	sum     string
	created string
	claims  []demoClaim
	history []demoEvent
}

type demoClaim struct {
	c       extract.Claim
	status  string
	version int
	updated string
	nhist   int
}

type demoEvent struct {
	claim    int // index into demoDoc.claims
	from, to string
	user     int64
	note     string
	at       string
}

// makeDemoDoc generates article i, extracts its claims and invents their
// review histories, all from (seed, i) so that the result does not depend on
// which goroutine runs it.
func makeDemoDoc(seed uint64, i int, created, end time.Time, reviewers []int64) demoDoc {
	a := newDemoArticle(seed, i, created.Year())
	d := demoDoc{a: a, sum: BodySHA256(a.Body), created: formatTime(created)}
	found := extract.Extract(a.Body)
	r := rand.New(rand.NewPCG(seed^0x9e3779b97f4a7c15, uint64(i)+1))
	d.claims = make([]demoClaim, len(found))
	span := end.Sub(created)
	for k, c := range found {
		dc := demoClaim{c: c, status: StatusUnverified, version: 1, updated: d.created}
		// Two thirds of the claims are reviewed, one to eight times: about
		// three history rows per claim.
		if r.IntN(3) > 0 && len(reviewers) > 0 {
			n := 1 + r.IntN(8)
			at := created
			for range n {
				at = at.Add(time.Duration(r.Int64N(int64(span)/int64(n+1) + 1)))
				to := demoNextStatus(r, dc.status)
				note := ""
				if r.IntN(5) < 2 {
					note = pick(r, demoNotes)
				}
				d.history = append(d.history, demoEvent{claim: k, from: dc.status, to: to,
					user: reviewers[r.IntN(len(reviewers))], note: note, at: formatTime(at)})
				dc.status = to
				dc.version++
				dc.updated = formatTime(at)
			}
			dc.nhist = n
		}
		d.claims[k] = dc
	}
	return d
}

// demoNextStatus picks a status other than from, leaning towards the
// verdicts reviewers reach most: confirmed, then disputed.
func demoNextStatus(r *rand.Rand, from string) string {
	for {
		var to string
		switch x := r.IntN(10); {
		case x < 5:
			to = StatusConfirmed
		case x < 8:
			to = StatusDisputed
		default:
			to = StatusUnverified
		}
		if to != from {
			return to
		}
	}
}

// demoWriter inserts batches with multi-row statements, prepared once per
// row count: one statement per few hundred rows instead of one per row.
type demoWriter struct {
	claimID, histID int64
	prevHash        string // the hash chain's last link
}

const (
	demoClaimCols = 12
	demoHistCols  = 9
	demoActCols   = 8
	// Rows per statement, within SQLite's limit of 32766 variables.
	demoRowsPerStmt = 500
)

func (w *demoWriter) write(ctx context.Context, tx *sql.Tx, b []demoDoc) error {
	var claims, hist, acts []any
	for _, d := range b {
		var docID int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO documents (title, url, publisher, published_at, body, sha256, created_by, created_at)
			VALUES (?, ?, ?, ?, ?, ?, NULL, ?) RETURNING id`,
			d.a.Title, d.a.URL, d.a.Publisher, d.a.Published, d.a.Body, d.sum, d.created).Scan(&docID); err != nil {
			return err
		}
		first := w.claimID + 1
		for _, c := range d.claims {
			w.claimID++
			claims = append(claims, w.claimID, docID, c.c.Start, c.c.End, c.c.Text, c.c.Score, c.c.Kind, c.c.Speaker,
				c.status, c.version, d.created, c.updated)
		}
		// Each review is a history row, sealed into the hash chain as
		// appendHistory seals it, and a line of the activity feed as
		// recordStatusChange writes it. (The feed's ids follow the
		// documents, not the review times, as a desk's would.)
		for _, e := range d.history {
			w.histID++
			r := chainRow{ID: w.histID, ClaimID: first + int64(e.claim), From: e.from, To: e.to, UserID: e.user,
				Note: e.note, CreatedAt: e.at, PrevHash: w.prevHash}
			r.Hash = chainHash(r)
			w.prevHash = r.Hash
			hist = append(hist, r.ID, r.ClaimID, r.From, r.To, r.UserID, r.Note, r.CreatedAt, r.PrevHash, r.Hash)
			acts = append(acts, e.at, e.user, ActStatus, docID, r.ClaimID, e.from, e.to, excerpt(e.note))
		}
	}
	if err := insertRows(ctx, tx, `INSERT INTO claims (id, document_id, start, "end", text, score, kind, speaker,
		status, version, created_at, updated_at) VALUES `, demoClaimCols, claims); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `INSERT INTO status_history (id, claim_id, from_status, to_status, user_id, note, created_at,
		prev_hash, hash) VALUES `, demoHistCols, hist); err != nil {
		return err
	}
	return insertRows(ctx, tx, `INSERT INTO activity (created_at, user_id, action, document_id, claim_id, from_status, to_status,
		detail) VALUES `, demoActCols, acts)
}

// insertRows inserts args as rows of cols values, demoRowsPerStmt rows per
// statement.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, cols int, args []any) error {
	row := "(" + placeholders(cols) + ")"
	var full *sql.Stmt
	for len(args) > 0 {
		n := min(demoRowsPerStmt, len(args)/cols)
		chunk := args[:n*cols]
		args = args[n*cols:]
		if n == demoRowsPerStmt {
			if full == nil {
				var err error
				full, err = tx.PrepareContext(ctx, prefix+strings.Repeat(row+", ", n-1)+row)
				if err != nil {
					return err
				}
				defer full.Close()
			}
			if _, err := full.ExecContext(ctx, chunk...); err != nil {
				return err
			}
			continue
		}
		if _, err := tx.ExecContext(ctx, prefix+strings.Repeat(row+", ", n-1)+row, chunk...); err != nil {
			return err
		}
	}
	return nil
}

// Size is how much a database holds; benchmarks report it beside their figures.
type Size struct {
	Docs, Claims, History int
	MaxDocID, MaxClaimID  int64
}

// Size counts documents, claims and history rows. It scans whole tables:
// for tools, not for pages.
func (s *Store) Size(ctx context.Context) (Size, error) {
	var z Size
	err := s.r.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM claims),
		(SELECT count(*) FROM status_history), (SELECT coalesce(max(id), 0) FROM documents),
		(SELECT coalesce(max(id), 0) FROM claims)`).Scan(&z.Docs, &z.Claims, &z.History, &z.MaxDocID, &z.MaxClaimID)
	return z, err
}

// QueueCursorAt returns the cursor that starts the queue page after the
// first depth claims of a filter, so that benchmarks can ask for a deep page
// without paging down to it. It skips rows with OFFSET: for tools only.
func (s *Store) QueueCursorAt(ctx context.Context, status string, depth int) (Cursor, error) {
	var c Cursor
	q := `SELECT score, id FROM claims WHERE dismissed = 0 ORDER BY score DESC, id LIMIT 1 OFFSET ?`
	args := []any{depth}
	if status != "" {
		q = `SELECT score, id FROM claims WHERE dismissed = 0 AND status = ? ORDER BY score DESC, id LIMIT 1 OFFSET ?`
		args = []any{status, depth}
	}
	err := s.r.QueryRowContext(ctx, q, args...).Scan(&c.Score, &c.ID)
	if err == sql.ErrNoRows {
		return c, ErrNotFound
	}
	return c, err
}
