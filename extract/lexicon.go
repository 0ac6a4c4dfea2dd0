package extract

// Word lists used by the segmenter, the boilerplate filter, the speaker finder
// and the scoring features. They are data, kept apart from the code that uses
// them, so that they can be extended (or learnt) without touching the logic.

// Lexicon flags: one map lookup per word gives every role the word can play.
const (
	lxAttrib      uint32 = 1 << iota // speech verb: "X said", "said X"
	lxRole                           // noun that can be a speaker: official, spokesman
	lxModifier                       // lowercase word allowed before a role: senior, state
	lxDet                            // determiner that may open a speaker phrase
	lxPronoun                        // pronoun that may be a speaker
	lxAux                            // word allowed between speaker and verb: has, also
	lxConnector                      // lowercase word inside a name: of, for, and
	lxMonth                          // month name
	lxWeekday                        // day name
	lxRelDate                        // yesterday, today, ago
	lxDateUnit                       // week, month, year (after last/next/this)
	lxNumWord                        // hundreds, dozen, million
	lxCausal                         // because, caused, prompted
	lxCausalTo                       // causal only when followed by "to": led to, due to
	lxPredict                        // will, forecast
	lxPredictTo                      // prediction only when followed by "to": expected to
	lxLaw                            // law, bill, ban, regulation
	lxHedge                          // may, might, perhaps, likely
	lxOpinion                        // should, must, terrible
	lxOpinionVerb                    // think, believe, feel: opinion after I/we
	lxFirst                          // first person: I, we, our
	lxSecond                         // second person: you, your
	lxEventVerb                      // killed, launched, signed
	lxAbstract                       // concerns, implications: commentary, not fact
	lxClause                         // that, which, who: ends a speaker phrase
	lxSmall                          // function words ignored by the title-case test
	lxCurrency                       // dollars, euros
	lxReported                       // reportedly, indicate: relayed facts
	lxOrdinal                        // first, second: "its second year"
	lxInverts                        // speech verb that may precede its speaker: "said Kim"
	lxNumber                         // a number in words: six, hundreds, million, percent
	lxSpanLead                       // may open a date or number: last, next, a, several
)

var lexicon = map[string]uint32{}

func addWords(flag uint32, words ...string) {
	for _, w := range words {
		lexicon[w] |= flag
	}
}

func init() {
	addWords(lxAttrib, "said", "says", "say", "saying", "told", "tells", "added",
		"stated", "states", "noted", "notes", "claimed", "claims", "claim",
		"announced", "announces", "warned", "warns", "reported", "reports",
		"wrote", "writes", "explained", "insisted", "insists", "confirmed",
		"acknowledged", "argued", "argues", "estimated", "estimates", "asserted",
		"testified", "tweeted", "declared", "alleged", "alleges", "vowed",
		"pledged", "promised", "mentioned", "revealed", "disclosed", "predicted",
		"predicts", "stressed", "emphasized", "emphasised", "assessed", "believes",
		"contends", "conceded", "admitted", "denied", "replied", "responded",
		"suggested", "described", "tells", "told", "accused", "accuses",
		"urged", "urges", "demanded", "called")
	addWords(lxInverts, "said", "says", "added", "adds", "wrote", "writes",
		"noted", "explained", "continued", "insisted", "asked", "recalled",
		"warned", "argued", "stated")
	addWords(lxRole, "official", "officials", "spokesman", "spokeswoman",
		"spokesperson", "spokespeople", "minister", "ministers", "president",
		"secretary", "analyst", "analysts", "expert", "experts", "source",
		"sources", "media", "police", "authorities", "government", "military",
		"ministry", "officer", "officers", "general", "commander", "leader",
		"leaders", "director", "chief", "researcher", "researchers", "scientist",
		"scientists", "witness", "witnesses", "resident", "residents", "report",
		"reports", "statement", "agency", "newspaper", "outlet", "correspondent",
		"lawmaker", "lawmakers", "senator", "governor", "mayor", "adviser",
		"advisor", "coordinator", "aide", "aides", "diplomat", "diplomats",
		"representative", "ambassador", "observers", "prosecutor", "prosecutors",
		"judge", "court", "study", "survey", "doctors", "company", "chairman",
		"chairwoman", "ceo", "head", "army", "intelligence", "office",
		"department", "council", "committee", "allies", "ally", "study",
		"spokesmen", "investigators", "regulator", "regulators", "union", "group",
		"nurse", "soldier", "soldiers", "authority", "utility", "service",
		"bureau", "institute", "commission", "board", "bank", "university",
		"association", "organization", "organisation", "firm", "watchdog",
		"network", "broadcaster", "website", "figures", "data", "estimates",
		"statistics", "forecasters", "economists", "economist", "engineers",
		"engineer", "spokeswomen", "operator", "airline", "manufacturer",
		"executive", "executives", "inspectorate", "charity", "campaigners",
		"inspector", "inspectors", "monitors", "observers", "mission")
	addWords(lxModifier, "state", "senior", "top", "former", "unnamed",
		"anonymous", "local", "military", "intelligence", "western", "foreign",
		"government", "defense", "defence", "deputy", "chief", "press",
		"security", "health", "police", "federal", "regional", "independent",
		"outgoing", "acting", "interim", "ukrainian", "russian", "american",
		"other", "several", "some", "many", "two", "three")
	addWords(lxDet, "the", "a", "an", "this", "that", "these", "those", "his",
		"her", "their", "its", "our")
	addWords(lxPronoun, "he", "she", "they", "we", "i")
	addWords(lxAux, "has", "have", "had", "also", "later", "then", "earlier",
		"once", "again", "further", "had", "repeatedly", "previously",
		"reportedly", "publicly", "recently", "already", "separately",
		"initially", "first", "both", "all")
	addWords(lxConnector, "of", "for", "and", "de", "del", "al", "von", "van",
		"der", "bin", "on")
	addWords(lxMonth, "january", "february", "march", "april", "may", "june",
		"july", "august", "september", "october", "november", "december", "jan",
		"feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov",
		"dec")
	addWords(lxWeekday, "monday", "tuesday", "wednesday", "thursday", "friday",
		"saturday", "sunday")
	addWords(lxRelDate, "yesterday", "today", "tomorrow", "tonight", "ago",
		"overnight")
	addWords(lxDateUnit, "week", "month", "year", "weekend", "night", "morning",
		"evening", "afternoon", "fall", "spring", "summer", "winter", "decade",
		"century", "quarter", "day", "days", "weeks", "months", "years",
		"anniversary", "time")
	addWords(lxNumWord, "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty",
		"fifty", "sixty", "seventy", "eighty", "ninety", "hundred", "hundreds",
		"thousand", "thousands", "million", "millions", "billion", "billions",
		"trillion", "trillions", "dozen", "dozens", "half", "percent",
		"percentage", "tens", "twice", "tripled", "doubled", "halved", "majority",
		"minority")
	addWords(lxNumber, "two", "three", "four", "five", "six", "seven", "eight",
		"nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
		"sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty",
		"forty", "fifty", "sixty", "seventy", "eighty", "ninety", "hundred",
		"hundreds", "thousand", "thousands", "million", "millions", "billion",
		"billions", "trillion", "trillions", "dozen", "dozens", "half", "tens",
		"percent")
	addWords(lxSpanLead, "last", "next", "this", "past", "a", "several", "few",
		"many", "one")
	addWords(lxCurrency, "dollars", "dollar", "euros", "euro", "pounds",
		"yuan", "yen", "rubles", "roubles", "won", "rupees", "usd", "eur",
		"crowns", "crown", "krone", "kroner", "kronor", "francs", "franc",
		"pesos", "rand", "cents")
	addWords(lxCausal, "because", "caused", "causes", "causing", "resulted",
		"blamed", "therefore", "consequently", "triggered", "sparked",
		"prompted", "attributed", "fueled", "fuelled", "thanks")
	addWords(lxCausalTo, "led", "due", "leading", "contributing",
		"contributed", "owing", "lead", "leads")
	addWords(lxPredict, "will", "won't", "forecast", "forecasts",
		"forecasted", "predicted", "predicts", "predict", "projected",
		"projects", "shall", "predicting")
	addWords(lxPredictTo, "expected", "likely", "set", "plans", "planning",
		"going", "poised", "scheduled", "continue")
	addWords(lxLaw, "law", "laws", "bill", "bills", "rule", "rules", "illegal",
		"illegally", "ban", "bans", "banned", "banning", "regulation",
		"regulations", "legislation", "statute", "statutes", "unconstitutional",
		"ordinance", "decree", "treaty", "treaties", "ruled", "ruling", "legal",
		"unlawful", "lawful", "legislature", "parliament", "congress", "act",
		"constitution", "constitutional", "sanctioned", "prohibited", "prohibits",
		"outlawed", "obliges", "requires", "mandate", "mandatory")
	addWords(lxHedge, "may", "might", "could", "perhaps", "possibly", "maybe",
		"seems", "seem", "seemed", "appears", "appear", "apparently", "likely",
		"unlikely", "probably", "believed", "suggest", "suggests", "suspected",
		"allegedly", "potentially", "presumably", "arguably", "somewhat")
	addWords(lxOpinion, "should", "must", "ought", "terrible", "great", "best",
		"worst", "amazing", "awful", "beautiful", "wonderful", "disgraceful",
		"shameful", "outrageous", "ridiculous", "stupid", "love", "hate", "hope",
		"wish", "unfortunately", "fortunately", "sadly", "hopefully",
		"obviously", "clearly", "absurd", "horrible", "fantastic", "brilliant",
		"incredible", "disgusting", "favorite", "favourite", "opinion", "deserve",
		"deserves", "needs")
	addWords(lxOpinionVerb, "think", "believe", "feel", "guess", "reckon",
		"suppose", "view")
	addWords(lxFirst, "i", "me", "my", "mine", "myself", "we", "us", "our",
		"ours", "ourselves", "i'm", "i've", "i'd", "i'll", "we're", "we've",
		"we'd", "we'll")
	addWords(lxSecond, "you", "your", "yours", "yourself", "yourselves",
		"you're", "you've", "you'll", "you'd")
	addWords(lxEventVerb, "killed", "wounded", "injured", "died", "deployed",
		"launched", "attacked", "struck", "invaded", "visited", "signed",
		"approved", "passed", "arrested", "elected", "won", "lost", "fired",
		"sent", "arrived", "occurred", "published", "released", "shared",
		"posted", "destroyed", "captured", "seized", "sentenced", "charged",
		"voted", "met", "began", "started", "ended", "declined", "denied",
		"accused", "condemned", "imposed", "opened", "closed", "resigned",
		"appointed", "crashed", "exploded", "erupted", "fled", "evacuated",
		"shot", "bombed", "raised", "cut", "rose", "fell", "increased",
		"decreased", "dropped", "hired", "fired", "sued", "acquired", "merged",
		"emerged", "engaged", "deployed", "moved", "suffered", "documented",
		"invaded", "issued", "revealed")
	addWords(lxReported, "reportedly", "reported", "indicate", "indicates",
		"indicated", "estimated", "documented", "cited", "citing", "showed",
		"shows", "found", "confirmed", "data", "figures", "statistics",
		"census", "survey", "poll")
	addWords(lxOrdinal, "first", "second", "third", "fourth", "fifth", "sixth",
		"seventh", "eighth", "ninth", "tenth", "consecutive", "straight")
	addWords(lxAbstract, "concern", "concerns", "implications",
		"ramifications", "complexity", "increasingly", "broader", "speculation",
		"context", "factor", "alarms", "complicate", "deepen", "worry",
		"significance", "landscape", "dynamics")
	addWords(lxClause, "that", "which", "who", "whom", "whose", "when",
		"where", "while", "because", "after", "before", "since", "if", "as",
		"though", "although", "in", "on", "at", "to", "from", "with", "about",
		"but", "or")
	addWords(lxSmall, "a", "an", "the", "and", "or", "but", "nor", "of", "in",
		"on", "at", "to", "for", "by", "with", "from", "as", "vs", "via", "into",
		"onto", "over", "up", "off", "per", "is", "are", "was", "be", "de",
		"la", "le", "du", "von", "van", "der", "al", "bin", "than", "out",
		"am", "pm", "a.m", "p.m")
	buildLexiconH()
}

// Abbreviation classes for the segmenter: how a period after the word behaves.
const (
	abNone   uint8 = iota
	abTitle        // Mr. Dr. Gen.: never ends a sentence
	abInline       // e.g. i.e. vs.: never ends a sentence
	abMonth        // Dec. Jan.: no break before a number
	abNumber       // No. p. vol.: no break before a number
	abEnd          // U.S. Inc. a.m.: ends a sentence only before a usual sentence opener
)

var abbrevs = map[string]uint8{}

func init() {
	for _, w := range []string{"mr", "mrs", "ms", "mx", "dr", "prof", "gen",
		"sen", "rep", "gov", "st", "lt", "col", "capt", "cpt", "sgt", "cpl",
		"pvt", "adm", "cmdr", "maj", "brig", "rev", "hon", "pres", "supt",
		"insp", "det", "fr", "messrs", "mme", "mlle", "ft", "mt", "atty", "amb",
		"sr", "jr", "gens", "reps", "sens", "govs", "lieut", "cmdt", "sec",
		"treas", "dept", "univ", "assn", "ave", "blvd", "rd"} {
		abbrevs[w] = abTitle
	}
	// sr/jr/st may end a name at the end of a sentence; a following opener decides.
	for _, w := range []string{"sr", "jr", "ave", "blvd", "rd"} {
		abbrevs[w] = abEnd
	}
	for _, w := range []string{"e.g", "i.e", "vs", "v", "cf", "viz", "approx",
		"incl", "ca", "al", "esp", "resp", "w.r.t", "a.k.a", "aka"} {
		abbrevs[w] = abInline
	}
	for _, w := range []string{"jan", "feb", "mar", "apr", "jun", "jul", "aug",
		"sep", "sept", "oct", "nov", "dec"} {
		abbrevs[w] = abMonth
	}
	for _, w := range []string{"no", "nos", "p", "pp", "vol", "vols", "fig",
		"figs", "art", "ch", "chap", "para", "op", "est", "tel", "ext", "ed",
		"nr", "pt", "sect"} {
		abbrevs[w] = abNumber
	}
	for _, w := range []string{"etc", "a.m", "p.m", "inc", "ltd", "co", "corp",
		"bros", "plc", "llc", "u.s", "u.k", "u.n", "e.u", "u.s.a", "d.c",
		"u.s.s.r", "n.y", "l.a", "ph.d", "b.a", "m.a", "a.d", "b.c", "calif",
		"fla", "ariz", "colo", "conn", "mich", "minn", "tenn", "wis"} {
		abbrevs[w] = abEnd
	}
}

// starters are words that commonly open an English sentence. After an
// ambiguous period ("U.S.", an initial, "a.m.") a following starter is what
// tips the decision towards a sentence break.
var starters = map[string]bool{}

func init() {
	for _, w := range []string{"The", "A", "An", "He", "She", "It", "They", "We",
		"I", "His", "Her", "Its", "Their", "Our", "My", "But", "And", "Or", "So",
		"In", "On", "At", "By", "For", "From", "With", "This", "That", "These",
		"Those", "There", "Then", "When", "While", "After", "Before", "However",
		"Meanwhile", "Also", "As", "If", "Some", "Many", "Most", "No", "Yet",
		"Still", "Since", "Although", "Though", "Despite", "According", "Other",
		"Officials", "Police", "Its", "One", "Two", "Three", "Several", "Both",
		"Last", "Earlier", "Later", "Now", "Today", "Yesterday", "What", "Why",
		"How", "Who", "Where", "Which", "Such", "All", "Each", "Every", "Under",
		"During", "Instead", "Separately", "Further", "Furthermore", "Moreover",
		"Nevertheless", "Nonetheless", "Thus", "Hence", "Overall", "Among",
		"About", "More", "Less", "Only", "Even", "Not", "Neither", "Nor",
		"Because", "Until", "Unlike", "Like"} {
		starters[w] = true
	}
}

// lexiconH is the lexicon keyed by the hash of each word (fnv of its
// normalised form, as tokenize computes it), so that reading a word costs one
// hash for both the lexicon and the model.
var lexiconH map[uint64]uint32

func buildLexiconH() {
	lexiconH = make(map[uint64]uint32, len(lexicon))
	for w, fl := range lexicon {
		lexiconH[fnv([]byte(w))] |= fl
	}
}

// lookupWord returns the lexicon flags of a word, matched without regard to
// case; a curly apostrophe counts as a straight one, and a possessive takes
// the flags of its noun ("the authority’s").
func lookupWord(w string) uint32 {
	var buf [maxNormWord]byte
	k := normWord(buf[:0], w, 0)
	if len(k) >= maxNormWord {
		return 0
	}
	if fl, ok := lexiconH[fnv(k)]; ok {
		return fl
	}
	if n := len(k); n > 2 && k[n-2] == '\'' && k[n-1] == 's' {
		return lexiconH[fnv(k[:n-2])]
	}
	return 0
}

// lookupAbbrev returns the abbreviation class of token (ASCII letters, digits
// and dots, without the final period).
func lookupAbbrev(tok string) uint8 {
	var buf [12]byte
	if len(tok) > len(buf) {
		return abNone
	}
	for i := 0; i < len(tok); i++ {
		c := tok[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return abbrevs[string(buf[:len(tok)])]
}
