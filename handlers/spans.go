package handlers

import (
	"strings"

	"factdesk/extract"
)

// numbersAndDates lists the numbers and dates of a claim's text, each list
// joined for display.
func numbersAndDates(text string) (numbers, dates string) {
	nums, ds := extract.NumbersAndDates(text)
	return joinSpans(nums), joinSpans(ds)
}

func joinSpans(spans []extract.Span) string {
	parts := make([]string, len(spans))
	for i, s := range spans {
		parts[i] = s.Text
	}
	return strings.Join(parts, ", ")
}
