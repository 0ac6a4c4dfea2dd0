package views

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/a-h/templ"
)

// AssetVersion is appended to asset URLs so browsers refetch after an upgrade;
// the server sets it at start from a hash of the embedded files.
var AssetVersion = "dev"

// Asset returns the URL of an embedded asset.
func Asset(path string) string { return "/assets/" + path + "?v=" + AssetVersion }

// htmxConfig keeps htmx within the CSP (no eval, no inline styles or
// scripts) and makes it swap 409 and 422 answers, which carry the refused
// form with its message, and show other errors in the alert area.
const htmxConfig = `{"includeIndicatorStyles":false,"allowEval":false,"allowScriptTags":false,` +
	`"responseHandling":[{"code":"204","swap":false},{"code":"[23]..","swap":true},` +
	`{"code":"409|422","swap":true,"error":false},{"code":"[45]..","swap":true,"error":true}]}`

func pageTitle(t string) string {
	if t == "" {
		return "factdesk"
	}
	return t + " · factdesk"
}

func csrfHeader(token string) string {
	b, _ := json.Marshal(map[string]string{"X-CSRF-Token": token})
	return string(b)
}

func current(on bool) string {
	if on {
		return "page"
	}
	return ""
}

func progressLabel(p Progress) string {
	s := strconv.Itoa(verified(p)) + " of " + strconv.Itoa(p.Total()) + " claims verified"
	if p.Hidden > 0 {
		s += ", " + strconv.Itoa(p.Hidden) + " hidden"
	}
	return s
}

// hiddenNote says what a hidden count is, wherever one is shown.
const hiddenNote = "Claims awaiting your blind second opinion: counted apart, not by their verdict, until you give yours."

// pct is n as a percentage of total, for SVG widths: attributes, not inline
// styles, so the Content-Security-Policy needs no 'unsafe-inline'.
func pct(n, total int) string {
	if total <= 0 {
		return "0"
	}
	return strconv.FormatFloat(float64(n)*100/float64(total), 'f', 2, 64)
}

func score(s float64) string { return strconv.FormatFloat(s, 'f', 2, 64) }

func claimURL(id int64) templ.SafeURL { return templ.SafeURL("/claims/" + strconv.FormatInt(id, 10)) }

func docURL(id int64) templ.SafeURL { return templ.SafeURL("/documents/" + strconv.FormatInt(id, 10)) }

// linkHost is the host of an evidence link, shown beside its title so that
// a reader sees where it leads.
func linkHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

// formatsOffIDs lists the ids of the notes on formats that are not set up,
// for the format menu's aria-describedby ("" leaves the attribute out).
func formatsOffIDs(fs []FormatChoice) string {
	var ids []string
	for _, f := range fs {
		if f.Off != "" {
			ids = append(ids, "format-off-"+f.Value)
		}
	}
	return strings.Join(ids, " ")
}
