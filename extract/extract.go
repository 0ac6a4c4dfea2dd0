// Package extract finds check-worthy claims in plain text. It is pure: no I/O,
// no database, nothing of the app. Offsets it returns are Unicode code points
// into the text it was given.
package extract

// Claim is one check-worthy sentence (or part of one) found in a text.
// text[Start:End], counted in code points, is always exactly Text.
type Claim struct {
	Start        int     `json:"start"`
	End          int     `json:"end"`
	Text         string  `json:"text"`
	Score        float64 `json:"score"`
	Kind         string  `json:"kind,omitempty"`
	Speaker      string  `json:"speaker,omitempty"`
	SpeakerStart int     `json:"speaker_start,omitempty"`
	SpeakerEnd   int     `json:"speaker_end,omitempty"`
}

// Extract returns the claims in text, in order of position, never overlapping.
func Extract(text string) []Claim {
	panic("todo")
}
