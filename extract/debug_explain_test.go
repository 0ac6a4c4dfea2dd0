package extract

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
)

func TestExplainDebug(t *testing.T) {
	s := os.Getenv("EXPLAIN")
	if s == "" {
		t.Skip()
	}
	for _, sent := range strings.Split(s, "|") {
		f, ws := featuresOf(sent, true)
		type c struct {
			k string
			v float64
		}
		var cs []c
		for i, v := range f {
			if v != 0 {
				cs = append(cs, c{FeatureNames[i], trainedFeatures[i] * v})
			}
		}
		keys := NGrams(sent)
		wts := map[string]float64{}
		for _, g := range trainedNGrams {
			wts[g.key] = g.w
		}
		for _, k := range keys {
			if w, ok := wts[k]; ok {
				cs = append(cs, c{"'" + k + "'", w})
			}
		}
		sort.Slice(cs, func(i, j int) bool { return abs(cs[i].v) > abs(cs[j].v) })
		fmt.Printf("%.3f %s\n", scoreWords(sent, &f, ws), sent)
		for _, x := range cs[:min(14, len(cs))] {
			fmt.Printf("    %+.2f %s\n", x.v, x.k)
		}
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
