package views

import (
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Charts are SVG drawn on the server: no script, sizes as attributes (the
// Content-Security-Policy allows no inline style), colours from app.css.
// Every chart has a title and description for screen readers, and its
// numbers as a table beside it.

// Geometry of the bar charts, in viewBox units.
const (
	chartWidth  = 720
	labelWidth  = 230 // room for the row labels, left of the bars
	barX        = 240
	barWidth    = 380
	countX      = barX + barWidth + 10
	rowHeight   = 26
	barHeight   = 14
	chartTop    = 6
	labelRunes  = 31 // longer labels are cut with an ellipsis, short of the bars
	workRowH    = 30
	workBarMaxH = 22
)

// barSeg is one coloured part of a stacked bar.
type barSeg struct {
	Class string
	X, W  string
	Label string // for the segment's <title> tooltip
}

// stack splits a bar of full width into confirmed, disputed and unverified
// parts, in that order, so the reviewed share reads from the left.
func stack(p Progress) []barSeg {
	total := p.Total()
	if total == 0 {
		return nil
	}
	var out []barSeg
	x := float64(barX)
	for _, part := range []struct {
		class, status string
		n             int
	}{
		{"r-confirmed", "confirmed", p.Confirmed},
		{"r-disputed", "disputed", p.Disputed},
		{"r-unverified", "unverified", p.Unverified},
		{"r-hidden", "hidden", p.Hidden},
	} {
		if part.n == 0 {
			continue
		}
		w := float64(part.n) * barWidth / float64(total)
		out = append(out, barSeg{Class: part.class, X: num(x), W: num(w), Label: strconv.Itoa(part.n) + " " + part.status})
		x += w
	}
	return out
}

// num writes a coordinate to one decimal. A chart has hundreds, and
// fmt.Sprintf was a tenth of the dashboard's CPU time.
func num(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }

// rowY is the top of row i's bar.
func rowY(i int) string { return strconv.Itoa(chartTop + i*rowHeight + (rowHeight-barHeight)/2) }

// rowTextY is the baseline of row i's labels.
func rowTextY(i int) string { return strconv.Itoa(chartTop + i*rowHeight + rowHeight/2 + 5) }

func chartHeight(rows int) string { return strconv.Itoa(chartTop*2 + max(rows, 1)*rowHeight) }

func viewBox(height string) string { return "0 0 " + fmt.Sprint(chartWidth) + " " + height }

// cut shortens a label to fit beside the bars.
func cut(s string) string {
	if utf8.RuneCountInString(s) <= labelRunes {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:labelRunes-1])) + "…"
}

// verified counts the claims with a verdict, confirmed or disputed; a claim
// reviewed and left unverified has none yet.
func verified(p Progress) int { return p.Confirmed + p.Disputed }

func pctOf(n, total int) string {
	if total == 0 {
		return "0%"
	}
	return fmt.Sprintf("%.0f%%", float64(n)*100/float64(total))
}

// progressSummary describes a progress bar in words.
func progressSummary(p Progress) string {
	s := fmt.Sprintf("%d of %s verified (%s): %d confirmed, %d disputed, %d unverified",
		verified(p), Claims(p.Total()), pctOf(verified(p), p.Total()), p.Confirmed, p.Disputed, p.Unverified)
	if p.Hidden > 0 {
		s += fmt.Sprintf(", %d hidden", p.Hidden)
	}
	return s + "."
}

// anyHidden tells whether a chart has hidden claims, to show their column.
func anyHidden(rows []ProgressRow) bool {
	for _, r := range rows {
		if r.Progress.Hidden > 0 {
			return true
		}
	}
	return false
}

// rowsSummary describes a chart of progress rows in words.
func rowsSummary(what string, rows []ProgressRow) string {
	if len(rows) == 0 {
		return "No " + what + " yet."
	}
	best, worst := rows[0], rows[0]
	for _, r := range rows[1:] {
		if share(r.Progress) > share(best.Progress) {
			best = r
		}
		if share(r.Progress) < share(worst.Progress) {
			worst = r
		}
	}
	return fmt.Sprintf("%s: %d. Most verified: %s, %s. Least verified: %s, %s.", strings.ToUpper(what[:1])+what[1:], len(rows),
		best.Label, pctOf(verified(best.Progress), best.Progress.Total()),
		worst.Label, pctOf(verified(worst.Progress), worst.Progress.Total()))
}

func share(p Progress) float64 {
	if p.Total() == 0 {
		return 0
	}
	return float64(verified(p)) / float64(p.Total())
}

// Work chart: one row per reviewer, one bar per day, all on one scale.

func workHeight(rows int) string { return strconv.Itoa(chartTop*2 + 20 + max(rows, 1)*workRowH) }

func workMax(rows []ReviewerRow) int {
	m := 0
	for _, r := range rows {
		for _, n := range r.PerDay {
			m = max(m, n)
		}
	}
	return m
}

// dayBar is one day's bar of a reviewer's row.
type dayBar struct {
	X, Y, W, H string
	Label      string
}

func workBars(row int, r ReviewerRow, days []time.Time, top int) []dayBar {
	if len(r.PerDay) == 0 || top == 0 {
		return nil
	}
	step := float64(barWidth) / float64(len(r.PerDay))
	w := max(step*0.7, 1)
	base := float64(chartTop + 20 + row*workRowH + workRowH - 4)
	var out []dayBar
	for i, n := range r.PerDay {
		if n == 0 {
			continue
		}
		h := max(float64(n)*workBarMaxH/float64(top), 1.5)
		label := strconv.Itoa(n) + " actions"
		if i < len(days) {
			label = days[i].Format("2 Jan") + ": " + label
		}
		out = append(out, dayBar{X: num(barX + float64(i)*step), Y: num(base - h), W: num(w), H: num(h), Label: label})
	}
	return out
}

func workTextY(row int) string { return strconv.Itoa(chartTop + 20 + row*workRowH + workRowH - 6) }

func workBaseY(row int) string { return strconv.Itoa(chartTop + 20 + row*workRowH + workRowH - 4) }

func dayLabel(t time.Time) string { return t.Format("2 Jan") }

func workSummary(rows []ReviewerRow, days []time.Time) string {
	if len(days) == 0 {
		return ""
	}
	span := fmt.Sprintf("from %s to %s", days[0].Format("2 January 2006"), days[len(days)-1].Format("2 January 2006"))
	if len(rows) == 0 {
		return "No review actions " + span + "."
	}
	total := 0
	for _, r := range rows {
		total += r.Total
	}
	return fmt.Sprintf("%d review actions by %d reviewers %s. Most active: %s, %d actions.",
		total, len(rows), span, rows[0].Name, rows[0].Total)
}

// activeDays lists a reviewer's days with work, for the table.
func activeDays(r ReviewerRow, days []time.Time) string {
	var parts []string
	for i, n := range r.PerDay {
		if n > 0 && i < len(days) {
			parts = append(parts, fmt.Sprintf("%s: %d", days[i].Format("2 Jan"), n))
		}
	}
	return strings.Join(parts, ", ")
}

// Narrow charts (barList, workList): bars drawn in a viewBox that is
// stretched to the width, so only their lengths are in viewBox units.

// miniStack is stack for a bar 100 units long.
func miniStack(p Progress) []barSeg {
	total := p.Total()
	if total == 0 {
		return nil
	}
	var out []barSeg
	x := 0.0
	for _, part := range []struct {
		class string
		n     int
	}{{"r-confirmed", p.Confirmed}, {"r-disputed", p.Disputed}, {"r-unverified", p.Unverified}, {"r-hidden", p.Hidden}} {
		if part.n == 0 {
			continue
		}
		w := float64(part.n) * 100 / float64(total)
		out = append(out, barSeg{Class: part.class, X: num(x), W: num(w)})
		x += w
	}
	return out
}

// miniWorkViewBox is one unit per day, workBarMaxH high.
func miniWorkViewBox(days int) string { return fmt.Sprintf("0 0 %d %d", max(days, 1), workBarMaxH) }

// miniWorkBars are a reviewer's day bars, one unit per day, on the scale
// of the busiest day of anyone.
func miniWorkBars(r ReviewerRow, top int) []dayBar {
	if top == 0 {
		return nil
	}
	var out []dayBar
	for i, n := range r.PerDay {
		if n == 0 {
			continue
		}
		h := max(float64(n)*workBarMaxH/float64(top), 1.5)
		out = append(out, dayBar{X: num(float64(i) + 0.15), Y: num(workBarMaxH - h), W: "0.7", H: num(h)})
	}
	return out
}
