package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"factdesk/web"
)

// Who may use a route: the least role it needs.
const (
	accessPublic   = "public"   // anyone, logged in or not
	accessLogin    = "login"    // any logged-in user
	accessReviewer = "reviewer" // reviewer, editor, admin
	accessEditor   = "editor"   // editor, admin
	accessAdmin    = "admin"    // admin only
)

// routeAccess classifies every route the server has. A new route must be
// added here, or TestEveryRouteChecksItsRole fails: no route goes unchecked.
// A HEAD route is checked as its GET.
var routeAccess = map[string]string{
	"GET /assets/*":      accessPublic,
	"GET /healthz":       accessPublic,
	"GET /login":         accessPublic,
	"POST /login":        accessPublic,
	"GET /setup/:token":  accessPublic,
	"POST /setup/:token": accessPublic,

	"POST /logout":       accessLogin,
	"GET /":              accessLogin,
	"GET /documents/:id": accessLogin,
	"GET /queue":         accessLogin,
	"GET /claims/:id":    accessLogin,
	"GET /export":        accessLogin,

	"GET /documents/new":      accessReviewer,
	"POST /documents":         accessReviewer,
	"POST /claims/:id/status": accessReviewer,

	"GET /admin/users":               accessAdmin,
	"POST /admin/users":              accessAdmin,
	"POST /admin/users/:id/role":     accessAdmin,
	"POST /admin/users/:id/password": accessAdmin,
	"POST /admin/users/:id/disable":  accessAdmin,
	"POST /admin/users/:id/enable":   accessAdmin,

	"GET /inbox":                               accessLogin,
	"POST /inbox/read":                         accessLogin,
	"GET /activity":                            accessLogin,
	"GET /documents/:id/activity":              accessLogin,
	"GET /agreement":                           accessLogin,
	"POST /claims/:id/dismiss":                 accessReviewer,
	"POST /claims/:id/comments":                accessReviewer,
	"POST /claims/:id/evidence":                accessReviewer,
	"POST /claims/:id/opinion":                 accessReviewer,
	"POST /claims/:id/restore":                 accessEditor,
	"POST /claims/:id/assign":                  accessEditor,
	"POST /claims/:id/second-opinion/withdraw": accessEditor,
	"POST /claims/:id/second-opinion":          accessEditor,
	"POST /documents/:id/assign":               accessEditor,
	"POST /documents/:id/claims":               accessReviewer,
	"POST /claims/bulk":                        accessEditor,

	// Publishing, API tokens and the public review pages. The API's routes
	// (/api/) authenticate by token, not session: TestAPIRoutesCheckTheirRole
	// classifies and checks them.
	"POST /claims/:id/publish":   accessEditor,
	"POST /claims/:id/unpublish": accessEditor,
	"GET /tokens":                accessLogin,
	"POST /tokens":               accessLogin,
	"POST /tokens/:id/revoke":    accessLogin,
	"GET /public/claims/:id":     accessPublic,

	// Live updates, search and the dashboard.
	"GET /events":             accessLogin,
	"GET /claims/:id/live":    accessLogin,
	"GET /claims/:id/row":     accessLogin,
	"GET /search":             accessLogin,
	"GET /dashboard":          accessLogin,
	"POST /logout/everywhere": accessLogin,
	"GET /admin/audit":        accessAdmin,

	// Live updates of the document page.
	"GET /claims/:id/mark": accessLogin,

	// The address of each form of the pages, fetched after a refusal
	// showed the page there: a redirect to the form's page, which checks
	// the role.
	"GET /admin/users/:id/disable":            accessPublic,
	"GET /admin/users/:id/enable":             accessPublic,
	"GET /admin/users/:id/password":           accessPublic,
	"GET /admin/users/:id/role":               accessPublic,
	"GET /claims/:id/assign":                  accessPublic,
	"GET /claims/:id/comments":                accessPublic,
	"GET /claims/:id/dismiss":                 accessPublic,
	"GET /claims/:id/evidence":                accessPublic,
	"GET /claims/:id/opinion":                 accessPublic,
	"GET /claims/:id/publish":                 accessPublic,
	"GET /claims/:id/restore":                 accessPublic,
	"GET /claims/:id/second-opinion":          accessPublic,
	"GET /claims/:id/second-opinion/withdraw": accessPublic,
	"GET /claims/:id/status":                  accessPublic,
	"GET /claims/:id/unpublish":               accessPublic,
	"GET /claims/bulk":                        accessPublic,
	"GET /documents":                          accessPublic,
	"GET /documents/:id/assign":               accessPublic,
	"GET /documents/:id/claims":               accessPublic,
	"GET /inbox/read":                         accessPublic,
	"GET /logout":                             accessPublic,
	"GET /logout/everywhere":                  accessPublic,
	"GET /tokens/:id/revoke":                  accessPublic,
}

// identities in rising order of rights; "" is anonymous.
var identities = []struct{ user, role string }{
	{"", ""}, {"vic", "viewer"}, {"rita", "reviewer"}, {"eddie", "editor"}, {"ada", "admin"},
}

var rankOf = map[string]int{"": 0, "viewer": 1, "reviewer": 2, "editor": 3, "admin": 4}

func allowed(access, role string) bool {
	switch access {
	case accessPublic:
		return true
	case accessLogin:
		return role != ""
	}
	return rankOf[role] >= rankOf[access]
}

// fillPath gives a route's parameters values that exist in no table, so an
// allowed request reaches its handler and stops there with "not found" or
// "invalid input", changing nothing.
func fillPath(p string) string {
	if p == "/events" {
		return p + "?claims=0" // a stream would never end; bad input does
	}
	p = strings.ReplaceAll(p, ":id", "999999")
	p = strings.ReplaceAll(p, ":token", "no-such-token")
	return strings.ReplaceAll(p, "*", "css/app.css")
}

func TestEveryRouteChecksItsRole(t *testing.T) {
	a := newApp(t)
	a.addUser("eddie", "editor")
	a.addUser("ada", "admin")
	e := web.New(web.Config{Store: a.store, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})

	seen := map[string]bool{}
	var keys []string
	for _, r := range e.Routes() {
		key := r.Method + " " + r.Path
		if seen[key] || strings.HasPrefix(r.Path, "/api/") {
			continue
		}
		seen[key] = true
		keys = append(keys, key)
		if r.Method == http.MethodHead {
			continue
		}
		if _, ok := routeAccess[key]; !ok {
			t.Errorf("route %s is not in routeAccess: classify it (public, login, reviewer, editor or admin)", key)
		}
	}
	for _, key := range keys {
		if method, path, _ := strings.Cut(key, " "); method == http.MethodHead && routeAccess["GET "+path] == "" {
			t.Errorf("route %s has no GET", key)
		}
	}
	for key := range routeAccess {
		if !seen[key] {
			t.Errorf("routeAccess lists %s, which the server does not have", key)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	sort.Strings(keys)

	clients := map[string]*client{}
	for _, id := range identities {
		c := a.client()
		if id.user != "" {
			c.login(id.user)
		}
		clients[id.user] = c
	}
	for _, key := range keys {
		method, path, _ := strings.Cut(key, " ")
		access := routeAccess[key]
		if method == http.MethodHead {
			access = routeAccess["GET "+path]
		}
		for _, id := range identities {
			c := clients[id.user]
			want := allowed(access, id.role)
			var r resp
			target := fillPath(path)
			switch method {
			case http.MethodGet, http.MethodHead:
				req, _ := http.NewRequest(method, a.srv.URL+target, nil)
				r = c.do(req)
			case http.MethodPost:
				// A valid token, so that only the role can refuse.
				tokenPage := "/login"
				if id.user != "" {
					tokenPage = "/queue"
				}
				r = c.post(target, url.Values{"_csrf": {c.csrf(tokenPage)}})
			default:
				t.Fatalf("%s: no request for method %s", key, method)
			}
			who := id.role
			if who == "" {
				who = "anonymous"
			}
			toLogin := r.code == http.StatusSeeOther && strings.HasPrefix(r.hdr.Get("Location"), "/login")
			logsOut := key == "POST /logout" || key == "POST /logout/everywhere" // allowed, and ends at the login page
			// A HEAD has no page to say why.
			roleRefused := r.code == http.StatusForbidden && (method == http.MethodHead || strings.Contains(r.body, "it needs the"))
			switch {
			case r.code >= 500:
				t.Errorf("%s as %s: %d", key, who, r.code)
			case want && (toLogin && !logsOut || roleRefused):
				t.Errorf("%s as %s: refused (%d), want allowed", key, who, r.code)
			case want && r.code == http.StatusForbidden:
				t.Errorf("%s as %s: 403 but not for the role: %s", key, who, r.doc.Find("main").Text())
			case !want && id.user == "" && !toLogin:
				t.Errorf("%s as anonymous: %d, want a redirect to the login page", key, r.code)
			case !want && id.user != "" && !roleRefused:
				t.Errorf("%s as %s: %d, want 403 for the role", key, who, r.code)
			}
			if logsOut && id.user != "" {
				c.login(id.user)
			}
		}
	}
}
