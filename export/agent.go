package export

import (
	"strings"
	"unicode"
)

// speakerAgent says who a claim's speaker is, as schema.org sees it: an
// Organization when the name shows one ("the Wall Street Journal", "The
// Ukrainian government"), a Person when it is a personal name ("John
// Kirby", or one after a title: "spokesman Matthew Miller"), and nil when
// it is neither or cannot be told ("Experts", "Several sources", "Seoul and
// Washington", "Kirby"): a missing author is better than a wrong one.
func speakerAgent(speaker string) *Agent {
	speaker = strings.Join(strings.Fields(speaker), " ")
	words := strings.Fields(speaker)
	if len(words) == 0 {
		return nil
	}
	keys := make([]string, len(words))
	for i, w := range words {
		keys[i] = wordKey(w)
		if keys[i] == "and" || keys[i] == "&" || keys[i] == "or" {
			return nil // a group of speakers is no one author
		}
	}
	// A title, then a name: the name is the person, the rest their job.
	// This comes first: "US National Security Council spokesman John Kirby"
	// names a council, but speaks for a person.
	for i := len(words) - 2; i >= 0; i-- {
		if !roleWords[keys[i]] {
			continue
		}
		name := words[i+1:]
		if len(name) <= 4 && personalName(name, keys[i+1:]) {
			// "the city treasurer": the article belongs to the sentence,
			// not to the job.
			job := words[:i+1]
			if keys[0] == "the" && len(job) > 1 {
				job = job[1:]
			}
			return &Agent{Type: "Person", Name: strings.Join(name, " "), JobTitle: strings.Join(job, " ")}
		}
		break
	}
	for _, k := range keys {
		if orgWords[k] {
			return &Agent{Type: "Organization", Name: speaker}
		}
	}
	// "The" before a name is a publication or a body ("the Kyiv
	// Independent"); before a common noun it is not ("the official").
	if keys[0] == "the" && len(words) > 1 && capitalised(words[1]) {
		return &Agent{Type: "Organization", Name: speaker}
	}
	if len(words) >= 2 && len(words) <= 4 && personalName(words, keys) {
		return &Agent{Type: "Person", Name: speaker}
	}
	// An acronym alone is a body: AP, AFP, NATO, the UN.
	if len(words) == 1 && acronym(words[0]) {
		return &Agent{Type: "Organization", Name: speaker}
	}
	return nil
}

// acronym reports a word of two to six capital letters.
func acronym(w string) bool {
	n := 0
	for _, r := range w {
		if !unicode.IsUpper(r) {
			return false
		}
		n++
	}
	return n >= 2 && n <= 6
}

// personalName reports words that can make up a person's name: each
// capitalised, none a possessive, a title or a word of organisations.
func personalName(words, keys []string) bool {
	for i, w := range words {
		if !capitalised(w) || roleWords[keys[i]] || orgWords[keys[i]] || keys[i] == "the" ||
			strings.HasSuffix(w, "’s") || strings.HasSuffix(w, "'s") {
			return false
		}
		for _, r := range w {
			if !unicode.IsLetter(r) && !strings.ContainsRune(".-'’", r) {
				return false
			}
		}
	}
	return true
}

func capitalised(w string) bool {
	for _, r := range w {
		return unicode.IsUpper(r)
	}
	return false
}

// wordKey is a word lower-cased, without the punctuation around it.
func wordKey(w string) string {
	return strings.ToLower(strings.TrimFunc(w, func(r rune) bool { return unicode.IsPunct(r) && r != '&' }))
}

// orgWords name bodies, not people: a speaker with one of them is an
// organisation ("Radio Free Asia", "The South Korean military").
var orgWords = set(
	"government", "ministry", "agency", "police", "army", "military", "council",
	"committee", "company", "bank", "university", "institute", "commission",
	"union", "party", "office", "department", "journal", "times", "post", "news",
	"network", "court", "parliament",
	// and more of the same kinds
	"authority", "administration", "association", "corporation", "foundation",
	"organisation", "organization", "board", "bureau", "service", "ministries",
	"senate", "congress", "embassy", "navy", "forces", "pentagon", "kremlin",
	"radio", "press", "media", "television", "newspaper", "outlet", "daily",
	"house", "states", "nations", "kingdom", "republic", "federation",
)

// roleWords are titles that stand before a person's name ("Defense
// Minister Kim Yong-hyun", "spokesman Matthew Miller").
var roleWords = set(
	"spokesman", "spokeswoman", "spokesperson", "secretary", "minister",
	"president", "leader", "chief", "director", "chairman", "chairwoman", "chair",
	"ambassador", "general", "senator", "mayor", "governor", "commander",
	"adviser", "advisor", "envoy", "analyst", "professor", "premier",
	"chancellor", "representative", "rep", "sen", "gov", "lt", "col", "gen",
	"sergeant", "captain", "colonel", "lieutenant", "official", "officer",
	"head", "deputy", "correspondent", "reporter", "editor", "author", "judge",
	// and more of the titles news gives
	"treasurer", "commissioner", "prosecutor", "researcher", "attorney", "lawyer",
	"justice", "speaker", "lawmaker", "legislator", "congressman", "congresswoman",
	"councillor", "councilor", "councilman", "councilwoman", "mp", "sheriff",
	"inspector", "superintendent", "auditor", "comptroller", "ceo", "founder",
	"economist", "scientist", "expert", "activist", "investigator",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}
