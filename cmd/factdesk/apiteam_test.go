package main

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"factdesk/db"
	"factdesk/handlers"
)

// expect makes one API request and insists on the status; out, when not
// nil (a pointer), receives the JSON answer, or the body as it is when it
// is a *[]byte.
func (s *apiServer) expect(code int, token, method, path string, body, out any) {
	s.t.Helper()
	var raw []byte
	got, _ := s.call(token, method, path, body, &raw)
	if got != code {
		s.t.Fatalf("%s %s: %d %s, want %d", method, path, got, raw, code)
	}
	if p, ok := out.(*[]byte); ok {
		*p = raw
		return
	}
	if out != nil {
		// Fields the answer leaves out must not keep an earlier answer's values.
		reflect.ValueOf(out).Elem().SetZero()
		if err := json.Unmarshal(raw, out); err != nil {
			s.t.Fatalf("%s %s: not the JSON expected: %v\n%s", method, path, err, raw)
		}
	}
}

// refused checks an error answer: the status and the stable code.
func (s *apiServer) refused(code int, errCode, token, method, path string, body any) handlers.APIError {
	s.t.Helper()
	var e handlers.APIError
	s.expect(code, token, method, path, body, &e)
	if e.Code != errCode || e.Message == "" {
		s.t.Fatalf("%s %s: %+v, want code %q", method, path, e, errCode)
	}
	return e
}

// Every team operation of the web app, through the API, with tokens made by
// `factdesk token create`: comments, evidence, dismiss and restore,
// assignment, second opinions, bulk actions, the inbox, the activity feed,
// agreement and user administration. The same role rules apply, and a
// reviewer who owes a second opinion sees no verdict anywhere.
func TestTeamAPIWithTokensFromTheCommandLine(t *testing.T) {
	c := newCLI(t)
	users := map[string]string{"ada": "admin", "ed": "editor", "rita": "reviewer", "rob": "reviewer", "vic": "viewer"}
	for user, role := range users {
		if _, _, err := c.run("a long enough password\n", "user", "add", "--role", role, user); err != nil {
			t.Fatal(err)
		}
	}
	tok := map[string]string{}
	for user := range users {
		tok[user] = c.mustToken(user, "team")
	}
	ada, ed, rita, rob, vic := tok["ada"], tok["ed"], tok["rita"], tok["rob"], tok["vic"]
	s := c.serve()
	var created struct {
		Document handlers.APIDocument `json:"document"`
	}
	s.expect(201, rita, "POST", "/api/v1/documents", map[string]any{"title": "Budget", "text": cliArticle}, &created)
	docID := created.Document.ID
	var doc handlers.APIDocumentDetail
	s.expect(200, vic, "GET", fmt.Sprintf("/api/v1/documents/%d", docID), nil, &doc)
	if len(doc.Claims) < 3 {
		t.Fatalf("%d claims extracted, the test needs 3", len(doc.Claims))
	}
	claim := func(i int) string { return fmt.Sprintf("/api/v1/claims/%d", doc.Claims[i].ID) }
	detail := func(token string, i int) handlers.APIClaimDetail {
		t.Helper()
		var d handlers.APIClaimDetail
		s.expect(200, token, "GET", claim(i), nil, &d)
		return d
	}

	// Comments: @mentions of users, not of strangers; viewers read only.
	var cm handlers.APIComment
	s.expect(201, rita, "POST", claim(0)+"/comments", map[string]string{"body": "@rob is 200 right? cc @nobody"}, &cm)
	if cm.User != "rita" || fmt.Sprint(cm.Mentions) != "[rob]" || cm.ID == 0 {
		t.Fatalf("comment: %+v", cm)
	}
	s.refused(403, "forbidden", vic, "POST", claim(0)+"/comments", map[string]string{"body": "hi"})
	s.refused(422, "invalid", rita, "POST", claim(0)+"/comments", map[string]string{"body": "  "})
	s.refused(400, "bad_request", rita, "POST", claim(0)+"/comments", map[string]string{"text": "hi"})
	s.refused(404, "not_found", rita, "POST", "/api/v1/claims/999999/comments", map[string]string{"body": "hi"})
	var comments handlers.APIList[handlers.APIComment]
	s.expect(200, vic, "GET", claim(0)+"/comments", nil, &comments)
	if len(comments.Items) != 1 || comments.Items[0].Body != cm.Body || comments.Blind {
		t.Fatalf("comments: %+v", comments)
	}
	s.refused(404, "not_found", vic, "GET", "/api/v1/claims/999999/comments", nil)

	// Evidence, on the claim and with a status change.
	var ev handlers.APIEvidence
	s.expect(201, rita, "POST", claim(0)+"/evidence", map[string]string{"url": "https://example.org/budget.pdf",
		"title": "Budget 2024", "excerpt": "“Teachers: 150 posts”"}, &ev)
	if ev.ID == 0 || ev.User != "rita" || ev.Excerpt != "“Teachers: 150 posts”" || ev.CreatedAt.IsZero() {
		t.Fatalf("evidence: %+v", ev)
	}
	s.refused(422, "invalid", rita, "POST", claim(0)+"/evidence", map[string]string{"url": "javascript:alert(1)", "title": "x"})
	s.refused(403, "forbidden", vic, "POST", claim(0)+"/evidence", map[string]string{"url": "https://example.org", "title": "x"})
	var d handlers.APIClaimDetail
	s.expect(200, rita, "POST", claim(0)+"/status", map[string]any{"status": "disputed", "version": 1, "note": "150, not 200",
		"evidence": []map[string]string{{"url": "https://example.org/minutes", "title": "Council minutes"}}}, &d)
	if d.Status != "disputed" || len(d.History) != 1 || len(d.History[0].Evidence) != 1 || d.History[0].Action != "status" ||
		d.History[0].Evidence[0].Title != "Council minutes" {
		t.Fatalf("status change with evidence: %+v", d)
	}
	var evs handlers.APIList[handlers.APIEvidence]
	s.expect(200, vic, "GET", claim(0)+"/evidence", nil, &evs)
	if len(evs.Items) != 2 || evs.Items[0].HistoryID != 0 || evs.Items[1].HistoryID != d.History[0].ID {
		t.Fatalf("evidence list: %+v", evs)
	}

	// Dismiss (reviewer) and restore (editor), each checked against the version seen.
	s.refused(422, "invalid", rita, "POST", claim(1)+"/dismiss", map[string]any{"reason": "a headline"})
	s.expect(200, rita, "POST", claim(1)+"/dismiss", map[string]any{"version": 1, "reason": "a headline, not a claim"}, &d)
	if !d.Dismissed || d.DismissReason != "a headline, not a claim" || d.Version != 2 || d.History[0].Action != "dismiss" {
		t.Fatalf("dismissed: %+v", d)
	}
	e := s.refused(409, "stale", ed, "POST", claim(1)+"/restore", map[string]any{"version": 1})
	if e.Current == nil || !e.Current.Dismissed || e.Current.Version != 2 {
		t.Fatalf("stale restore: %+v", e)
	}
	s.refused(403, "forbidden", rita, "POST", claim(1)+"/restore", map[string]any{"version": 2})
	s.expect(200, ed, "POST", claim(1)+"/restore", map[string]any{"version": 2, "reason": "it is a claim"}, &d)
	if d.Dismissed || d.History[0].Action != "restore" || d.History[0].User != "ed" {
		t.Fatalf("restored: %+v", d)
	}

	// Assignment (editor), by user name; the reviewers list says who can be assigned.
	var reviewers handlers.APIList[handlers.APIUser]
	s.expect(200, vic, "GET", "/api/v1/reviewers", nil, &reviewers)
	var names []string
	for _, u := range reviewers.Items {
		names = append(names, u.Username)
	}
	if fmt.Sprint(names) != "[ada ed rita rob]" {
		t.Fatalf("reviewers: %v", names)
	}
	s.expect(200, ed, "POST", claim(2)+"/assign", map[string]any{"assignee": "rob"}, &d)
	if d.Assignee != "rob" {
		t.Fatalf("assigned: %+v", d)
	}
	// A viewer; the message names vic as written, not "Vic".
	if e := s.refused(422, "invalid", ed, "POST", claim(2)+"/assign", map[string]any{"assignee": "vic"}); !strings.HasPrefix(e.Message, "User vic is a viewer") {
		t.Errorf("assign to a viewer: %q", e.Message)
	}
	s.refused(422, "invalid", ed, "POST", claim(2)+"/assign", map[string]any{"assignee": "nobody"})
	s.refused(403, "forbidden", rita, "POST", claim(2)+"/assign", map[string]any{"assignee": "rita"})
	s.expect(200, ed, "POST", claim(2)+"/assign", map[string]any{"assignee": nil}, &d)
	if d.Assignee != "" {
		t.Fatalf("unassigned: %+v", d)
	}
	var da struct {
		Assignee string  `json:"assignee"`
		Changed  []int64 `json:"changed"`
	}
	s.expect(200, ed, "POST", fmt.Sprintf("/api/v1/documents/%d/assign", docID), map[string]any{"assignee": "rita"}, &da)
	if da.Assignee != "rita" || len(da.Changed) != len(doc.Claims) {
		t.Fatalf("document assigned: %+v", da)
	}
	s.refused(404, "not_found", ed, "POST", "/api/v1/documents/999999/assign", map[string]any{"assignee": "rita"})
	var mine handlers.APIPage[handlers.APIClaim]
	s.expect(200, vic, "GET", fmt.Sprintf("/api/v1/claims?document=%d", docID), nil, &mine)
	for _, cl := range mine.Items {
		if cl.Assignee != "rita" {
			t.Errorf("claim %d assigned to %q", cl.ID, cl.Assignee)
		}
	}

	// Second opinion (editor asks; rob answers blind).
	s.refused(403, "forbidden", rita, "POST", claim(0)+"/second-opinion", map[string]string{"reviewer": "rob"})
	s.refused(422, "invalid", ed, "POST", claim(0)+"/second-opinion", map[string]string{"reviewer": "rita"}) // gave the verdict
	s.refused(422, "invalid", ed, "POST", claim(0)+"/second-opinion", map[string]string{})
	s.expect(200, ed, "POST", claim(0)+"/second-opinion", map[string]string{"reviewer": "rob"}, &d)
	if len(d.Opinions) != 1 || d.Opinions[0].State != "pending" || d.Opinions[0].FirstStatus != "disputed" || d.Opinions[0].Reviewer != "rob" {
		t.Fatalf("asked: %+v", d.Opinions)
	}
	s.expect(200, ed, "DELETE", claim(0)+"/second-opinion", nil, &d)
	if d.Opinions[0].State != "withdrawn" || d.Opinions[0].WithdrawnBy != "ed" {
		t.Fatalf("withdrawn: %+v", d.Opinions)
	}
	s.refused(422, "invalid", ed, "DELETE", claim(0)+"/second-opinion", nil) // nothing pending
	s.expect(200, ed, "POST", claim(0)+"/second-opinion", map[string]string{"reviewer": "rob"}, nil)

	// While it is pending, rob sees no verdict: not on the claim, its
	// comments, evidence or history, not in the feed, lists or exports, and
	// not in the answer to a stale change.
	blind := detail(rob, 0)
	if !blind.Blind || blind.Status != "" || len(blind.History) != 0 || len(blind.Opinions) != 1 ||
		blind.Opinions[0].FirstStatus != "" || blind.Opinions[0].FirstUser != "" || blind.Publication.Published {
		t.Fatalf("rob sees %+v", blind)
	}
	var robDoc handlers.APIDocumentDetail
	s.expect(200, rob, "GET", fmt.Sprintf("/api/v1/documents/%d", docID), nil, &robDoc)
	if robDoc.Claims[0].ID != doc.Claims[0].ID || !robDoc.Claims[0].Blind || robDoc.Claims[0].Status != "" {
		t.Fatalf("rob's document shows %+v", robDoc.Claims[0])
	}
	s.expect(200, rob, "GET", claim(0)+"/comments", nil, &comments)
	s.expect(200, rob, "GET", claim(0)+"/evidence", nil, &evs)
	if !comments.Blind || len(comments.Items) != 0 || !evs.Blind || len(evs.Items) != 0 {
		t.Fatalf("rob sees comments %+v, evidence %+v", comments, evs)
	}
	// Nor may he dismiss it (which would take it out of the queue and the
	// exports), whatever version he sends: the refusal says nothing of it.
	for _, v := range []int{1, 99} {
		e = s.refused(422, "invalid", rob, "POST", claim(0)+"/dismiss", map[string]any{"version": v, "reason": "x"})
		if e.Current != nil || !strings.Contains(e.Message, "give it before dismissing it") || strings.Contains(e.Message, "disputed") {
			t.Fatalf("refused dismissal for rob: %+v", e)
		}
	}
	var robFeed handlers.APIPage[handlers.APIActivity]
	s.expect(200, rob, "GET", "/api/v1/activity?limit=200", nil, &robFeed)
	for _, a := range robFeed.Items {
		if a.ClaimID == doc.Claims[0].ID && a.Action != "opinion_request" && a.Action != "opinion_withdraw" && a.Action != "assign" {
			t.Errorf("rob's feed shows %s on the blind claim", a.Action)
		}
	}
	var exported []byte
	s.expect(200, rob, "GET", "/api/v1/export?format=jsonl&status=unverified,confirmed,disputed", nil, &exported)
	if strings.Contains(string(exported), doc.Claims[0].Text) || !strings.Contains(string(exported), doc.Claims[1].Text) {
		t.Fatalf("rob's export: %s", exported)
	}
	s.refused(422, "invalid", rita, "POST", claim(0)+"/opinion", map[string]string{"status": "confirmed"}) // not asked
	s.refused(422, "invalid", rob, "POST", claim(0)+"/opinion", map[string]string{"status": "maybe"})
	s.refused(403, "forbidden", vic, "POST", claim(0)+"/opinion", map[string]string{"status": "confirmed"})
	s.expect(200, rob, "POST", claim(0)+"/opinion", map[string]string{"status": "confirmed", "note": "the 2024 budget says 200"}, &d)
	last := d.Opinions[len(d.Opinions)-1]
	if d.Blind || d.Status != "disputed" || len(d.Opinions) != 2 || last.State != "answered" || last.FirstStatus != "disputed" ||
		last.FirstUser != "rita" || last.Status != "confirmed" || last.ClosedAt == nil {
		t.Fatalf("after the second opinion: %+v", d)
	}
	var agreement struct {
		Overall handlers.APIAgreementRow   `json:"overall"`
		Pairs   []handlers.APIAgreementRow `json:"pairs"`
	}
	s.expect(200, vic, "GET", "/api/v1/agreement", nil, &agreement)
	if agreement.Overall.N != 1 || agreement.Overall.Agreed != 0 || len(agreement.Pairs) != 1 ||
		agreement.Pairs[0].A != "rita" || agreement.Pairs[0].B != "rob" {
		t.Fatalf("agreement: %+v", agreement)
	}

	// Bulk (editor): each claim reported, stale ones left alone.
	cur := detail(ed, 1)
	var br handlers.APIBulkResult
	s.expect(200, ed, "POST", "/api/v1/claims/bulk", map[string]any{"action": "status", "status": "confirmed", "note": "checked",
		"claims": []map[string]int64{{"id": cur.ID, "version": cur.Version}, {"id": doc.Claims[2].ID, "version": 99},
			{"id": 999999, "version": 1}, {"id": cur.ID, "version": cur.Version}}}, &br)
	if br.Done != 1 || br.Stale != 1 || br.Skipped != 1 || len(br.Items) != 3 || br.Items[0].Outcome != "done" ||
		br.Items[0].Claim.Status != "confirmed" || br.Items[1].Outcome != "stale" || br.Items[1].Claim.Version != 1 ||
		br.Items[2].Outcome != "skipped" || br.Items[2].Reason == "" {
		t.Fatalf("bulk status: %+v", br)
	}
	s.expect(200, ed, "POST", "/api/v1/claims/bulk", map[string]any{"action": "assign", "assignee": "rob",
		"claims": []map[string]int64{{"id": doc.Claims[1].ID}, {"id": doc.Claims[2].ID}}}, &br)
	if br.Done != 2 || br.Items[0].Claim.Assignee != "rob" {
		t.Fatalf("bulk assign: %+v", br)
	}
	s.expect(200, ed, "POST", "/api/v1/claims/bulk", map[string]any{"action": "dismiss", "note": "boilerplate",
		"claims": []map[string]int64{{"id": doc.Claims[2].ID, "version": 1}}}, &br)
	if br.Done != 1 || !br.Items[0].Claim.Dismissed {
		t.Fatalf("bulk dismiss: %+v", br)
	}
	s.expect(200, vic, "GET", fmt.Sprintf("/api/v1/documents/%d", docID), nil, &doc)
	if n := doc.Counts.Unverified + doc.Counts.Confirmed + doc.Counts.Disputed; n != len(doc.Claims)-1 || doc.Counts.Disputed != 1 {
		t.Fatalf("counts with a dismissed sentence: %+v of %d claims", doc.Counts, len(doc.Claims))
	}
	s.refused(422, "invalid", ed, "POST", "/api/v1/claims/bulk", map[string]any{"action": "status", "status": "confirmed",
		"claims": []map[string]int64{{"id": doc.Claims[1].ID}}}) // no version
	s.refused(422, "invalid", ed, "POST", "/api/v1/claims/bulk", map[string]any{"action": "publish", "claims": []map[string]int64{{"id": 1, "version": 1}}})
	s.refused(403, "forbidden", rita, "POST", "/api/v1/claims/bulk", map[string]any{"action": "dismiss", "note": "x",
		"claims": []map[string]int64{{"id": doc.Claims[1].ID, "version": 1}}})

	// Inbox: rob's mention (its comment shown now he has answered) and the
	// two requests, read since he answered; marking read up to an entry
	// leaves newer ones unread.
	var inbox handlers.APIInboxPage
	s.expect(200, rob, "GET", "/api/v1/inbox?limit=2", nil, &inbox)
	if inbox.Unread != 1 || len(inbox.Items) != 2 || inbox.NextCursor == "" || inbox.Items[0].Kind != "opinion" ||
		!inbox.Items[0].Read || !inbox.Items[1].Read {
		t.Fatalf("inbox: %+v", inbox)
	}
	var older handlers.APIInboxPage
	s.expect(200, rob, "GET", "/api/v1/inbox?limit=2&cursor="+inbox.NextCursor, nil, &older)
	if len(older.Items) != 1 || older.Items[0].Kind != "mention" || older.Items[0].Comment != cm.Body || older.Items[0].Actor != "rita" {
		t.Fatalf("older inbox: %+v", older)
	}
	var marked map[string]int64
	s.expect(201, ed, "POST", claim(1)+"/comments", map[string]string{"body": "@rob one more"}, nil)
	s.expect(200, rob, "POST", "/api/v1/inbox/read", map[string]int64{"up_to": inbox.Items[1].ID}, &marked)
	if marked["marked"] != 1 || marked["unread"] != 1 {
		t.Fatalf("marked: %v", marked)
	}
	s.expect(200, rob, "POST", "/api/v1/inbox/read", nil, &marked)
	if marked["marked"] != 1 || marked["unread"] != 0 {
		t.Fatalf("marked all: %v", marked)
	}

	// The activity feed, a page at a time, globally and for the document.
	var all []handlers.APIActivity
	cursor := ""
	for range 50 {
		var page handlers.APIPage[handlers.APIActivity]
		s.expect(200, vic, "GET", "/api/v1/activity?limit=4&cursor="+cursor, nil, &page)
		all = append(all, page.Items...)
		if cursor = page.NextCursor; cursor == "" {
			break
		}
	}
	var actions []string
	for i, a := range all {
		if i > 0 && a.ID >= all[i-1].ID {
			t.Fatalf("feed out of order at %d: %+v", i, all)
		}
		if !slices.Contains(actions, a.Action) {
			actions = append(actions, a.Action)
		}
	}
	slices.Sort(actions)
	if want := "[assign comment dismiss evidence opinion opinion_request opinion_withdraw restore status]"; fmt.Sprint(actions) != want {
		t.Fatalf("feed actions %v, want %s", actions, want)
	}
	var docFeed handlers.APIPage[handlers.APIActivity]
	s.expect(200, vic, "GET", fmt.Sprintf("/api/v1/documents/%d/activity?limit=200", docID), nil, &docFeed)
	if len(docFeed.Items) != len(all) || docFeed.Items[0].DocumentTitle != "Budget" {
		t.Fatalf("document feed: %d entries of %d", len(docFeed.Items), len(all))
	}
	s.refused(404, "not_found", vic, "GET", "/api/v1/documents/999999/activity", nil)
	s.refused(422, "invalid", vic, "GET", "/api/v1/activity?cursor=nope", nil)

	// Users (admin): add, role, password, disable and enable.
	s.refused(403, "forbidden", ed, "GET", "/api/v1/users", nil)
	var list handlers.APIList[handlers.APIUser]
	s.expect(200, ada, "GET", "/api/v1/users", nil, &list)
	if len(list.Items) != len(users) || strings.Contains(fmt.Sprint(list), "argon2") {
		t.Fatalf("users: %+v", list)
	}
	s.refused(422, "invalid", ada, "POST", "/api/v1/users", map[string]string{"username": "nina", "password": "short"})
	s.refused(422, "invalid", ada, "POST", "/api/v1/users", map[string]string{"username": "ni na", "password": "a long enough password"})
	s.refused(422, "invalid", ada, "POST", "/api/v1/users", map[string]string{"username": "nina", "role": "boss", "password": "a long enough password"})
	s.refused(409, "duplicate", ada, "POST", "/api/v1/users", map[string]string{"username": "RITA", "password": "a long enough password"})
	var nina handlers.APIUser
	s.expect(201, ada, "POST", "/api/v1/users", map[string]string{"username": "nina", "password": "a long enough password"}, &nina)
	if nina.Role != "reviewer" || nina.Disabled || nina.ID == 0 {
		t.Fatalf("added: %+v", nina)
	}
	user := func(id int64) string { return fmt.Sprintf("/api/v1/users/%d", id) }
	s.expect(200, ada, "POST", user(nina.ID)+"/role", map[string]string{"role": "editor"}, &nina)
	if nina.Role != "editor" {
		t.Fatalf("role: %+v", nina)
	}
	s.refused(422, "invalid", ada, "POST", user(nina.ID)+"/password", map[string]string{"password": "short"})
	s.expect(200, ada, "POST", user(nina.ID)+"/password", map[string]string{"password": "another long password"}, nil)
	ninaTok := c.mustToken("nina", "scripts")
	s.expect(200, ninaTok, "GET", "/api/v1/me", nil, nil)
	s.expect(200, ada, "POST", user(nina.ID)+"/disable", nil, &nina)
	if !nina.Disabled {
		t.Fatalf("disabled: %+v", nina)
	}
	s.refused(401, "unauthorized", ninaTok, "GET", "/api/v1/me", nil)
	s.expect(200, ada, "POST", user(nina.ID)+"/enable", nil, &nina)
	// Disabling revoked the token: enabling the user does not bring it back.
	s.refused(401, "unauthorized", ninaTok, "GET", "/api/v1/me", nil)
	ninaTok = c.mustToken("nina", "scripts again")
	s.expect(200, ninaTok, "GET", "/api/v1/me", nil, nil)
	var me handlers.APIUser
	for _, u := range list.Items {
		if u.Username == "ada" {
			me = u
		}
	}
	s.refused(422, "invalid", ada, "POST", user(me.ID)+"/disable", nil)                              // not yourself
	s.refused(422, "invalid", ada, "POST", user(me.ID)+"/role", map[string]string{"role": "viewer"}) // the last admin
	s.refused(404, "not_found", ada, "POST", user(999999)+"/enable", nil)
	s.refused(403, "forbidden", ed, "POST", user(nina.ID)+"/disable", nil)

	// Each change through the API is in the audit log, as from the users page.
	store, err := db.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	audit, err := store.AuditLog(context.Background(), db.AuditFilter{Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	var byAda []string
	for i := len(audit) - 1; i >= 0; i-- {
		if a := audit[i]; a.Actor == "ada" && a.Target == "nina" {
			byAda = append(byAda, a.Event)
		}
	}
	if want := "[user_created role_changed password_reset user_disabled user_enabled]"; fmt.Sprint(byAda) != want {
		t.Fatalf("audit of ada's changes to nina: %v, want %s", byAda, want)
	}
}
