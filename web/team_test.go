package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"factdesk/auth"
	"factdesk/db"
)

// addUser creates an account with the test password.
func (a *app) addUser(name, role string) db.User {
	a.t.Helper()
	hash, err := auth.HashPassword(testPassword)
	if err != nil {
		a.t.Fatal(err)
	}
	u, err := a.store.CreateUser(context.Background(), name, hash, role)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

func (a *app) user(name string) db.User {
	a.t.Helper()
	u, err := a.store.UserByName(context.Background(), name)
	if err != nil {
		a.t.Fatal(err)
	}
	return u
}

// form posts a form with the CSRF token read from page, as a browser would.
func (c *client) form(page, path string, form url.Values, hdr ...string) resp {
	c.a.t.Helper()
	form.Set("_csrf", c.csrf(page))
	return c.post(path, form, hdr...)
}

// loggedIn reports whether the client's session still works.
func (c *client) loggedIn() bool {
	c.a.t.Helper()
	return c.get("/").code == http.StatusOK
}

func TestAdminManagesUsers(t *testing.T) {
	a := newApp(t)
	a.addUser("ada", "admin")
	ada, rita, rob := a.client(), a.client(), a.client()
	ada.login("ada")
	rita.login("rita")
	rob.login("rob")

	page := ada.get("/admin/users")
	if page.code != http.StatusOK || page.doc.Find("table.users tbody tr").Length() != 4 {
		t.Fatalf("users page: %d, %d rows", page.code, page.doc.Find("table.users tbody tr").Length())
	}
	if page.doc.Find(`header nav a[href="/admin/users"]`).Length() != 1 {
		t.Error("no Users link in the admin's navigation")
	}
	if rita.get("/").doc.Find(`header nav a[href="/admin/users"]`).Length() != 0 {
		t.Error("a reviewer sees the Users link")
	}
	// Every control has a label.
	page.doc.Find("table.users select, table.users input[type=password], .add-user input:not([type=hidden]), .add-user select").Each(func(_ int, s *goquery.Selection) {
		id, _ := s.Attr("id")
		if id == "" || page.doc.Find(`label[for="`+id+`"]`).Length() != 1 {
			t.Errorf("control %q has no label", id)
		}
	})

	// Adding: mistakes are shown and keep what was typed; nothing is stored.
	add := url.Values{"username": {"nina"}, "role": {"editor"}, "password": {testPassword}, "password2": {testPassword + "x"}}
	r := ada.form("/admin/users", "/admin/users", add)
	if r.code != http.StatusUnprocessableEntity || !strings.Contains(r.doc.Find("#admin-error").Text(), "differ") {
		t.Fatalf("mismatched passwords: %d %q", r.code, r.doc.Find("#admin-error").Text())
	}
	if v, _ := r.doc.Find("#new-username").Attr("value"); v != "nina" {
		t.Errorf("typed name lost: %q", v)
	}
	if v, _ := r.doc.Find("#new-role option[selected]").Attr("value"); v != "editor" {
		t.Errorf("chosen role lost: %q", v)
	}
	for _, bad := range []url.Values{
		{"username": {"nina"}, "role": {"editor"}, "password": {"short"}, "password2": {"short"}},
		{"username": {"ni na"}, "role": {"editor"}, "password": {testPassword}, "password2": {testPassword}},
		{"username": {"nina"}, "role": {"root"}, "password": {testPassword}, "password2": {testPassword}},
		{"username": {"RITA"}, "role": {"viewer"}, "password": {testPassword}, "password2": {testPassword}},
	} {
		if r := ada.form("/admin/users", "/admin/users", bad); r.code != http.StatusUnprocessableEntity || r.doc.Find("#admin-error").Text() == "" {
			t.Errorf("add %v: %d %q", bad, r.code, r.doc.Find("#admin-error").Text())
		}
	}
	if users, _ := a.store.ListUsers(context.Background()); len(users) != 4 {
		t.Fatalf("bad input added a user: %d users", len(users))
	}
	add.Set("password2", testPassword)
	if r := ada.form("/admin/users", "/admin/users", add); r.code != http.StatusSeeOther {
		t.Fatalf("add: %d %s", r.code, r.doc.Find("#admin-error").Text())
	}
	if f := ada.get("/admin/users").doc.Find(".flash").Text(); !strings.Contains(f, "Added nina as editor") {
		t.Errorf("flash = %q", f)
	}
	nina := a.client()
	nina.login("nina")

	// Disabling ends the user's sessions at once.
	ritaID := itoa(a.user("rita").ID)
	if r := ada.form("/admin/users", "/admin/users/"+ritaID+"/disable", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("disable: %d", r.code)
	}
	if rita.loggedIn() {
		t.Fatal("a disabled user's session still works")
	}
	if r := rita.post("/login", url.Values{"_csrf": {rita.csrf("/login")}, "username": {"rita"}, "password": {testPassword}}); r.code != http.StatusUnauthorized {
		t.Fatalf("a disabled user logged in: %d", r.code)
	}
	row := ada.get("/admin/users").doc.Find("#user-" + ritaID)
	if !strings.Contains(row.Find(".badge").Text(), "Disabled") || row.Find(`form[action$="/enable"]`).Length() != 1 {
		t.Errorf("rita's row = %q", row.Text())
	}
	if r := ada.form("/admin/users", "/admin/users/"+ritaID+"/enable", url.Values{}); r.code != http.StatusSeeOther {
		t.Fatalf("enable: %d", r.code)
	}
	rita.login("rita")

	// A role change applies on the next request.
	robID := itoa(a.user("rob").ID)
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/role", url.Values{"role": {"viewer"}}); r.code != http.StatusSeeOther {
		t.Fatalf("role: %d", r.code)
	}
	if r := rob.get("/documents/new"); r.code != http.StatusForbidden {
		t.Fatalf("rob as viewer opens the import form: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/role", url.Values{"role": {"boss"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("unknown role: %d", r.code)
	}

	// A password reset ends the user's sessions; the new password works.
	const newPW = "a brand new passphrase"
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/password", url.Values{"password": {newPW}, "password2": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("reset: %d", r.code)
	}
	if rob.loggedIn() {
		t.Fatal("session survived a password reset")
	}
	tok := rob.csrf("/login")
	if r := rob.post("/login", url.Values{"_csrf": {tok}, "username": {"rob"}, "password": {testPassword}}); r.code != http.StatusUnauthorized {
		t.Fatalf("old password still works: %d", r.code)
	}
	if r := rob.post("/login", url.Values{"_csrf": {tok}, "username": {"rob"}, "password": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("new password refused: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+robID+"/password", url.Values{"password": {"short"}, "password2": {"short"}}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("short reset password: %d", r.code)
	}

	// The admin cannot lock everyone out; resetting their own password keeps them in.
	adaID := itoa(a.user("ada").ID)
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/disable", url.Values{}); r.code != http.StatusUnprocessableEntity {
		t.Fatalf("disable self: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/role", url.Values{"role": {"editor"}}); r.code != http.StatusUnprocessableEntity ||
		!strings.Contains(r.doc.Find("#admin-error").Text(), "only admin") {
		t.Fatalf("demote the last admin: %d", r.code)
	}
	if r := ada.form("/admin/users", "/admin/users/"+adaID+"/password", url.Values{"password": {newPW}, "password2": {newPW}}); r.code != http.StatusSeeOther {
		t.Fatalf("own reset: %d", r.code)
	}
	if !ada.loggedIn() {
		t.Fatal("resetting one's own password logged the admin out")
	}
	if r := ada.form("/admin/users", "/admin/users/99999/disable", url.Values{}); r.code != http.StatusNotFound {
		t.Fatalf("unknown user: %d", r.code)
	}
	if !nina.loggedIn() || !rita.loggedIn() {
		t.Fatal("other users were logged out")
	}
}
