package views

import (
	"bytes"
	"context"
	"testing"

	"github.com/a-h/templ"
)

// @text and statusBadge escape exactly as templ's { value } does: what
// they replaced.
func TestTextEscapesAsTempl(t *testing.T) {
	for _, s := range []string{"", "plain", hostile, `&amp; 'single' "double" <>`, "a\x00b\xffc", "<<<", "tail&"} {
		var got bytes.Buffer
		if err := text(s).Render(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if want := templ.EscapeString(s); got.String() != want {
			t.Errorf("text(%q) = %q, want %q", s, got.String(), want)
		}
		got.Reset()
		if err := statusBadge(s).Render(context.Background(), &got); err != nil {
			t.Fatal(err)
		}
		if want := `<span class="badge s-` + templ.EscapeString(s) + `">` + templ.EscapeString(StatusLabel(s)) + `</span>`; got.String() != want {
			t.Errorf("statusBadge(%q) = %q, want %q", s, got.String(), want)
		}
	}
}
