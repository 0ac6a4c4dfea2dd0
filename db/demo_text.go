package db

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// The demo articles are made up from the word lists and sentence patterns
// below: invented towns, people and bodies, figures drawn at random. They
// read like local news so that the real extractor finds claims in them at
// the rate it does in real articles, which is what makes the demo database a
// fair test of the app at scale.

var (
	demoTowns = []string{"Eastbrook", "Marlow Vale", "Kettering Cross", "Port Alden", "Brindle", "Halsworth",
		"Oakmere", "Stanmore Bay", "Wexcombe", "Ferrisburg", "Lowden", "Caraway", "North Tilby", "Ashgrove",
		"Redhill Junction", "Saltmarsh", "Greyfield", "Dunmore", "Calder Point", "Westhaven", "Millbridge",
		"Thornbury", "Selwyn", "Harrow End", "Bexley Fields", "Quarry Hill", "Elmstead", "Norcastle"}
	demoRegions = []string{"the northern district", "the river valley", "the coastal region", "the eastern counties",
		"the capital region", "the upland parishes", "the southern plain", "the lake district"}
	demoFirst = []string{"Maria", "Tom", "Aiko", "Ruth", "Samuel", "Lena", "Ibrahim", "Grace", "Pavel", "Nadia",
		"Oliver", "Fatima", "Daniel", "Ingrid", "Kwame", "Sofia", "Hugo", "Mei", "Tariq", "Eleanor", "Jonas",
		"Priya", "Marcus", "Ana", "Felix", "Yara", "Declan", "Rosa", "Viktor", "Helen"}
	demoLast = []string{"Lindqvist", "Okafor", "Tanaka", "Alvarez", "Brennan", "Novak", "Haddad", "Whitford",
		"Petrov", "Karimi", "Ashworth", "Mensah", "Castellano", "Holm", "Adeyemi", "Moreau", "Fischer", "Chen",
		"Rahman", "Gallagher", "Sorensen", "Iyer", "Delgado", "Kowalski", "Osei", "Marsh", "Beaumont", "Nakamura"}
	demoTitles = []string{"Mayor", "Councillor", "Dr.", "Sen.", "Minister", "Professor", "Chief Inspector", "Judge"}
	demoRoles  = []string{"hydrologist", "spokesperson", "economist", "budget officer", "head teacher",
		"union representative", "transport planner", "public health director", "housing officer", "statistician"}
	demoOrgs = []string{"the regional water authority", "the county council", "the Office for National Statistics",
		"the Harbour Board", "the transport department", "the health trust", "the housing association",
		"the Chamber of Commerce", "the education ministry", "the police service", "the energy regulator",
		"the Fire and Rescue Service", "the Audit Office", "the environment agency", "the teachers' union"}
	demoBodies   = []string{"city council", "county board", "regional assembly", "school board", "harbour committee", "cabinet"}
	demoProjects = []string{"flood barrier", "bypass road", "school rebuilding programme", "tram extension",
		"water treatment plant", "hospital wing", "social housing scheme", "sea wall", "bus depot",
		"district heating network", "library renovation", "cycle lane network", "recycling centre"}
	demoThings = []string{"homes", "households", "schools", "businesses", "roads", "bridges", "clinics",
		"bus routes", "farms", "shops", "care homes", "libraries"}
	demoEvents = []string{"lost running water", "been flooded", "lost power", "been evacuated", "closed",
		"reported structural damage", "been cut off", "had their services suspended"}
	demoCauses = []string{"the main pumping station flooded", "a storm brought down power lines",
		"a landslide blocked the valley road", "a burst main flooded the high street",
		"a fire spread through the industrial estate", "heavy snow closed the mountain pass",
		"a strike halted deliveries", "a cyberattack took the booking system offline"}
	demoMetrics = []string{"unemployment", "rents", "waiting times at the hospital", "bus ridership",
		"school enrolment", "water use", "energy bills", "reported burglaries", "house prices",
		"council tax arrears", "visitor numbers", "recycling rates"}
	demoServices = []string{"hip replacements", "social housing", "school places", "a GP appointment",
		"planning decisions", "disability assessments", "council repairs", "a care home bed"}
	demoIncidents = []string{"road accidents", "burglaries", "house fires", "water main bursts",
		"ambulance callouts", "power cuts", "reports of fly-tipping", "landslides"}
	demoDays   = []string{"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"}
	demoMonths = []string{"January", "February", "March", "April", "May", "June", "July", "August",
		"September", "October", "November", "December"}
	demoObligations = []string{"publish their energy use", "report spills to the regulator",
		"register short-term lets", "install flood defences", "disclose political donations",
		"offer a minimum of two quotes", "keep records of inspections"}
	demoTopics = []string{"Flooding", "Budget", "Housing", "Transport", "Schools", "Hospital", "Energy",
		"Harbour", "Water", "Police", "Jobs", "Rents", "Roads", "Storm"}
	demoHeadVerbs = []string{"Closes", "Splits", "Delays", "Worries", "Lifts", "Tests", "Costs", "Changes",
		"Divides", "Stalls", "Shapes", "Reaches"}
	demoPublishers = []string{"The Eastbrook Herald", "Valley Gazette", "Coastal Post", "The County Courier",
		"Northern Ledger", "The Harbour Times", "Daily Meridian", "Upland Observer"}
	demoNotes = []string{"Checked against the council's published accounts.",
		"The figure matches the agency's annual report.", "The spokesperson confirmed the quote by phone.",
		"Source data contradicts the number given.", "Rounded figure; the report gives a slightly lower total.",
		"The date is wrong by a year according to the minutes.", "Needs a second source before publishing.",
		"Confirmed with the press office.", "Official statistics show a smaller rise.",
		"Asked the ministry for the underlying data; no answer yet.", "The law cited was repealed in committee.",
		"Original recording confirms the wording."}
)

// demoFacts are check-worthy sentence patterns. Each verb fills one slot from
// the article's generator; numbers make every sentence different, so the
// extractor (which drops repeated sentences) keeps them.
var demoFacts = []string{
	"{Org} said on {Day} that {N} {thing} in {Town} had {event} after {cause}.",
	"According to {org}, {metric} rose by {P} percent in {Year}, the highest figure since {Year2}.",
	"{Title} {Person} told reporters that the {body} would spend ${N} million on the {project}.",
	"The {body} approved the ${N} million {project} by {V1} votes to {V2} on {Month} {D}, officials said.",
	"{Person}, {aRole} at {org}, said the {project} had cost {N} million euros since {Year}.",
	"The {project} was delayed because the contractor went into administration, {org} said on {Day}.",
	"“The {project} will not be delayed again,” {Title} {Person} said after the meeting.",
	"{Person} expects the {body} to approve the {project} before the election next spring.",
	"Under the new rules, every landlord in {Town} must {obligation}, the {body} said.",
	"The {body} rejected the {project} last year after a public inquiry found it would harm the wetlands.",
	"Figures published by {org} show that {N} people in {Town} were waiting for {service} at the end of {Month}.",
	"The {project} will be finished by {Year3}, {Person} predicted, adding that costs could reach ${N} million.",
	"A law passed in {Month} {Year} requires landlords in {Town} to {obligation} within {D} days.",
	"“We have cut waiting times for {service} by {P} percent since {Year},” {Title} {Person} said on {Day}.",
	"Because of the closure, {N} {thing} in {region} had to close for {D} days last week, {org} said.",
	"{Town} recorded {N} {incident} in {Year}, up from {N2} the year before, police said.",
	"{Org} estimates that the {project} will create {N} jobs in {Town} over the next {D} years.",
	"In {Year}, {Town} spent ${N} million on {service}, or {P} percent of its annual budget.",
	"The {body} voted on {Day} to raise parking charges in {Town} by {P} percent from {Month} {D}.",
	"{Person} said the number of {thing} without broadband in {region} had fallen to {N} in {Year}.",
	"A report by {org} found that {P} percent of {thing} in {Town} failed their last safety inspection.",
	"{Title} {Person} announced on {Day} that {N} new teachers would be hired before {Month} {Year3}.",
	"The storm caused at least {N} landslides near {Town} and led to the closure of Route {D}, {org} said.",
	"Ticket prices on the {Town} line will rise by {P} percent in {Month}, the transport department said.",
	"“The {project} is {D} months behind schedule and ${N} million over budget,” {Person} told the {body}.",
	"Police arrested {D} people on {Day} after {N} {incident} were reported in {Town} in a single week.",
	"The {body} has received {N} objections to the {project}, {Person}, its {role}, said on {Day}.",
	"Average rents in {Town} reached ${N} a month in {Month} {Year}, {org} said in its quarterly report.",
	"{Org} fined the operator ${N} thousand in {Year} for {D} breaches of its licence.",
}

// demoAsides are sentences a reader skips and the extractor should too:
// questions, opinion, first person, colour.
var demoAsides = []string{
	"Will the {project} be ready in time?",
	"I think the {body} should have acted years ago, and we all knew it.",
	"Residents say they are tired of waiting.",
	"What happens next is anyone's guess.",
	"You can read the full report on the council's website.",
	"It was a grey morning on the seafront.",
	"Nobody seemed surprised.",
	"We asked {org} for comment but did not hear back before publication.",
}

// demoFurniture are lines of page furniture between paragraphs.
var demoFurniture = []string{"Advertisement", "Read more: {Topic} {HeadVerb} {Town}", "Sign up for our newsletter",
	"Related Articles"}

// demoArticle is one generated article.
type demoArticle struct {
	Title, URL, Publisher, Published, Body string
}

type demoGen struct {
	r      *rand.Rand
	town   string // the article's main town, so an article reads as one story
	person string
	n      int // running number: every figure in an article is different
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

// newDemoArticle writes article i of the demo set made with seed: the same
// seed and index always give the same article, whichever goroutine makes it.
func newDemoArticle(seed uint64, i int, year int) demoArticle {
	r := rand.New(rand.NewPCG(seed, uint64(i)+1))
	g := &demoGen{r: r, town: pick(r, demoTowns), person: pick(r, demoFirst) + " " + pick(r, demoLast)}
	topic := pick(r, demoTopics)
	title := topic + " " + pick(r, demoHeadVerbs) + " " + g.town
	var b strings.Builder
	b.Grow(16 << 10)
	b.WriteString(title)
	b.WriteString("\n\nBy ")
	b.WriteString(pick(r, demoFirst) + " " + pick(r, demoLast))
	b.WriteString("\n\n")
	// 30 to 89 paragraphs of one to three sentences: about 100 claims per
	// article on average, from short items to long features.
	paras := 30 + r.IntN(60)
	for p := 0; p < paras; p++ {
		if p > 0 && r.IntN(12) == 0 {
			b.WriteString(g.fill(pick(r, demoFurniture)))
			b.WriteString("\n\n")
		}
		sents := 1 + r.IntN(3)
		for s := 0; s < sents; s++ {
			if s > 0 {
				b.WriteByte(' ')
			}
			if r.IntN(10) == 0 {
				b.WriteString(g.fill(pick(r, demoAsides)))
			} else {
				b.WriteString(g.fill(pick(r, demoFacts)))
			}
		}
		b.WriteString("\n\n")
	}
	slug := strings.ToLower(strings.ReplaceAll(title, " ", "-"))
	month := 1 + r.IntN(12)
	return demoArticle{
		Title:     title,
		URL:       fmt.Sprintf("https://news.example.org/%d/%02d/%s-%d", year, month, slug, i+1),
		Publisher: pick(r, demoPublishers),
		Published: fmt.Sprintf("%d-%02d-%02d", year, month, 1+r.IntN(28)),
		Body:      strings.TrimRight(b.String(), "\n") + "\n",
	}
}

// fill replaces every {Slot} in pattern.
func (g *demoGen) fill(pattern string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(pattern, '{')
		if i < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		j := strings.IndexByte(pattern[i:], '}')
		if j < 0 {
			b.WriteString(pattern)
			return b.String()
		}
		b.WriteString(pattern[:i])
		b.WriteString(g.slot(pattern[i+1 : i+j]))
		pattern = pattern[i+j+1:]
	}
}

func (g *demoGen) slot(name string) string {
	r := g.r
	switch name {
	case "Town":
		if r.IntN(3) > 0 {
			return g.town
		}
		return pick(r, demoTowns)
	case "Person":
		if r.IntN(2) == 0 {
			return g.person
		}
		return pick(r, demoFirst) + " " + pick(r, demoLast)
	case "Title":
		return pick(r, demoTitles)
	case "Org":
		return upperFirst(pick(r, demoOrgs))
	case "org":
		return pick(r, demoOrgs)
	case "role":
		return pick(r, demoRoles)
	case "aRole":
		role := pick(r, demoRoles)
		if strings.ContainsRune("aeiou", rune(role[0])) {
			return "an " + role
		}
		return "a " + role
	case "body":
		return pick(r, demoBodies)
	case "project":
		return pick(r, demoProjects)
	case "thing":
		return pick(r, demoThings)
	case "event":
		return pick(r, demoEvents)
	case "cause":
		return pick(r, demoCauses)
	case "metric":
		return pick(r, demoMetrics)
	case "service":
		return pick(r, demoServices)
	case "incident":
		return pick(r, demoIncidents)
	case "region":
		return pick(r, demoRegions)
	case "obligation":
		return pick(r, demoObligations)
	case "Day":
		return pick(r, demoDays)
	case "Month":
		return pick(r, demoMonths)
	case "Topic":
		return pick(r, demoTopics)
	case "HeadVerb":
		return pick(r, demoHeadVerbs)
	case "N", "N2":
		// A running part keeps figures distinct within the article.
		g.n++
		return strconv.Itoa(g.n*37 + r.IntN(900) + 12)
	case "P":
		return strconv.Itoa(1+r.IntN(60)) + "." + strconv.Itoa(r.IntN(10))
	case "D":
		return strconv.Itoa(2 + r.IntN(27))
	case "V1":
		return strconv.Itoa(12 + r.IntN(20))
	case "V2":
		return strconv.Itoa(1 + r.IntN(11))
	case "Year":
		return strconv.Itoa(2005 + r.IntN(19))
	case "Year2":
		return strconv.Itoa(1950 + r.IntN(50))
	case "Year3":
		return strconv.Itoa(2026 + r.IntN(8))
	}
	return name
}

func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
