package extract

import (
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func sentenceTexts(ss []Sentence) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.Text
	}
	return out
}

// checkSentences asserts the offset contract: []rune(text)[Start:End] == Text
// for valid UTF-8, ByteOffsets round-trips for any input, order, no overlap.
func checkSentences(t *testing.T, text string, ss []Sentence) {
	t.Helper()
	prevEnd := 0
	for i, s := range ss {
		if s.Start < prevEnd || s.End < s.Start {
			t.Fatalf("sentence %d [%d:%d] out of order (previous end %d)", i, s.Start, s.End, prevEnd)
		}
		prevEnd = s.End
		if utf8.ValidString(text) {
			if got := string([]rune(text)[s.Start:s.End]); got != s.Text {
				t.Fatalf("sentence %d: runes[%d:%d] = %q, Text = %q", i, s.Start, s.End, got, s.Text)
			}
		}
		bo := ByteOffsets(text, s.Start, s.End)
		if text[bo[0]:bo[1]] != s.Text {
			t.Fatalf("sentence %d: bytes[%d:%d] = %q, Text = %q", i, bo[0], bo[1], text[bo[0]:bo[1]], s.Text)
		}
		if strings.TrimSpace(s.Text) != s.Text || s.Text == "" {
			t.Fatalf("sentence %d not trimmed or empty: %q", i, s.Text)
		}
	}
}

func TestSegment(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"simple", "Prices rose. Wages fell.", []string{"Prices rose.", "Wages fell."}},
		{"US", "The U.S. economy grew. It was fast.", []string{"The U.S. economy grew.", "It was fast."}},
		{"US at end", "She moved to the U.S. The move was quick.", []string{"She moved to the U.S.", "The move was quick."}},
		{"UK", "The U.K. government agreed.", []string{"The U.K. government agreed."}},
		{"month before day", "It happened on Dec. 5 in Oslo. Nobody was hurt.", []string{"It happened on Dec. 5 in Oslo.", "Nobody was hurt."}},
		{"Jan", "Filed on Jan. 12, 2024, the suit failed.", []string{"Filed on Jan. 12, 2024, the suit failed."}},
		{"Gen", "Gen. Mark Ortiz arrived. He left.", []string{"Gen. Mark Ortiz arrived.", "He left."}},
		{"Mr Mrs Dr", "Mr. Lee met Mrs. Park and Dr. Gomez.", []string{"Mr. Lee met Mrs. Park and Dr. Gomez."}},
		{"Sen Rep Gov", "Sen. Ruiz, Rep. Hall and Gov. Diaz spoke.", []string{"Sen. Ruiz, Rep. Hall and Gov. Diaz spoke."}},
		{"St", "He lives on St. James Street. It is quiet.", []string{"He lives on St. James Street.", "It is quiet."}},
		{"a.m. p.m.", "The shop opens at 9 a.m. and closes at 5 p.m. on weekdays.", []string{"The shop opens at 9 a.m. and closes at 5 p.m. on weekdays."}},
		{"p.m. at end", "The vote ended at 5 p.m. The count began.", []string{"The vote ended at 5 p.m.", "The count began."}},
		{"e.g. i.e.", "Some fruit, e.g. Apples, and some, i.e. Pears, rot.", []string{"Some fruit, e.g. Apples, and some, i.e. Pears, rot."}},
		{"etc", "They sold pens, paper, etc. The shop closed.", []string{"They sold pens, paper, etc.", "The shop closed."}},
		{"vs", "It was Smith vs. Jones in court.", []string{"It was Smith vs. Jones in court."}},
		{"No.", "Gate No. 3 was closed. Gate No. 4 was open.", []string{"Gate No. 3 was closed.", "Gate No. 4 was open."}},
		{"initial", "John F. Kennedy was elected in 1960.", []string{"John F. Kennedy was elected in 1960."}},
		{"initials", "J.R.R. Tolkien wrote it. It sold well.", []string{"J.R.R. Tolkien wrote it.", "It sold well."}},
		{"decimal", "Growth was 3.5 percent. Inflation was 2.1 percent.", []string{"Growth was 3.5 percent.", "Inflation was 2.1 percent."}},
		{"thousands", "About 10,000 people came. Some 2,500 left.", []string{"About 10,000 people came.", "Some 2,500 left."}},
		{"money", "It cost $1.2 billion. Critics balked.", []string{"It cost $1.2 billion.", "Critics balked."}},
		{"ellipsis lower", "Aid to Kyiv... raises the risk, he said.", []string{"Aid to Kyiv... raises the risk, he said."}},
		{"ellipsis upper", "We waited... Then the doors opened.", []string{"We waited...", "Then the doors opened."}},
		{"ellipsis char", "from … light wounds to deaths. Next.", []string{"from … light wounds to deaths.", "Next."}},
		{"straight quote", `He said "it is over." Then he left.`, []string{`He said "it is over."`, "Then he left."}},
		{"curly quote", "She said “it is over.” Then she left.", []string{"She said “it is over.”", "Then she left."}},
		{"quote then lower", "“Why?” he asked. “Because,” she said.", []string{"“Why?” he asked.", "“Because,” she said."}},
		{"single curly", "He called it ‘a farce.’ Nobody agreed.", []string{"He called it ‘a farce.’", "Nobody agreed."}},
		{"parenthesis", "The law passed (barely.) It takes effect soon.", []string{"The law passed (barely.)", "It takes effect soon."}},
		{"paren mid", "The JCS (Joint Chiefs) said so. Done.", []string{"The JCS (Joint Chiefs) said so.", "Done."}},
		{"question exclaim", "Is it true? Yes! It is.", []string{"Is it true?", "Yes!", "It is."}},
		{"headline line", "Floods Hit Coastal Towns\nHeavy rain fell on Monday.", []string{"Floods Hit Coastal Towns", "Heavy rain fell on Monday."}},
		{"advertisement", "Rain fell.\n\nAdvertisement\n\nThe river rose.", []string{"Rain fell.", "Advertisement", "The river rose."}},
		{"blank lines", "First paragraph\n\n\nSecond paragraph", []string{"First paragraph", "Second paragraph"}},
		{"wrapped line", "The council said that\nthe budget would grow.", []string{"The council said that\nthe budget would grow."}},
		{"trim nbsp", "  Rain fell.\u00a0\u00a0 Snow fell. ", []string{"Rain fell.", "Snow fell."}},
		{"list item", "1. Buy milk\n2. Sell eggs", []string{"1. Buy milk", "2. Sell eggs"}},
		{"year end", "It began in 2014. It ended.", []string{"It began in 2014.", "It ended."}},
		{"em dash", "The vote — held Tuesday — passed. Turnout was 61%.", []string{"The vote — held Tuesday — passed.", "Turnout was 61%."}},
		{"no space after period", "Version 2.0.1 shipped.Next came 3.", []string{"Version 2.0.1 shipped.Next came 3."}},
		{"chinese", "政府周二表示，已有一千人被疏散。救援工作仍在继续。", []string{"政府周二表示，已有一千人被疏散。", "救援工作仍在继续。"}},
		{"cyrillic", "Правительство заявило об этом. Спасатели работают.", []string{"Правительство заявило об этом.", "Спасатели работают."}},
		{"greek", "Η κυβέρνηση ανακοίνωσε τα μέτρα. Οι βροχές συνεχίζονται.", []string{"Η κυβέρνηση ανακοίνωσε τα μέτρα.", "Οι βροχές συνεχίζονται."}},
		{"arabic", "وقالت الحكومة إن الناس غادروا. وتستمر عمليات الإنقاذ.", []string{"وقالت الحكومة إن الناس غادروا.", "وتستمر عمليات الإنقاذ."}},
		{"empty", "", nil},
		{"spaces only", " \n\t\n ", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ss := Segment(tc.text)
			checkSentences(t, tc.text, ss)
			got := sentenceTexts(ss)
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Segment(%q)\n got %q\nwant %q", tc.text, got, tc.want)
			}
		})
	}
}

func TestSegmentOffsets(t *testing.T) {
	// Multi-byte runes before and inside sentences: curly quotes, dashes,
	// accents, emoji (outside the BMP), CJK.
	text := "“Café owners” — 40% of them — closed. Émile said: “Ça va.” 😀 Прошло 3 дня.\n\n東京で地震。Ελλάδα: 5 νεκροί."
	ss := Segment(text)
	checkSentences(t, text, ss)
	want := []string{"“Café owners” — 40% of them — closed.", "Émile said: “Ça va.”", "😀 Прошло 3 дня.", "東京で地震。", "Ελλάδα: 5 νεκροί."}
	if got := sentenceTexts(ss); !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q\nwant %q", got, want)
	}
	runes := []rune(text)
	if s := ss[1]; string(runes[s.Start:s.End]) != "Émile said: “Ça va.”" || s.Start != 38 {
		t.Fatalf("second sentence at %d:%d", s.Start, s.End)
	}
}

func TestSegmentInvalidUTF8(t *testing.T) {
	text := "Bad \xff\xfe bytes. Then \xe2\x80 more.\n\xc3"
	ss := Segment(text)
	checkSentences(t, text, ss)
	if len(ss) != 3 {
		t.Fatalf("got %q", sentenceTexts(ss))
	}
	// Code points count each invalid byte once, as `for range` does:
	// "Bad ", two invalid bytes, " bytes. " put the second sentence at 14.
	if ss[1].Text != "Then \xe2\x80 more." || ss[1].Start != 14 || ss[1].End != 27 {
		t.Fatalf("got %+v", ss[1])
	}
}

func TestByteOffsets(t *testing.T) {
	text := "a€b😀c\xffd"
	// code points: a € b 😀 c \xff d
	got := ByteOffsets(text, 0, 1, 2, 3, 4, 5, 6, 7, 99, -1)
	want := []int{0, 1, 4, 5, 9, 10, 11, 12, 12, 0}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v want %v", got, want)
	}
	// Unsorted input is still correct.
	if got := ByteOffsets(text, 4, 1); !reflect.DeepEqual(got, []int{9, 1}) {
		t.Fatalf("unsorted: %v", got)
	}
	if s, ok := Substring(text, 1, 4); !ok || s != "€b😀" {
		t.Fatalf("Substring = %q, %v", s, ok)
	}
	if _, ok := Substring(text, 2, 8); ok {
		t.Fatal("Substring past the end should fail")
	}
	if _, ok := Substring(text, 3, 2); ok {
		t.Fatal("reversed Substring should fail")
	}
}
