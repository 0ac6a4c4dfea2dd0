package db

// Full-text search over claim text, review notes and document titles with
// SQLite FTS5 (tables and triggers in migrations/0006_search.sql). This file
// is the only one that speaks FTS5; a PostgreSQL backend replaces it.

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a user may ask for, so one search cannot tie up a reader.
const (
	maxQueryBytes = 500
	maxQueryTerms = 32
	// MaxSearchOffset bounds how deep result pages go; past it, narrow the search.
	MaxSearchOffset = 1000
)

// Highlight markers that highlight() and snippet() put around matches. The
// text is escaped when rendered and these become <mark> elements, so no HTML
// from the database reaches a page unescaped; a stray marker character in
// stored text could at worst misplace a mark.
const (
	markOpen  = "\x01"
	markClose = "\x02"
)

// Fragment is a run of text, marked when it matched the search.
type Fragment struct {
	Text string
	Mark bool
}

// splitMarks turns highlighted text into fragments.
func splitMarks(s string) []Fragment {
	var out []Fragment
	mark := false
	for s != "" {
		sep := markOpen
		if mark {
			sep = markClose
		}
		i := strings.Index(s, sep)
		if i < 0 {
			out = append(out, Fragment{Text: strings.NewReplacer(markOpen, "", markClose, "").Replace(s), Mark: mark})
			break
		}
		if i > 0 {
			out = append(out, Fragment{Text: s[:i], Mark: mark})
		}
		s = s[i+len(sep):]
		mark = !mark
	}
	return out
}

// ParseSearchQuery turns what a user typed into an FTS5 query. The syntax is
// small and forgiving: words (all must match), "exact phrases", word* for a
// prefix, OR between two terms, and -word to leave out. Every term is quoted
// before it reaches FTS5, so punctuation and FTS5 operators in the input are
// text, never syntax; input that cannot be read gets a message saying why.
func ParseSearchQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", fmt.Errorf("%w: type a word to search for", ErrInvalid)
	}
	if len(q) > maxQueryBytes || !utf8.ValidString(q) {
		return "", fmt.Errorf("%w: the search is too long: use at most %d characters", ErrInvalid, maxQueryBytes)
	}
	type term struct {
		fts    string
		negate bool
		or     bool // an OR joins it to the term before
	}
	var terms []term
	pendingOr := false
	rest := q
	for {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		negate := false
		if strings.HasPrefix(rest, "-") && len(rest) > 1 && !unicode.IsSpace(rune(rest[1])) {
			negate, rest = true, rest[1:]
		}
		var text string
		prefix, phrase := false, false
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return "", fmt.Errorf(`%w: a quotation mark is not closed: add the closing " or remove the opening one`, ErrInvalid)
			}
			text, rest, phrase = rest[1:1+end], rest[2+end:], true
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			text, rest = rest[:end], rest[end:]
			if !negate && text == "OR" {
				if len(terms) == 0 || pendingOr {
					return "", fmt.Errorf("%w: OR goes between two words, as in: rates OR prices", ErrInvalid)
				}
				pendingOr = true
				continue
			}
			if !negate && text == "AND" {
				continue // every word must match anyway
			}
			if strings.HasSuffix(text, "*") {
				text, prefix = strings.TrimRight(text, "*"), true
			}
		}
		if !strings.ContainsFunc(text, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			if phrase || prefix {
				return "", fmt.Errorf("%w: %q has no letters or digits to search for", ErrInvalid, text)
			}
			continue // a lone dash or ampersand: nothing to match
		}
		if prefix && strings.ContainsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			return "", fmt.Errorf("%w: * makes a prefix of one word, as in: reserv*", ErrInvalid)
		}
		fts := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
		if prefix {
			fts += "*"
		}
		if pendingOr && negate {
			return "", fmt.Errorf("%w: OR cannot join a left-out word: write -word on its own", ErrInvalid)
		}
		terms = append(terms, term{fts: fts, negate: negate, or: pendingOr})
		pendingOr = false
		if len(terms) > maxQueryTerms {
			return "", fmt.Errorf("%w: the search has too many words: use at most %d", ErrInvalid, maxQueryTerms)
		}
	}
	if pendingOr {
		return "", fmt.Errorf("%w: OR goes between two words, as in: rates OR prices", ErrInvalid)
	}
	// Positive terms: runs joined by OR form groups, and groups must all match.
	var groups [][]string
	var neg []string
	for _, t := range terms {
		switch {
		case t.negate:
			neg = append(neg, t.fts)
		case t.or && len(groups) > 0:
			groups[len(groups)-1] = append(groups[len(groups)-1], t.fts)
		default:
			groups = append(groups, []string{t.fts})
		}
	}
	if len(groups) == 0 {
		if len(neg) > 0 {
			return "", fmt.Errorf("%w: say what to look for as well as what to leave out", ErrInvalid)
		}
		return "", fmt.Errorf("%w: type a word to search for", ErrInvalid)
	}
	var b strings.Builder
	for i, g := range groups {
		if i > 0 {
			b.WriteString(" AND ")
		}
		if len(g) == 1 {
			b.WriteString(g[0])
		} else {
			b.WriteString("(" + strings.Join(g, " OR ") + ")")
		}
	}
	out := b.String()
	if len(neg) > 0 {
		out = "(" + out + ") NOT (" + strings.Join(neg, " OR ") + ")"
	}
	return out, nil
}

// SearchFilter selects claims. Query may be empty: the filters alone then
// list claims, most recently changed first. Dismissed sentences are found
// too (marked so); the queue leaves them out, search helps find them.
type SearchFilter struct {
	Query      string // as the user typed it; see ParseSearchQuery
	Status     string
	Kind       string
	DocumentID int64
	AssigneeID int64  // 0 for anyone's claims
	Unassigned bool   // only claims assigned to nobody
	From, To   string // YYYY-MM-DD, inclusive, on the date of the claim's last change
	// BlindFor is the user searching. Claims on which they owe a second
	// opinion must not give the first verdict away: they are found by their
	// own text and title only (not by notes or comments), left out when
	// filtering by status, and come back Hidden.
	BlindFor int64
	Offset   int
	Limit    int
}

// NoteHit is a review note or comment that matched, cut around the match.
type NoteHit struct {
	User    string
	At      time.Time
	Snippet []Fragment
}

// SearchHit is one claim found, with what matched marked.
type SearchHit struct {
	Claim   Claim
	Hidden  bool       // the searcher owes a second opinion: show no verdict
	Text    []Fragment // the claim text, matches marked
	Note    *NoteHit   // the best matching review note, if one matched
	Comment *NoteHit   // the best matching comment, if one matched
	Title   []Fragment // the document title, when it matched
}

// SearchResult is one page of hits.
type SearchResult struct {
	Hits  []SearchHit
	Total int
}

// pendingFor is the claims on which the user ?2 owes a second opinion.
const pendingFor = `SELECT claim_id FROM second_opinions WHERE second_user_id = ?2 AND second_at IS NULL`

// searchSources are the kinds of searchable text: each gives (claim_id,
// rank) for the FTS5 query ?1. Rank is bm25 (lower is better), weighted so
// that a match in the claim itself ranks above one in a note, a comment or
// the title, which every claim of the document shares.
var searchSources = []string{
	`SELECT rowid AS claim_id, bm25(claims_fts) AS rank FROM claims_fts WHERE claims_fts MATCH ?1`,
	`SELECT h.claim_id, bm25(notes_fts) * 0.8 FROM notes_fts JOIN status_history h ON h.id = notes_fts.rowid
		WHERE notes_fts MATCH ?1 AND h.claim_id NOT IN (` + pendingFor + `)`,
	`SELECT cm.claim_id, bm25(comments_fts) * 0.8 FROM comments_fts JOIN comments cm ON cm.id = comments_fts.rowid
		WHERE comments_fts MATCH ?1 AND cm.claim_id NOT IN (` + pendingFor + `)`,
	`SELECT c.id, bm25(titles_fts) * 0.5 FROM titles_fts JOIN claims c ON c.document_id = titles_fts.rowid
		WHERE titles_fts MATCH ?1`,
}

// checkDate validates a YYYY-MM-DD filter.
func checkDate(what, d string) error {
	if d == "" {
		return nil
	}
	if _, err := time.Parse(time.DateOnly, d); err != nil {
		return fmt.Errorf("%w: the %s date must look like 2024-12-31", ErrInvalid, what)
	}
	return nil
}

// Search finds claims whose text, notes, comments or document title match f.Query,
// narrowed by the filters, best match first.
func (s *Store) Search(ctx context.Context, f SearchFilter) (SearchResult, error) {
	var res SearchResult
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if f.Offset < 0 || f.Offset > MaxSearchOffset {
		return res, fmt.Errorf("%w: results stop after %d; narrow the search with a filter", ErrInvalid, MaxSearchOffset)
	}
	if f.Status != "" && !ValidStatus(f.Status) {
		return res, fmt.Errorf("%w: unknown status %q (use unverified, confirmed or disputed)", ErrInvalid, f.Status)
	}
	if err := checkDate("from", f.From); err != nil {
		return res, err
	}
	if err := checkDate("to", f.To); err != nil {
		return res, err
	}
	if f.From != "" && f.To != "" && f.From > f.To {
		return res, fmt.Errorf("%w: the from date is after the to date", ErrInvalid)
	}
	var match string
	if strings.TrimSpace(f.Query) != "" {
		var err error
		if match, err = ParseSearchQuery(f.Query); err != nil {
			return res, err
		}
	}

	var where []string
	var args []any
	if match != "" {
		// ?1 and ?2 in the sources; plain ? after them number on from 3.
		args = append(args, match, f.BlindFor)
	}
	if f.Status != "" && f.BlindFor > 0 {
		where = append(where, owedBlindOpinion)
		args = append(args, f.BlindFor)
	}
	where, args = appendClaimTerms(where, args, f.Status, f.AssigneeID, f.Unassigned, f.DocumentID)
	if f.Kind != "" {
		where = append(where, "c.kind = ?")
		args = append(args, f.Kind)
	}
	// Times are fixed-width UTC text, so a day's range compares as text.
	if f.From != "" {
		where = append(where, "c.updated_at >= ?")
		args = append(args, f.From)
	}
	if f.To != "" {
		where = append(where, "c.updated_at < ?")
		args = append(args, f.To+"U") // after every time of that day: 'T' < 'U'
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}

	from, order := "claims c", "c.updated_at DESC, c.id DESC"
	if match != "" {
		from = `(SELECT claim_id, min(rank) AS rank FROM (` + strings.Join(searchSources, "\nUNION ALL\n") + `) GROUP BY claim_id) best
			JOIN claims c ON c.id = best.claim_id`
		order = "best.rank, c.id"
	}
	// One pass gives the page and, by a window over all rows before the
	// LIMIT, the total: the union of matches is built once.
	q := `SELECT ` + claimCols + `, count(*) OVER () FROM ` + from + ` JOIN documents d ON d.id = c.document_id` + cond +
		` ORDER BY ` + order + ` LIMIT ? OFFSET ?`
	rows, err := s.r.QueryContext(ctx, q, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return res, searchError(err)
	}
	var claims []Claim
	err = eachRow(rows, func(r *sql.Rows) error {
		c, err := scanClaim(totalScanner{r, &res.Total})
		claims = append(claims, c)
		return err
	})
	if err != nil {
		return res, searchError(err)
	}
	if len(claims) == 0 && f.Offset > 0 {
		// Past the end: the window had no row to count on.
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM `+from+cond, args...).Scan(&res.Total); err != nil {
			return res, searchError(err)
		}
	}
	for _, c := range claims {
		res.Hits = append(res.Hits, SearchHit{Claim: c, Text: []Fragment{{Text: c.Text}}})
	}
	if len(res.Hits) == 0 {
		return res, nil
	}
	if err := s.markHidden(ctx, f.BlindFor, res.Hits); err != nil {
		return res, err
	}
	if match == "" {
		return res, nil
	}
	return res, s.markHits(ctx, match, res.Hits)
}

// markHidden marks the hits on which user owes a second opinion.
func (s *Store) markHidden(ctx context.Context, user int64, hits []SearchHit) error {
	if user <= 0 {
		return nil
	}
	ids := []any{user}
	for _, h := range hits {
		ids = append(ids, h.Claim.ID)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT claim_id FROM second_opinions
		WHERE second_user_id = ? AND second_at IS NULL AND claim_id IN (`+placeholders(len(hits))+`)`, ids...)
	if err != nil {
		return err
	}
	hidden := map[int64]bool{}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		hidden[id] = true
		return err
	})
	for i := range hits {
		hits[i].Hidden = hidden[hits[i].Claim.ID]
	}
	return err
}

// markHits fills in what matched for a page of hits: the claim text, the
// best note and comment and the document title, each with the matches marked.
func (s *Store) markHits(ctx context.Context, match string, hits []SearchHit) error {
	byClaim := make(map[int64]*SearchHit, len(hits))
	claimIDs := make([]any, 0, len(hits))
	docIDs := []any{}
	seenDoc := map[int64]bool{}
	for i := range hits {
		h := &hits[i]
		byClaim[h.Claim.ID] = h
		claimIDs = append(claimIDs, h.Claim.ID)
		if !seenDoc[h.Claim.DocumentID] {
			seenDoc[h.Claim.DocumentID] = true
			docIDs = append(docIDs, h.Claim.DocumentID)
		}
	}
	in := placeholders(len(claimIDs))
	// "+rowid" keeps the id list away from FTS5, which would otherwise run
	// the whole match once per id; one match, filtered, is far cheaper.
	rows, err := s.r.QueryContext(ctx, `SELECT rowid, highlight(claims_fts, 0, ?, ?) FROM claims_fts
		WHERE claims_fts MATCH ? AND +rowid IN (`+in+`)`, append([]any{markOpen, markClose, match}, claimIDs...)...)
	if err != nil {
		return searchError(err)
	}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		var text string
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		byClaim[id].Text = splitMarks(text)
		return nil
	})
	if err != nil {
		return searchError(err)
	}

	// The best note and comment per claim, none for a hidden claim: rows
	// come best first, the first one wins.
	var open []any
	for _, h := range hits {
		if !h.Hidden {
			open = append(open, h.Claim.ID)
		}
	}
	for _, src := range []struct {
		q    string
		slot func(*SearchHit) **NoteHit
	}{
		{`SELECT h.claim_id, u.username, h.created_at, snippet(notes_fts, 0, ?, ?, '…', 24)
			FROM notes_fts JOIN status_history h ON h.id = notes_fts.rowid JOIN users u ON u.id = h.user_id
			WHERE notes_fts MATCH ? AND h.claim_id IN (%s) ORDER BY notes_fts.rank`,
			func(h *SearchHit) **NoteHit { return &h.Note }},
		{`SELECT cm.claim_id, u.username, cm.created_at, snippet(comments_fts, 0, ?, ?, '…', 24)
			FROM comments_fts JOIN comments cm ON cm.id = comments_fts.rowid JOIN users u ON u.id = cm.user_id
			WHERE comments_fts MATCH ? AND cm.claim_id IN (%s) ORDER BY comments_fts.rank`,
			func(h *SearchHit) **NoteHit { return &h.Comment }},
	} {
		if len(open) == 0 {
			break
		}
		rows, err = s.r.QueryContext(ctx, fmt.Sprintf(src.q, placeholders(len(open))),
			append([]any{markOpen, markClose, match}, open...)...)
		if err != nil {
			return searchError(err)
		}
		err = eachRow(rows, func(r *sql.Rows) error {
			var id int64
			var n NoteHit
			var at, snip string
			if err := r.Scan(&id, &n.User, &at, &snip); err != nil {
				return err
			}
			if slot := src.slot(byClaim[id]); *slot == nil {
				n.At, n.Snippet = parseTime(at), splitMarks(snip)
				*slot = &n
			}
			return nil
		})
		if err != nil {
			return searchError(err)
		}
	}

	rows, err = s.r.QueryContext(ctx, `SELECT rowid, highlight(titles_fts, 0, ?, ?) FROM titles_fts
		WHERE titles_fts MATCH ? AND +rowid IN (`+placeholders(len(docIDs))+`)`,
		append([]any{markOpen, markClose, match}, docIDs...)...)
	if err != nil {
		return searchError(err)
	}
	titles := map[int64][]Fragment{}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		var t string
		if err := r.Scan(&id, &t); err != nil {
			return err
		}
		titles[id] = splitMarks(t)
		return nil
	})
	if err != nil {
		return searchError(err)
	}
	for i := range hits {
		hits[i].Title = titles[hits[i].Claim.DocumentID]
	}
	return nil
}

// totalScanner scans a claim row that ends with one more column, a total.
type totalScanner struct {
	r     *sql.Rows
	total *int
}

func (t totalScanner) Scan(dest ...any) error { return t.r.Scan(append(dest, t.total)...) }

func eachRow(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// searchError turns an FTS5 complaint about the query into a message for
// the user. ParseSearchQuery quotes every term, so this is a safety net.
func searchError(err error) error {
	if err != nil && strings.Contains(err.Error(), "fts5") {
		return fmt.Errorf("%w: the search could not be read; use words, \"phrases\", word*, OR and -word", ErrInvalid)
	}
	return err
}

// Kinds lists the kinds claims have, for filter menus.
func (s *Store) Kinds(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT kind FROM claims WHERE kind <> '' ORDER BY kind`)
	if err != nil {
		return nil, err
	}
	var out []string
	err = eachRow(rows, func(r *sql.Rows) error {
		var k string
		if err := r.Scan(&k); err != nil {
			return err
		}
		out = append(out, k)
		return nil
	})
	return out, err
}
