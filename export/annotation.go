package export

import (
	"strconv"
	"time"
)

// Annotation is a W3C Web Annotation (https://www.w3.org/TR/annotation-model/)
// of one claim: its target names the document and the claim's place in it
// twice, by quote and by position, so that tools such as Hypothesis can
// anchor it even in a copy of the text that differs a little.
type Annotation struct {
	Context    string           `json:"@context"`
	ID         string           `json:"id"`
	Type       string           `json:"type"`
	Motivation string           `json:"motivation"`
	Created    string           `json:"created"`
	Modified   string           `json:"modified"`
	Generator  Software         `json:"generator"`
	Body       []any            `json:"body"` // TextualBody and LinkBody items
	Target     AnnotationTarget `json:"target"`
}

// Software names the program that wrote an annotation.
type Software struct {
	Type string `json:"type"`
	Name string `json:"name"`
}

// TextualBody is a status, kind, review note, or reason for a dismissal or
// restoration, attached to a claim.
type TextualBody struct {
	Type    string  `json:"type"`
	Purpose string  `json:"purpose"`
	Value   string  `json:"value"`
	Format  string  `json:"format,omitempty"`
	Creator *Person `json:"creator,omitempty"`
	Created string  `json:"created,omitempty"`
}

// LinkBody is a piece of evidence: the address of a source, as a
// SpecificResource whose purpose is linking.
type LinkBody struct {
	Type    string  `json:"type"`
	Purpose string  `json:"purpose"`
	Source  string  `json:"source"`
	Creator *Person `json:"creator,omitempty"`
	Created string  `json:"created,omitempty"`
}

func newLinkBody(e Evidence) LinkBody {
	return LinkBody{Type: "SpecificResource", Purpose: "linking", Source: e.URL,
		Creator: &Person{Type: "Person", Nickname: e.User}, Created: e.CreatedAt.UTC().Format(time.RFC3339)}
}

// Person is who wrote a note.
type Person struct {
	Type     string `json:"type"`
	Nickname string `json:"nickname"`
}

// AnnotationTarget is the claim's place in its document.
type AnnotationTarget struct {
	Source   string `json:"source"`
	Selector []any  `json:"selector"`
}

// TextQuoteSelector finds the claim by its text and what surrounds it.
type TextQuoteSelector struct {
	Type   string `json:"type"`
	Exact  string `json:"exact"`
	Prefix string `json:"prefix"`
	Suffix string `json:"suffix"`
}

// TextPositionSelector finds the claim by code point offsets.
type TextPositionSelector struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// AnnotationContext is the Web Annotation JSON-LD context.
const AnnotationContext = "http://www.w3.org/ns/anno.jsonld"

// NewAnnotation describes one claim as a Web Annotation. The record's
// Prefix and Suffix must have been filled (db's ExportFilter.Quotes). Its id
// is a URN: a claim's id is stable, but it has no public page of its own
// unless published.
func NewAnnotation(r *Record, _ Options) Annotation {
	a := Annotation{
		Context:    AnnotationContext,
		ID:         "urn:factdesk:claim:" + strconv.FormatInt(r.ID, 10),
		Type:       "Annotation",
		Motivation: "assessing",
		Created:    r.CreatedAt.UTC().Format(time.RFC3339),
		Modified:   r.UpdatedAt.UTC().Format(time.RFC3339),
		Generator:  Software{Type: "Software", Name: "factdesk"},
		Body:       []any{TextualBody{Type: "TextualBody", Purpose: "assessing", Value: r.Status}},
	}
	if r.Status == "unverified" {
		a.Motivation = "highlighting"
	}
	if r.Kind != "" {
		a.Body = append(a.Body, TextualBody{Type: "TextualBody", Purpose: "classifying", Value: r.Kind})
	}
	// Evidence follows the note it came with; the claim's own comes last.
	for _, e := range r.History {
		if e.Note != "" {
			purpose := "commenting"
			if e.Action == "dismiss" || e.Action == "restore" {
				// Why the claim was taken out of the queue or put back: a
				// judgement on the annotation itself, not a review note.
				purpose = "moderating"
			}
			a.Body = append(a.Body, TextualBody{Type: "TextualBody", Purpose: purpose, Value: e.Note, Format: "text/plain",
				Creator: &Person{Type: "Person", Nickname: e.User}, Created: e.Time.UTC().Format(time.RFC3339)})
		}
		for _, ev := range e.Evidence {
			a.Body = append(a.Body, newLinkBody(ev))
		}
	}
	for _, ev := range r.Evidence {
		a.Body = append(a.Body, newLinkBody(ev))
	}
	source := r.DocumentURL
	if source == "" {
		// No URL: name the text itself, which is what the offsets point into.
		source = "urn:factdesk:document:" + strconv.FormatInt(r.DocumentID, 10)
	}
	a.Target = AnnotationTarget{Source: source, Selector: []any{
		TextQuoteSelector{Type: "TextQuoteSelector", Exact: r.Text, Prefix: r.Prefix, Suffix: r.Suffix},
		TextPositionSelector{Type: "TextPositionSelector", Start: r.Start, End: r.End},
	}}
	return a
}

// NeedsQuotes reports whether a format uses Record.Prefix and Suffix.
func NeedsQuotes(format string) bool { return format == "annotation" }
