package web_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "modernc.org/sqlite"

	"factdesk/db"
	"factdesk/handlers"
	"factdesk/web"
)

// apiClient calls the API with a bearer token and no cookies.
type apiClient struct {
	a     *app
	token string
}

type apiResp struct {
	code int
	hdr  http.Header
	body []byte
}

// token makes an API token for a user, as `factdesk token create` does.
func (a *app) token(user string) apiClient {
	a.t.Helper()
	u, err := a.store.UserByName(context.Background(), user)
	if err != nil {
		a.t.Fatal(err)
	}
	secret, _, err := a.store.CreateToken(context.Background(), u.ID, "test "+user)
	if err != nil {
		a.t.Fatal(err)
	}
	return apiClient{a: a, token: secret}
}

// do sends body as JSON (a string, []byte or io.Reader as it is); hdr pairs
// override headers.
func (c apiClient) do(method, path string, body any, hdr ...string) apiResp {
	c.a.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	case io.Reader: // of no known length: sent chunked
		r = b
	default:
		data, err := json.Marshal(b)
		if err != nil {
			c.a.t.Fatal(err)
		}
		r = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.a.srv.URL+path, r)
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i+1] == "" {
			req.Header.Del(hdr[i])
		} else {
			req.Header.Set(hdr[i], hdr[i+1])
		}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		c.a.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	checkDocumented(c.a.t, method, path, res.StatusCode)
	return apiResp{code: res.StatusCode, hdr: res.Header, body: b}
}

// apiSpec is openapi.json's operations: path, then method, then the
// statuses it documents.
var apiSpec = func() map[string]map[string]map[string]bool {
	var spec struct {
		Paths map[string]map[string]struct {
			Responses map[string]json.RawMessage `json:"responses"`
		} `json:"paths"`
	}
	if err := json.Unmarshal(handlers.OpenAPIDocument, &spec); err != nil {
		panic(err)
	}
	out := map[string]map[string]map[string]bool{}
	for path, ops := range spec.Paths {
		out[path] = map[string]map[string]bool{}
		for method, op := range ops {
			out[path][method] = map[string]bool{}
			for code := range op.Responses {
				out[path][method][code] = true
			}
		}
	}
	return out
}()

// checkDocumented fails the test when an API answer's status is not among
// those openapi.json gives for the operation: the document must say what
// the server does. Requests to no operation (unknown paths and methods)
// are not checked.
func checkDocumented(t *testing.T, method, rawPath string, code int) {
	t.Helper()
	path, _, _ := strings.Cut(rawPath, "?")
	if method == http.MethodHead {
		method = http.MethodGet
	}
	// The operation whose path fits with the fewest parameters: /claims/bulk
	// before /claims/{id}.
	best, params := "", -1
	for specPath, ops := range apiSpec {
		if _, ok := ops[strings.ToLower(method)]; !ok || !samePathShape(specPath, path) {
			continue
		}
		if n := strings.Count(specPath, "{"); params < 0 || n < params {
			best, params = specPath, n
		}
	}
	if best == "" {
		return
	}
	if codes := apiSpec[best][strings.ToLower(method)]; !codes[strconv.Itoa(code)] && !codes["default"] {
		t.Errorf("%s %s answered %d, which openapi.json does not list for %s %s", method, rawPath, code, method, best)
	}
}

// samePathShape reports whether a request path fits an OpenAPI path, whose
// {param} segments match any one segment.
func samePathShape(spec, path string) bool {
	a, b := strings.Split(spec, "/"), strings.Split(path, "/")
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] && !strings.HasPrefix(a[i], "{") {
			return false
		}
	}
	return true
}

func (r apiResp) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("response %d is not the JSON expected: %v\n%s", r.code, err, r.body)
	}
}

// apiErr checks an error answer: the status, JSON with the stable code, and
// a message.
func (r apiResp) apiErr(t *testing.T, status int, code string) handlers.APIError {
	t.Helper()
	var e handlers.APIError
	if err := json.Unmarshal(r.body, &e); err != nil || r.code != status || e.Code != code || e.Message == "" {
		t.Fatalf("got %d %s, want %d with code %q", r.code, r.body, status, code)
	}
	if !strings.HasPrefix(r.hdr.Get("Content-Type"), "application/json") {
		t.Fatalf("error Content-Type %q", r.hdr.Get("Content-Type"))
	}
	return e
}

// setDisabled flips a user's disabled flag straight in the database file.
func (a *app) setDisabled(user string, disabled bool) {
	a.t.Helper()
	a.rawExec(`UPDATE users SET disabled = ? WHERE username = ?`, disabled, user)
}

// rawExec runs SQL on the app's database file behind the store's back.
func (a *app) rawExec(query string, args ...any) {
	a.t.Helper()
	sdb, err := sql.Open("sqlite", "file:"+appDBPath[a]+"?_pragma=busy_timeout(5000)")
	if err != nil {
		a.t.Fatal(err)
	}
	defer sdb.Close()
	if _, err := sdb.Exec(query, args...); err != nil {
		a.t.Fatal(err)
	}
}

func TestAPIOpenAPIMatchesRoutes(t *testing.T) {
	e := web.New(web.Config{Store: openStore(t), Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var spec struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components map[string]map[string]json.RawMessage `json:"components"`
	}
	if err := json.Unmarshal(handlers.OpenAPIDocument, &spec); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(spec.OpenAPI, "3.") {
		t.Fatalf("openapi = %q", spec.OpenAPI)
	}
	param := regexp.MustCompile(`:([a-z_]+)`)
	routed := map[string]bool{}
	for _, r := range e.Routes() {
		// HEAD is the GET without its body, which HTTP implies: the
		// document does not list it.
		if !strings.HasPrefix(r.Path, "/api/") || r.Method == http.MethodHead {
			continue
		}
		path := param.ReplaceAllString(r.Path, "{$1}")
		key := strings.ToLower(r.Method) + " " + path
		routed[key] = true
		if _, ok := spec.Paths[path][strings.ToLower(r.Method)]; !ok {
			t.Errorf("route %s %s is not in openapi.json", r.Method, path)
		}
	}
	if len(routed) < 10 {
		t.Fatalf("only %d API routes found", len(routed))
	}
	ops := map[string]bool{}
	for path, methods := range spec.Paths {
		for method, raw := range methods {
			if !routed[method+" "+path] {
				t.Errorf("openapi.json has %s %s, which is not routed", strings.ToUpper(method), path)
			}
			var op struct {
				OperationID string                     `json:"operationId"`
				Responses   map[string]json.RawMessage `json:"responses"`
			}
			json.Unmarshal(raw, &op)
			if op.OperationID == "" || ops[op.OperationID] || len(op.Responses) == 0 {
				t.Errorf("%s %s: operationId %q (duplicate: %v), %d responses", method, path, op.OperationID, ops[op.OperationID], len(op.Responses))
			}
			ops[op.OperationID] = true
		}
	}
	// Every $ref points at something defined.
	refs := regexp.MustCompile(`"\$ref":\s*"#/components/([a-zA-Z]+)/([a-zA-Z]+)"`)
	for _, m := range refs.FindAllStringSubmatch(string(handlers.OpenAPIDocument), -1) {
		if _, ok := spec.Components[m[1]][m[2]]; !ok {
			t.Errorf("$ref to undefined %s/%s", m[1], m[2])
		}
	}
	// Served without a token.
	a := newAppWith(t, nil)
	r := apiClient{a: a}.do(http.MethodGet, "/api/v1/openapi.json", nil)
	if r.code != http.StatusOK || !bytes.Equal(r.body, handlers.OpenAPIDocument) {
		t.Fatalf("GET openapi.json: %d", r.code)
	}
}

func openStore(t *testing.T) *db.Store {
	t.Helper()
	s, err := db.Open(context.Background(), filepath.Join(t.TempDir(), "spec.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestAPIAuthentication(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	if r := rita.do(http.MethodGet, "/api/v1/me", nil); r.code != http.StatusOK || !strings.Contains(string(r.body), `"rita"`) {
		t.Fatalf("me: %d %s", r.code, r.body)
	}
	for name, hdr := range map[string][]string{
		"no header":      {"Authorization", ""},
		"empty bearer":   {"Authorization", "Bearer "},
		"basic auth":     {"Authorization", "Basic cml0YTpwdw=="},
		"unknown token":  {"Authorization", "Bearer fdk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		"not a token":    {"Authorization", "Bearer hello"},
		"token in query": {"Authorization", ""},
	} {
		path := "/api/v1/me"
		if name == "token in query" {
			path += "?access_token=" + rita.token
		}
		r := rita.do(http.MethodGet, path, nil, hdr...)
		r.apiErr(t, http.StatusUnauthorized, "unauthorized")
		if !strings.HasPrefix(r.hdr.Get("WWW-Authenticate"), "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q", name, r.hdr.Get("WWW-Authenticate"))
		}
	}
	// A logged-in browser session counts for nothing on the API.
	browser := a.client()
	browser.login("rita")
	r := browser.get("/api/v1/me")
	if r.code != http.StatusUnauthorized || !strings.Contains(r.body, `"unauthorized"`) {
		t.Fatalf("session cookie on the API: %d %s", r.code, r.body)
	}
	// Bearer requests need no CSRF token, even flagged cross-site: they
	// carry no ambient credential for another site to borrow.
	browser.importText("Port plan", article)
	id := firstClaimID(t, a)
	r2 := rita.do(http.MethodPost, "/api/v1/claims/"+itoa(id)+"/status", map[string]any{"status": "confirmed", "version": 1},
		"Sec-Fetch-Site", "cross-site")
	if r2.code != http.StatusOK {
		t.Fatalf("bearer POST: %d %s", r2.code, r2.body)
	}

	// Disabling the user stops the token at once; enabling restores it.
	a.setDisabled("rita", true)
	rita.do(http.MethodGet, "/api/v1/me", nil).apiErr(t, http.StatusUnauthorized, "unauthorized")
	a.setDisabled("rita", false)
	if r := rita.do(http.MethodGet, "/api/v1/me", nil); r.code != http.StatusOK {
		t.Fatalf("re-enabled: %d", r.code)
	}
	// Revoked tokens stop at once.
	u, tok, _ := a.store.TokenUser(context.Background(), rita.token)
	if _, err := a.store.RevokeToken(context.Background(), u.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	rita.do(http.MethodGet, "/api/v1/me", nil).apiErr(t, http.StatusUnauthorized, "unauthorized")
	// Use is recorded.
	toks, _ := a.store.Tokens(context.Background(), u.ID)
	if toks[0].LastUsedAt.IsZero() {
		t.Fatal("last use not recorded")
	}
}

func TestAPIRoles(t *testing.T) {
	a := newAppWith(t, nil)
	vic, rita, ed := a.token("vic"), a.token("rita"), a.token("ed")
	newDoc := map[string]any{"title": "Port plan", "text": article}
	vic.do(http.MethodPost, "/api/v1/documents", newDoc).apiErr(t, http.StatusForbidden, "forbidden")
	if a.documentCount() != 0 {
		t.Fatal("a viewer imported a document")
	}
	if r := rita.do(http.MethodPost, "/api/v1/documents", newDoc); r.code != http.StatusCreated {
		t.Fatalf("reviewer import: %d %s", r.code, r.body)
	}
	id := itoa(firstClaimID(t, a))
	vic.do(http.MethodPost, "/api/v1/claims/"+id+"/status", map[string]any{"status": "confirmed", "version": 1}).apiErr(t, http.StatusForbidden, "forbidden")
	vic.do(http.MethodPost, "/api/v1/documents/1/claims", `[{"text":"x"}]`).apiErr(t, http.StatusForbidden, "forbidden")
	for _, p := range []string{"/api/v1/documents", "/api/v1/documents/1", "/api/v1/claims", "/api/v1/claims/" + id, "/api/v1/export?format=csv"} {
		if r := vic.do(http.MethodGet, p, nil); r.code != http.StatusOK {
			t.Errorf("viewer GET %s: %d", p, r.code)
		}
	}
	if r := rita.do(http.MethodPost, "/api/v1/claims/"+id+"/status", map[string]any{"status": "disputed", "version": 1}); r.code != http.StatusOK {
		t.Fatalf("review: %d %s", r.code, r.body)
	}
	rita.do(http.MethodPut, "/api/v1/claims/"+id+"/publication", nil).apiErr(t, http.StatusForbidden, "forbidden")
	if r := ed.do(http.MethodPut, "/api/v1/claims/"+id+"/publication", nil); r.code != http.StatusOK {
		t.Fatalf("editor publish: %d %s", r.code, r.body)
	}
}

func TestAPIRateLimitPerToken(t *testing.T) {
	a := newAppWith(t, func(c *web.Config) { c.APIRate, c.APIBurst = 0.5, 3 })
	rita, rob := a.token("rita"), a.token("rob")
	for i := range 3 {
		if r := rita.do(http.MethodGet, "/api/v1/me", nil); r.code != http.StatusOK {
			t.Fatalf("request %d: %d", i, r.code)
		}
	}
	r := rita.do(http.MethodGet, "/api/v1/me", nil)
	r.apiErr(t, http.StatusTooManyRequests, "rate_limited")
	if ra, err := strconv.Atoi(r.hdr.Get("Retry-After")); err != nil || ra < 1 {
		t.Fatalf("Retry-After %q", r.hdr.Get("Retry-After"))
	}
	// Another token has its own allowance.
	if r := rob.do(http.MethodGet, "/api/v1/me", nil); r.code != http.StatusOK {
		t.Fatalf("other token: %d", r.code)
	}
}

func TestAPIErrors(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	id := itoa(firstClaimID(t, a))
	status := "/api/v1/claims/" + id + "/status"
	cases := []struct {
		name, method, path string
		body               any
		hdr                []string
		code               int
		errCode, msg       string
	}{
		{"bad JSON", "POST", status, `{"status":`, nil, 400, "bad_request", "invalid JSON"},
		{"unknown field", "POST", status, `{"status":"confirmed","version":1,"notes":"x"}`, nil, 400, "bad_request", "notes"},
		{"wrong type", "POST", status, `{"status":"confirmed","version":"1"}`, nil, 400, "bad_request", "version"},
		{"two objects", "POST", status, `{"status":"confirmed","version":1}{}`, nil, 400, "bad_request", "one JSON object"},
		{"empty body", "POST", status, ``, nil, 400, "bad_request", "empty"},
		{"form body", "POST", status, `status=confirmed&version=1`, []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, "unsupported_media_type", "JSON"},
		{"no version", "POST", status, map[string]any{"status": "confirmed"}, nil, 422, "invalid", "version is required"},
		{"unknown status", "POST", status, map[string]any{"status": "true", "version": 1}, nil, 422, "invalid", "unknown status"},
		{"negative version", "POST", status, map[string]any{"status": "confirmed", "version": -5}, nil, 422, "invalid", "version must be a number from 1"},
		{"inbox up to -1", "POST", "/api/v1/inbox/read", map[string]any{"up_to": -1}, nil, 422, "invalid", "up_to"},
		{"unknown claim", "POST", "/api/v1/claims/99999/status", map[string]any{"status": "confirmed", "version": 1}, nil, 404, "not_found", ""},
		{"claim id not a number", "GET", "/api/v1/claims/abc", nil, nil, 404, "not_found", ""},
		{"unknown route", "GET", "/api/v1/nothing", nil, nil, 404, "not_found", ""},
		{"wrong method", "DELETE", "/api/v1/documents", nil, nil, 405, "method_not_allowed", ""},
		{"bad cursor", "GET", "/api/v1/claims?cursor=abc", nil, nil, 422, "invalid", "cursor"},
		{"bad limit", "GET", "/api/v1/claims?limit=1000", nil, nil, 422, "invalid", "limit"},
		{"bad filter", "GET", "/api/v1/claims?status=maybe", nil, nil, 422, "invalid", "unknown status"},
		{"bad kind", "GET", "/api/v1/claims?kind=bogus", nil, nil, 422, "invalid", "unknown kind"},
		{"bad kind in an export", "GET", "/api/v1/export?kind=quantity,bogus", nil, nil, 422, "invalid", "unknown kind"},
		{"unknown reviewer", "GET", "/api/v1/export?reviewer=nobody", nil, nil, 422, "invalid", "no user named"},
		{"bad format", "GET", "/api/v1/export?format=pdf", nil, nil, 422, "invalid", "claimreview"},
		{"text and html", "POST", "/api/v1/documents", map[string]any{"text": "a", "html": "<p>a</p>"}, nil, 422, "invalid", "either text or html"},
		{"neither text nor html", "POST", "/api/v1/documents", map[string]any{"title": "x"}, nil, 422, "invalid", "either text or html"},
		{"empty text", "POST", "/api/v1/documents", map[string]any{"text": "  \n"}, nil, 422, "invalid", "empty"},
		{"bad URL", "POST", "/api/v1/documents", map[string]any{"text": "Prices rose 5% in May, officials said.", "url": "javascript:x"}, nil, 422, "invalid", "http"},
		{"bad date", "POST", "/api/v1/documents", map[string]any{"text": "Prices rose 5% in May, officials said.", "published_at": "May 2024"}, nil, 422, "invalid", "2024-12-31"},
		{"future date", "POST", "/api/v1/documents", map[string]any{"text": "Prices rose 5% in May, officials said.", "published_at": "2099-01-01"}, nil, 422, "invalid", "in the future"},
		{"too large", "POST", "/api/v1/documents", map[string]any{"text": strings.Repeat("Prices rose 5% in May. ", 10000)}, nil, 413, "too_large", "documents up to 64 KB"},
		{"too large status body", "POST", status, map[string]any{"status": "confirmed", "version": 1, "note": strings.Repeat("n", 100<<10)}, nil, 413, "too_large", "bodies up to 64 KB"},
		{"claims not JSON", "POST", "/api/v1/documents/1/claims", `hello`, nil, 400, "bad_request", "expected JSON"},
		// encoding/json would store these bytes as U+FFFD; the web form refuses them.
		{"text not UTF-8", "POST", "/api/v1/documents", "{\"text\": \"Prices rose 5% in Caf\xe9 Street, officials said.\"}", nil, 400, "bad_request", "not valid UTF-8 (an invalid byte at offset 31)"},
		{"note not UTF-8", "POST", status, "{\"status\":\"confirmed\",\"version\":1,\"note\":\"\xff\"}", nil, 400, "bad_request", "not valid UTF-8"},
		{"claims not UTF-8", "POST", "/api/v1/documents/1/claims", "[{\"text\":\"Caf\xe9\"}]", nil, 400, "bad_request", "not valid UTF-8"},
		{"claims for unknown document", "POST", "/api/v1/documents/999/claims", `[{"text":"x"}]`, nil, 404, "not_found", ""},
		{"publish unverified", "PUT", "/api/v1/claims/" + id + "/publication", nil, nil, 403, "forbidden", "editor"},
	}
	for _, tc := range cases {
		r := rita.do(tc.method, tc.path, tc.body, tc.hdr...)
		var e handlers.APIError
		if err := json.Unmarshal(r.body, &e); err != nil || r.code != tc.code || e.Code != tc.errCode || !strings.Contains(strings.ToLower(e.Message), strings.ToLower(tc.msg)) {
			t.Errorf("%s: %d %s, want %d %s with %q", tc.name, r.code, r.body, tc.code, tc.errCode, tc.msg)
		}
	}
	cl, _ := a.store.Claim(context.Background(), firstClaimID(t, a))
	if cl.Version != 1 || a.documentCount() != 1 {
		t.Fatal("a refused request changed something")
	}

	// Publishing reads an optional JSON body: unreadable, or not JSON.
	ed := a.token("ed")
	pub := "/api/v1/claims/" + id + "/publication"
	ed.do(http.MethodPut, pub, `{"version":`).apiErr(t, http.StatusBadRequest, "bad_request")
	ed.do(http.MethodPut, pub, `version=1`, "Content-Type", "text/plain").apiErr(t, http.StatusUnsupportedMediaType, "unsupported_media_type")

	// Stale: 409 with the claim as it is now.
	if r := rita.do(http.MethodPost, status, map[string]any{"status": "confirmed", "version": 1}); r.code != http.StatusOK {
		t.Fatalf("first change: %d", r.code)
	}
	e := rita.do(http.MethodPost, status, map[string]any{"status": "disputed", "version": 1, "note": "late"}).apiErr(t, http.StatusConflict, "stale")
	if e.Current == nil || e.Current.Status != "confirmed" || e.Current.Version != 2 {
		t.Fatalf("stale answer: %+v", e)
	}

}

// An internal error after authentication answers 500 in JSON, with a
// request id to find the details in the log.
func TestAPIInternalError(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	// Rename a table the list needs, behind the store's back.
	a.rawExec(`ALTER TABLE documents RENAME TO documents_gone`)
	r := rita.do(http.MethodGet, "/api/v1/documents", nil)
	e := r.apiErr(t, http.StatusInternalServerError, "internal")
	rid := r.hdr.Get("X-Request-Id")
	// The request id is random letters, which may spell "sql".
	if shown := strings.ReplaceAll(e.Message, rid, ""); strings.Contains(strings.ToLower(shown), "sql") ||
		strings.Contains(shown, "documents") || !strings.Contains(e.Message, "Request id") {
		t.Fatalf("message %q", e.Message)
	}
	if rid == "" || !strings.Contains(e.Message, rid) || !strings.Contains(a.log.String(), rid) {
		t.Fatalf("request id %q not in message and log", rid)
	}
}

// apiRouteAccess classifies every API route by the least role it needs. A
// new API route must be added here, or TestAPIRoutesCheckTheirRole fails.
var apiRouteAccess = map[string]string{
	"GET /api/v1/openapi.json":              accessPublic,
	"GET /api/v1/me":                        accessLogin,
	"GET /api/v1/documents":                 accessLogin,
	"GET /api/v1/documents/:id":             accessLogin,
	"GET /api/v1/claims":                    accessLogin,
	"GET /api/v1/claims/:id":                accessLogin,
	"GET /api/v1/export":                    accessLogin,
	"POST /api/v1/documents":                accessReviewer,
	"POST /api/v1/documents/:id/claims":     accessReviewer,
	"POST /api/v1/claims/:id/status":        accessReviewer,
	"PUT /api/v1/claims/:id/publication":    accessEditor,
	"DELETE /api/v1/claims/:id/publication": accessEditor,

	// Team work.
	"GET /api/v1/claims/:id/comments":          accessLogin,
	"GET /api/v1/claims/:id/evidence":          accessLogin,
	"GET /api/v1/inbox":                        accessLogin,
	"POST /api/v1/inbox/read":                  accessLogin,
	"GET /api/v1/activity":                     accessLogin,
	"GET /api/v1/documents/:id/activity":       accessLogin,
	"GET /api/v1/agreement":                    accessLogin,
	"GET /api/v1/reviewers":                    accessLogin,
	"POST /api/v1/claims/:id/comments":         accessReviewer,
	"POST /api/v1/claims/:id/evidence":         accessReviewer,
	"POST /api/v1/claims/:id/dismiss":          accessReviewer,
	"POST /api/v1/claims/:id/opinion":          accessReviewer,
	"POST /api/v1/claims/:id/restore":          accessEditor,
	"POST /api/v1/claims/:id/assign":           accessEditor,
	"POST /api/v1/documents/:id/assign":        accessEditor,
	"POST /api/v1/claims/:id/second-opinion":   accessEditor,
	"DELETE /api/v1/claims/:id/second-opinion": accessEditor,
	"POST /api/v1/claims/bulk":                 accessEditor,
	"GET /api/v1/users":                        accessAdmin,
	"POST /api/v1/users":                       accessAdmin,
	"POST /api/v1/users/:id/role":              accessAdmin,
	"POST /api/v1/users/:id/password":          accessAdmin,
	"POST /api/v1/users/:id/disable":           accessAdmin,
	"POST /api/v1/users/:id/enable":            accessAdmin,
}

// Every API route refuses a request without a token (401) and a token whose
// role is too low (403, saying which role it needs), and lets the others
// through to the handler.
func TestAPIRoutesCheckTheirRole(t *testing.T) {
	a := newAppWith(t, nil)
	tokens := map[string]apiClient{"": {a: a}}
	for _, id := range identities[1:] {
		user := id.user
		switch id.role {
		case "editor":
			user = "ed"
		}
		tokens[id.role] = a.token(user)
	}
	e := web.New(web.Config{Store: a.store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	seen := map[string]bool{}
	for _, r := range e.Routes() {
		key := r.Method + " " + r.Path
		if !strings.HasPrefix(r.Path, "/api/") || seen[key] {
			continue
		}
		seen[key] = true
		access, ok := apiRouteAccess[key]
		if r.Method == http.MethodHead { // checked as its GET, without a body to say why
			access, ok = apiRouteAccess["GET "+r.Path]
		}
		if !ok {
			t.Errorf("API route %s is not in apiRouteAccess: classify it", key)
			continue
		}
		for _, id := range identities {
			var body any
			if r.Method == http.MethodPost {
				body = "{}"
			}
			res := tokens[id.role].do(r.Method, fillPath(r.Path), body)
			who := id.role
			if who == "" {
				who = "no token"
			}
			var e handlers.APIError
			json.Unmarshal(res.body, &e)
			want := allowed(access, id.role)
			switch {
			case res.code >= 500:
				t.Errorf("%s with %s: %d %s", key, who, res.code, res.body)
			case want && (res.code == http.StatusUnauthorized || res.code == http.StatusForbidden):
				t.Errorf("%s with %s: refused (%d %s), want allowed", key, who, res.code, res.body)
			case !want && id.role == "" && (res.code != http.StatusUnauthorized || e.Code != "unauthorized" && r.Method != http.MethodHead):
				t.Errorf("%s with no token: %d %s, want 401", key, res.code, res.body)
			case !want && id.role != "" && (res.code != http.StatusForbidden || !strings.Contains(e.Message, "it needs the") && r.Method != http.MethodHead):
				t.Errorf("%s with %s: %d %s, want 403 for the role", key, who, res.code, res.body)
			}
		}
	}
	for key := range apiRouteAccess {
		if !seen[key] {
			t.Errorf("apiRouteAccess lists %s, which the server does not have", key)
		}
	}
}

// A reviewer asked for a second opinion gives it blind: the API withholds
// the first verdict from them, as the web pages do.
func TestAPIBlindSecondOpinion(t *testing.T) {
	a := newAppWith(t, nil)
	rita, rob := a.token("rita"), a.token("rob")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	id := firstClaimID(t, a)
	if r := rita.do(http.MethodPost, "/api/v1/claims/"+itoa(id)+"/status", map[string]any{"status": "disputed", "version": 1, "note": "first look"}); r.code != http.StatusOK {
		t.Fatalf("first verdict: %d %s", r.code, r.body)
	}
	ctx := context.Background()
	ed, _ := a.store.UserByName(ctx, "ed")
	robUser, _ := a.store.UserByName(ctx, "rob")
	if _, err := a.store.RequestSecondOpinion(ctx, id, ed.ID, robUser.ID); err != nil {
		t.Fatal(err)
	}
	var cl handlers.APIClaimDetail
	rob.do(http.MethodGet, "/api/v1/claims/"+itoa(id), nil).decode(t, &cl)
	if !cl.Blind || cl.Status != "" || len(cl.History) != 0 {
		t.Fatalf("blind reviewer sees %+v", cl)
	}
	// The document allows the empty status it is then given.
	var spec struct {
		Components struct {
			Schemas struct {
				Claim struct {
					Properties struct {
						Status struct {
							Enum []string `json:"enum"`
						} `json:"status"`
					} `json:"properties"`
				} `json:"Claim"`
			} `json:"schemas"`
		} `json:"components"`
	}
	json.Unmarshal(handlers.OpenAPIDocument, &spec)
	if enum := spec.Components.Schemas.Claim.Properties.Status.Enum; !slices.Contains(enum, cl.Status) {
		t.Errorf("openapi.json's Claim status is one of %q: not %q, which a blind reviewer gets", enum, cl.Status)
	}
	var page handlers.APIPage[handlers.APIClaim]
	rob.do(http.MethodGet, "/api/v1/claims?status=disputed", nil).decode(t, &page)
	if len(page.Items) != 0 {
		t.Fatalf("status filter shows the blind claim: %+v", page.Items)
	}
	// Nor does a filter on who changed it: the first reviewer's name is
	// withheld too.
	for _, q := range []string{"reviewer=rita", "reviewer=rita&from=2000-01-01"} {
		page = handlers.APIPage[handlers.APIClaim]{}
		rob.do(http.MethodGet, "/api/v1/claims?"+q, nil).decode(t, &page)
		for _, it := range page.Items {
			if it.ID == id {
				t.Errorf("?%s lists the claim rob owes a blind opinion on", q)
			}
		}
	}
	// The assignee filter: no claim is assigned yet.
	for q, want := range map[string]bool{"assignee=none": true, "assignee=rob": false, "assignee=me": false} {
		page = handlers.APIPage[handlers.APIClaim]{}
		rita.do(http.MethodGet, "/api/v1/claims?"+q, nil).decode(t, &page)
		if (len(page.Items) > 0) != want {
			t.Errorf("?%s lists %d claims", q, len(page.Items))
		}
	}
	page = handlers.APIPage[handlers.APIClaim]{}
	rob.do(http.MethodGet, "/api/v1/claims?document=1", nil).decode(t, &page)
	for _, it := range page.Items {
		if it.ID == id && (!it.Blind || it.Status != "") {
			t.Fatalf("list shows the verdict: %+v", it)
		}
	}
	// A stale version must not reveal the verdict either.
	e := rob.do(http.MethodPost, "/api/v1/claims/"+itoa(id)+"/status", map[string]any{"status": "confirmed", "version": 1}).apiErr(t, http.StatusUnprocessableEntity, "invalid")
	if e.Current != nil || !strings.Contains(e.Message, "second opinion") {
		t.Fatalf("blind status change: %+v", e)
	}
	// Others see it as it is; once rob answers, so does he.
	cl = handlers.APIClaimDetail{}
	rita.do(http.MethodGet, "/api/v1/claims/"+itoa(id), nil).decode(t, &cl)
	if cl.Blind || cl.Status != "disputed" {
		t.Fatalf("first reviewer sees %+v", cl)
	}
	if _, err := a.store.SubmitSecondOpinion(ctx, id, robUser.ID, "confirmed", "looks right"); err != nil {
		t.Fatal(err)
	}
	cl = handlers.APIClaimDetail{}
	rob.do(http.MethodGet, "/api/v1/claims/"+itoa(id), nil).decode(t, &cl)
	if cl.Blind || cl.Status != "disputed" || len(cl.History) == 0 {
		t.Fatalf("after answering: %+v", cl)
	}
}

// nearRepeatClaims is a document of one block repeated through about 60 KB,
// and n claims quoting the block with one letter changed: each is a near
// match at every repeat, the costliest kind of claim to place.
func nearRepeatClaims(n int) (doc string, claims []map[string]string) {
	words := strings.Fields("the council port vote harbour city plan emissions budget said officials report data year")
	var b strings.Builder
	for i := 0; b.Len() < 512; i++ {
		b.WriteString(words[(i*7+i/3)%len(words)] + " ")
	}
	block := b.String()[:512]
	q := []byte(block)
	q[200] = 'Z'
	for range n {
		claims = append(claims, map[string]string{"exact": string(q)})
	}
	return strings.Repeat(block+"\n\n", 115), claims
}

// Placing claims from other tools is bounded in work per request: a body of
// near matches is refused whole with 413 after about a second, rather than
// holding a core for minutes, and nothing of it is stored.
func TestAPIAddClaimsWorkIsBounded(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	doc, claims := nearRepeatClaims(60)
	if r := rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Repeats", "text": doc, "extract": false}); r.code != http.StatusCreated {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	start := time.Now()
	r := rita.do(http.MethodPost, "/api/v1/documents/1/claims", claims)
	took := time.Since(start)
	e := r.apiErr(t, http.StatusRequestEntityTooLarge, "too_large")
	if !strings.Contains(e.Message, "more work than one request may do") || !strings.Contains(e.Message, "nothing was stored") {
		t.Errorf("message %q", e.Message)
	}
	if cs, _ := a.store.DocumentClaims(context.Background(), 1); len(cs) != 0 {
		t.Fatalf("%d claims stored from a refused request", len(cs))
	}
	t.Logf("refused after %v", took)
	// A few of them are within the bound.
	if r := rita.do(http.MethodPost, "/api/v1/documents/1/claims", claims[:2]); r.code != http.StatusOK {
		t.Fatalf("two near matches: %d %s", r.code, r.body)
	}
}

// Placing claims stops at the handler's deadline: 503 with a JSON error,
// soon after the deadline rather than when the work is done, and nothing
// stored.
func TestAPIAddClaimsStopsAtDeadline(t *testing.T) {
	a := newAppWith(t, func(c *web.Config) { c.HandlerTimeout = 100 * time.Millisecond })
	rita := a.token("rita")
	doc, claims := nearRepeatClaims(8)
	if r := rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Repeats", "text": doc, "extract": false}); r.code != http.StatusCreated {
		t.Fatalf("import: %d %s", r.code, r.body)
	}
	start := time.Now()
	r := rita.do(http.MethodPost, "/api/v1/documents/1/claims", claims)
	took := time.Since(start)
	r.apiErr(t, http.StatusServiceUnavailable, "unavailable")
	if cs, _ := a.store.DocumentClaims(context.Background(), 1); len(cs) != 0 {
		t.Fatalf("%d claims stored after the deadline", len(cs))
	}
	// The 8 claims take about a second of work on an idle core.
	if took > 600*time.Millisecond {
		t.Errorf("answered %v after a deadline of 100 ms", took)
	}
}

// A body over a route's limit is refused with 413 whether it gives its
// length or not, with a message that names that route's limit.
func TestAPITooLargeNamesTheRouteLimit(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	id := itoa(firstClaimID(t, a))
	comment, _ := json.Marshal(map[string]string{"body": strings.Repeat("n", 100<<10)})
	for _, chunked := range []bool{false, true} {
		var body any = comment
		if chunked {
			body = io.MultiReader(bytes.NewReader(comment))
		}
		e := rita.do(http.MethodPost, "/api/v1/claims/"+id+"/comments", body).apiErr(t, http.StatusRequestEntityTooLarge, "too_large")
		if !strings.Contains(e.Message, "64 KB") || strings.Contains(e.Message, "MB") {
			t.Errorf("chunked %v: %q", chunked, e.Message)
		}
	}
	if cms, _ := a.store.Comments(context.Background(), firstClaimID(t, a)); len(cms) != 0 {
		t.Fatalf("%d comments stored", len(cms))
	}
}

// Claims from other tools take the extractor's kinds, or none: another
// kind is refused as the item's fault, and nothing of it stored.
func TestAPIAddClaimsKnownKindsOnly(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article, "extract": false})
	r := rita.do(http.MethodPost, "/api/v1/documents/1/claims", `[
		{"text": "The council voted 31 to 4 on Tuesday", "kind": "=1+1"},
		{"text": "the plan would cut emissions by 40% by 2030", "kind": "prediction"},
		{"text": "The port handled 10,000 containers a day in 2023"}]`)
	var res handlers.ClaimResults
	r.decode(t, &res)
	if r.code != http.StatusOK || res.Created != 2 || res.Failed != 1 || res.Items[0].Code != "invalid" || !strings.Contains(res.Items[0].Reason, "unknown kind") {
		t.Fatalf("%d %s", r.code, r.body)
	}
	cs, _ := a.store.DocumentClaims(context.Background(), 1)
	for _, cl := range cs {
		if cl.Kind != "prediction" && cl.Kind != "" {
			t.Errorf("claim %q stored with kind %q", cl.Text, cl.Kind)
		}
	}
}

// A list-valued filter (status, kind) takes its values comma-separated or
// repeated; a filter of one value given twice is refused, not read as its
// first.
func TestAPIRepeatedFilters(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	cs, _ := a.store.DocumentClaims(context.Background(), 1)
	if len(cs) < 3 {
		t.Fatalf("%d claims", len(cs))
	}
	for i, st := range []string{"confirmed", "disputed"} {
		if r := rita.do(http.MethodPost, "/api/v1/claims/"+itoa(cs[i].ID)+"/status", map[string]any{"status": st, "version": 1}); r.code != http.StatusOK {
			t.Fatalf("review: %d %s", r.code, r.body)
		}
	}
	count := func(path string) int {
		t.Helper()
		r := rita.do(http.MethodGet, path, nil)
		var page handlers.APIPage[handlers.APIClaim]
		r.decode(t, &page)
		if r.code != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.code, r.body)
		}
		return len(page.Items)
	}
	both := count("/api/v1/claims?status=confirmed,disputed")
	if both != 2 {
		t.Fatalf("two reviewed claims, %d listed", both)
	}
	for _, p := range []string{"/api/v1/claims?status=confirmed&status=disputed", "/api/v1/claims?status=confirmed&status=&status=disputed"} {
		if n := count(p); n != both {
			t.Errorf("GET %s: %d claims, want %d", p, n, both)
		}
	}
	kinds := map[string]bool{}
	for _, cl := range cs {
		kinds[cl.Kind] = true
	}
	var ks []string
	for k := range kinds {
		ks = append(ks, k)
	}
	if n := count("/api/v1/claims?kind=" + strings.Join(ks, "&kind=")); n != len(cs) {
		t.Errorf("repeated kinds: %d claims, want %d", n, len(cs))
	}
	for _, p := range []string{"/api/v1/claims?document=1&document=2", "/api/v1/claims?limit=5&limit=50",
		"/api/v1/claims?assignee=none&assignee=me", "/api/v1/export?format=csv&format=json"} {
		e := rita.do(http.MethodGet, p, nil).apiErr(t, http.StatusUnprocessableEntity, "invalid")
		if !strings.Contains(e.Message, "once") {
			t.Errorf("GET %s: %q", p, e.Message)
		}
	}
	// The web queue shows one status: two are refused there too.
	web := a.loginAs("rita")
	if r := web.get("/queue?status=confirmed&status=disputed"); r.code != http.StatusBadRequest || !strings.Contains(r.body, "once") {
		t.Errorf("queue with two statuses: %d", r.code)
	}
	if r := web.get("/export?format=csv&status=confirmed&status=disputed"); r.code != http.StatusOK || strings.Count(r.body, "\n") != 3 {
		t.Errorf("web export with two statuses: %d %q", r.code, r.body)
	}
}

// Text limits documented in characters count characters (code points), as
// JSON Schema's maxLength and the forms' maxlength do, not bytes: a note
// of 6,000 "é" (12,000 bytes) is within 10,000.
func TestTextLimitsCountCharacters(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	cs, _ := a.store.DocumentClaims(context.Background(), 1)
	status := "/api/v1/claims/" + itoa(cs[0].ID) + "/status"
	if r := rita.do(http.MethodPost, status, map[string]any{"status": "confirmed", "version": 1, "note": strings.Repeat("é", 6000)}); r.code != http.StatusOK {
		t.Fatalf("6,000 é: %d %s", r.code, r.body)
	}
	e := rita.do(http.MethodPost, status, map[string]any{"status": "disputed", "version": 2, "note": strings.Repeat("é", 10001)}).
		apiErr(t, http.StatusUnprocessableEntity, "invalid")
	if !strings.Contains(e.Message, "10,000 characters") {
		t.Errorf("message %q", e.Message)
	}
	// The second opinion's note too.
	ctx := context.Background()
	if _, err := a.store.RequestSecondOpinion(ctx, cs[0].ID, a.user("ed").ID, a.user("rob").ID); err != nil {
		t.Fatal(err)
	}
	if r := a.token("rob").do(http.MethodPost, "/api/v1/claims/"+itoa(cs[0].ID)+"/opinion",
		map[string]any{"status": "confirmed", "note": strings.Repeat("é", 6000)}); r.code != http.StatusOK {
		t.Fatalf("opinion of 6,000 é: %d %s", r.code, r.body)
	}
	// The form says as much.
	web := a.loginAs("rita")
	if max, _ := web.get("/claims/" + itoa(cs[1].ID)).doc.Find("textarea#note").Attr("maxlength"); max != "10000" {
		t.Errorf("the note's maxlength is %q", max)
	}
	// A search of 300 "é" is 300 characters, within the 500 the box allows.
	if r := web.get("/search?q=" + url.QueryEscape(strings.Repeat("é", 300))); r.code != http.StatusOK {
		t.Errorf("search of 300 é: %d %q", r.code, r.doc.Find(".error").Text())
	}
}

// A document over the limit gets one answer, 413 with one message, whether
// the body passes the route's limit (which allows for JSON escapes) or not.
func TestAPIDocumentTooLargeIsOneAnswer(t *testing.T) {
	a := newAppWith(t, nil) // documents up to 64 KB, bodies up to 192 KB
	rita := a.token("rita")
	var msgs []string
	for _, doc := range []map[string]any{
		{"text": strings.Repeat("Prices rose 5% in May. ", 100<<10/23)},
		{"html": "<p>" + strings.Repeat("Prices rose 5% in May. ", 100<<10/23) + "</p>"},
		{"text": strings.Repeat("Prices rose 5% in May. ", 300<<10/23)},
	} {
		e := rita.do(http.MethodPost, "/api/v1/documents", doc).apiErr(t, http.StatusRequestEntityTooLarge, "too_large")
		msgs = append(msgs, e.Message)
	}
	for _, m := range msgs {
		if m != "The document is too large: documents up to 64 KB are accepted." {
			t.Errorf("messages %q", msgs)
			break
		}
	}
	if a.documentCount() != 0 {
		t.Fatal("a document over the limit was stored")
	}
}

// An article sent without a title is titled as an upload is, by its first
// line, whether it comes as text or as a page without a <title>.
func TestAPIDocumentTitleFromItsText(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	for _, tc := range []struct{ field, body, want string }{
		{"text", "The harbour board said on Monday that 412 containers were lost in the storm.", "The harbour board said on Monday that 412 containers were lost in the storm."},
		{"text", "Port vote delayed\n\nThe vote on the harbour plan was put off on Monday.", "Port vote delayed"},
		{"html", "<p>The mayor said 302 jobs were cut in 2023.</p>", "The mayor said 302 jobs were cut in 2023."},
	} {
		r := rita.do(http.MethodPost, "/api/v1/documents", map[string]any{tc.field: tc.body})
		var out struct {
			Document struct {
				Title string `json:"title"`
			} `json:"document"`
		}
		r.decode(t, &out)
		if r.code != http.StatusCreated || out.Document.Title != tc.want {
			t.Errorf("%s %q: %d, title %q, want %q", tc.field, tc.body, r.code, out.Document.Title, tc.want)
		}
	}
}

// A key given twice is refused, not read as its last value, as a query
// filter given twice is.
func TestAPIRefusesRepeatedKeys(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	id := firstClaimID(t, a)
	status := "/api/v1/claims/" + itoa(id) + "/status"
	for _, tc := range []struct{ body, msg string }{
		{`{"status":"confirmed","version":1,"status":"disputed"}`, `The key "status" is given twice`},
		{`{"status":"confirmed","version":1,"Status":"disputed"}`, `The keys "status" and "Status" are one key given twice`},
		{`{"status":"confirmed","version":1,"evidence":[{"url":"https://a.example/1","title":"A","url":"https://a.example/2"}]}`, `The key "url" is given twice`},
	} {
		e := rita.do(http.MethodPost, status, tc.body).apiErr(t, http.StatusBadRequest, "bad_request")
		if !strings.Contains(e.Message, tc.msg) {
			t.Errorf("%s: %q, want %q", tc.body, e.Message, tc.msg)
		}
	}
	if cl, _ := a.store.Claim(context.Background(), id); cl.Version != 1 || cl.Status != "unverified" {
		t.Fatalf("a refused body changed the claim: %s at version %d", cl.Status, cl.Version)
	}
	// The same key in two objects is two keys.
	body := `{"status":"confirmed","version":1,"evidence":[{"url":"https://a.example/1","title":"A"},{"url":"https://a.example/2","title":"B"}]}`
	if r := rita.do(http.MethodPost, status, body); r.code != http.StatusOK {
		t.Fatalf("two evidence objects: %d %s", r.code, r.body)
	}
}

// Half a UTF-16 surrogate pair, escaped, stands for no character:
// encoding/json would store it as U+FFFD, so it is refused as bytes that
// are not UTF-8 are, wherever it is.
func TestAPIRefusesLoneSurrogates(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	rita.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	id := itoa(firstClaimID(t, a))
	for _, tc := range []struct{ path, body, msg string }{
		{"/api/v1/claims/" + id + "/status", `{"status":"confirmed","version":1,"note":"\udc00"}`, `\udc00 at offset 42`},
		{"/api/v1/claims/" + id + "/status", `{"status":"confirmed","version":1,"note":"a\ud800"}`, `\ud800 at offset 43`},
		{"/api/v1/claims/" + id + "/status", `{"status":"confirmed","version":1,"note":"\uD800\u0041"}`, `\uD800 at offset 42`},
		{"/api/v1/documents", `{"text":"Prices rose 5% in May, officials said. \ud83d"}`, `\ud83d`},
		{"/api/v1/documents/1/claims", `[{"text":"The council \udfff voted"}]`, `\udfff`},
	} {
		e := rita.do(http.MethodPost, tc.path, tc.body).apiErr(t, http.StatusBadRequest, "bad_request")
		if !strings.Contains(e.Message, tc.msg) || !strings.Contains(e.Message, "surrogate") {
			t.Errorf("%s: %q, want %q", tc.body, e.Message, tc.msg)
		}
	}
	if cl, _ := a.store.Claim(context.Background(), firstClaimID(t, a)); cl.Version != 1 || a.documentCount() != 1 {
		t.Fatal("a refused body changed something")
	}
	// A whole pair is a character, and an escaped backslash before "ud800" is text.
	r := rita.do(http.MethodPost, "/api/v1/claims/"+id+"/comments", `{"body":"\ud83d\ude00 \\ud800"}`)
	var cm handlers.APIComment
	r.decode(t, &cm)
	if r.code != http.StatusCreated || cm.Body != `😀 \ud800` {
		t.Fatalf("comment: %d %q", r.code, cm.Body)
	}
}

// Only null unassigns: a body without an assignee, or with an empty one, is
// refused rather than taking the claims from whoever has them.
func TestAPIAssignNeedsAnAssignee(t *testing.T) {
	a := newAppWith(t, nil)
	ed := a.token("ed")
	ed.do(http.MethodPost, "/api/v1/documents", map[string]any{"title": "Port plan", "text": article})
	ctx := context.Background()
	id := firstClaimID(t, a)
	claimPath, docPath := "/api/v1/claims/"+itoa(id)+"/assign", "/api/v1/documents/1/assign"
	if r := ed.do(http.MethodPost, docPath, map[string]any{"assignee": "rob"}); r.code != http.StatusOK {
		t.Fatalf("assign the document: %d %s", r.code, r.body)
	}
	bulk := func(body string) string {
		return `{"action":"assign",` + body + `"claims":[{"id":` + itoa(id) + `}]}`
	}
	for _, tc := range []struct {
		path, body string
		code       int
		msg        string
	}{
		{claimPath, `{}`, 422, "Assignee is required: give a user name, or null to unassign"},
		{claimPath, `{"assignee":""}`, 422, "Assignee is empty: give a user name, or null to unassign"},
		{claimPath, `{"assignee":"  "}`, 422, "Assignee is empty"},
		{claimPath, `{"assignee":5}`, 400, "Assignee has the wrong type"},
		{docPath, `{}`, 422, "Assignee is required"},
		{docPath, `{"assignee":""}`, 422, "Assignee is empty"},
		{"/api/v1/claims/bulk", bulk(``), 422, "Assignee is required"},
		{"/api/v1/claims/bulk", bulk(`"assignee":"",`), 422, "Assignee is empty"},
	} {
		r := ed.do(http.MethodPost, tc.path, tc.body)
		var e handlers.APIError
		if err := json.Unmarshal(r.body, &e); err != nil || r.code != tc.code || !strings.Contains(e.Message, tc.msg) {
			t.Errorf("POST %s %s: %d %s, want %d with %q", tc.path, tc.body, r.code, r.body, tc.code, tc.msg)
		}
	}
	cs, _ := a.store.DocumentClaims(ctx, 1)
	for _, cl := range cs {
		if cl.Assignee != "rob" {
			t.Fatalf("claim %d assigned to %q after refused requests", cl.ID, cl.Assignee)
		}
	}
	// null unassigns, the claim and the document.
	if r := ed.do(http.MethodPost, claimPath, `{"assignee":null}`); r.code != http.StatusOK {
		t.Fatalf("unassign the claim: %d %s", r.code, r.body)
	}
	if cl, _ := a.store.Claim(ctx, id); cl.Assignee != "" {
		t.Fatalf("claim still assigned to %q", cl.Assignee)
	}
	if r := ed.do(http.MethodPost, docPath, `{"assignee":null}`); r.code != http.StatusOK {
		t.Fatalf("unassign the document: %d %s", r.code, r.body)
	}
	cs, _ = a.store.DocumentClaims(ctx, 1)
	for _, cl := range cs {
		if cl.Assignee != "" {
			t.Fatalf("claim %d still assigned to %q", cl.ID, cl.Assignee)
		}
	}
}

// A user name taken already, in any letter case, is named as it exists,
// and the API, the users page and the command line say it alike.
func TestAPIDuplicateUserIsNamed(t *testing.T) {
	a := newAppWith(t, nil)
	const want = `A user named "ada" exists already.`
	e := a.token("ada").do(http.MethodPost, "/api/v1/users", map[string]any{"username": "ADA", "role": "viewer",
		"password": "plum tractor anthem"}).apiErr(t, http.StatusConflict, "duplicate")
	if e.Message != want {
		t.Errorf("API: %q, want %q", e.Message, want)
	}
	ada := a.loginAs("ada")
	r := ada.post("/admin/users", url.Values{"_csrf": {ada.csrf("/admin/users")}, "username": {"Ada"}, "role": {"viewer"},
		"password": {"plum tractor anthem"}, "password2": {"plum tractor anthem"}})
	if msg := r.doc.Find("#add-user-error").Text(); r.code != http.StatusUnprocessableEntity || msg != want {
		t.Errorf("users page: %d %q, want %q", r.code, msg, want)
	}
	if users, _ := a.store.ListUsers(context.Background()); len(users) != 5 {
		t.Fatalf("%d users", len(users))
	}
}

// Text sent in a request is no file, and is not refused as one; a file
// that is not text still is.
func TestAPIDocumentNotTextSaysText(t *testing.T) {
	a := newAppWith(t, nil)
	rita := a.token("rita")
	for _, tc := range []struct{ body, want string }{
		{`{"text":"Prices rose 5%\u0000 in May, officials said."}`,
			"The text holds a NUL character (U+0000, character 15), which no article has; send the text without it."},
		{`{"html":"<p>Prices rose 5% in May, officials said.\u0000</p>"}`, "The text holds a NUL character (U+0000, character 42)"},
		{`{"text":"` + strings.Repeat(`\u0001\u0002ab`, 10) + `"}`, "The text holds 20 control characters, too many for an article"},
		{`{"text":"%PDF-1.7 Prices rose 5% in May, officials said."}`, "The text starts like a PDF, not an article"},
	} {
		e := rita.do(http.MethodPost, "/api/v1/documents", tc.body).apiErr(t, http.StatusUnprocessableEntity, "invalid")
		if !strings.HasPrefix(e.Message, tc.want) || strings.Contains(e.Message, "file") {
			t.Errorf("%s: %q, want %q", tc.body, e.Message, tc.want)
		}
	}
	if a.documentCount() != 0 {
		t.Fatal("text that is not text was stored")
	}
	// Pasted in the import form, it is text too; uploaded, a file.
	c := a.loginAs("rita")
	if msg := c.importForm(map[string]string{"text": "Prices rose 5%\x00 in May."}, "", nil).doc.Find("#import-error").Text(); !strings.HasPrefix(msg, "The text holds a NUL character") {
		t.Errorf("pasted: %q", msg)
	}
	if msg := c.importForm(nil, "port.txt", []byte("Prices rose 5%\x00 in May.")).doc.Find("#import-error").Text(); msg != "The file is not text: it contains binary data." {
		t.Errorf("uploaded: %q", msg)
	}
}
