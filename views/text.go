package views

import (
	"context"
	"io"
	"strings"
)

// The pages with many rows (the queue, a claim's history, a document's
// claims) write their text with these components rather than templ's
// { value }: templ passes every interpolated value through fmt.Sprint
// (templ.JoinStringErrs), which copied each string once more and was a
// fifth of a queue page's rendering. Both escape exactly as templ does.

// text is element text: @text(value) shows value escaped.
type text string

func (t text) Render(_ context.Context, w io.Writer) error { return writeEscaped(w, string(t)) }

// statusBadge shows a status (or "dismissed", "hidden") as a badge.
type statusBadge string

func (s statusBadge) Render(_ context.Context, w io.Writer) error {
	if _, err := io.WriteString(w, `<span class="badge s-`); err != nil {
		return err
	}
	if err := writeEscaped(w, string(s)); err != nil {
		return err
	}
	if _, err := io.WriteString(w, `">`); err != nil {
		return err
	}
	if err := writeEscaped(w, StatusLabel(string(s))); err != nil {
		return err
	}
	_, err := io.WriteString(w, `</span>`)
	return err
}

// htmlSpecial are the bytes html.EscapeString replaces.
const htmlSpecial = `&'<>"`

// writeEscaped writes s as html.EscapeString would return it, without
// building the escaped copy.
func writeEscaped(w io.Writer, s string) error {
	for {
		i := strings.IndexAny(s, htmlSpecial)
		if i < 0 {
			_, err := io.WriteString(w, s)
			return err
		}
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '\'':
			esc = "&#39;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		default:
			esc = "&#34;"
		}
		if _, err := io.WriteString(w, s[:i]); err != nil {
			return err
		}
		if _, err := io.WriteString(w, esc); err != nil {
			return err
		}
		s = s[i+1:]
	}
}

// rect is an SVG rectangle of a chart, with a tooltip when title is not
// "". A dashboard draws hundreds, and templ's attributes, like its text,
// pass every value through fmt.Sprint: a third of the page's rendering.
type rect struct{ class, x, y, w, h, title string }

func (r rect) Render(_ context.Context, w io.Writer) error {
	e := escWriter{w: w}
	e.raw(`<rect class="`)
	e.esc(r.class)
	e.raw(`" x="`)
	e.esc(r.x)
	e.raw(`" y="`)
	e.esc(r.y)
	e.raw(`" width="`)
	e.esc(r.w)
	e.raw(`" height="`)
	e.esc(r.h)
	if r.title == "" {
		e.raw(`"></rect>`)
		return e.err
	}
	e.raw(`"><title>`)
	e.esc(r.title)
	e.raw(`</title></rect>`)
	return e.err
}

// escWriter writes until its first error, which it keeps.
type escWriter struct {
	w   io.Writer
	err error
}

func (e *escWriter) raw(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *escWriter) esc(s string) {
	if e.err == nil {
		e.err = writeEscaped(e.w, s)
	}
}
