package export

import (
	"encoding/json"
	"strings"
	"testing"
)

// A claim's author is an Organization or a Person only when the speaker's
// name shows which, and left out otherwise. The speakers are the kinds the
// extractor finds in news.
func TestSpeakerAgent(t *testing.T) {
	const org, person, none = "Organization", "Person", ""
	cases := []struct {
		speaker, typ, name, job string
	}{
		// Organisations: a leading "the" before a name, or a word of bodies.
		{"the Wall Street Journal", org, "the Wall Street Journal", ""},
		{"The Ukrainian government", org, "The Ukrainian government", ""},
		{"The South Korean military", org, "The South Korean military", ""},
		{"The Kyiv Independent", org, "The Kyiv Independent", ""},
		{"Radio Free Asia", org, "Radio Free Asia", ""},
		{"Ministry of Defence", org, "Ministry of Defence", ""},
		{"Harbour City Council", org, "Harbour City Council", ""},
		{"the port authority", org, "the port authority", ""},
		{"Central Bank", org, "Central Bank", ""},
		{"the Supreme Court", org, "the Supreme Court", ""},
		{"AP", org, "AP", ""},
		{"NATO", org, "NATO", ""},
		// People: a personal name of two to four words, or a name after a title.
		{"John Kirby", person, "John Kirby", ""},
		{"Ana Ruiz", person, "Ana Ruiz", ""},
		{"Hong Min", person, "Hong Min", ""},
		{"Dr. Jane Doe", person, "Dr. Jane Doe", ""},
		{"Seán O’Brien", person, "Seán O’Brien", ""},
		{"Кира Волкова", person, "Кира Волкова", ""},
		{"spokesman Matthew Miller", person, "Matthew Miller", "spokesman"},
		{"Ukrainian President Volodymyr Zelensky", person, "Volodymyr Zelensky", "Ukrainian President"},
		{"North Korean leader Kim Jong Un", person, "Kim Jong Un", "North Korean leader"},
		{"South Korean Defense Minister Kim Yong-hyun", person, "Kim Yong-hyun", "South Korean Defense Minister"},
		{"US National Security Council spokesman John Kirby", person, "John Kirby", "US National Security Council spokesman"},
		{"U.S. Department of Defense Deputy Press Secretary Sabrina Singh", person, "Sabrina Singh", "U.S. Department of Defense Deputy Press Secretary"},
		{"the city treasurer Anna Berg", person, "Anna Berg", "city treasurer"},
		{"the spokesman Matthew Miller", person, "Matthew Miller", "spokesman"},
		{"Chief Justice John Roberts", person, "John Roberts", "Chief Justice"},
		{"House Speaker Mike Johnson", person, "Mike Johnson", "House Speaker"},
		{"Tesla CEO Elon Musk", person, "Elon Musk", "Tesla CEO"},
		{"Labour MP Jess Phillips", person, "Jess Phillips", "Labour MP"},
		{"Attorney General Merrick Garland", person, "Merrick Garland", "Attorney General"},
		{"The Justice Department", org, "The Justice Department", ""},
		{"the city treasurer", none, "", ""},
		// Neither, or not to be told: left out.
		{"Experts", none, "", ""},
		{"I", none, "", ""},
		{"Several sources", none, "", ""},
		{"Seoul and Washington", none, "", ""},
		{"Ana Ruiz and John Kirby", none, "", ""},
		{"Western officials", none, "", ""},
		{"The official", none, "", ""},
		{"the official", none, "", ""},
		{"An unnamed American official", none, "", ""},
		{"South Korea’s JCS", none, "", ""},
		{"Kirby", none, "", ""}, // a surname alone may as well be a place or a firm
		{"Pyongyang", none, "", ""},
		{"Defense Minister", none, "", ""},
		{"One Two Three Four Five", none, "", ""},
		{"   ", none, "", ""},
	}
	for _, tc := range cases {
		a := speakerAgent(tc.speaker)
		if tc.typ == none {
			if a != nil {
				t.Errorf("%q: %+v, want no author", tc.speaker, *a)
			}
			continue
		}
		if a == nil || a.Type != tc.typ || a.Name != tc.name || a.JobTitle != tc.job {
			t.Errorf("%q: %+v, want %s %q (job %q)", tc.speaker, a, tc.typ, tc.name, tc.job)
		}
	}
}

// A title before a name makes the speaker a person with that job, for the
// titles news puts before names: "treasurer" was missing, so "the city
// treasurer Anna Berg" gave no author at all.
func TestSpeakerAgentTitles(t *testing.T) {
	for _, title := range []string{
		"spokesman", "spokeswoman", "spokesperson", "secretary", "minister", "president", "leader", "chief", "director",
		"chairman", "chairwoman", "chair", "ambassador", "general", "senator", "mayor", "governor", "commander", "adviser",
		"advisor", "envoy", "analyst", "professor", "premier", "chancellor", "representative", "official", "officer", "head",
		"deputy", "correspondent", "reporter", "editor", "author", "judge",
		"treasurer", "commissioner", "prosecutor", "researcher", "attorney", "lawyer", "justice", "speaker", "lawmaker",
		"legislator", "congressman", "congresswoman", "councillor", "councilor", "councilman", "councilwoman", "MP",
		"sheriff", "inspector", "superintendent", "auditor", "comptroller", "CEO", "founder", "economist", "scientist",
		"expert", "activist", "investigator",
	} {
		for _, job := range []string{title, "the city " + title, "Harbour County " + strings.ToUpper(title[:1]) + title[1:]} {
			want := strings.TrimPrefix(job, "the ")
			a := speakerAgent(job + " Anna Berg")
			if a == nil || a.Type != "Person" || a.Name != "Anna Berg" || a.JobTitle != want {
				t.Errorf("%q: %+v, want Person Anna Berg (job %q)", job+" Anna Berg", a, want)
			}
		}
	}
}

// In a ClaimReview, a speaker who is neither a person nor an organisation
// leaves itemReviewed without an author: not a Person, and not the
// publisher either, who did not make the claim.
func TestClaimReviewAuthorKinds(t *testing.T) {
	for _, tc := range []struct{ speaker, want string }{
		{"the Wall Street Journal", `"author":{"@type":"Organization","name":"the Wall Street Journal"}`},
		{"spokesman Matthew Miller", `"author":{"@type":"Person","name":"Matthew Miller","jobTitle":"spokesman"}`},
		{"Experts", ""},
	} {
		r := reviewed()
		r.Speaker = tc.speaker
		cr, ok := NewClaimReview(r, testOpts)
		if !ok {
			t.Fatal("no review")
		}
		b, _ := json.Marshal(cr.ItemReviewed)
		item := string(b)
		if tc.want == "" {
			if strings.Contains(item, `"author"`) {
				t.Errorf("%q: itemReviewed %s, want no author", tc.speaker, item)
			}
		} else if !strings.Contains(item, tc.want) {
			t.Errorf("%q: itemReviewed %s, want %s", tc.speaker, item, tc.want)
		}
	}
}
