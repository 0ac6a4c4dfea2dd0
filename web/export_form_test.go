package web_test

import (
	"net/http"
	"strings"
	"testing"

	"factdesk/export"
	"factdesk/web"
)

// Without the organisation's name (a plain `factdesk serve`, whose public
// URL defaults to the address served), ClaimReview is shown but cannot be
// chosen, and the page says which setting turns it on; configured, it is
// an ordinary choice.
func TestClaimReviewOfferedOnlyWhenSetUp(t *testing.T) {
	plain := newAppWith(t, func(c *web.Config) { c.Export = export.Options{PublicURL: "http://127.0.0.1:8080"} })
	set := newAppWith(t, nil) // organisation and public URL configured

	for _, tc := range []struct {
		name string
		a    *app
		off  bool
	}{{"not set up", plain, true}, {"set up", set, false}} {
		rita := tc.a.client()
		rita.login("rita")
		rita.importText("Port plan", article)
		q := rita.get("/queue")
		if q.code != http.StatusOK {
			t.Fatalf("%s: queue %d", tc.name, q.code)
		}
		form := q.doc.Find("form.download")
		cr := form.Find(`select[name="format"] option[value="claimreview"]`)
		if cr.Length() != 1 {
			t.Fatalf("%s: no ClaimReview choice", tc.name)
		}
		_, disabled := cr.Attr("disabled")
		hint := form.Find("#format-off-claimreview")
		described, _ := form.Find("select").Attr("aria-describedby")
		if tc.off {
			if !disabled {
				t.Errorf("%s: ClaimReview can be chosen", tc.name)
			}
			if !strings.Contains(hint.Text(), "FACTDESK_ORG_NAME") || !strings.Contains(hint.Text(), "--org-name") {
				t.Errorf("%s: hint %q does not name the setting", tc.name, hint.Text())
			}
			if strings.Contains(hint.Text(), "PUBLIC_URL") {
				t.Errorf("%s: hint %q asks for a public URL that is set", tc.name, hint.Text())
			}
			if described != "format-off-claimreview" {
				t.Errorf("%s: the menu's aria-describedby is %q", tc.name, described)
			}
		} else if disabled || hint.Length() != 0 || described != "" {
			t.Errorf("%s: ClaimReview disabled=%v, hint %q, aria-describedby %q", tc.name, disabled, hint.Text(), described)
		}
		// Only ClaimReview depends on the setting.
		if n := form.Find("option[disabled]").Length(); n != map[bool]int{true: 1, false: 0}[tc.off] {
			t.Errorf("%s: %d formats disabled", tc.name, n)
		}

		// The claim page's publication panel says the same to editors.
		ed := tc.a.client()
		ed.login("ed")
		page := ed.get("/claims/" + itoa(firstClaimID(t, tc.a)))
		note := page.doc.Find("#no-markup")
		if tc.off != (note.Length() == 1) || (tc.off && !strings.Contains(note.Text(), "FACTDESK_ORG_NAME")) {
			t.Errorf("%s: claim page note %q", tc.name, note.Text())
		}
	}

	// Asked for anyway (an old page, a typed address), the export still
	// refuses with the same words rather than writing reviews without an
	// author.
	rita := plain.client()
	rita.login("rita")
	r := rita.get("/export?format=claimreview&status=confirmed,disputed")
	if r.code != http.StatusBadRequest || !strings.Contains(r.doc.Find("main").Text(), "FACTDESK_ORG_NAME") {
		t.Errorf("ClaimReview export without the setting: %d %q", r.code, r.doc.Find("main").Text())
	}
}
