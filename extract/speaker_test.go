package extract

import (
	"strings"
	"testing"
)

// speakerOf returns the claim that starts with prefix, failing when absent.
func claimWith(t *testing.T, cs []Claim, prefix string) Claim {
	t.Helper()
	for _, c := range cs {
		if strings.HasPrefix(c.Text, prefix) {
			return c
		}
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.Text)
	}
	t.Fatalf("no claim starting %q in %q", prefix, got)
	return Claim{}
}

func TestSpeakerAcrossQuotation(t *testing.T) {
	text := "Finance Minister Jonas Brekke defended the budget on Thursday.\n\n" +
		"“This budget cuts the deficit from 3.4 percent to 2.6 percent of national income. " +
		"It raises pensions by 5 percent. It puts 2 billion crowns into hospitals,” Brekke said. " +
		"“It will pass by 91 votes to 84.”\n\n" +
		"“Wages rose 6 percent in 2023,” he added.\n\n" +
		"“Prices rose 4 percent over the same period.”"
	cs := Extract(text)
	checkClaims(t, text, cs)
	for _, tc := range []struct{ prefix, speaker string }{
		{"“This budget cuts", "Brekke"},      // the speaker is named two sentences later
		{"It raises pensions", "Brekke"},     // inside the quotation
		{"It puts 2 billion", "Brekke"},      // its own
		{"“It will pass", "Brekke"},          // a quotation right after an attributed one
		{"“Wages rose", "Brekke"},            // he: the last person named
		{"“Prices rose 4 percent", "Brekke"}, // continues the previous paragraph’s quotation
	} {
		c := claimWith(t, cs, tc.prefix)
		if !strings.HasSuffix(c.Speaker, tc.speaker) {
			t.Errorf("%q: speaker %q, want %q", tc.prefix, c.Speaker, tc.speaker)
		}
		if c.Kind != KindQuantity && c.Kind != KindQuote && c.Kind != KindPrediction {
			t.Errorf("%q: kind %q", tc.prefix, c.Kind)
		}
	}
	// The first claim's speaker points after it, into the sentence that names him.
	c := claimWith(t, cs, "“This budget cuts")
	if c.SpeakerStart < c.End {
		t.Errorf("speaker offsets %d..%d should follow the claim (ends %d)", c.SpeakerStart, c.SpeakerEnd, c.End)
	}
	// "he" points back at the name.
	c = claimWith(t, cs, "“Wages rose")
	if c.SpeakerEnd > c.Start {
		t.Errorf("resolved pronoun offsets %d..%d should precede the claim (starts %d)", c.SpeakerStart, c.SpeakerEnd, c.Start)
	}
}

func TestPronounWithoutAntecedent(t *testing.T) {
	// Nobody named before: "he" stays unresolved, and "they" is never
	// resolved to a single person.
	text := "He said 40 people were evacuated from Eastbrook on Monday.\n\n" +
		"Mayor Ana Ruiz visited the shelter on Tuesday.\n\n" +
		"They said 300 homes had been flooded by Wednesday."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if c := claimWith(t, cs, "He said 40"); c.Speaker != "" {
		t.Errorf("unresolved he: speaker %q", c.Speaker)
	}
	if c := claimWith(t, cs, "They said 300"); c.Speaker != "" {
		t.Errorf("they: speaker %q", c.Speaker)
	}
}

func TestSpeakerNotInsideQuotation(t *testing.T) {
	// "we said" inside the quotation is not the sentence's speaker.
	text := "“We said in 2019 that 4,000 homes would be built,” Holm told reporters on Monday."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if len(cs) != 1 || cs[0].Speaker != "Holm" {
		t.Fatalf("got %+v", cs)
	}
}

func TestCitingAfterSpeechVerb(t *testing.T) {
	text := "The government suggested on Wednesday that hundreds of soldiers had died, citing intercepted calls in which doctors described the wards."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if len(cs) != 1 || cs[0].Speaker != "The government" {
		t.Fatalf("got %+v", cs)
	}
}

// "They said" goes to the group named as a speaker just before, in the same
// paragraph or the one before it; never to a person, nor further back.
func TestTheyIsTheLastGroup(t *testing.T) {
	text := "Ukrainian officials have insisted since November that 11,000 North Korean troops are in Kursk. " +
		"They also claim that 3,000 of them were wounded in December.\n\n" +
		"They said 40 tanks were lost in the first week of fighting.\n\n" +
		"Mayor Ana Ruiz visited the front on Tuesday.\n\n" +
		"Ruiz said 12 villages were shelled in the night to Monday.\n\n" +
		"They said 300 homes had been damaged by Wednesday."
	cs := Extract(text)
	checkClaims(t, text, cs)
	for prefix, want := range map[string]string{
		"They also claim": "Ukrainian officials",
		"They said 40":    "Ukrainian officials", // the next paragraph
		"They said 300":   "",                    // only a person in reach
	} {
		if c := claimWith(t, cs, prefix); c.Speaker != want {
			t.Errorf("%q: speaker %q, want %q", prefix, c.Speaker, want)
		}
	}
}
