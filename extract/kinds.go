package extract

// Claim kinds, after Full Fact's claim types.
const (
	KindQuantity   = "quantity"   // a number or amount, now or in the past
	KindEvent      = "event"      // something that happened, at a time or place
	KindQuote      = "quote"      // what someone said: a quotation or an attribution
	KindCause      = "cause"      // one thing caused or led to another
	KindPrediction = "prediction" // a claim about the future
	KindLaw        = "law"        // a law, rule or ruling
	KindOther      = "other"
)

// Kinds lists every kind the extractor gives, in the order the README
// names them. Claims from other tools must have one of them, or none.
var Kinds = []string{KindQuantity, KindEvent, KindQuote, KindCause, KindPrediction, KindLaw, KindOther}

// ValidKind reports whether k is one of Kinds.
func ValidKind(k string) bool {
	for _, v := range Kinds {
		if k == v {
			return true
		}
	}
	return false
}

// kindOf picks one kind, the most specific first: a number is what a
// fact-checker checks first, then who said it, then the other claim types.
func kindOf(t traits, speaker bool) string {
	switch {
	case t.quantity:
		return KindQuantity
	case t.quote && speaker:
		return KindQuote
	case t.causal:
		return KindCause
	case t.predict:
		return KindPrediction
	case t.law:
		return KindLaw
	case t.date || t.event:
		return KindEvent
	case speaker:
		return KindQuote
	}
	return KindOther
}
