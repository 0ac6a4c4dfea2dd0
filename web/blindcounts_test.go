package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// blindCase sets up a blind second opinion as users do: rita confirms two
// claims of one document, and eddie (an editor) asks rob for a second
// opinion on the first. It returns the clients of rob and eddie,
// the kind of the claim rob owes an opinion on and its document's path.
func blindCase(t *testing.T) (rob, eddie *client, kind, docPath string) {
	t.Helper()
	a, claims := teamApp(t)
	rita := a.client()
	rob, eddie = a.client(), a.client()
	rita.login("rita")
	rob.login("rob")
	eddie.login("eddie")
	for _, cl := range claims[:2] {
		path := claimPath(cl.ID)
		if r := rita.form(path, path+"/status", url.Values{"version": {"1"}, "status": {"confirmed"}}); r.code != http.StatusSeeOther {
			t.Fatalf("confirm %d: %d", cl.ID, r.code)
		}
	}
	path := claimPath(claims[0].ID)
	if r := eddie.form(path, path+"/second-opinion", url.Values{"reviewer": {itoa(a.user("rob").ID)}}); r.code != http.StatusSeeOther {
		t.Fatalf("ask rob: %d", r.code)
	}
	return rob, eddie, claims[0].Kind, "/documents/" + itoa(claims[0].DocumentID)
}

// progressCounts reads a progress line ("2 confirmed · 0 disputed · ...")
// into counts by word.
func progressCounts(t *testing.T, s *goquery.Selection) map[string]int {
	t.Helper()
	if s.Length() != 1 {
		t.Fatalf("want one progress line, have %d", s.Length())
	}
	out := map[string]int{}
	for _, part := range strings.Split(s.Find(".counts").Text(), "·") {
		f := strings.Fields(part)
		if len(f) != 2 {
			t.Fatalf("progress part %q", part)
		}
		n, err := strconv.Atoi(f[0])
		if err != nil {
			t.Fatalf("progress part %q", part)
		}
		out[f[1]] = n
	}
	return out
}

// checkBlindCounts asserts that rob's counts leave out the claim he owes
// an opinion on (counted as hidden) and eddie's count it as confirmed.
func checkBlindCounts(t *testing.T, where string, rob, eddie map[string]int) {
	t.Helper()
	if eddie["hidden"] != 0 || rob["hidden"] != 1 {
		t.Errorf("%s: hidden: rob %d (want 1), eddie %d (want 0)", where, rob["hidden"], eddie["hidden"])
	}
	if rob["confirmed"] != eddie["confirmed"]-1 || eddie["confirmed"] < 1 {
		t.Errorf("%s: confirmed: rob %d, eddie %d: rob's count tells him the verdict", where, rob["confirmed"], eddie["confirmed"])
	}
	for _, st := range []string{"disputed", "unverified"} {
		if rob[st] != eddie[st] {
			t.Errorf("%s: %s: rob %d, eddie %d", where, st, rob[st], eddie[st])
		}
	}
}

func TestDocumentProgressHidesBlindVerdict(t *testing.T) {
	rob, eddie, _, docPath := blindCase(t)
	r, e := rob.get(docPath), eddie.get(docPath)
	checkBlindCounts(t, "document page", progressCounts(t, r.doc.Find("main .progress")), progressCounts(t, e.doc.Find("main .progress")))
	if label := r.doc.Find("main .progress").AttrOr("aria-label", ""); !strings.Contains(label, "1 hidden") {
		t.Errorf("the progress bar's label does not name the hidden claim: %q", label)
	}
}

func TestDocumentsListHidesBlindVerdict(t *testing.T) {
	rob, eddie, _, docPath := blindCase(t)
	row := func(c *client) *goquery.Selection {
		return c.get("/").doc.Find(`a[href="` + docPath + `"]`).First().Closest("tr").Find(".progress")
	}
	checkBlindCounts(t, "documents list", progressCounts(t, row(rob)), progressCounts(t, row(eddie)))
}

// dashboardRow reads one row of a dashboard table (in the section labelled
// by sectionID) into counts by lower-case column name.
func dashboardRow(t *testing.T, doc *goquery.Document, sectionID, label string) map[string]int {
	t.Helper()
	table := doc.Find(`section[aria-labelledby="` + sectionID + `"] table`)
	var cols []string
	table.Find("thead th").Each(func(_ int, th *goquery.Selection) { cols = append(cols, strings.ToLower(th.Text())) })
	out := map[string]int{}
	found := false
	table.Find("tbody tr").Each(func(_ int, tr *goquery.Selection) {
		if strings.TrimSpace(tr.Find("th").Text()) != label {
			return
		}
		found = true
		tr.Find("td").Each(func(i int, td *goquery.Selection) {
			if n, err := strconv.Atoi(td.Text()); err == nil && i+1 < len(cols) {
				out[cols[i+1]] = n
			}
		})
	})
	if !found {
		t.Fatalf("no row %q in %s", label, sectionID)
	}
	return out
}

// overallCounts reads the dashboard's overall table: one row per status.
func overallCounts(t *testing.T, doc *goquery.Document) map[string]int {
	t.Helper()
	out := map[string]int{}
	for _, st := range []string{"Confirmed", "Disputed", "Unverified", "Hidden"} {
		tr := doc.Find(`section[aria-labelledby="overall-h"] table tbody th`).FilterFunction(func(_ int, th *goquery.Selection) bool {
			return th.Text() == st
		}).Closest("tr")
		if tr.Length() == 1 {
			out[strings.ToLower(st)], _ = strconv.Atoi(tr.Find("td").First().Text())
		}
	}
	return out
}

func TestDashboardHidesBlindVerdict(t *testing.T) {
	rob, eddie, kind, docPath := blindCase(t)
	r, e := rob.get("/dashboard"), eddie.get("/dashboard")
	if r.code != http.StatusOK || e.code != http.StatusOK {
		t.Fatalf("dashboard: %d, %d", r.code, e.code)
	}
	checkBlindCounts(t, "overall", overallCounts(t, r.doc), overallCounts(t, e.doc))
	title := e.doc.Find(`section[aria-labelledby="docs-h"] table a[href="` + docPath + `"]`).Text()
	checkBlindCounts(t, "by document", dashboardRow(t, r.doc, "docs-h", title), dashboardRow(t, e.doc, "docs-h", title))
	if kind == "" {
		kind = "(no kind)"
	}
	checkBlindCounts(t, "by kind", dashboardRow(t, r.doc, "kinds-h", kind), dashboardRow(t, e.doc, "kinds-h", kind))
	// The charts' descriptions count as the tables do.
	if d := r.doc.Find("#overall-d").Text(); !strings.Contains(d, "1 hidden") {
		t.Errorf("overall description: %q", d)
	}
}
