package db

// Full-text search over claim text, review notes and document titles with
// SQLite FTS5 (tables and triggers in migrations/0006_search.sql). This file
// is the only one that speaks FTS5; a PostgreSQL backend replaces it.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits on what a user may ask for, so one search cannot tie up a reader.
const (
	maxQueryRunes = 500 // characters, as the search box's maxlength
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

// stripMarks removes stray markers (built once: building it was a twentieth of a search).
var stripMarks = strings.NewReplacer(markOpen, "", markClose, "")

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
			out = append(out, Fragment{Text: stripMarks.Replace(s), Mark: mark})
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

// quoteTerm shows a search term as the user typed it: in quotes, unless
// it is a phrase and carries its own.
func quoteTerm(t string) string {
	if strings.HasPrefix(t, `"`) {
		return t
	}
	return "“" + t + "”"
}

// ParseSearchQuery turns what a user typed into an FTS5 query. The syntax is
// small and forgiving: words (all must match), "exact phrases", word* for a
// prefix, OR between two terms, and -word to leave out. Every term is quoted
// before it reaches FTS5, so punctuation and FTS5 operators in the input are
// text, never syntax; input that cannot be read gets a message saying why.
func ParseSearchQuery(q string) (string, error) {
	match, _, err := parseSearch(q)
	return match, err
}

// parseSearch is ParseSearchQuery, giving also the left-out words alone as
// an FTS5 query (their OR), or "" when there are none.
func parseSearch(q string) (match, left string, err error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", "", fmt.Errorf("%w: type a word to search for", ErrInvalid)
	}
	// A NUL ended FTS5's quoted term early ("unterminated string", a 500).
	if err := checkPlain("the search", q); err != nil {
		return "", "", err
	}
	if utf8.RuneCountInString(q) > maxQueryRunes {
		return "", "", fmt.Errorf("%w: the search is too long: use at most %d characters", ErrInvalid, maxQueryRunes)
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
		var text, typed string // typed: the term as written, for messages
		prefix, phrase := false, false
		if strings.HasPrefix(rest, `"`) {
			end := strings.Index(rest[1:], `"`)
			if end < 0 {
				return "", "", fmt.Errorf(`%w: a quotation mark is not closed: add the closing " or remove the opening one`, ErrInvalid)
			}
			text, typed, rest, phrase = rest[1:1+end], rest[:2+end], rest[2+end:], true
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			text, rest = rest[:end], rest[end:]
			typed = text
			if !negate && text == "OR" {
				if len(terms) == 0 || pendingOr {
					return "", "", fmt.Errorf("%w: OR goes between two words, as in: rates OR prices", ErrInvalid)
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
				return "", "", fmt.Errorf("%w: %s has no letters or digits to search for", ErrInvalid, quoteTerm(typed))
			}
			continue // a lone dash or ampersand: nothing to match
		}
		if prefix && strings.ContainsFunc(text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
			return "", "", fmt.Errorf("%w: * makes a prefix of one word, as in: reserv*", ErrInvalid)
		}
		fts := `"` + strings.ReplaceAll(text, `"`, `""`) + `"`
		if prefix {
			fts += "*"
		}
		if pendingOr && negate {
			return "", "", fmt.Errorf("%w: OR cannot join a left-out word: write -word on its own", ErrInvalid)
		}
		terms = append(terms, term{fts: fts, negate: negate, or: pendingOr})
		pendingOr = false
		if len(terms) > maxQueryTerms {
			return "", "", fmt.Errorf("%w: the search has too many words: use at most %d", ErrInvalid, maxQueryTerms)
		}
	}
	if pendingOr {
		return "", "", fmt.Errorf("%w: OR goes between two words, as in: rates OR prices", ErrInvalid)
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
			return "", "", fmt.Errorf("%w: say what to look for as well as what to leave out", ErrInvalid)
		}
		return "", "", fmt.Errorf("%w: type a word to search for", ErrInvalid)
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
		left = strings.Join(neg, " OR ")
		out = "(" + out + ") NOT (" + left + ")"
	}
	return out, left, nil
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

// SearchResult is one page of hits. When Capped is set, a source of
// matches had more than the search reads (or a filter let through fewer
// than it could fill a page with before the walk stopped): Total is then a
// lower bound, and the hits are the best among the most recent matches.
type SearchResult struct {
	Hits   []SearchHit
	Total  int
	Capped bool
	texts  []candidate     // the notes and comments that matched the page's claims
	none   map[string]bool // the full-text tables nothing at all matched in
}

// A search reads a bounded number of matches, so that its cost follows the
// page, not the number of matches: on a desk of a million claims a common
// word matches tens of thousands of them, and ranking them all cost over a
// second of CPU per search.
//
// searchCap is how many matches each source (claim text, notes, comments,
// titles) gives at most, newest first: FTS5 walks its doclist in rowid
// order and stops at the LIMIT. With four sources a search finds at most
// 4 * searchCap claims, which MaxSearchOffset matches.
//
// searchWalk is how many matches of a source a filtered search examines at
// most to find searchCap that pass the filters; titleWalk is the same for
// documents whose title matched (each brings all its claims). A walk that
// stops there marks the result as capped, so a selective filter never
// loses results silently. A variable so that tests can make them small.
var (
	searchCap  = 250
	searchWalk = 4000
	titleWalk  = 20
)

// filterAhead is how far past the page a search without words counts its
// claims: counting a million rows for a total nobody pages to was most of
// that search's time, and a filter with no index of its own (kind) costs a
// walk over claims by time for every claim counted.
var filterAhead = 200

// A source of matches. Each gives, newest match first, the claims found
// and the rowid of the text that matched in its FTS5 table.
type searchSource struct {
	table  string  // the FTS5 table
	weight float64 // bm25 is multiplied by it: a match in the claim itself ranks first
	// from joins the walk's rows f (%s) to the claim's id, claim; joinC
	// joins the claim c that filters read. CROSS JOIN keeps the walk
	// outermost: with statistics, SQLite otherwise chose to scan every
	// claim and look each up in the walk. fromAll, if set, is from for a
	// search without filters, giving a row for every match walked.
	from, fromAll, joinC string
	claim                string
	// blind: the source shows what a reviewer must not see before giving a
	// blind second opinion (notes, comments).
	blind bool
}

var searchSources = []searchSource{
	{table: "claims_fts", weight: 1, claim: "f.id",
		from: `%s f`, joinC: ` CROSS JOIN claims c ON c.id = f.id`},
	{table: "notes_fts", weight: 0.8, claim: "h.claim_id", blind: true,
		from: `%s f CROSS JOIN status_history h ON h.id = f.id`, joinC: ` CROSS JOIN claims c ON c.id = h.claim_id`},
	{table: "comments_fts", weight: 0.8, claim: "cm.claim_id", blind: true,
		from: `%s f CROSS JOIN comments cm ON cm.id = f.id`, joinC: ` CROSS JOIN claims c ON c.id = cm.claim_id`},
	// Every claim of a matching document shares its title.
	{table: "titles_fts", weight: 0.5, claim: "c.id",
		from: `%s f CROSS JOIN claims c ON c.document_id = f.id`, fromAll: `%s f LEFT JOIN claims c ON c.document_id = f.id`},
}

// candidate is a claim a source found.
type candidate struct {
	claim int64
	rowid int64 // in the source's FTS5 table
	src   int
	rank  float64 // bm25, weighted; lower is better
}

// checkDate validates a YYYY-MM-DD filter.
func checkDate(what, d string) error {
	if d == "" {
		return nil
	}
	_, err := parseDay(what, d)
	return err
}

// parseDay reads a YYYY-MM-DD date; what names it in the message ("the
// publication date"). A date of the right shape that is not on the
// calendar (2024-02-30) is told apart from one of the wrong shape.
func parseDay(what, d string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, d)
	if err == nil {
		return t, nil
	}
	if len(d) == len(time.DateOnly) && strings.Trim(d[:4]+d[5:7]+d[8:], "0123456789") == "" && d[4] == '-' && d[7] == '-' {
		return t, fmt.Errorf("%w: the %s date %s is not a day of the calendar (check the month and the day)", ErrInvalid, what, d)
	}
	return t, fmt.Errorf("%w: the %s date must look like 2024-12-31", ErrInvalid, what)
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
	if f.Kind != "" {
		if err := checkKind(f.Kind); err != nil {
			return res, err
		}
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
	var match, left string
	if strings.TrimSpace(f.Query) != "" {
		var err error
		if match, left, err = parseSearch(f.Query); err != nil {
			return res, err
		}
	}
	where, args := f.where()
	var err error
	if match == "" {
		res, err = s.searchFiltered(ctx, f, where, args)
	} else {
		res, err = s.searchMatches(ctx, f, match, left, where, args)
	}
	if err != nil || len(res.Hits) == 0 {
		return res, err
	}
	if err := s.markHidden(ctx, f.BlindFor, res.Hits); err != nil {
		return res, err
	}
	if match == "" {
		return res, nil
	}
	err = s.markHits(ctx, match, res.Hits, res.texts, res.none)
	res.texts, res.none = nil, nil
	return res, err
}

// where is the filters' conditions on claims c.
func (f SearchFilter) where() ([]string, []any) {
	var where []string
	var args []any
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
	return where, args
}

// searchFilteredSQL is the page and the (bounded) count of a search
// without words. Without a document or an assignee, which select few
// claims through their own indexes, both walk claims by time of change
// and stop at the LIMIT: left to itself, SQLite read every claim of a
// status through the queue's index and sorted them (a second for 228,000
// disputed claims).
func searchFilteredSQL(f SearchFilter, where []string) (page, count string) {
	from := "claims c"
	if f.DocumentID == 0 && f.AssigneeID == 0 {
		from = "claims c INDEXED BY claims_updated"
	}
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	page = `SELECT ` + claimCols + ` FROM ` + from + ` JOIN documents d ON d.id = c.document_id` + cond +
		` ORDER BY c.updated_at DESC, c.id DESC LIMIT ? OFFSET ?`
	// The count walks the same way as the page, from the latest change:
	// the claims the page found first are found first again.
	walk := ""
	if f.DocumentID == 0 && f.AssigneeID == 0 {
		walk = ` ORDER BY c.updated_at DESC, c.id DESC`
	}
	count = `SELECT count(*) FROM (SELECT 1 FROM ` + from + cond + walk + ` LIMIT ?)`
	return page, count
}

// searchFiltered lists the claims the filters select, most recently changed first.
func (s *Store) searchFiltered(ctx context.Context, f SearchFilter, where []string, args []any) (SearchResult, error) {
	var res SearchResult
	page, count := searchFilteredSQL(f, where)
	countTo := f.Offset + filterAhead
	if err := s.queryRowWatched(ctx, count, append(args[:len(args):len(args)], countTo+1)...).Scan(&res.Total); err != nil {
		return res, err
	}
	if res.Total > countTo {
		res.Total, res.Capped = countTo, true
	}
	rows, err := s.queryWatched(ctx, page, append(args[:len(args):len(args)], f.Limit, f.Offset)...)
	if err != nil {
		return res, err
	}
	err = eachRow(rows, func(r *sql.Rows) error {
		c, err := scanClaim(r)
		res.Hits = append(res.Hits, SearchHit{Claim: c, Text: []Fragment{{Text: c.Text}}})
		return err
	})
	return res, err
}

// walkSQL is a source's walk over its FTS5 matches, newest first, as a
// subquery giving "id". Its parameters: the match (?1), then (with a
// document filter, for claim text and titles) the document (?2), and the
// walk's LIMIT.
func walkSQL(src searchSource, doc bool) string {
	walk := `(SELECT rowid AS id FROM ` + src.table + ` WHERE ` + src.table + ` MATCH ?1`
	limit := "?2"
	if docWalk(src, doc) {
		limit = "?3"
		switch src.table {
		case "claims_fts":
			// One document's claims are a run of ids: walk only that run.
			walk += ` AND rowid BETWEEN (SELECT min(id) FROM claims WHERE document_id = ?2) AND (SELECT max(id) FROM claims WHERE document_id = ?2)`
		case "titles_fts":
			walk += ` AND rowid = ?2`
		}
	}
	return walk + ` ORDER BY rowid DESC LIMIT ` + limit + `)`
}

// docWalk: a document filter narrows the walk itself.
func docWalk(src searchSource, doc bool) bool {
	return doc && (src.table == "claims_fts" || src.table == "titles_fts")
}

// walkArgs are walkSQL's arguments.
func walkArgs(src searchSource, f SearchFilter, match string, walk int) []any {
	if docWalk(src, f.DocumentID > 0) {
		return []any{match, f.DocumentID, walk}
	}
	return []any{match, walk}
}

// sourceSQL is the query of one source: its walk joined to the claims the
// filters apply to, up to a LIMIT. Its parameters follow walkArgs: the
// blind user (for the sources that need it), the filters' arguments and
// the LIMIT. Without filters it gives a row for every match walked, with
// no claim (NULL) for one the searcher must not find, so that the rows
// tell whether the walk saw every match.
func sourceSQL(src searchSource, where []string, doc, blind bool) string {
	walk := walkSQL(src, doc)
	// The claims on which the searcher owes a blind second opinion. The
	// walk's parameters are numbered; the searcher's id follows them.
	pending := `SELECT claim_id FROM second_opinions WHERE second_user_id = ?3 AND second_at IS NULL`
	if docWalk(src, doc) {
		pending = strings.Replace(pending, "?3", "?4", 1)
	}
	claim := src.claim
	if len(where) == 0 {
		from := src.from
		if src.fromAll != "" {
			from = src.fromAll
		}
		if src.blind && blind {
			claim = `CASE WHEN ` + claim + ` NOT IN (` + pending + `) THEN ` + claim + ` END`
		}
		return `SELECT f.id, ` + claim + ` FROM ` + fmt.Sprintf(from, walk) + ` LIMIT ?`
	}
	q := `SELECT f.id, ` + claim + ` FROM ` + fmt.Sprintf(src.from, walk)
	if src.joinC != "" {
		q += src.joinC
	}
	var cond []string
	if src.blind && blind {
		cond = append(cond, claim+` NOT IN (`+pending+`)`)
	}
	cond = append(cond, where...)
	return q + ` WHERE ` + strings.Join(cond, " AND ") + ` LIMIT ?`
}

// sourceArgs are sourceSQL's arguments.
func sourceArgs(src searchSource, f SearchFilter, match string, walk int, filterArgs []any) []any {
	args := walkArgs(src, f, match, walk)
	if src.blind && f.BlindFor > 0 {
		args = append(args, f.BlindFor)
	}
	args = append(args, filterArgs...)
	return append(args, searchCap+1)
}

// searchMatches finds the claims that match, ranks them and returns a page.
// Each source gives at most searchCap matches, newest first, that pass the
// filters; when none had more, every match was read and they are ranked by
// weighted bm25 as ever. Otherwise bm25 is not computed: FTS5 computes it
// from how many rows of the whole table hold each word, a walk over every
// match of the word (2 ms for one in 25 claims, 20 ms for "said"), the
// very cost the cap is there to avoid. The candidates are then ranked by
// where they matched (claim text, note, comment, title), newest first.
func (s *Store) searchMatches(ctx context.Context, f SearchFilter, match, left string, where []string, args []any) (SearchResult, error) {
	var res SearchResult
	cands := make([]candidate, 0, 2*searchCap)
	res.none = map[string]bool{}
	for i, src := range searchSources {
		// Without filters every match walked gives a row (a title gives
		// its claims), so the walk needs go no further than the cap, and
		// the rows say whether it saw every match. Filters leave rows
		// out: then the walk goes further, up to a bound, and a second
		// query tells whether it stopped before the last match.
		filtered := len(where) > 0
		walk := searchWalk
		switch {
		case src.table == "titles_fts":
			walk = titleWalk
		case !filtered:
			walk = searchCap + 1
		}
		rows, err := s.queryWatched(ctx, sourceSQL(src, where, f.DocumentID > 0, f.BlindFor > 0),
			sourceArgs(src, f, match, walk, args)...)
		if err != nil {
			return res, searchError(err)
		}
		// walked counts the matches: rows of one match come together.
		n, walked, last := 0, 0, int64(-1)
		err = eachRow(rows, func(r *sql.Rows) error {
			c := candidate{src: i}
			var claim sql.NullInt64
			if err := r.Scan(&c.rowid, &claim); err != nil {
				return err
			}
			if c.rowid != last {
				walked, last = walked+1, c.rowid
			}
			if n++; n <= searchCap && claim.Valid {
				c.claim = claim.Int64
				cands = append(cands, c)
			}
			return nil
		})
		if err != nil {
			return res, searchError(err)
		}
		switch {
		case n > searchCap:
			res.Capped = true
		case !filtered:
			// Every match walked is in the rows: the walk stopped at its
			// LIMIT, or saw them all.
			if walked >= walk {
				res.Capped = true
			}
			if walked == 0 {
				res.none[src.table] = true
			}
		default:
			// Fewer than the cap passed: did the walk stop before the
			// last match?
			var seen int
			if err := s.queryRowWatched(ctx, `SELECT count(*) FROM `+walkSQL(src, f.DocumentID > 0),
				walkArgs(src, f, match, walk)...).Scan(&seen); err != nil {
				return res, searchError(err)
			}
			if seen >= walk {
				res.Capped = true
			}
			if seen == 0 {
				res.none[src.table] = true
			}
		}
	}
	// A claim found by a note, a comment or its title is left out too
	// when its own text, which the page shows, holds a left-out word.
	if left != "" {
		var err error
		if cands, err = s.dropLeftOut(ctx, left, cands); err != nil {
			return res, searchError(err)
		}
	}
	if !res.Capped {
		if err := s.rankBM25(ctx, match, cands); err != nil {
			return res, err
		}
	}
	// The best match of each claim; then the best claims first.
	best := make(map[int64]int, len(cands))
	uniq := make([]candidate, 0, len(cands))
	for _, c := range cands {
		if res.Capped {
			c.rank = -searchSources[c.src].weight // claim text, then notes and comments, then titles
		}
		if j, ok := best[c.claim]; !ok {
			best[c.claim] = len(uniq)
			uniq = append(uniq, c)
		} else if c.rank < uniq[j].rank {
			uniq[j] = c
		}
	}
	sort.SliceStable(uniq, func(i, j int) bool {
		if uniq[i].rank != uniq[j].rank {
			return uniq[i].rank < uniq[j].rank
		}
		if res.Capped {
			return false // newest match first, as the sources gave them
		}
		return uniq[i].claim < uniq[j].claim
	})
	res.Total = len(uniq)
	if f.Offset >= len(uniq) {
		return res, nil
	}
	page := uniq[f.Offset:min(len(uniq), f.Offset+f.Limit)]
	ids := make([]int64, len(page))
	at := map[int64]int{}
	for i, c := range page {
		ids[i] = c.claim
		at[c.claim] = i
	}
	in, args := inList(ids)
	rows, err := s.queryWatched(ctx, searchPageSQL(in), args...)
	if err != nil {
		return res, err
	}
	hits := make([]SearchHit, len(page))
	err = eachRow(rows, func(r *sql.Rows) error {
		c, err := scanClaim(r)
		hits[at[c.ID]] = SearchHit{Claim: c, Text: []Fragment{{Text: c.Text}}}
		return err
	})
	if err != nil {
		return res, err
	}
	for _, h := range hits {
		if h.Claim.ID != 0 { // a claim deleted since: skip it
			res.Hits = append(res.Hits, h)
		}
	}
	// The notes and comments that matched, for the page's claims.
	for _, c := range cands {
		if _, ok := at[c.claim]; ok && searchSources[c.src].blind {
			res.texts = append(res.texts, c)
		}
	}
	return res, nil
}

// dropLeftOut removes the candidates that other sources than the claim's
// text found for a claim whose text matches left.
func (s *Store) dropLeftOut(ctx context.Context, left string, cands []candidate) ([]candidate, error) {
	var ids []int64
	seen := map[int64]bool{}
	for _, c := range cands {
		if searchSources[c.src].table != "claims_fts" && !seen[c.claim] {
			seen[c.claim] = true
			ids = append(ids, c.claim)
		}
	}
	if len(ids) == 0 {
		return cands, nil
	}
	in, args := inList(ids)
	// The range, not the list, goes to FTS5, which would run the match
	// once for each id of an IN (as in bm25SQL).
	rows, err := s.queryWatched(ctx, `SELECT rowid FROM claims_fts WHERE claims_fts MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (`+in+`)`,
		append([]any{left, slices.Min(ids), slices.Max(ids)}, args...)...)
	if err != nil {
		return nil, err
	}
	out := map[int64]bool{}
	err = eachRow(rows, func(r *sql.Rows) error {
		var id int64
		err := r.Scan(&id)
		out[id] = true
		return err
	})
	if err != nil || len(out) == 0 {
		return cands, err
	}
	return slices.DeleteFunc(cands, func(c candidate) bool { return out[c.claim] }), nil
}

// rankBM25 gives every candidate its weighted bm25. The candidates are all
// the matches there are (none of the sources was capped), so each source
// computes bm25 over a range of rowids it walks once.
func (s *Store) rankBM25(ctx context.Context, match string, cands []candidate) error {
	for i, src := range searchSources {
		byRow := map[int64][]int{}
		var ids []int64
		lo, hi := int64(0), int64(0)
		for j, c := range cands {
			if c.src != i {
				continue
			}
			if _, ok := byRow[c.rowid]; !ok {
				ids = append(ids, c.rowid)
				if len(ids) == 1 || c.rowid < lo {
					lo = c.rowid
				}
				if len(ids) == 1 || c.rowid > hi {
					hi = c.rowid
				}
			}
			byRow[c.rowid] = append(byRow[c.rowid], j)
		}
		if len(ids) == 0 {
			continue
		}
		// "+rowid" keeps the id list away from FTS5, which would run the
		// match once per id; the range bounds the one walk.
		in, inArgs := inList(ids)
		rows, err := s.queryWatched(ctx, bm25SQL(src.table, in), append([]any{match, lo, hi}, inArgs...)...)
		if err != nil {
			return searchError(err)
		}
		err = eachRow(rows, func(r *sql.Rows) error {
			var id int64
			var rank float64
			if err := r.Scan(&id, &rank); err != nil {
				return err
			}
			for _, j := range byRow[id] {
				cands[j].rank = rank * src.weight
			}
			return nil
		})
		if err != nil {
			return searchError(err)
		}
	}
	return nil
}

// markHidden marks the hits on which user owes a second opinion.
func (s *Store) markHidden(ctx context.Context, user int64, hits []SearchHit) error {
	if user <= 0 {
		return nil
	}
	var ids []int64
	for _, h := range hits {
		ids = append(ids, h.Claim.ID)
	}
	in, args := inList(ids)
	rows, err := s.queryWatched(ctx, hiddenSQL(in), append([]any{user}, args...)...)
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
// latest matching note and comment (texts, as the search found them) and
// the document title, each with the matches marked. Every query reads the
// page's rows only: a rowid range bounds the FTS5 walk, and "+rowid"
// keeps the id list away from FTS5, which would run the match once per id.
// Nothing is marked from a table nothing matched in (none).
func (s *Store) markHits(ctx context.Context, match string, hits []SearchHit, texts []candidate, none map[string]bool) error {
	byClaim := make(map[int64]*SearchHit, len(hits))
	var claimIDs, docIDs []int64
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
	if none["claims_fts"] {
		claimIDs = nil
	}
	if none["titles_fts"] {
		docIDs = nil
	}
	err := s.highlight(ctx, "claims_fts", "highlight(claims_fts, 0, ?, ?)", "", match, claimIDs, false, func(r *sql.Rows) error {
		var id int64
		var text string
		if err := r.Scan(&id, &text); err != nil {
			return err
		}
		byClaim[id].Text = splitMarks(text)
		return nil
	})
	if err != nil {
		return err
	}

	// The latest note and comment per claim, none for a hidden claim: rows
	// come newest first, the first one wins.
	for _, src := range snippetSources {
		cols := "x.claim_id, u.username, x.created_at, snippet(" + src.table + ", 0, ?, ?, '…', 24)"
		var ids []int64
		for _, c := range texts {
			if searchSources[c.src].table == src.table && !byClaim[c.claim].Hidden {
				ids = append(ids, c.rowid)
			}
		}
		err := s.highlight(ctx, src.table, cols, src.join, match, ids, true, func(r *sql.Rows) error {
			var rowid, id int64
			var n NoteHit
			var at, snip string
			if err := r.Scan(&rowid, &id, &n.User, &at, &snip); err != nil {
				return err
			}
			if slot := src.slot(byClaim[id]); *slot == nil {
				n.At, n.Snippet = parseTime(at), splitMarks(snip)
				*slot = &n
			}
			return nil
		})
		if err != nil {
			return err
		}
	}

	titles := map[int64][]Fragment{}
	err = s.highlight(ctx, "titles_fts", "highlight(titles_fts, 0, ?, ?)", "", match, docIDs, false, func(r *sql.Rows) error {
		var id int64
		var t string
		if err := r.Scan(&id, &t); err != nil {
			return err
		}
		titles[id] = splitMarks(t)
		return nil
	})
	if err != nil {
		return err
	}
	for i := range hits {
		hits[i].Title = titles[hits[i].Claim.DocumentID]
	}
	return nil
}

// snippetSources are the texts a hit shows a snippet of, with who wrote it.
var snippetSources = []struct {
	table, join string
	slot        func(*SearchHit) **NoteHit
}{
	{"notes_fts", `JOIN status_history x ON x.id = notes_fts.rowid JOIN users u ON u.id = x.user_id`,
		func(h *SearchHit) **NoteHit { return &h.Note }},
	{"comments_fts", `JOIN comments x ON x.id = comments_fts.rowid JOIN users u ON u.id = x.user_id`,
		func(h *SearchHit) **NoteHit { return &h.Comment }},
}

// highlight runs, for the rows ids of an FTS5 table that match, a query of
// rowid and cols (which start with the two highlight markers), newest first.
func (s *Store) highlight(ctx context.Context, table, cols, join, match string, ids []int64, newestFirst bool, fn func(*sql.Rows) error) error {
	if len(ids) == 0 {
		return nil
	}
	lo, hi := ids[0], ids[0]
	for _, id := range ids {
		lo, hi = min(lo, id), max(hi, id)
	}
	in, inArgs := inList(ids)
	rows, err := s.queryWatched(ctx, highlightSQL(table, cols, join, in, newestFirst), append([]any{markOpen, markClose, match, lo, hi}, inArgs...)...)
	if err != nil {
		return searchError(err)
	}
	return searchError(eachRow(rows, fn))
}

// The queries of a page of results, for an IN list in.
// The title comes from an index: a document's row holds its body.
func searchPageSQL(in string) string {
	return `SELECT ` + claimCols + ` FROM claims c JOIN documents d INDEXED BY documents_title ON d.id = c.document_id
		WHERE c.id IN (` + in + `)`
}

func bm25SQL(table, in string) string {
	return `SELECT rowid, bm25(` + table + `) FROM ` + table + ` WHERE ` + table +
		` MATCH ? AND rowid BETWEEN ? AND ? AND +rowid IN (` + in + `)`
}

// highlightSQL reads matching rows in rowid order, or newest first: FTS5
// walks a doclist backwards only after finding its end, which costs more.
func highlightSQL(table, cols, join, in string, newestFirst bool) string {
	q := `SELECT ` + table + `.rowid, ` + cols + ` FROM ` + table + ` ` + join + `
		WHERE ` + table + ` MATCH ? AND ` + table + `.rowid BETWEEN ? AND ? AND +` + table + `.rowid IN (` + in + `)`
	if newestFirst {
		q += ` ORDER BY ` + table + `.rowid DESC`
	}
	return q
}

func hiddenSQL(in string) string {
	return `SELECT claim_id FROM second_opinions WHERE second_user_id = ? AND second_at IS NULL AND claim_id IN (` + in + `)`
}

// inList is placeholders and arguments for an IN list of ids, padded by
// repeating the last id to a power of two, so that few statement texts
// exist and each is prepared once (see readStmt).
func inList(ids []int64) (string, []any) {
	n := 8
	for n < len(ids) {
		n *= 2
	}
	args := make([]any, n)
	for i := range args {
		args[i] = ids[min(i, len(ids)-1)]
	}
	return placeholders(n), args
}

const documentOptionsSQL = `SELECT id, title FROM documents INDEXED BY documents_title ORDER BY id DESC LIMIT ?`

// LatestDocumentID is the id of the newest document, 0 for none: documents
// are never edited or deleted, so a list of the newest ones stays right
// until it changes.
func (s *Store) LatestDocumentID(ctx context.Context) (int64, error) {
	var id int64
	err := s.queryRow(ctx, `SELECT coalesce(max(id), 0) FROM documents`).Scan(&id)
	return id, err
}

// DocumentOptions is the newest documents' ids and titles, for filter
// menus: the document list's query also reads each document's progress and
// its columns stored after the body, a quarter of a search page's time.
func (s *Store) DocumentOptions(ctx context.Context, limit int) ([]Document, error) {
	rows, err := s.query(ctx, documentOptionsSQL, limit)
	if err != nil {
		return nil, err
	}
	var out []Document
	err = eachRow(rows, func(r *sql.Rows) error {
		var d Document
		err := r.Scan(&d.ID, &d.Title)
		out = append(out, d)
		return err
	})
	return out, err
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

const kindsSQL = `SELECT kind FROM claim_counts WHERE kind > '' GROUP BY kind HAVING sum(n) > 0 ORDER BY kind`

// searchIndexes are the full-text indexes, for OptimizeSearch.
var searchIndexes = []string{"claims_fts", "notes_fts", "comments_fts", "titles_fts"}

// OptimizeSearch merges each full-text index into one segment. Run it after
// a bulk load: many small transactions leave an index in many segments,
// each of which every search walks (on the 1M-claim desk, merging took
// seconds and halved a search's CPU).
func (s *Store) OptimizeSearch(ctx context.Context) error {
	return s.txAlone(ctx, func(ctx context.Context, tx *sql.Tx) error {
		for _, t := range searchIndexes {
			if _, err := tx.ExecContext(ctx, `INSERT INTO `+t+` (`+t+`) VALUES ('optimize')`); err != nil {
				return err
			}
		}
		return nil
	})
}

// Kinds lists the kinds claims have, for filter menus: those of the claims
// not dismissed, from the counts (claim_counts). SELECT DISTINCT
// read and sorted a million rows on every search page.
func (s *Store) Kinds(ctx context.Context) ([]string, error) {
	rows, err := s.query(ctx, kindsSQL)
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
