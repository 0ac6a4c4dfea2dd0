package export

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Options describe who publishes the reviews and where: ClaimReview's
// author and url, and Web Annotation ids.
type Options struct {
	OrgName   string // the fact-checking organisation, ClaimReview's author
	OrgURL    string // its home page; PublicURL when empty
	PublicURL string // base URL of the public claim pages, e.g. https://factcheck.example.org
}

// PublicClaimPath is where, under PublicURL, a published claim's page lives.
const PublicClaimPath = "/public/claims/"

// CheckClaimReview says what ClaimReview output lacks, if anything.
func (o Options) CheckClaimReview() error {
	if missing := o.ClaimReviewNeeds(); missing != "" {
		return errors.New("ClaimReview needs " + missing)
	}
	return CheckURLs(o)
}

// ClaimReviewNeeds names the settings ClaimReview output lacks, with the
// flag and environment variable of each ("" when none is missing), so that
// pages can say how to turn it on.
func (o Options) ClaimReviewNeeds() string {
	var missing []string
	if strings.TrimSpace(o.OrgName) == "" {
		missing = append(missing, "the organisation's name (--org-name or FACTDESK_ORG_NAME)")
	}
	if o.PublicURL == "" {
		missing = append(missing, "the public base URL (--public-url or FACTDESK_PUBLIC_URL)")
	}
	return strings.Join(missing, " and ")
}

// CheckURLs refuses configured URLs that are not absolute http(s) URLs.
func CheckURLs(o Options) error {
	for _, u := range []struct{ name, v string }{{"--public-url", o.PublicURL}, {"--org-url", o.OrgURL}} {
		if u.v == "" {
			continue
		}
		p, err := url.Parse(u.v)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
			return errors.New(u.name + " must be an http:// or https:// URL without query or fragment")
		}
	}
	return nil
}

// ClaimURL is the public page of a claim.
func (o Options) ClaimURL(id int64) string {
	return strings.TrimRight(o.PublicURL, "/") + PublicClaimPath + strconv.FormatInt(id, 10)
}

// ClaimReview is a schema.org ClaimReview, with the fields Google's fact
// check markup requires and recommends.
type ClaimReview struct {
	Context       string `json:"@context"`
	Type          string `json:"@type"`
	URL           string `json:"url,omitempty"` // the public page, once published
	ClaimReviewed string `json:"claimReviewed"`
	DatePublished string `json:"datePublished"`
	Author        Agent  `json:"author"`
	ReviewRating  Rating `json:"reviewRating"`
	ItemReviewed  Claim  `json:"itemReviewed"`
}

// Agent is a schema.org Organization or Person.
type Agent struct {
	Type     string `json:"@type"`
	Name     string `json:"name"`
	URL      string `json:"url,omitempty"`
	JobTitle string `json:"jobTitle,omitempty"` // a Person's, when named with the name
}

// Rating is a schema.org Rating on factdesk's scale.
type Rating struct {
	Type          string `json:"@type"`
	RatingValue   int    `json:"ratingValue"`
	BestRating    int    `json:"bestRating"`
	WorstRating   int    `json:"worstRating"`
	AlternateName string `json:"alternateName"`
}

// Claim is the schema.org Claim a review is about.
type Claim struct {
	Type          string        `json:"@type"`
	Author        *Agent        `json:"author,omitempty"`
	DatePublished string        `json:"datePublished,omitempty"`
	Appearance    *CreativeWork `json:"appearance,omitempty"`
}

// CreativeWork is where a claim appeared: the reviewed article.
type CreativeWork struct {
	Type          string `json:"@type"`
	URL           string `json:"url"`
	Headline      string `json:"headline,omitempty"`
	DatePublished string `json:"datePublished,omitempty"`
	Publisher     *Agent `json:"publisher,omitempty"`
}

// The rating scale: a confirmed claim is at the top, a disputed one at the
// bottom. Google shows alternateName, the verdict in words.
const (
	BestRating  = 5
	WorstRating = 1
)

// NewClaimReview describes a reviewed claim as a ClaimReview; ok is false
// for a claim that is not reviewed (unverified), which has no verdict.
func NewClaimReview(r *Record, o Options) (cr ClaimReview, ok bool) {
	rating := Rating{Type: "Rating", BestRating: BestRating, WorstRating: WorstRating}
	switch r.Status {
	case "confirmed":
		rating.RatingValue, rating.AlternateName = BestRating, "Confirmed"
	case "disputed":
		rating.RatingValue, rating.AlternateName = WorstRating, "Disputed"
	default:
		return cr, false
	}
	orgURL := o.OrgURL
	if orgURL == "" {
		orgURL = o.PublicURL
	}
	// The review's date: when it was published, else when it was made.
	reviewed := r.UpdatedAt
	switch {
	case r.PublishedAt != nil:
		reviewed = *r.PublishedAt
	case r.LastReviewedAt != nil:
		reviewed = *r.LastReviewedAt
	}
	item := Claim{Type: "Claim", DatePublished: r.DocumentPublishedAt}
	// The claim's author: the speaker when extraction found one (a Person or
	// an Organization, as the name shows; left out when it shows neither),
	// else the publication it appeared in, else left out rather than guessed.
	switch {
	case r.Speaker != "":
		item.Author = speakerAgent(r.Speaker)
	case r.DocumentPublisher != "":
		item.Author = &Agent{Type: "Organization", Name: r.DocumentPublisher}
	}
	if r.DocumentURL != "" {
		item.Appearance = &CreativeWork{Type: "CreativeWork", URL: r.DocumentURL, Headline: r.DocumentTitle,
			DatePublished: r.DocumentPublishedAt}
		if r.DocumentPublisher != "" {
			item.Appearance.Publisher = &Agent{Type: "Organization", Name: r.DocumentPublisher}
		}
	}
	// The public page exists once the review is published: before, a URL
	// would send an aggregator to a page not found.
	var pageURL string
	if r.PublishedAt != nil {
		pageURL = o.ClaimURL(r.ID)
	}
	return ClaimReview{
		Context:       "https://schema.org",
		Type:          "ClaimReview",
		URL:           pageURL,
		ClaimReviewed: r.Text,
		DatePublished: reviewed.UTC().Format(time.RFC3339),
		Author:        Agent{Type: "Organization", Name: strings.TrimSpace(o.OrgName), URL: orgURL},
		ReviewRating:  rating,
		ItemReviewed:  item,
	}, true
}
