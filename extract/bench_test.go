package extract

import (
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// benchParagraphs are invented news-like paragraphs: story text, page
// furniture and some non-Latin text, so the benchmark exercises every path.
var benchParagraphs = []string{
	"Flooding Closes Riverside Bridge as Rain Continues",
	"By Maria Lindqvist",
	"The regional water authority said on Tuesday that {n} homes in Eastbrook had lost running water after the main pumping station flooded.",
	"Advertisement",
	"According to the authority’s figures, rainfall reached {n} millimetres in 24 hours, the highest since records began in 1931.",
	"Mayor Tom Okafor told reporters the city would spend ${n} million on temporary barriers, adding that “nobody should have to live like this.”",
	"Residents waded through knee-deep water on Harbor St. on Monday morning. Photo: Jane Roe/Getty Images",
	"I think the council should have acted years ago, and we all knew it.",
	"Will the barriers hold? Engineers are not sure.",
	"The storm, which forecasters expected to ease by Thursday, caused at least {n} landslides near Mt. Pleasant and led to the closure of Route 9.",
	"Dr. Aiko Tanaka, a hydrologist at the U.S. Geological Survey, said the river peaked at 6.3 m at 4 p.m. Wednesday... well above the 1998 mark.",
	"A new law passed in March bans construction within {n} metres of the riverbank, officials said.",
	"To suggest a correction, write to us here",
	"Read more: How the 1998 flood reshaped the valley",
	"Правительство заявило, что в понедельник в регионе было эвакуировано 1200 человек. Спасатели продолжают работу.",
	"Η κυβέρνηση ανακοίνωσε ότι 300 οικογένειες μετακινήθηκαν την Τρίτη. Οι βροχές συνεχίζονται.",
	"政府周二表示，已有一千二百人被疏散。救援工作仍在继续。",
	"وقالت الحكومة إن 1200 شخص تم إجلاؤهم يوم الاثنين. وتستمر عمليات الإنقاذ.",
	"John F. Kennedy Jr. was not involved, contrary to posts shared {n} times on social media, e.g. on X and Facebook.",
	"Sen. Ruth Alvarez (D-Calif.) said the bill, known as No. 3, would cost taxpayers ${n} billion over 10 years — a figure disputed by the Treasury.",
}

// newsCorpus builds at least n bytes of text from benchParagraphs in a fixed
// pseudo-random order. "{n}" becomes a running number, so claims are not all
// duplicates of each other (Extract drops repeated sentences).
func newsCorpus(n int) string {
	var b strings.Builder
	b.Grow(n + 1024)
	seed := uint32(2463534242)
	count := 0
	for b.Len() < n {
		// xorshift32: deterministic, no dependency on math/rand's sequence
		seed ^= seed << 13
		seed ^= seed >> 17
		seed ^= seed << 5
		p := benchParagraphs[seed%uint32(len(benchParagraphs))]
		if k := strings.Index(p, "{n}"); k >= 0 {
			count++
			p = p[:k] + strconv.Itoa(count) + p[k+3:]
		}
		b.WriteString(p)
		if seed&3 == 0 {
			b.WriteString("\n\n")
		} else {
			b.WriteString("\n")
		}
	}
	return b.String()
}

func BenchmarkExtract(b *testing.B) {
	text := newsCorpus(10 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = Extract(text)
	}
}

// BenchmarkExtractDocs extracts the same 10 MB cut into articles of about
// 5 KB, in batches of 10, 100 and 1,000 articles. Extract keeps nothing
// between calls, so the bytes and allocations per article (B/doc,
// allocs/doc) stay the same whatever the batch size: memory does not grow
// with the number of documents.
func BenchmarkExtractDocs(b *testing.B) {
	text := newsCorpus(10 << 20)
	var docs []string
	for len(text) > 0 {
		n := min(len(text), 5000)
		if k := strings.Index(text[n:], "\n"); k >= 0 {
			n += k + 1
		} else {
			n = len(text)
		}
		docs = append(docs, text[:n])
		text = text[n:]
	}
	for _, batch := range []int{10, 100, 1000} {
		b.Run(strconv.Itoa(batch), func(b *testing.B) {
			size := 0
			for _, d := range docs[:batch] {
				size += len(d)
			}
			b.SetBytes(int64(size))
			b.ReportAllocs()
			var ms0, ms1 runtime.MemStats
			runtime.ReadMemStats(&ms0)
			b.ResetTimer()
			for b.Loop() {
				for _, d := range docs[:batch] {
					_ = Extract(d)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&ms1)
			n := float64(b.N * batch)
			b.ReportMetric(float64(ms1.TotalAlloc-ms0.TotalAlloc)/n, "B/doc")
			b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/n, "allocs/doc")
		})
	}
}

func BenchmarkSegment(b *testing.B) {
	text := newsCorpus(10 << 20)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		_ = Segment(text)
	}
}

func BenchmarkByteOffsets(b *testing.B) {
	text := newsCorpus(10 << 20)
	claims := Extract(text)
	cps := make([]int, 0, 2*len(claims))
	for _, c := range claims {
		cps = append(cps, c.Start, c.End)
	}
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for b.Loop() {
		_ = ByteOffsets(text, cps...)
	}
}
