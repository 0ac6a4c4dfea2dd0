package web_test

import (
	"bytes"
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
// that was typed: the title, the URL, the date and the pasted text.
func TestRefusedImportKeepsInputs(t *testing.T) {
	a := newApp(t) // a 64 KB document limit
	c := a.client()
	c.login("rita")
	const (
		title = "Port vote: “green” plan"
		link  = "https://news.example.org/port-vote"
		date  = "2024-05-02"
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
		fields := map[string]string{"title": title, "url": link, "published": date, "text": tc.text}
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
