package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/PuerkitoBio/goquery"

	"factdesk/db"
	"factdesk/web"
)

// The hostile corpus: documents in web/testdata/hostile (ok-* are stored and
// shown inert, no-* are refused with a message), form and query values in
// values.txt, hostile upload names, a 1 MB line and a 50 MB body made here.

type hostileDoc struct {
	name   string
	data   []byte
	stored bool
}

func hostileDocs(t *testing.T) []hostileDoc {
	t.Helper()
	files, err := filepath.Glob("testdata/hostile/*-*.*")
	if err != nil || len(files) < 25 {
		t.Fatalf("hostile corpus: %d files, %v", len(files), err)
	}
	var docs []hostileDoc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		base := filepath.Base(f)
		docs = append(docs, hostileDoc{name: base, data: data, stored: strings.HasPrefix(base, "ok-")})
	}
	return docs
}

// hostileLine is one line of about 1 MB: a claim with a payload, then more
// markup than text.
func hostileLine() []byte {
	var b bytes.Buffer
	b.WriteString("Officials said 70% of voters <script>window.__pwned=1</script> backed the plan in 2023, according to the port authority. ")
	for b.Len() < 1<<20 {
		b.WriteString(`<img src=x onerror="window.__pwned=1">&lt;b&gt; `)
	}
	return b.Bytes()
}

func hostileValues(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile("testdata/hostile/values.txt")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, err := strconv.Unquote(line)
		if err != nil {
			t.Fatalf("values.txt line %d: %v", i+1, err)
		}
		out = append(out, v)
	}
	if len(out) < 30 {
		t.Fatalf("only %d hostile values", len(out))
	}
	return out
}

// userContent lists where the pages show what users and documents supply,
// with the only elements allowed inside: anything else was injected.
var userContent = map[string]string{
	"article.doc-body":  "a.hl",
	"blockquote.source": "span.ctx, mark.hl",
	"ol.history p.note": "",
	"h1":                "",
	"p.error, p.flash":  "strong, code",
	"table.list td":     "a, div.muted, time, span.badge, span.progress, span.progress *, code, bdi",
	"ol.claims li":      "a, span.badge",
	"textarea":          "",
	"dl.facts dd":       "span.badge, span.muted",
	"p.comment-text":    "strong.mention",
	"blockquote.excerpt, blockquote.claim-quote": "",
	"p.detail":             "",
	"ul.evidence li":       "a, span.muted, blockquote.excerpt, div.muted, time",
	"p.meta":               "a, time, span.label",
	"#alerts":              "p.error, p.error *",
	"header.top .who span": "small",
}

// assertInert fails when a page holds anything that could run or act:
// scripts other than ours, event handler attributes, script URLs, embedded
// documents, styles, elements inside user content, htmx attributes there,
// or DOM-clobbering names.
func assertInert(t *testing.T, what string, doc *goquery.Document) {
	t.Helper()
	if doc == nil {
		t.Errorf("%s: no HTML", what)
		return
	}
	doc.Find("script").Each(func(_ int, s *goquery.Selection) {
		if src, _ := s.Attr("src"); !strings.HasPrefix(src, "/assets/") || strings.TrimSpace(s.Text()) != "" {
			t.Errorf("%s: foreign script %q", what, src)
		}
	})
	for _, tag := range []string{"iframe", "object", "embed", "frame", "frameset", "base", "math", "template", "style",
		"img", "image", "video", "audio", "source", "meta[http-equiv]", "link:not([href^='/assets/'])"} {
		if n := doc.Find(tag).Length(); n > 0 {
			t.Errorf("%s: %d injected %s elements", what, n, tag)
		}
	}
	doc.Find("svg").Each(func(_ int, s *goquery.Selection) {
		if s.Closest(".progress").Length() == 0 {
			t.Errorf("%s: injected svg", what)
		}
	})
	doc.Find("*").Each(func(_ int, s *goquery.Selection) {
		node := s.Get(0)
		for _, a := range node.Attr {
			name := strings.ToLower(a.Key)
			val := strings.ToLower(strings.Map(func(r rune) rune {
				if unicode.IsSpace(r) || unicode.IsControl(r) {
					return -1
				}
				return r
			}, a.Val))
			switch {
			case strings.HasPrefix(name, "on"):
				t.Errorf("%s: event handler attribute <%s %s=%q>", what, node.Data, a.Key, a.Val)
			case name == "style":
				t.Errorf("%s: style attribute on <%s>", what, node.Data)
			case name == "href" || name == "src" || name == "action" || name == "formaction" || name == "data" || name == "xlink:href":
				for _, scheme := range []string{"javascript:", "data:", "vbscript:"} {
					if strings.HasPrefix(val, scheme) {
						t.Errorf("%s: <%s %s=%q>", what, node.Data, a.Key, a.Val)
					}
				}
			case name == "id" || (name == "name" && s.Is("form, img, embed, object, iframe, frame")):
				// Ids become window properties, and these names document
				// properties: either can shadow what scripts rely on.
				switch a.Val {
				case "__pwned", "htmx", "getElementById", "cookie", "attributes", "body":
					t.Errorf("%s: DOM-clobbering <%s %s=%q>", what, node.Data, a.Key, a.Val)
				}
			}
		}
	})
	for container, allowed := range userContent {
		doc.Find(container).Each(func(_ int, c *goquery.Selection) {
			c.Find("*").Each(func(_ int, s *goquery.Selection) {
				if allowed == "" || !s.Is(allowed) {
					t.Errorf("%s: injected <%s> inside %s", what, goquery.NodeName(s), container)
				}
				for _, a := range s.Get(0).Attr {
					if strings.HasPrefix(a.Key, "hx-") || strings.HasPrefix(a.Key, "data-hx-") {
						t.Errorf("%s: htmx attribute %s inside %s", what, a.Key, container)
					}
				}
			})
		})
	}
}

// checkPage GETs path and checks it is not a server error and is inert.
func (c *client) checkPage(path string) resp {
	c.a.t.Helper()
	r := c.get(path)
	if r.code >= 500 {
		c.a.t.Errorf("GET %s: %d", path, r.code)
	}
	if r.code != http.StatusSeeOther && r.code != http.StatusOK && r.doc.Find("p.error, .error, main p").Text() == "" {
		c.a.t.Errorf("GET %s: %d without a message", path, r.code)
	}
	if strings.HasPrefix(r.hdr.Get("Content-Type"), "text/html") {
		assertInert(c.a.t, "GET "+path, r.doc)
	}
	return r
}

// hostileSeed is what seedHostile stored.
type hostileSeed struct {
	docs   []int64
	claims []int64
}

// seedHostile imports the corpus through the router as rita, checking each
// answer, and reviews every claim with a hostile note.
func seedHostile(t *testing.T, a *app, rita *client) hostileSeed {
	t.Helper()
	var seed hostileSeed
	ctx := context.Background()
	docs := hostileDocs(t)
	docs = append(docs, hostileDoc{name: "one-line.txt", data: hostileLine(), stored: true})
	for _, d := range docs {
		before := a.documentCount()
		r := rita.upload("", d.name, d.data)
		loc := r.hdr.Get("Location")
		switch {
		case d.stored && (r.code != http.StatusSeeOther || !strings.HasPrefix(loc, "/documents/")):
			t.Errorf("%s: %d, want stored; message %q", d.name, r.code, r.doc.Find(".error").Text())
		case !d.stored && (r.code != http.StatusUnprocessableEntity || strings.TrimSpace(r.doc.Find("#import-error").Text()) == "" || a.documentCount() != before):
			t.Errorf("%s: %d, want refused with a message; message %q", d.name, r.code, r.doc.Find(".error").Text())
		}
		if !d.stored {
			assertInert(t, "refusal of "+d.name, r.doc)
			// Pasted instead of uploaded: refused all the same.
			if r := rita.importText("", string(d.data)); r.code != http.StatusUnprocessableEntity || a.documentCount() != before {
				t.Errorf("%s pasted: %d, want refused", d.name, r.code)
			}
			continue
		}
		id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/documents/"), 10, 64)
		seed.docs = append(seed.docs, id)
		claims, err := a.store.DocumentClaims(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(claims) == 0 && !strings.Contains(d.name, "deep-nesting") {
			t.Errorf("%s: no claims extracted; the corpus wants its payloads on claim pages", d.name)
		}
		for _, cl := range claims {
			seed.claims = append(seed.claims, cl.ID)
		}
	}
	// Every claim gets a review with a hostile note.
	values := hostileValues(t)
	for i, id := range seed.claims {
		note := values[i%len(values)]
		if !noteAcceptable(note) {
			note = "<img src=x onerror=window.__pwned=1> " + strconv.Itoa(i)
		}
		cl, err := a.store.Claim(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		status := db.Statuses[1+i%2]
		tok := rita.csrf("/claims/" + itoa(id))
		if r := rita.post("/claims/"+itoa(id)+"/status", url.Values{"_csrf": {tok}, "version": {itoa(cl.Version)}, "status": {status}, "note": {note}}); r.code != http.StatusSeeOther {
			t.Errorf("note %q on claim %d: %d %s", note, id, r.code, r.doc.Find("#review-error").Text())
		}
		// A comment (mentioning ada, so it reaches her inbox) and a piece
		// of evidence, made of hostile values: stored, or refused with a
		// message; never a server error.
		v := values[(i+7)%len(values)]
		for _, form := range []url.Values{
			{"body": {"@ada " + v}},
			{"url": {v}, "title": {v}, "excerpt": {v}},
			{"url": {"https://example.org/" + url.PathEscape(v)}, "title": {v}, "excerpt": {v}},
		} {
			form.Set("_csrf", tok)
			path := "/claims/" + itoa(id) + "/comments"
			if form.Has("url") {
				path = "/claims/" + itoa(id) + "/evidence"
			}
			r := rita.post(path, form)
			if r.code >= 500 || (r.code >= 400 && strings.TrimSpace(r.doc.Find(".error").Text()) == "") {
				t.Errorf("POST %s with %q: %d without a message", path, v, r.code)
			}
			if r.code < 300 || r.code >= 400 {
				assertInert(t, "POST "+path+" with "+strconv.Quote(v), r.doc)
			}
		}
	}
	return seed
}

// noteAcceptable is the rule for notes: valid UTF-8 without control
// characters other than tab and line breaks.
func noteAcceptable(v string) bool {
	return textAcceptable(strings.TrimSpace(v), "\t\n\r")
}

func textAcceptable(v, allowed string) bool {
	if !utf8.ValidString(v) {
		return false
	}
	for _, r := range v {
		if unicode.IsControl(r) && !strings.ContainsRune(allowed, r) {
			return false
		}
	}
	return true
}

func TestHostileInput(t *testing.T) {
	a, _ := newConfiguredApp(t, func(cfg *web.Config) {
		cfg.MaxDocBytes = 0 // the real 5 MB limit, so the 1 MB line fits
		loopbackProxy(cfg)
	})
	ctx := context.Background()
	rita := a.loginAs("rita")
	seed := seedHostile(t, a, rita)
	if len(seed.docs) < 20 || len(seed.claims) < 20 {
		t.Fatalf("only %d documents and %d claims stored from the corpus", len(seed.docs), len(seed.claims))
	}

	// Every page that shows them.
	rita.checkPage("/")
	for _, id := range seed.docs {
		r := rita.checkPage("/documents/" + itoa(id))
		d, _ := a.store.Document(ctx, id)
		if got := r.doc.Find("article.doc-body").Text(); got != strings.ToValidUTF8(d.Body, "\uFFFD") {
			t.Errorf("document %d: the page does not show the stored text as text", id)
		}
		if got := r.doc.Find("h1").Text(); got != d.Title {
			t.Errorf("document %d: title %q shown as %q", id, d.Title, got)
		}
	}
	for next := "/queue"; next != ""; {
		r := rita.checkPage(next)
		next, _ = r.doc.Find(`a[rel="next"]`).Attr("href")
	}
	for _, st := range db.Statuses {
		rita.checkPage("/queue?status=" + st)
	}
	rita.checkPage("/activity")
	for _, id := range seed.docs {
		rita.checkPage("/documents/" + itoa(id) + "/activity")
	}
	for _, id := range seed.claims {
		r := rita.checkPage("/claims/" + itoa(id))
		hist, _ := a.store.History(ctx, id)
		if len(hist) > 0 && hist[0].Note != "" && r.doc.Find("ol.history p.note").First().Text() != hist[0].Note {
			t.Errorf("claim %d: note %q shown as %q", id, hist[0].Note, r.doc.Find("ol.history p.note").First().Text())
		}
	}

	// Exports: JSON parses, and no CSV cell starts a formula.
	var recs []map[string]any
	if r := rita.get("/export?format=json&status=confirmed,disputed,unverified"); json.Unmarshal([]byte(r.body), &recs) != nil || len(recs) != len(seed.claims) {
		t.Errorf("JSON export: %d records for %d claims", len(recs), len(seed.claims))
	}
	r := rita.get("/export?format=csv&status=confirmed,disputed,unverified")
	rows, err := csv.NewReader(strings.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != len(seed.claims)+1 {
		t.Fatalf("CSV export: %d rows, %v", len(rows), err)
	}
	for _, row := range rows[1:] {
		for i, cell := range row {
			if i == 0 || i == 1 || i == 5 || i == 6 || i == 8 { // numbers
				continue
			}
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("CSV cell %d starts a formula: %q", i, cell)
			}
		}
	}

	values := hostileValues(t)
	tok := rita.csrf("/documents/new")
	claimID := seed.claims[0]
	for i, v := range values {
		body := fmt.Sprintf("Officials said %d%% of voters backed the plan in 2023, according to the port authority.", 100+i)
		// As a title: stored as text, or refused when it is not text.
		before := a.documentCount()
		r := rita.post("/documents", url.Values{"_csrf": {tok}, "title": {v}, "text": {body}})
		title := strings.Join(strings.Fields(v), " ") // white space runs become one space
		if textAcceptable(title, "") {
			if r.code != http.StatusSeeOther {
				t.Errorf("title %q: %d %s", v, r.code, r.doc.Find("#import-error").Text())
			} else if page := rita.checkPage(r.hdr.Get("Location")); page.doc.Find("h1").Text() != title {
				t.Errorf("title %q shown as %q", v, page.doc.Find("h1").Text())
			}
		} else if r.code != http.StatusUnprocessableEntity || a.documentCount() != before || r.doc.Find("#import-error").Text() == "" {
			t.Errorf("title %q: %d, want refused with a message", v, r.code)
		}
		assertInert(t, fmt.Sprintf("import with title %q", v), r.doc)

		// As a source URL: only http(s) links are kept; a refusal shows
		// the form again with everything typed, inert.
		before = a.documentCount()
		r = rita.post("/documents", url.Values{"_csrf": {tok}, "title": {"URL " + itoa(int64(i))}, "url": {v}, "text": {body + " The budget grew."}})
		if db.CheckMeta(strings.TrimSpace(v), "") == nil {
			if r.code != http.StatusSeeOther {
				t.Errorf("URL %q: %d", v, r.code)
			} else {
				page := rita.checkPage(r.hdr.Get("Location"))
				if href, _ := page.doc.Find(`p.meta a[target="_blank"]`).Attr("href"); href != strings.TrimSpace(v) {
					t.Errorf("URL %q linked as %q", v, href)
				}
			}
		} else if r.code != http.StatusUnprocessableEntity || a.documentCount() != before {
			t.Errorf("URL %q: %d, want refused", v, r.code)
		}
		assertInert(t, fmt.Sprintf("import with URL %q", v), r.doc)
		if r.code == http.StatusUnprocessableEntity && utf8.ValidString(v) &&
			strings.TrimSpace(r.doc.Find("#url").AttrOr("value", "")) != strings.TrimSpace(withoutControls(v)) {
			t.Errorf("URL %q not kept in the form: %q", v, r.doc.Find("#url").AttrOr("value", ""))
		}

		// As a publication date: never a date.
		r = rita.post("/documents", url.Values{"_csrf": {tok}, "published": {v}, "text": {body + " A date."}})
		if r.code != http.StatusUnprocessableEntity {
			t.Errorf("date %q: %d", v, r.code)
		}
		assertInert(t, fmt.Sprintf("import with date %q", v), r.doc)

		// As a review note.
		cl, _ := a.store.Claim(ctx, claimID)
		ntok := rita.csrf("/claims/" + itoa(claimID))
		r = rita.post("/claims/"+itoa(claimID)+"/status", url.Values{"_csrf": {ntok}, "version": {itoa(cl.Version)}, "status": {cl.Status}, "note": {v}})
		after, _ := a.store.Claim(ctx, claimID)
		if noteAcceptable(v) {
			hist, _ := a.store.History(ctx, claimID)
			if r.code != http.StatusSeeOther || hist[0].Note != strings.TrimSpace(v) {
				t.Errorf("note %q: %d", v, r.code)
			}
		} else if r.code != http.StatusUnprocessableEntity || after.Version != cl.Version || r.doc.Find("#review-error").Text() == "" {
			t.Errorf("note %q: %d, want refused with a message", v, r.code)
		}
		assertInert(t, fmt.Sprintf("note %q", v), r.doc)

		// As a user name at login (each from its own address, so the
		// per-client throttle stays out of the way).
		anon := a.client()
		r = anon.post("/login", url.Values{"_csrf": {anon.csrf("/login")}, "username": {v}, "password": {"correct horse battery?"}},
			"X-Forwarded-For", "192.0.2."+strconv.Itoa(i+1))
		if r.code != http.StatusUnauthorized {
			t.Errorf("login as %q: %d", v, r.code)
		}
		assertInert(t, fmt.Sprintf("login as %q", v), r.doc)
		if utf8.ValidString(v) && strings.TrimSpace(r.doc.Find("#username").AttrOr("value", "")) != strings.TrimSpace(withoutControls(v)) {
			t.Errorf("login as %q: the form shows %q", v, r.doc.Find("#username").AttrOr("value", ""))
		}

		// As the page to go to after login: only a path on this site.
		q := url.QueryEscape(v)
		r = anon.checkPage("/login?next=" + q)
		if next := r.doc.Find(`input[name="next"]`).AttrOr("value", ""); !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, `/\`) {
			t.Errorf("next=%q kept as %q", v, next)
		}

		// In every filter and path.
		for _, p := range []string{
			"/queue?status=" + q, "/queue?document=" + q, "/queue?after=" + q, "/queue?before=" + q,
			"/export?format=" + q, "/export?status=" + q, "/admin/audit?event=" + q, "/admin/audit?before=" + q,
			"/?before=" + q, "/claims/" + url.PathEscape(v), "/documents/" + url.PathEscape(v),
		} {
			r := rita.checkPage(p)
			if strings.HasPrefix(p, "/queue") || strings.HasPrefix(p, "/export") {
				if r.code != http.StatusBadRequest {
					t.Errorf("GET %s: %d, want 400", p, r.code)
				}
			}
		}
	}
	// Logging in with a hostile next goes to a local page only.
	for i, v := range values {
		vic := a.client()
		r := vic.post("/login", url.Values{"_csrf": {vic.csrf("/login")}, "username": {"vic"}, "password": {testPassword}, "next": {v}},
			"X-Forwarded-For", "198.51.100."+strconv.Itoa(i+1))
		loc := r.hdr.Get("Location")
		if r.code != http.StatusSeeOther || !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") || strings.HasPrefix(loc, `/\`) || strings.ContainsAny(loc, "\r\n") {
			t.Errorf("login with next=%q: %d to %q", v, r.code, loc)
		}
	}
	// The audit log shows the hostile user names inert; ada's inbox, the
	// hostile comments that mention her.
	ada := a.loginAs("ada")
	if r := ada.checkPage("/inbox"); r.doc.Find("p.comment-text").Length() == 0 {
		t.Error("no hostile comment reached the inbox")
	}
	for next := "/admin/audit"; next != ""; {
		r := ada.checkPage(next)
		next, _ = r.doc.Find(`a[rel="next"]`).Attr("href")
	}

	// Nothing leaked into the data: users and the schema are as they were.
	if n, _ := a.store.CountUsers(ctx); n != 3 {
		t.Errorf("%d users", n)
	}
}

// A 50 MB body is refused before it is read: the answer comes while the
// client is still sending, whether it announces its length or not.
func TestFiftyMegabyteBodyRefused(t *testing.T) {
	a, _ := newConfiguredApp(t, func(cfg *web.Config) { cfg.MaxDocBytes = 0 })
	rita := a.loginAs("rita")
	tok := rita.csrf("/documents/new")
	u, _ := url.Parse(a.srv.URL)
	var cookies []string
	for _, ck := range rita.http.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	for _, chunked := range []bool{false, true} {
		conn, err := net.Dial("tcp", u.Host)
		if err != nil {
			t.Fatal(err)
		}
		const size = 50 << 20
		hdr := "POST /documents HTTP/1.1\r\nHost: " + u.Host + "\r\nContent-Type: multipart/form-data; boundary=b\r\n" +
			"X-CSRF-Token: " + tok + "\r\nCookie: " + strings.Join(cookies, "; ") + "\r\n"
		if chunked {
			hdr += "Transfer-Encoding: chunked\r\n\r\n"
		} else {
			hdr += "Content-Length: " + strconv.Itoa(size) + "\r\n\r\n"
		}
		sent := make(chan int64, 1)
		go func() {
			w := bufio.NewWriter(conn)
			w.WriteString(hdr)
			// A well-formed upload of a file of 50 MB of text lines.
			part := "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\nContent-Type: text/plain\r\n\r\n"
			if chunked {
				fmt.Fprintf(w, "%x\r\n%s\r\n", len(part), part)
			} else {
				w.WriteString(part)
			}
			chunk := bytes.Repeat([]byte("The port handled 10,000 containers a day in 2023.\n"), 1300)
			var n int64
			for n < size {
				var err error
				if chunked {
					_, err = fmt.Fprintf(w, "%x\r\n%s\r\n", len(chunk), chunk)
				} else {
					_, err = w.Write(chunk)
				}
				if err != nil {
					break
				}
				n += int64(len(chunk))
			}
			w.Flush()
			sent <- n
		}()
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatalf("chunked=%v: %v", chunked, err)
		}
		body, _ := io.ReadAll(res.Body)
		conn.Close()
		n := <-sent
		if res.StatusCode != http.StatusRequestEntityTooLarge || !bytes.Contains(body, []byte("larger than")) {
			t.Errorf("chunked=%v: %d %q", chunked, res.StatusCode, body)
		}
		checkSecurityHeaders(t, "413", res.Header)
		if n >= size {
			t.Errorf("chunked=%v: the server read all %d MB before answering", chunked, n>>20)
		}
	}
	if n := a.documentCount(); n != 0 {
		t.Fatalf("%d documents stored", n)
	}
}

// Upload names are never used as paths: only their extension counts, and
// their last element may name the document.
func TestHostileUploadNames(t *testing.T) {
	a, _ := newConfiguredApp(t, nil)
	rita := a.loginAs("rita")
	for i, tc := range []struct {
		name   string
		stored bool
	}{
		{"../../../../etc/passwd.txt", true},
		{`..\..\..\windows\win.ini.txt`, true},
		{"/etc/shadow", true},
		{"....//....//etc/hosts.md", true},
		{"<script>window.__pwned=1</script>.txt", true},
		{"\"><img src=x onerror=alert(1)>.html", true},
		{strings.Repeat("a", 5000) + ".txt", true},
		{"report.txt.php", false},
		{"evil\u202etxt.exe", false},
		{".htaccess", false},
		{"%2e%2e%2fetc%2fpasswd", true},
		{"CON.txt", true},
	} {
		body := fmt.Sprintf("Officials said %d%% of voters backed the plan in 2023, according to the port authority.", 10+i)
		before := a.documentCount()
		r := rita.upload("", tc.name, []byte(body))
		if tc.stored {
			if r.code != http.StatusSeeOther {
				t.Errorf("%q: %d %s", tc.name, r.code, r.doc.Find(".error").Text())
				continue
			}
			page := rita.checkPage(r.hdr.Get("Location"))
			if strings.Contains(page.doc.Find("h1").Text(), "..") || strings.Contains(page.doc.Find("h1").Text(), "etc") {
				t.Errorf("%q: the upload name became the title %q", tc.name, page.doc.Find("h1").Text())
			}
		} else if r.code != http.StatusUnprocessableEntity || a.documentCount() != before || !strings.Contains(r.doc.Find("#import-error").Text(), ".txt, .md or .html") {
			t.Errorf("%q: %d %q, want refused", tc.name, r.code, r.doc.Find("#import-error").Text())
		}
		assertInert(t, "upload "+tc.name, r.doc)
	}
	// Nothing was written next to the database or the working folder.
	for _, p := range []string{"etc", "passwd.txt", "win.ini.txt", ".htaccess"} {
		if _, err := os.Stat(p); err == nil {
			t.Errorf("%s created", p)
		}
	}
}

// withoutControls is what a form shows again of v: the control
// characters but tabs and line breaks left out.
func withoutControls(v string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' {
			return -1
		}
		return r
	}, strings.TrimSpace(v))
}

// A form over its route's limit is refused with 413 and the same message
// whether it says its length or comes chunked, and changes nothing: no
// status, comment, user, token or audit row. (Without a length, the body
// was cut off at the limit while the form was parsed, and the form read as
// empty: "missing the claim version", or a failed login with no name.)
func TestOversizedFormsRefusedWithOrWithoutLength(t *testing.T) {
	a := newAppWith(t, nil)
	rita, ed, ada, anon := a.loginAs("rita"), a.loginAs("ed"), a.loginAs("ada"), a.client()
	rita.importText("Port plan", article)
	id := itoa(firstClaimID(t, a))
	ctx := context.Background()
	audit := func() int {
		ev, err := a.store.AuditLog(ctx, db.AuditFilter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		return len(ev)
	}
	before := audit()
	big := strings.Repeat("n", 300<<10)
	cases := []struct {
		who        *client
		page, path string
		form       url.Values
	}{
		{rita, "/claims/" + id, "/claims/" + id + "/status", url.Values{"version": {"1"}, "status": {"confirmed"}, "note": {big}}},
		{rita, "/claims/" + id, "/claims/" + id + "/comments", url.Values{"body": {big}}},
		{rita, "/claims/" + id, "/claims/" + id + "/evidence", url.Values{"url": {"https://example.org/"}, "title": {big}}},
		{rita, "/tokens", "/tokens", url.Values{"label": {big}}},
		{ada, "/admin/users", "/admin/users", url.Values{"username": {"newbie"}, "role": {"viewer"}, "password": {big}}},
		{ed, "/queue", "/claims/bulk", url.Values{"action": {"status"}, "status": {"confirmed"}, "claim": {id + ":1"}, "note": {big}}},
		{anon, "/login", "/login", url.Values{"username": {"rita"}, "password": {big}}},
	}
	for _, tc := range cases {
		for _, chunked := range []bool{false, true} {
			// The token in the form, and in the header as htmx sends it.
			for _, header := range []bool{false, true} {
				tok := tc.who.csrf(tc.page)
				tc.form.Del("_csrf")
				if !header {
					tc.form.Set("_csrf", tok)
				}
				var body io.Reader = strings.NewReader(tc.form.Encode())
				if chunked {
					body = io.MultiReader(body) // no length: sent chunked
				}
				req, _ := http.NewRequest(http.MethodPost, a.srv.URL+tc.path, body)
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				if header {
					req.Header.Set("X-CSRF-Token", tok)
				}
				r := tc.who.do(req)
				if r.code != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "larger than this form accepts") {
					t.Errorf("%s, chunked %v, token in header %v: %d %q", tc.path, chunked, header, r.code, r.doc.Find("main").Text())
				}
			}
		}
	}
	// A multipart form of more parts than are read is refused as such,
	// not as an expired form.
	var mp strings.Builder
	mp.WriteString("--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n" + rita.csrf("/claims/"+id) + "\r\n")
	for range 1100 {
		mp.WriteString("--b\r\nContent-Disposition: form-data; name=\"n\"\r\n\r\nx\r\n")
	}
	mp.WriteString("--b--\r\n")
	for _, path := range []string{"/claims/" + id + "/comments", "/documents"} {
		req, _ := http.NewRequest(http.MethodPost, a.srv.URL+path, strings.NewReader(mp.String()))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		r := rita.do(req)
		if r.code != http.StatusRequestEntityTooLarge || !strings.Contains(r.body, "too many parts") {
			t.Errorf("%s, 1,100 parts: %d %q", path, r.code, r.doc.Find("main").Text())
		}
	}
	if cl := a.claim(firstClaimID(t, a)); cl.Version != 1 {
		t.Errorf("the claim changed: version %d", cl.Version)
	}
	if cms, _ := a.store.Comments(ctx, firstClaimID(t, a)); len(cms) != 0 {
		t.Errorf("%d comments stored", len(cms))
	}
	if _, err := a.store.UserByName(ctx, "newbie"); err == nil {
		t.Error("a user was created")
	}
	if n := audit(); n != before {
		t.Errorf("%d audit rows written by refused requests", n-before)
	}
}

// Input shown again after a refusal (a failed login, a refused note,
// comment, title or search) keeps no control characters: a NUL in an
// attribute value or a textarea is an HTML parse error. Nothing of it is
// stored either.
func TestEchoedInputDropsControlCharacters(t *testing.T) {
	a := newAppWith(t, nil)
	anon, rita := a.client(), a.loginAs("rita")
	rita.importText("Port plan", article)
	id := itoa(firstClaimID(t, a))
	claim := "/claims/" + id
	clean := func(what string, r resp, sel, want string) {
		t.Helper()
		if i := strings.IndexFunc(r.body, func(c rune) bool { return unicode.IsControl(c) && c != '\t' && c != '\n' && c != '\r' }); i >= 0 {
			t.Errorf("%s: a control character at byte %d of the page: %q", what, i, r.body[max(0, i-60):min(len(r.body), i+20)])
		}
		got, ok := r.doc.Find(sel).Attr("value")
		if !ok {
			got = r.doc.Find(sel).Text()
		}
		if got != want {
			t.Errorf("%s: %s shows %q, want %q", what, sel, got, want)
		}
	}
	r := anon.post("/login", url.Values{"_csrf": {anon.csrf("/login")}, "username": {"a\x00b"}, "password": {"not the password"}})
	if r.code != http.StatusUnauthorized {
		t.Fatalf("login: %d", r.code)
	}
	clean("failed login", r, "#username", "ab")
	clean("login page with a next of a NUL", anon.get("/login?next=/claims/1%00x"), `input[name="next"]`, "/")
	r = rita.post(claim+"/status", url.Values{"_csrf": {rita.csrf(claim)}, "version": {"1"}, "status": {"confirmed"}, "note": {"see\x00 the\x07 report\n"}})
	if r.code != http.StatusUnprocessableEntity {
		t.Fatalf("note with a NUL: %d", r.code)
	}
	clean("refused note", r, "textarea#note", "see the report\n")
	r = rita.post(claim+"/comments", url.Values{"_csrf": {rita.csrf(claim)}, "body": {"x\x00y"}})
	clean("refused comment", r, "textarea#comment-body", "xy")
	r = rita.post("/documents", url.Values{"_csrf": {rita.csrf("/documents/new")}, "title": {"Port\x1b vote"}, "text": {article}})
	if r.code != http.StatusUnprocessableEntity {
		t.Fatalf("title with ESC: %d", r.code)
	}
	clean("refused title", r, "#title", "Port vote")
	clean("search", rita.get("/search?q="+url.QueryEscape("port\x00")), `main input[name="q"]`, "port")
	if a.documentCount() != 1 {
		t.Error("the refused import was stored")
	}
	if cl := a.claim(firstClaimID(t, a)); cl.Version != 1 {
		t.Error("the refused note was stored")
	}
}
