package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"factdesk/handlers"
)

// importForm posts the import form as a browser does: every field, and a
// file when filename is not "".
func (c *client) importForm(fields map[string]string, filename string, data []byte) resp {
	c.a.t.Helper()
	tok := c.csrf("/documents/new")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("_csrf", tok)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := mw.CreateFormFile("file", filename)
		fw.Write(data)
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+"/documents", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.do(req)
}

// A refused import that the server did read comes back with everything
// that was typed: the title, the URL, the date, the publisher and the
// pasted text.
func TestRefusedImportKeepsInputs(t *testing.T) {
	a := newApp(t) // a 64 KB document limit
	c := a.client()
	c.login("rita")
	const (
		title = "Port vote: “green” plan"
		link  = "https://news.example.org/port-vote"
		date  = "2024-05-02"
		firm  = "Harbour Daily & Co"
	)
	bigText := strings.Repeat("Совет проголосовал 31 против 4. ", 1800) // over 64 KB in UTF-8, not in characters
	if len(bigText) <= 64<<10 || len([]rune(bigText)) > 64<<10 {
		t.Fatalf("bigText is %d bytes, %d characters", len(bigText), len([]rune(bigText)))
	}
	cases := []struct {
		name, text, file string
		data             []byte
		want             string
	}{
		{"a program", "", "setup.exe", []byte("MZ\x90\x00binary"), `".exe"`},
		{"a binary .txt", "", "notes.txt", []byte("PK\x03\x04\x00\x00binary\x00\x01"), "not text"},
		{"a file too large", "", "big.txt", bytes.Repeat([]byte("The port handled 10,000 containers. "), 2000), "The file is larger than the 64 KB limit."},
		// Text and a file: which was meant is not guessed, and neither is
		// dropped.
		{"text and a file", article, "port.txt", []byte(article), "You pasted text and chose a file"},
		{"text too large", bigText, "", nil, "The pasted text is larger than the 64 KB limit"},
		{"bad date", article, "", nil, "date"},
		{"a file with a bad date", "", "port-vote.txt", []byte(article), "date"},
	}
	for _, tc := range cases {
		fields := map[string]string{"title": title, "url": link, "published": date, "publisher": firm, "text": tc.text}
		if strings.HasSuffix(tc.name, "bad date") {
			fields["published"] = "31/12/2024"
		}
		r := c.importForm(fields, tc.file, tc.data)
		if r.code != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422 with the form", tc.name, r.code)
			continue
		}
		if msg := r.doc.Find("#import-error").Text(); !strings.Contains(msg, tc.want) {
			t.Errorf("%s: message %q, want it to say %q", tc.name, msg, tc.want)
		}
		if got := r.doc.Find("#text").Text(); got != tc.text {
			t.Errorf("%s: the text box holds %d bytes, want the %d pasted", tc.name, len(got), len(tc.text))
		}
		if got, _ := r.doc.Find("#title").Attr("value"); got != title {
			t.Errorf("%s: title %q, want %q", tc.name, got, title)
		}
		if got, _ := r.doc.Find("#url").Attr("value"); got != link {
			t.Errorf("%s: URL %q, want %q", tc.name, got, link)
		}
		if got, _ := r.doc.Find("#published").Attr("value"); got != fields["published"] {
			t.Errorf("%s: date %q, want %q", tc.name, got, fields["published"])
		}
		if got, _ := r.doc.Find("#publisher").Attr("value"); got != firm {
			t.Errorf("%s: publisher %q, want %q", tc.name, got, firm)
		}
		// A file cannot come back: the page asks for it by name.
		if lost := r.doc.Find("#file-lost").Text(); tc.file != "" && !strings.Contains(lost, "Choose “"+tc.file+"” again") {
			t.Errorf("%s: no request to choose %s again: %q", tc.name, tc.file, lost)
		} else if tc.file == "" && lost != "" {
			t.Errorf("%s: asks for a file that was never chosen: %q", tc.name, lost)
		}
	}
	if n := a.documentCount(); n != 0 {
		t.Fatalf("%d documents stored from refused imports", n)
	}
}

// The form carries the real limits and messages for the browser's check,
// and loads the script that does it.
func TestImportFormCarriesLimits(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	r := c.get("/documents/new")
	form := r.doc.Find("form#import-form")
	if form.Length() != 1 {
		t.Fatal("no form#import-form on the import page")
	}
	attr := func(k string) string { v, _ := form.Attr(k); return v }
	if got := attr("data-max-bytes"); got != strconv.Itoa(64<<10) {
		t.Errorf("data-max-bytes = %q, want the configured %d", got, 64<<10)
	}
	maxReq, _ := strconv.Atoi(attr("data-max-request-bytes"))
	if maxReq <= 64<<10 || maxReq >= handlers.ImportRequestLimit(64<<10) {
		t.Errorf("data-max-request-bytes = %d, want between the document limit and the request limit %d",
			maxReq, handlers.ImportRequestLimit(64<<10))
	}
	for _, k := range []string{"data-too-large-text", "data-too-large-file"} {
		if !strings.Contains(attr(k), "64 KB") {
			t.Errorf("%s = %q, want the limit named", k, attr(k))
		}
	}
	if !strings.Contains(attr("data-both"), "Clear the text box") {
		t.Errorf("data-both = %q", attr("data-both"))
	}
	if r.doc.Find(`script[src*="/assets/js/import.js"]`).Length() != 1 {
		t.Error("the import page does not load import.js")
	}
	if js := c.get("/assets/js/import.js"); js.code != http.StatusOK || !strings.Contains(js.body, "maxBytes") {
		t.Errorf("GET import.js: %d", js.code)
	}
}

// An import with two files (or two texts) is refused with a message: it
// used to import the first and drop the second without a word.
func TestImportOfTwoFilesIsRefused(t *testing.T) {
	a := newApp(t)
	c := a.client()
	c.login("rita")
	for _, two := range []string{"file", "text"} {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("_csrf", c.csrf("/documents/new"))
		for i, doc := range []string{article, "The mayor said the ferry would run every hour from May, officials said."} {
			if two == "file" {
				fw, _ := mw.CreateFormFile("file", "part"+strconv.Itoa(i)+".txt")
				fw.Write([]byte(doc))
			} else {
				mw.WriteField("text", doc)
			}
		}
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, c.a.srv.URL+"/documents", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		r := c.do(req)
		if msg := r.doc.Find("#import-error").Text(); r.code != http.StatusUnprocessableEntity || !strings.Contains(msg, "You sent 2 "+two+"s") {
			t.Errorf("two %ss: %d %q", two, r.code, msg)
		}
	}
	if n := a.documentCount(); n != 0 {
		t.Fatalf("%d documents stored", n)
	}
}

// The import form, the API and an uploaded page all give the article's
// publisher; the document page and a published claim's public page show it
// beside the article's other details, the API's document carries it, and
// an export of its claims too. It is refused as other text is: not plain
// text, or too long.
func TestImportPublisher(t *testing.T) {
	a := newAppWith(t, nil)
	c := a.client()
	c.login("rita")
	if l := c.get("/documents/new").doc.Find(`label[for="publisher"]`).Text(); !strings.HasPrefix(l, "Publisher") || !strings.Contains(l, "optional") {
		t.Errorf("the form's publisher field is labelled %q", l)
	}
	r := c.importForm(map[string]string{"title": "Port vote", "publisher": "  Harbour   Daily ", "url": "https://example.org/port",
		"published": "2024-05-02", "text": article}, "", nil)
	if r.code != http.StatusSeeOther {
		t.Fatalf("import with a publisher: %d %s", r.code, r.body)
	}
	docPage := c.get(r.hdr.Get("Location"))
	if meta := strings.Join(strings.Fields(docPage.doc.Find(`p.meta:contains("Imported")`).Text()), " "); !strings.HasPrefix(meta, "Harbour Daily · https://example.org/port · Published 2024-05-02 ·") {
		t.Errorf("the document page's details read %q", meta)
	}

	// An uploaded page names its own, unless the form does.
	page := `<!DOCTYPE html><html><head><meta property="og:site_name" content="Valley Courier"><title>Dam</title></head>
<body><p>The dam holds 40 million cubic metres of water, engineers said in 2024.</p></body></html>`
	r = c.importForm(map[string]string{"publisher": ""}, "dam.html", []byte(page))
	if r.code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", r.code, r.body)
	}
	if meta := c.get(r.hdr.Get("Location")).doc.Find(`p.meta:contains("Imported")`).Text(); !strings.Contains(meta, "Valley Courier") {
		t.Errorf("an uploaded page's og:site_name is not its publisher: %q", meta)
	}
	r = c.importForm(map[string]string{"publisher": "Dam Weekly"}, "dam2.html", []byte(strings.Replace(page, "40 million", "41 million", 1)))
	if meta := c.get(r.hdr.Get("Location")).doc.Find(`p.meta:contains("Imported")`).Text(); r.code != http.StatusSeeOther || !strings.Contains(meta, "Dam Weekly") || strings.Contains(meta, "Valley") {
		t.Errorf("the form's publisher did not win over the page's: %d %q", r.code, meta)
	}

	for _, bad := range []string{"Harbour\x1b[31m Daily", strings.Repeat("Ж", 201)} {
		r := c.importForm(map[string]string{"publisher": bad, "text": "The ferry carried 3,000 people a day in 2023, officials said."}, "", nil)
		if msg := r.doc.Find("#import-error").Text(); r.code != http.StatusUnprocessableEntity || !strings.Contains(msg, "publisher") {
			t.Errorf("publisher %.20q: %d %q", bad, r.code, msg)
		}
	}
	if n := a.documentCount(); n != 3 {
		t.Fatalf("%d documents, want 3", n)
	}

	// Through the API: a field like url and published_at, where it was
	// refused as unknown.
	api := a.token("rita")
	var created struct {
		Document handlers.APIDocument `json:"document"`
	}
	res := api.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Ferry", "publisher": " Ferry  News ",
		"text": "The ferry carried 3,000 people a day in 2023, officials said."})
	if res.code != http.StatusCreated {
		t.Fatalf("API import with a publisher: %d %s", res.code, res.body)
	}
	res.decode(t, &created)
	if created.Document.Publisher != "Ferry News" {
		t.Errorf("API document publisher %q", created.Document.Publisher)
	}
	res = api.do(http.MethodPost, "/api/v1/documents", map[string]any{"html": strings.Replace(page, "40 million", "42 million", 1)})
	res.decode(t, &created)
	if res.code != http.StatusCreated || created.Document.Publisher != "Valley Courier" {
		t.Errorf("API import of a page: %d, publisher %q", res.code, created.Document.Publisher)
	}
	var one handlers.APIDocumentDetail
	api.do(http.MethodGet, "/api/v1/documents/"+itoa(created.Document.ID), nil).decode(t, &one)
	var list handlers.APIPage[handlers.APIDocument]
	api.do(http.MethodGet, "/api/v1/documents", nil).decode(t, &list)
	if one.Publisher != "Valley Courier" || len(list.Items) == 0 || list.Items[0].Publisher != "Valley Courier" {
		t.Errorf("GET the document: publisher %q; the list: %+v", one.Publisher, list.Items)
	}
	res = api.do(http.MethodPost, "/api/v1/documents", map[string]any{"publisher": "Ferry\u0000News", "text": "The bridge cost $3 million in 2021."})
	if e := res.apiErr(t, http.StatusUnprocessableEntity, "invalid"); !strings.Contains(e.Message, "publisher") {
		t.Errorf("API publisher with a control character: %q", e.Message)
	}

	// The JSON export carries it with the other details of the article.
	claims, err := a.store.DocumentClaims(context.Background(), 1)
	if err != nil || len(claims) == 0 {
		t.Fatalf("claims: %d %v", len(claims), err)
	}
	rita, _ := a.store.UserByName(context.Background(), "rita")
	if _, err := a.store.SetStatus(context.Background(), claims[0].ID, rita.ID, 1, "confirmed", ""); err != nil {
		t.Fatal(err)
	}
	var recs []map[string]any
	if err := json.Unmarshal([]byte(c.get("/export?format=json&document=1").body), &recs); err != nil || len(recs) != 1 ||
		recs[0]["document_publisher"] != "Harbour Daily" || recs[0]["document_url"] != "https://example.org/port" {
		t.Errorf("export: %v %v", recs, err)
	}
	ed := a.client()
	ed.login("ed")
	if r := ed.publish(claims[0].ID); r.code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", r.code, r.body)
	}
	if meta := a.client().get("/public/claims/" + itoa(claims[0].ID)).doc.Find("p.meta").Text(); !strings.Contains(meta, "Port vote, Harbour Daily, 2 May 2024") {
		t.Errorf("the public page says %q", meta)
	}
}
