package extract

import (
	"reflect"
	"testing"
)

func TestNumbersAndDates(t *testing.T) {
	tests := []struct {
		text    string
		numbers []string
		dates   []string
	}{
		{"The council spent $4.5 million on 400 benches on Nov. 21, 2024, officials said.",
			[]string{"$4.5 million", "400"}, []string{"Nov. 21, 2024"}},
		{"Unemployment fell to 3.1 percent in August, the lowest since 2008, the bureau said on Monday.",
			[]string{"3.1 percent"}, []string{"August", "2008", "Monday"}},
		{"Several hundred soldiers and a dozen officers were killed last week, according to the army.",
			[]string{"Several hundred", "a dozen"}, []string{"last week"}},
		{"The quake struck at 3:47 a.m. on 15 September 2024 and injured 38 people, the agency said.",
			[]string{"38"}, []string{"3:47 a.m.", "15 September 2024"}},
		{"Prices rose 40% in the 1990s and fell 12 per cent two years ago, the ministry said.",
			[]string{"40%", "12 per cent"}, []string{"1990s", "two years ago"}},
		{"The firm paid 1.10 euros a share and cut 650 jobs on Monday night, it said in a statement.",
			[]string{"1.10 euros", "650"}, []string{"Monday night"}},
	}
	for _, tc := range tests {
		cs := Extract(tc.text)
		checkClaims(t, tc.text, cs)
		if len(cs) != 1 {
			t.Errorf("%q: %d claims", tc.text, len(cs))
			continue
		}
		var nums, dates []string
		for _, s := range cs[0].Numbers {
			nums = append(nums, s.Text)
		}
		for _, s := range cs[0].Dates {
			dates = append(dates, s.Text)
		}
		if !reflect.DeepEqual(nums, tc.numbers) || !reflect.DeepEqual(dates, tc.dates) {
			t.Errorf("%q:\n numbers %q, want %q\n dates %q, want %q", tc.text, nums, tc.numbers, dates, tc.dates)
		}
	}
}

func TestSpanOffsetsAfterMultibyte(t *testing.T) {
	text := "“Hé” — 東京. The ministry said on Monday that 1,200 people — 40% of the town — left."
	cs := Extract(text)
	checkClaims(t, text, cs)
	if len(cs) != 1 || len(cs[0].Numbers) != 2 || len(cs[0].Dates) != 1 {
		t.Fatalf("got %+v", cs)
	}
	r := []rune(text)
	for _, s := range append(cs[0].Numbers, cs[0].Dates...) {
		if string(r[s.Start:s.End]) != s.Text {
			t.Errorf("span %+v: runes %q", s, string(r[s.Start:s.End]))
		}
	}
}

func TestNumbersAndDatesOfText(t *testing.T) {
	nums, dates := NumbersAndDates("Ο δήμος — 40% on Monday")
	if len(nums) != 1 || nums[0] != (Span{Start: 10, End: 13, Text: "40%"}) ||
		len(dates) != 1 || dates[0] != (Span{Start: 17, End: 23, Text: "Monday"}) {
		t.Fatalf("got %+v %+v", nums, dates)
	}
}
