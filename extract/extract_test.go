package extract

import (
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkClaims asserts the Claim contract on any input: in order, not
// overlapping, offsets that give back Text exactly (as runes for valid UTF-8
// and through ByteOffsets for any string), speaker offsets that give back
// Speaker, score in [0,1], a known kind, and no boilerplate.
func checkClaims(t testing.TB, text string, cs []Claim) {
	t.Helper()
	n := utf8.RuneCountInString(text)
	prevEnd := 0
	for i, c := range cs {
		if c.Start < prevEnd || c.End < c.Start || c.End > n {
			t.Fatalf("claim %d [%d:%d] out of order or range (previous end %d, len %d)", i, c.Start, c.End, prevEnd, n)
		}
		prevEnd = c.End
		bo := ByteOffsets(text, c.Start, c.End, c.SpeakerStart, c.SpeakerEnd)
		if text[bo[0]:bo[1]] != c.Text {
			t.Fatalf("claim %d: bytes %q != Text %q", i, text[bo[0]:bo[1]], c.Text)
		}
		if utf8.ValidString(text) {
			if got := string([]rune(text)[c.Start:c.End]); got != c.Text {
				t.Fatalf("claim %d: runes %q != Text %q", i, got, c.Text)
			}
		}
		if c.Speaker != "" {
			if text[bo[2]:bo[3]] != c.Speaker {
				t.Fatalf("claim %d: speaker bytes %q != %q", i, text[bo[2]:bo[3]], c.Speaker)
			}
		} else if c.SpeakerStart != 0 || c.SpeakerEnd != 0 {
			t.Fatalf("claim %d: speaker offsets without speaker", i)
		}
		if c.Score < 0 || c.Score > 1 {
			t.Fatalf("claim %d: score %v", i, c.Score)
		}
		switch c.Kind {
		case KindQuantity, KindEvent, KindQuote, KindCause, KindPrediction, KindLaw, KindOther:
		default:
			t.Fatalf("claim %d: kind %q", i, c.Kind)
		}
		// The test for a sentence inside a paragraph: IsBoilerplate judges
		// whole lines, where "She was 88." alone would be a headline.
		if isBoilerSentence(c.Text, true) {
			t.Fatalf("claim %d is boilerplate: %q", i, c.Text)
		}
		checkSpans(t, text, c)
	}
}

// fixtureArticle is an invented article with the furniture of a scraped news
// page around it.
const fixtureArticle = `Storm Floods Eastbrook as River Breaks Its Banks
By Maria Lindqvist
Updated 6:40 PM, Nov. 12, 2024

EASTBROOK, Norland (Wire) — The regional water authority said on Tuesday that 2,400 homes in Eastbrook had lost running water after the main pumping station flooded.

Residents wade through floodwater on Harbor Road on Monday. Photo: Jane Roe/Getty Images

Advertisement

According to the authority’s figures, rainfall reached 112 millimetres in 24 hours, the highest since records began in 1931.

Mayor Tom Okafor told reporters the city would spend $4.5 million on temporary barriers.

“The barriers were delivered by the army on Monday night,” Okafor said.

I think the council should have acted years ago.

Will the barriers hold?

The storm caused three landslides near Mt. Pleasant and led to the closure of Route 9 on Wednesday.

Dr. Aiko Tanaka, a hydrologist at the U.S. Geological Survey, said the river peaked at 6.3 metres at 4 p.m. on Wednesday.

A new law passed in March bans construction within 50 metres of the riverbank.

Forecasters at the national weather service said the rain will ease by Friday.

Related Articles
Can Eastbrook Afford Another Flood?
Officials in a neighbouring town said last year that barriers had failed twice.

The authority said repairs would take at least two weeks.

[Warning: graphic images]

To suggest a correction or clarification, write to us here
Share this article
`

func TestExtractFixture(t *testing.T) {
	cs := Extract(fixtureArticle)
	checkClaims(t, fixtureArticle, cs)
	find := func(prefix string) (Claim, bool) {
		for _, c := range cs {
			if strings.HasPrefix(c.Text, prefix) {
				return c, true
			}
		}
		return Claim{}, false
	}
	want := []struct {
		prefix, kind, speaker string
	}{
		{"The regional water autho", KindQuantity, "The regional water authority"},
		{"According to the authori", KindQuantity, "the authority’s figures"},
		{"Mayor Tom Okafor told re", KindQuantity, "Mayor Tom Okafor"},
		{"“The barriers were deliv", KindQuote, "Okafor"},
		{"The storm caused three l", KindQuantity, ""},
		{"Dr. Aiko Tanaka, a hydro", KindQuantity, "Dr. Aiko Tanaka"},
		{"A new law passed in Marc", KindQuantity, ""},
		{"Forecasters at the natio", KindPrediction, "Forecasters at the national weather service"},
		{"The authority said repai", KindQuantity, "The authority"},
	}
	for _, w := range want {
		c, ok := find(w.prefix)
		if !ok {
			t.Errorf("missing claim %q", w.prefix)
			continue
		}
		if c.Kind != w.kind || c.Speaker != w.speaker {
			t.Errorf("%q: kind %q speaker %q, want %q %q", w.prefix, c.Kind, c.Speaker, w.kind, w.speaker)
		}
	}
	// The dateline is not part of the claim.
	if c, _ := find("The regional water autho"); strings.Contains(c.Text, "EASTBROOK") {
		t.Errorf("dateline kept: %q", c.Text)
	}
	for _, c := range cs {
		for _, bad := range []string{"Storm Floods", "Lindqvist", "Updated", "Photo", "Advertisement",
			"I think", "Will the barriers", "Related", "Can Eastbrook", "neighbouring town",
			"Warning", "correction", "Share"} {
			if strings.Contains(c.Text, bad) {
				t.Errorf("unexpected claim %q (contains %q)", c.Text, bad)
			}
		}
	}
	if len(cs) != len(want) {
		for _, c := range cs {
			t.Logf("%.2f %s [%s] %s", c.Score, c.Kind, c.Speaker, c.Text)
		}
		t.Errorf("got %d claims, want %d", len(cs), len(want))
	}
}

func TestExtractKinds(t *testing.T) {
	tests := []struct{ text, kind string }{
		{"The ministry said unemployment fell to 4.2 percent in October.", KindQuantity},
		{"Prices rose sharply because the main refinery in Port Alder closed, the ministry said.", KindCause},
		{"The central bank is expected to raise interest rates in June, analysts at Norbank said.", KindPrediction},
		{"The parliament of Norland passed a law on Monday that bans single-use plastic bags.", KindLaw},
		{"President Ana Ruiz visited the flooded towns of Eastbrook and Millford on Monday.", KindEvent},
		{"“The water reached the second floor of the hospital in Eastbrook,” Mayor Tom Okafor said.", KindQuote},
	}
	for _, tc := range tests {
		cs := Extract(tc.text)
		checkClaims(t, tc.text, cs)
		if len(cs) != 1 {
			t.Errorf("%q: got %d claims", tc.text, len(cs))
			continue
		}
		if cs[0].Kind != tc.kind {
			t.Errorf("%q: kind %q, want %q", tc.text, cs[0].Kind, tc.kind)
		}
	}
}

func TestExtractDropsNonClaims(t *testing.T) {
	for _, s := range []string{
		"Did the government really spend $4 billion on the bridge in 2023?",
		"I think the mayor should resign, and we all know it.",
		"You must try the new café on Main Street, it is great!",
		"We went to the beach and had a wonderful time.",
		"Rain fell.",
		"Advertisement",
		"AFP PHOTO / Jane Doe",
		"Storm Leaves 2,000 Homes Without Power in Northern Towns",
	} {
		if cs := Extract(s); len(cs) != 0 {
			t.Errorf("Extract(%q) = %q, want none", s, cs[0].Text)
		}
	}
}

// A scrape that cut the headline and the start of the first sentence still
// leaves a claim worth checking; it is kept as it stands.
func TestTruncatedLede(t *testing.T) {
	text := "1,000 reportedly been killed in the fighting near Eastbrook since March, according to the army. The army gave no details."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if len(cs) != 1 || !strings.HasPrefix(cs[0].Text, "1,000 reportedly") || cs[0].Speaker != "the army" {
		t.Fatalf("got %+v", cs)
	}
}

func TestSpeaker(t *testing.T) {
	tests := []struct{ text, speaker string }{
		{"The plant closed in 2021, Western officials said on Thursday.", "Western officials"},
		{"Unemployment reached 7 percent, according to the National Statistics Office.", "the National Statistics Office"},
		{"Health Minister Lara Venn told lawmakers that 300 beds were added in May.", "Health Minister Lara Venn"},
		{"“The dam held at 9.5 metres,” said Pieter Smit, an engineer at the utility.", "Pieter Smit"},
		{"“The dam held at 9.5 metres on Sunday,” the official said.", "the official"},
		{"Sen. Ruth Alvarez says the bill would cost $1.2 billion over 10 years.", "Sen. Ruth Alvarez"},
		{"John Kirby, a White House spokesman, said 40 ships were damaged in June.", "John Kirby"},
		{"The storm destroyed 40 homes in Eastbrook on Monday night.", ""},
		// After an appositive clause, "said residents were" reports what the
		// named person said; residents are not the speaker.
		{"Councillor Dev Anand, who voted against the rise, said residents were paying 12% more.", "Councillor Dev Anand"},
	}
	for _, tc := range tests {
		cs := Extract(tc.text)
		checkClaims(t, tc.text, cs)
		if len(cs) != 1 {
			t.Errorf("%q: got %d claims", tc.text, len(cs))
			continue
		}
		if cs[0].Speaker != tc.speaker {
			t.Errorf("%q: speaker %q, want %q", tc.text, cs[0].Speaker, tc.speaker)
		}
	}
}

func TestIsBoilerplate(t *testing.T) {
	yes := []string{
		"Advertisement", "ADVERTISEMENT", "Most Commented", "Other Topics of Interest",
		"News Desk", "Jane Doe Views", "By Jane Doe", "By Jane Doe and John Roe, Reuters",
		"AFP PHOTO/KCNA VIA KNS", "Soldiers fire a gun near the front line. Photo, Jane Doe.",
		"Children play in the park. (Photo by John Roe/Getty Images)",
		"Soldiers carry a coffin in Talvik on June 17. REUTERS/Jane Roe",
		"Kim Jong-un speaks at a rally in Pyongyang on June 19, 2024. (KCNA via AP)",
		"This picture taken on May 3, 2024 shows a dam in the north.",
		"[Warning: graphic video]", "Read more: How the dam was built",
		"To suggest a correction or clarification, write to us here",
		"You can also highlight the text and press Ctrl + Enter",
		"Share this article", "Updated 6:40 PM, Nov. 12, 2024",
		"Storm Leaves 2,000 Homes Without Power", "Did Russia Launch a Missile at Kyiv? Here’s What We Know",
		"Copyright 2024 Example Media. All rights reserved.", "", "   ",
	}
	no := []string{
		"The storm left 2,000 homes without power, officials said.",
		"By December 9, she had confirmed the figures.",
		"Subscribers rose 10 percent last year.",
		"Photos taken by residents showed the flooding.",
		"Related research has found similar effects.",
		"Updated figures show 40 deaths.",
		"The footage, obtained via AP, shows 40 trucks.",
	}
	for _, s := range yes {
		if !IsBoilerplate(s) {
			t.Errorf("IsBoilerplate(%q) = false", s)
		}
	}
	for _, s := range no {
		if IsBoilerplate(s) {
			t.Errorf("IsBoilerplate(%q) = true", s)
		}
	}
}

// IsFurniture is page furniture without the headlines, for finding a
// document's title past the bylines, datelines and ads above it.
func TestIsFurniture(t *testing.T) {
	yes := []string{
		"Advertisement", "News Desk", "Web Desk", "Staff Reporter", "Our Correspondent",
		"By Jane Doe", "By Jane Doe and John Roe, Reuters", "Updated 6:40 PM, Nov. 12, 2024",
		"Thursday, November 21, 2024", "Nov. 21, 2024 10:31 am GMT", "21/11/2024", "21st November 2024",
		"AFP PHOTO/KCNA VIA KNS", "Photo: Jane Doe", "[Warning: graphic video]", "Share this article",
		"Jane Doe is a columnist for the Courier.", "", "  ",
	}
	no := []string{
		"Storm Leaves 2,000 Homes Without Power",
		"Why Are Soldiers Dying? The Battle Revealed",
		"Zelensky Confirms First North Korean Military Deaths in Ukraine.",
		"Ruling says data retention rules violate privacy",
		"The storm left 2,000 homes without power, officials said.",
		"The Help Desk Nobody Calls Any More", // a headline ending in a desk word, but longer
		"The reporter said the dam held 4.2 million cubic metres.",
		"May Day marches draw 20,000",
		"2024 budget passes",
		"Updated figures show 40 deaths.",
	}
	for _, s := range yes {
		if !IsFurniture(s) {
			t.Errorf("IsFurniture(%q) = false", s)
		}
		if !IsBoilerplate(s) {
			t.Errorf("IsBoilerplate(%q) = false: furniture is boilerplate", s)
		}
	}
	for _, s := range no {
		if IsFurniture(s) {
			t.Errorf("IsFurniture(%q) = true", s)
		}
	}
}

func TestExtractNonLatin(t *testing.T) {
	for _, text := range []string{
		"Правительство заявило, что в понедельник было эвакуировано 1200 человек. Спасатели продолжают работу.",
		"Η κυβέρνηση ανακοίνωσε ότι 300 οικογένειες μετακινήθηκαν την Τρίτη.",
		"政府周二表示，已有1200人被疏散。救援工作仍在继续。",
		"وقالت الحكومة إن 1200 شخص تم إجلاؤهم يوم الاثنين. وتستمر عمليات الإنقاذ.",
		"“Ça va,” dit-il — 40 % des maisons sont détruites, selon la préfecture.",
		"The ministry said 1,200 people — 40% of the town — left on Monday, “fearing the worst.”",
	} {
		cs := Extract(text)
		checkClaims(t, text, cs)
		checkSentences(t, text, Segment(text))
	}
}

func TestExtractOffsetsAfterMultibyte(t *testing.T) {
	// Curly quotes, dashes, emoji and CJK before the claim shift code point
	// offsets away from byte offsets.
	text := "“Quoted” — 😀 東京 Ελλάδα\n\nThe ministry said on Monday that 1,200 people were evacuated from Eastbrook."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if len(cs) != 1 {
		t.Fatalf("got %d claims", len(cs))
	}
	if cs[0].Start != 24 || cs[0].Speaker != "The ministry" || cs[0].SpeakerStart != 24 || cs[0].SpeakerEnd != 36 {
		t.Fatalf("got %+v", cs[0])
	}
}

// TestSeeds runs over the real scraped articles when they are present. It
// checks invariants and that known page furniture never becomes a claim; the
// expected output is described in the package's report, not pinned here.
func TestSeeds(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "shared", "seeds", "*.txt"))
	if len(files) == 0 {
		t.Skip("no seed articles in ../../shared/seeds")
	}
	furniture := []string{"Advertisement", "AFP PHOTO", "Photo,", "Getty", "Most Commented",
		"Other Topics of Interest", "Views", "News Desk", "[Warning", "correction",
		"Ctrl + Enter", "This picture taken", "Here’s What We Know"}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		checkSentences(t, text, Segment(text))
		cs := Extract(text)
		checkClaims(t, text, cs)
		if len(cs) == 0 {
			t.Errorf("%s: no claims", filepath.Base(f))
		}
		for _, c := range cs {
			for _, bad := range furniture {
				if strings.Contains(c.Text, bad) {
					t.Errorf("%s: boilerplate claim %q", filepath.Base(f), c.Text)
				}
			}
			if strings.HasSuffix(c.Text, "?") {
				t.Errorf("%s: question claim %q", filepath.Base(f), c.Text)
			}
		}
		// The lede, the first sentence after the page furniture, is the
		// story's main claim: kept even when the scrape cut its start.
		for _, a := range Analyze(text) {
			if a.Verdict == VerdictBoilerplate || a.Verdict == VerdictTeaser {
				continue
			}
			if a.Verdict != VerdictClaim {
				t.Errorf("%s: lede %q is %s (%.2f)", filepath.Base(f), a.Text, a.Verdict, a.Score)
			}
			break
		}
	}
}

func TestExtractTeaserSection(t *testing.T) {
	text := "The council said on Monday that 300 trees were planted in Eastbrook.\n\n" +
		"More Stories\n\nAdvertisement\n\nWhy Did the Bridge Close Early?\n" +
		"Engineers said on Friday that 12 cables had snapped over the winter.\n\n" +
		"The mayor said on Tuesday that 40 more trees would be planted in May."
	cs := Extract(text)
	checkClaims(t, text, cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.Text[:12])
	}
	if len(cs) != 2 || !strings.HasPrefix(cs[0].Text, "The council") || !strings.HasPrefix(cs[1].Text, "The mayor") {
		t.Fatalf("got %q, want the council and mayor sentences only", got)
	}
}

// TestPageFurniture covers furniture that only shows in context: a press
// release's closing sections, headlines in sentence case, an interviewer's
// turns, a columnist's note.
func TestPageFurniture(t *testing.T) {
	text := "Skip to main content\n" +
		"We use cookies to improve your experience. By continuing to browse, you agree to our use of cookies.\n" +
		"Ruling says data retention rules violate the right to privacy\n" +
		"Gregor Lindahl is a columnist for the Courier. The views expressed are his own.\n\n" +
		"The court struck down the 2021 law on Thursday by 7 votes to 2, the ruling shows.\n\n" +
		"Q: Did the ruling surprise you? The government said in 2022 that 3,500 cases used the data.\n\n" +
		"A: The police used the records in 3,500 investigations since 2021.\n\n" +
		"About Corvanta\n" +
		"Corvanta AG employs 4,000 people in 11 countries and was founded in 1952.\n\n" +
		"Media Contact:\n" +
		"Julia Kessler, +41 61 555 01 23, media@corvanta.example\n\n" +
		"Related\n" +
		"Ostmark election: how the results unfolded\n" +
		"Five things we learned from the vote on Sunday\n"
	cs := Extract(text)
	checkClaims(t, text, cs)
	var got []string
	for _, c := range cs {
		got = append(got, c.Text)
	}
	want := []string{
		"The court struck down the 2021 law on Thursday by 7 votes to 2, the ruling shows.",
		"The police used the records in 3,500 investigations since 2021.", // "A: " is not part of it
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("claims:\n%q\nwant\n%q", got, want)
	}
	// A single line without a full stop, alone, is still read.
	if cs := Extract("The council approved the $1.2 billion budget by 9 votes to 2 on Monday"); len(cs) != 1 {
		t.Errorf("a lone line without a full stop: %d claims", len(cs))
	}
}

func TestAnalyzeVerdicts(t *testing.T) {
	text := "Storm Floods Eastbrook\nBy Maria Lindqvist\n\nThe authority said 2,400 homes lost water on Tuesday. Will it hold? It rained.\n\nI think it was a lovely day out there.\n\nAdvertisement"
	an := Analyze(text)
	want := []string{VerdictBoilerplate, VerdictBoilerplate, VerdictClaim, VerdictQuestion, VerdictShort, VerdictLow, VerdictBoilerplate}
	var got []string
	r := []rune(text)
	for _, a := range an {
		got = append(got, a.Verdict)
		if string(r[a.Start:a.End]) != a.Text {
			t.Errorf("%q at %d..%d", a.Text, a.Start, a.End)
		}
		if (a.Verdict == VerdictClaim || a.Verdict == VerdictLow) != (a.Score >= 0) {
			t.Errorf("%q: verdict %s with score %v", a.Text, a.Verdict, a.Score)
		}
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("verdicts %q, want %q", got, want)
	}
	if cs := Extract(text); len(cs) != 1 || cs[0].Score != float64(int(an[2].Score*1000+0.5))/1000 {
		t.Fatalf("Extract and Analyze disagree: %+v vs %+v", cs, an[2])
	}
}

// A claim is not a fragment of a quotation: when only part of a quote of
// several sentences is check-worthy, the claim is the whole quote, with
// its attribution; a quote whose every sentence is a claim stays in
// sentences (TestSpeakerAcrossQuotation).
func TestQuoteFragmentsBecomeTheWholeQuote(t *testing.T) {
	text := "Ukraine's foreign ministry spokesman Heorhiy Tykhyi spoke to reporters on Monday. " +
		"“In our view, the North Korean soldiers who were deployed to Kursk are already legitimate targets. " +
		"They entered a war, and they are as such combatants that are legitimate targets for the Ukrainian military,” Heorhiy Tykhyi said.\n"
	var got []string
	for _, c := range Extract(text) {
		got = append(got, c.Text)
		if []rune(text)[c.Start] == 'T' && strings.HasPrefix(c.Text, "They entered") {
			t.Errorf("a claim starts mid-quotation: %q", c.Text)
		}
		if strings.Contains(c.Text, "legitimate targets for the Ukrainian") {
			if !strings.HasPrefix(c.Text, "“In our view") || !strings.HasSuffix(c.Text, "Tykhyi said.") {
				t.Errorf("the quote's claim = %q, want the whole quotation and its attribution", c.Text)
			}
			if string([]rune(text)[c.Start:c.End]) != c.Text {
				t.Errorf("offsets %d-%d do not give the claim's text", c.Start, c.End)
			}
			if c.Speaker != "Heorhiy Tykhyi" || string([]rune(text)[c.SpeakerStart:c.SpeakerEnd]) != c.Speaker {
				t.Errorf("the quote's speaker: %q at %d-%d", c.Speaker, c.SpeakerStart, c.SpeakerEnd)
			}
		}
	}
	if !slices.ContainsFunc(got, func(s string) bool { return strings.HasPrefix(s, "“In our view") }) {
		t.Fatalf("no claim for the quotation in %q", got)
	}
}

// A named speaker's estimate of a figure is kept however hedged its words;
// the same hedged voice with no figure, or with only a date, is not.
func TestHedgedEstimateIsKept(t *testing.T) {
	text := "Fire chief Marta Lindqvist spoke to reporters at the scene on Sunday.\n\n" +
		"“I can’t tell you an exact figure, it’s hard for me to say from here,” Lindqvist said. " +
		"“I would say somewhere in the realm of hundreds, maybe more.”\n\n" +
		"“I would say we will probably be here until about the 3rd, maybe longer,” Lindqvist said.\n"
	cs := Extract(text)
	checkClaims(t, text, cs)
	var est *Claim
	for i, c := range cs {
		if strings.Contains(c.Text, "realm of hundreds") {
			est = &cs[i]
		}
		if strings.Contains(c.Text, "exact figure") || strings.Contains(c.Text, "until about") {
			t.Errorf("a hedge without a figure is a claim: %q (%.2f)", c.Text, c.Score)
		}
	}
	if est == nil {
		t.Fatalf("the estimate is not a claim; claims: %+v", cs)
	}
	if est.Speaker != "Lindqvist" || est.Kind != KindQuantity || len(est.Numbers) == 0 {
		t.Errorf("estimate: speaker %q, kind %q, numbers %v", est.Speaker, est.Kind, est.Numbers)
	}
}
