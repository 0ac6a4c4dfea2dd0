package web_test

import (
	"context"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/db"
)

// The claim page lists the numbers and dates the extractor finds in the
// claim, for the fact-checker to look up; a claim with none shows neither.
func TestClaimPageNumbersAndDates(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	c.importText("Port plan", article)
	claims, err := a.store.DocumentClaims(context.Background(), 1)
	if err != nil || len(claims) == 0 {
		t.Fatalf("claims: %v", err)
	}
	facts := func(id int64) map[string]string {
		page := c.get("/claims/" + itoa(id))
		if page.code != 200 {
			t.Fatalf("claim page: %d", page.code)
		}
		m := map[string]string{}
		page.doc.Find("dl.facts dt").Each(func(_ int, dt *goquery.Selection) {
			m[strings.TrimSpace(dt.Text())] = strings.TrimSpace(dt.Next().Text())
		})
		return m
	}
	seen := false
	for _, cl := range claims {
		if !strings.HasPrefix(cl.Text, "The council voted 31 to 4") {
			continue
		}
		seen = true
		f := facts(cl.ID)
		if f["Numbers"] != "31, 4, $2.5 billion" || f["Dates"] != "Tuesday" {
			t.Errorf("facts of %q: %v", cl.Text, f)
		}
	}
	if !seen {
		t.Fatalf("the council's vote is not a claim: %v", claims)
	}
	id, _, _, err := a.store.ImportDocument(context.Background(), db.NewDocument{Title: "Ruling",
		Body: "The court ruled that the ban breaks the constitution, the judges said in their ruling."})
	if err != nil {
		t.Fatal(err)
	}
	cs, _ := a.store.DocumentClaims(context.Background(), id)
	if len(cs) != 1 {
		t.Fatalf("ruling: %d claims", len(cs))
	}
	if f := facts(cs[0].ID); f["Numbers"] != "" || f["Dates"] != "" || f["Kind"] == "" {
		t.Errorf("a claim without numbers or dates: %v", f)
	}
}
