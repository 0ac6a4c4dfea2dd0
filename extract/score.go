package extract

import "math"

// Scoring is a logistic model over the features of features.go. The weights
// below are set by hand against the seed articles and the test fixtures; a
// later version will replace this table with trained weights, so nothing else
// depends on the individual numbers.

// MinScore is the check-worthiness a sentence needs to be returned as a claim.
const MinScore = 0.5

// weights pairs with FeatureNames, index by index.
var weights = Features{
	fBias:           -2.0,
	fQuantity:       1.3,
	fNumWord:        1.2,
	fMoneyPct:       0.8,
	fDate:           0.9,
	fSpeaker:        1.3,
	fAccording:      1.2,
	fQuote:          0.5,
	fEntities:       0.45,
	fCausal:         0.6,
	fPredict:        0.6,
	fLaw:            0.7,
	fEventVerb:      0.7,
	fHedge:          -0.6,
	fOpinion:        -1.3,
	fFirstPerson:    -1.5,
	fFirstQuoted:    -0.4,
	fSecondPerson:   -1.5,
	fQuestion:       -4,
	fExclaim:        -0.8,
	fShort:          -1.0,
	fLong:           -0.3,
	fLowerStart:     -1.5,
	fAbstract:       -0.7,
	fNegatedFinding: -1.2,
	fReported:       0.4,
}

// Score maps features to a check-worthiness in [0,1].
func (f *Features) Score() float64 {
	z := 0.0
	for i, x := range f {
		z += weights[i] * x
	}
	return 1 / (1 + math.Exp(-z))
}

// Claim kinds.
const (
	KindQuantity   = "quantity"
	KindEvent      = "event"
	KindQuote      = "quote"
	KindCause      = "cause"
	KindPrediction = "prediction"
	KindLaw        = "law"
	KindOther      = "other"
)

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
	}
	return KindOther
}
