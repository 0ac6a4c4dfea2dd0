package handlers

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"factdesk/db"
	"factdesk/extract"
	"factdesk/views"
)

const (
	searchPageSize = 50
	// searchDocuments is how many documents the document filter lists
	// (newest first); a bookmarked older one is added to the menu.
	searchDocuments = 200
)

func fragments(fs []db.Fragment) []views.Fragment {
	out := make([]views.Fragment, len(fs))
	for i, f := range fs {
		out[i] = views.Fragment{Text: f.Text, Mark: f.Mark}
	}
	return out
}

// Search finds claims by their text, review notes, comments and document
// title, with filters for status, kind, document, assignee and the date of
// the last change. Every choice is in the URL, so a search can be
// bookmarked and shared. A claim on which the user owes a blind second
// opinion shows no verdict, notes or comments (db.SearchFilter.BlindFor).
func (h *Handler) Search(c echo.Context) error {
	ctx := c.Request().Context()
	q := c.QueryParams()
	p := views.SearchPage{
		Base:  h.Base(c, "Search", "search"),
		Query: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Kind: q.Get("kind"),
		DocumentID: q.Get("document"), From: q.Get("from"), To: q.Get("to"),
	}
	if p.Query != "" {
		p.Title = shown(p.Query) + " · Search"
	}
	f := db.SearchFilter{Query: p.Query, Status: p.Status, Kind: p.Kind, From: p.From, To: p.To, Limit: searchPageSize,
		BlindFor: CurrentUser(c).ID}
	p.Searched = p.Query != "" || p.Status != "" || p.Kind != "" || p.DocumentID != "" || p.From != "" || p.To != "" ||
		q.Get("assignee") != ""

	kinds, err := h.Store.Kinds(ctx)
	if err != nil {
		return err
	}
	for _, k := range kinds {
		// Kinds other tools stored before kinds were checked are no filter.
		if extract.ValidKind(k) {
			p.Kinds = append(p.Kinds, k)
		}
	}
	docs, err := h.documentMenu(ctx)
	if err != nil {
		return err
	}
	listed := false
	for _, d := range docs {
		listed = listed || strconv.FormatInt(d.ID, 10) == p.DocumentID
	}
	p.Documents = docs

	// The assignee filter reads as the queue's: "me", "none" or a name.
	var inputErr error
	var af db.QueueFilter
	p.Assignee, inputErr = h.assigneeFilter(c, &af)
	if err := oneValues(q, "q", "status", "kind", "document", "from", "to", "page"); err != nil && inputErr == nil {
		inputErr = err // each is one choice of the form
	}
	f.AssigneeID, f.Unassigned = af.AssigneeID, af.Unassigned
	users, err := h.Store.AssignableNames(ctx)
	if err != nil {
		return err
	}
	for _, u := range users {
		p.Assignees = append(p.Assignees, u.Username)
	}
	if p.DocumentID != "" {
		id, err := strconv.ParseInt(p.DocumentID, 10, 64)
		f.DocumentID = id
		switch {
		case err != nil || id <= 0:
			inputErr = fmt.Errorf("%w: the document filter must be a document number", db.ErrInvalid)
		case !listed:
			title, err := h.Store.DocumentTitle(ctx, id)
			if errors.Is(err, db.ErrNotFound) {
				inputErr = fmt.Errorf("%w: there is no document %d", db.ErrInvalid, id)
			} else if err != nil {
				return err
			}
			// A copy: the menu is shared.
			p.Documents = append(p.Documents[:len(p.Documents):len(p.Documents)], views.Option{ID: id, Name: title})
		}
	}
	page := 1
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			inputErr = fmt.Errorf("%w: the page must be a number from 1", db.ErrInvalid)
		case n-1 > db.MaxSearchOffset/searchPageSize: // (n-1)*size would overflow for a huge n
			inputErr = fmt.Errorf("%w: results stop after %d; narrow the search with a filter", db.ErrInvalid, db.MaxSearchOffset)
		default:
			page = n
		}
	}
	f.Offset = (page - 1) * searchPageSize

	if inputErr == nil && p.Searched {
		res, err := h.Store.Search(ctx, f)
		if err != nil {
			inputErr = err
		}
		p.Total, p.First, p.Capped = res.Total, f.Offset+1, res.Capped
		for _, hit := range res.Hits {
			r := views.SearchResult{Claim: claimRow(hit.Claim), Text: fragments(hit.Text), Title: fragments(hit.Title)}
			r.Claim.Hidden = hit.Hidden
			if hit.Note != nil {
				r.Note = &views.SearchNote{User: hit.Note.User, At: hit.Note.At, Snippet: fragments(hit.Note.Snippet)}
			}
			if hit.Comment != nil {
				r.Comment = &views.SearchNote{User: hit.Comment.User, At: hit.Comment.At, Snippet: fragments(hit.Comment.Snippet)}
			}
			p.Results = append(p.Results, r)
		}
		if page > 1 {
			p.PrevURL = searchURL(q, page-1)
		}
		if f.Offset+len(res.Hits) < res.Total && page*searchPageSize <= db.MaxSearchOffset {
			p.NextURL = searchURL(q, page+1)
		}
	}
	// The form keeps what was typed, as it may be shown.
	p.Query, p.Status, p.Kind, p.DocumentID, p.From, p.To = shown(p.Query), shown(p.Status), shown(p.Kind),
		shown(p.DocumentID), shown(p.From), shown(p.To)
	if errors.Is(inputErr, db.ErrInvalid) {
		// The form keeps what was typed, with the reason beside it.
		p.Error, p.Results, p.Total = UserMessage(inputErr), nil, 0
		return Render(c, http.StatusBadRequest, views.SearchView(p))
	}
	if inputErr != nil {
		return inputErr
	}
	return Render(c, http.StatusOK, views.SearchView(p))
}

// searchMenu keeps the document menu of the search page: reading 200
// titles on every search was a tenth of its time. It holds one store's
// menu (a server has one store) until a newer document arrives.
var searchMenu struct {
	sync.Mutex
	store  *db.Store
	latest int64
	docs   []views.Option
}

// documentMenu is the newest documents for the search page's filter. The
// caller must not change the slice: it is shared.
func (h *Handler) documentMenu(ctx context.Context) ([]views.Option, error) {
	latest, err := h.Store.LatestDocumentID(ctx)
	if err != nil {
		return nil, err
	}
	m := &searchMenu
	m.Lock()
	if m.store == h.Store && m.latest == latest {
		docs := m.docs
		m.Unlock()
		return docs, nil
	}
	m.Unlock()
	list, err := h.Store.DocumentOptions(ctx, searchDocuments)
	if err != nil {
		return nil, err
	}
	docs := make([]views.Option, 0, len(list))
	for _, d := range list {
		docs = append(docs, views.Option{ID: d.ID, Name: d.Title})
	}
	m.Lock()
	m.store, m.latest, m.docs = h.Store, latest, docs
	m.Unlock()
	return docs, nil
}

// searchURL is the current search at another page of results.
func searchURL(q url.Values, page int) string {
	v := url.Values{}
	for _, k := range []string{"q", "status", "kind", "document", "assignee", "from", "to"} {
		if s := q.Get(k); s != "" {
			v.Set(k, s)
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/search?" + v.Encode()
}
