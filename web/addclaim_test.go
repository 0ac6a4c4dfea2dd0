package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"factdesk/db"
)

// A reviewer adds, on the document page, a claim the extractor missed: by
// its words when they occur once, by the place selected when they repeat.
// Words that are not in the text, or that repeat with no place given, are
// refused with a message beside the form, what was typed kept, and nothing
// stored.
func TestAddClaimFromTheDocumentPage(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	rita := a.client()
	rita.login("rita")
	const body = "Residents filled the hall on a cold evening.\n\n" +
		"The council said the flood barrier cost $4.2 million, about “dozens” of homes were protected.\n\n" +
		"It rained all night. Some said it rained all night."
	rita.importText("Barrier", body)
	docs, err := a.store.ListDocuments(ctx, 0, 10)
	browserMust(t, "list documents", err)
	docID := docs[0].ID
	docPath := "/documents/" + itoa(docID)
	count := func() int {
		t.Helper()
		cs, err := a.store.DocumentClaims(ctx, docID)
		browserMust(t, "claims", err)
		return len(cs)
	}
	before := count()
	page := rita.get(docPath)
	if page.doc.Find(`#add-claim form[action="`+docPath+`/claims"] textarea[name=text]`).Length() != 1 {
		t.Fatal("no form to add a claim on the document page")
	}
	vic := a.client()
	vic.login("vic")
	if vic.get(docPath).doc.Find("#add-claim").Length() != 0 {
		t.Error("a viewer is offered the form to add a claim")
	}
	add := func(text, start, end string) resp {
		t.Helper()
		f := url.Values{"text": {text}}
		if start != "" {
			f.Set("start", start)
			f.Set("end", end)
		}
		return rita.form(docPath, docPath+"/claims", f)
	}
	placed := func(r resp) db.Claim {
		t.Helper()
		loc := r.hdr.Get("Location")
		if r.code != http.StatusSeeOther || !strings.HasPrefix(loc, "/claims/") || !strings.HasSuffix(loc, "#review") {
			t.Fatalf("add: %d %q; page says %q", r.code, loc, r.doc.Find("#add-claim-error").Text())
		}
		id, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(loc, "/claims/"), "#review"), 10, 64)
		cl, err := a.store.Claim(ctx, id)
		browserMust(t, "the added claim", err)
		if got := string([]rune(body)[cl.Start:cl.End]); got != cl.Text || cl.DocumentID != docID {
			t.Fatalf("claim %d at %d..%d holds %q, text %q", cl.ID, cl.Start, cl.End, got, cl.Text)
		}
		return cl
	}

	// Words that occur once, copied with blank space around them.
	cl := placed(add("  Residents filled the hall on a cold evening.\n", "", ""))
	if cl.Text != "Residents filled the hall on a cold evening." || cl.Status != "unverified" {
		t.Errorf("added %q, %s", cl.Text, cl.Status)
	}
	if got := rita.get("/claims/" + itoa(cl.ID)).doc.Find("#review-saved").Text(); !strings.Contains(got, "Claim added") {
		t.Errorf("claim page after adding says %q", got)
	}
	if n := count(); n != before+1 {
		t.Fatalf("%d claims after adding one to %d", n, before)
	}
	// The same words again: the claim that is there.
	if again := placed(add("Residents filled the hall on a cold evening.", "", "")); again.ID != cl.ID || count() != before+1 {
		t.Errorf("adding it again made claim %d (first %d), %d claims", again.ID, cl.ID, count())
	}

	// Refused, beside the form, with the words kept and nothing stored.
	for _, tc := range []struct{ text, start, end, want string }{
		{"The mayor resigned on Tuesday.", "", "", "not in the text"},
		{"rained all night", "", "", "more than once"},
		{"   ", "", "", "Give the claim's words"},
		{strings.Repeat("word ", 500), "", "", "longer than 2000 characters"},
		{"Residents \xff filled", "", "", "not valid text"},
	} {
		r := add(tc.text, tc.start, tc.end)
		msg := r.doc.Find("#add-claim #add-claim-error").Text()
		if r.code != http.StatusUnprocessableEntity || !strings.Contains(msg, tc.want) {
			t.Errorf("add %.30q: %d %q, want 422 saying %q", tc.text, r.code, msg, tc.want)
		}
		if _, open := r.doc.Find("#add-claim").Attr("open"); !open || (strings.TrimSpace(tc.text) != "" && !strings.Contains(tc.text, "\xff") &&
			r.doc.Find("#add-claim-text").Text() != strings.TrimSpace(tc.text)) {
			t.Errorf("add %.30q: the form is closed or lost the words (%q)", tc.text, r.doc.Find("#add-claim-text").Text())
		}
	}
	if n := count(); n != before+1 {
		t.Fatalf("refused additions stored claims: %d, want %d", n, before+1)
	}

	// Repeated words at the place selected: the second "rained all night".
	second := strings.LastIndex(body, "rained all night")
	start := len([]rune(body[:second]))
	end := start + len([]rune("rained all night"))
	if cl := placed(add("rained all night", itoa(int64(start)), itoa(int64(end)))); cl.Start != start {
		t.Errorf("placed at %d, selected at %d", cl.Start, start)
	}

	// Words across a paragraph break, as a textarea sends them (CRLF).
	if cl := placed(add("on a cold evening.\r\n\r\nThe council said", "", "")); cl.Text != "on a cold evening.\n\nThe council said" {
		t.Errorf("words across a line break placed as %q", cl.Text)
	}

	// An unknown document.
	if r := rita.form(docPath, "/documents/99999/claims", url.Values{"text": {"Residents"}}); r.code != http.StatusNotFound {
		t.Errorf("unknown document: %d", r.code)
	}
}

// In the browser: words selected in the document's text fill the form to
// add a claim, with their place, and the claim lands where they were
// selected.
func TestAddClaimFromASelection(t *testing.T) {
	bt := startBrowserTest(t, 60*time.Second)
	ctx := context.Background()
	bt.user("rita", "reviewer")
	// Part of an extracted claim: a new claim, inside a highlight.
	first, err := bt.store.Claim(ctx, bt.articleClaims()[0].ID)
	browserMust(t, "read a claim", err)
	docID := first.DocumentID
	words := []rune(first.Text)
	phrase := strings.TrimSpace(string(words[:len(words)/2]))

	b := bt.browser("rita")
	b.login("rita")
	b.open("/documents/" + itoa(docID))
	if got := b.js(`(() => {
		const art = document.querySelector('article.doc-body');
		const walk = document.createTreeWalker(art, NodeFilter.SHOW_TEXT);
		for (let n = walk.nextNode(); n; n = walk.nextNode()) {
			const i = n.data.indexOf(` + browserJS(phrase) + `);
			if (i < 0) continue;
			const r = document.createRange();
			r.setStart(n, i);
			r.setEnd(n, i + ` + browserJS(phrase) + `.length);
			getSelection().removeAllRanges();
			getSelection().addRange(r);
			return 'selected';
		}
		return 'not found';
	})()`); got != "selected" {
		t.Fatalf("selecting %q: %s", phrase, got)
	}
	// selectionchange is delivered after the selection is made.
	b.waitJS("the selection seen", `getSelection().toString().length > 0`)
	b.click("#add-claim summary")
	b.waitJS("the form filled", `document.querySelector('#add-claim-text').value === `+browserJS(phrase))
	browserScreenshot(t, b.ctx, "add-claim-filled")
	start := b.js(`document.querySelector('#add-claim-start').value`)
	end := b.js(`document.querySelector('#add-claim-end').value`)
	if start != strconv.Itoa(first.Start) || end != strconv.Itoa(first.Start+len([]rune(phrase))) {
		t.Errorf("selection placed at %s..%s, want %d..%d", start, end, first.Start, first.Start+len([]rune(phrase)))
	}
	b.click(`#add-claim button[type=submit]`)
	b.waitJS("the new claim's page", `location.pathname.startsWith('/claims/') && !!document.querySelector('#review-saved')`)
	if got := b.js(`document.querySelector('#review-saved').textContent`); !strings.Contains(got, "Claim added") {
		t.Errorf("after adding: %q", got)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(b.path(), "/claims/"), 10, 64)
	cl, err := bt.store.Claim(ctx, id)
	browserMust(t, "the added claim", err)
	if cl.ID == first.ID || cl.Text != phrase || cl.Start != first.Start || cl.DocumentID != docID {
		t.Errorf("added %q at %d in document %d; want %q at %d in %d", cl.Text, cl.Start, cl.DocumentID, phrase, first.Start, docID)
	}
	// Its page's link to the document lands on it, inside the claim it
	// was selected in. Both start at the same word: the outer claim's
	// anchor is a tab just before it, the rest of the outer claim after.
	b.js(`document.querySelector('a[href="/documents/` + itoa(docID) + `#claim-` + itoa(id) + `"]').click(), 'ok'`)
	b.waitJS("the document at the claim", `location.pathname === '/documents/`+itoa(docID)+`' && !!document.querySelector(':target')`)
	if got := b.js(`(() => { const t = document.querySelector(':target');
		const outer = document.getElementById('claim-` + itoa(first.ID) + `');
		const rest = document.getElementById('claim-` + itoa(first.ID) + `-1');
		return t.id + '|' + t.textContent + '|' + t.classList.contains('inner') + '|' +
			(outer.textContent === '' && outer.nextElementSibling === t && t.textContent + rest.textContent === ` + browserJS(first.Text) + `); })()`); got != "claim-"+itoa(id)+"|"+phrase+"|true|true" {
		t.Errorf("the document's target: %s", got)
	}
	browserScreenshot(t, b.ctx, "claim-inside-a-claim")
	b.console.check(t)
}

// A claim added over part of another shows inside it on the document page:
// its own highlight with its anchor (where its page's "Show in the full
// document" lands), the outer claim in parts around it, and the text read
// whole as it was imported. A live update of either brings every part.
func TestClaimInsideAClaimIsHighlighted(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	rita := a.client()
	rita.login("rita")
	const body = "The council said the flood barrier cost $4.2 million and protected 300 homes, the mayor said on Monday."
	rita.importText("Barrier", body)
	docs, err := a.store.ListDocuments(ctx, 0, 10)
	browserMust(t, "list documents", err)
	docPath := "/documents/" + itoa(docs[0].ID)
	outer, err := a.store.DocumentClaims(ctx, docs[0].ID)
	if err != nil || len(outer) != 1 {
		t.Fatalf("extracted %d claims: %v", len(outer), err)
	}
	r := rita.form(docPath, docPath+"/claims", url.Values{"text": {"the flood barrier cost $4.2 million"}})
	if r.code != http.StatusSeeOther {
		t.Fatalf("add: %d %q", r.code, r.doc.Find("#add-claim-error").Text())
	}
	all, _ := a.store.DocumentClaims(ctx, docs[0].ID)
	var inner db.Claim
	for _, c := range all {
		if c.ID != outer[0].ID {
			inner = c
		}
	}
	page := rita.get(docPath)
	text := page.doc.Find("article.doc-body")
	if got := text.Text(); got != body {
		t.Fatalf("the text reads %q", got)
	}
	in := text.Find("#claim-" + itoa(inner.ID))
	if in.Text() != "the flood barrier cost $4.2 million" || !in.HasClass("inner") || in.AttrOr("href", "") != "/claims/"+itoa(inner.ID) {
		t.Errorf("inner claim's highlight: %q class %q", in.Text(), in.AttrOr("class", ""))
	}
	first, second := text.Find("#claim-"+itoa(outer[0].ID)), text.Find("#claim-"+itoa(outer[0].ID)+"-1")
	if first.Text()+in.Text()+second.Text() != outer[0].Text || first.AttrOr("href", "") != "/claims/"+itoa(outer[0].ID) ||
		second.AttrOr("href", "") != "/claims/"+itoa(outer[0].ID) || first.HasClass("inner") {
		t.Errorf("outer claim in parts: %q + %q", first.Text(), second.Text())
	}
	// The outer claim is confirmed elsewhere: the live re-fetch of the
	// page's version brings both of its parts, in the new colour.
	if _, err := a.store.SetStatus(ctx, outer[0].ID, a.user("rita").ID, outer[0].Version, db.StatusConfirmed, ""); err != nil {
		t.Fatal(err)
	}
	live := rita.get(fmt.Sprintf("/claims/%d/mark?shown=%d", outer[0].ID, outer[0].Version))
	for _, id := range []string{"#claim-" + itoa(outer[0].ID), "#claim-" + itoa(outer[0].ID) + "-1"} {
		m := live.doc.Find(id)
		if m.Length() != 1 || !m.HasClass("s-confirmed") || m.AttrOr("hx-swap-oob", "") != "true" {
			t.Errorf("live update of %s: %d, class %q", id, m.Length(), m.AttrOr("class", ""))
		}
	}
}
