package report

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSummarize(t *testing.T) {
	tests := []struct {
		name string
		in   []float64
		want Summary
	}{
		{"empty", nil, Summary{}},
		{"one", []float64{5}, Summary{5, 5, 5, 1}},
		{"odd count takes the middle", []float64{9, 1, 5}, Summary{5, 1, 9, 3}},
		{"even count averages the middle two", []float64{4, 1, 2, 3}, Summary{2.5, 1, 4, 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Summarize(tt.in); got != tt.want {
				t.Errorf("Summarize(%v) = %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSummaryFormat(t *testing.T) {
	tests := []struct {
		name   string
		s      Summary
		prec   int
		signed bool
		want   string
	}{
		{"empty", Summary{}, 0, false, "n/a"},
		{"single has no range", Summary{74.4, 74.4, 74.4, 1}, 0, false, "74"},
		{"range", Summary{74, 70.2, 81.6, 3}, 0, false, "74 [70-82]"},
		{"decimals", Summary{1.25, 1, 1.5, 3}, 1, false, "1.3 [1.0-1.5]"},
		{"signed positive", Summary{30, 28, 33, 3}, 0, true, "+30 [28-33]"},
		{"signed negative uses minus sign", Summary{-3, -5, 2, 3}, 0, true, "\u22123 [\u22125-2]"},
		{"rounded negative zero is zero", Summary{-0.2, -0.4, 0.1, 3}, 0, true, "+0 [0-0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.s.Format(tt.prec)
			if tt.signed {
				got = tt.s.FormatSigned(tt.prec)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTableMarkdown(t *testing.T) {
	tb := Table{Header: []string{"metric", "direct", "haproxy"}, Rows: [][]string{{"p50 (us)", "60", "+62 [60-70]"}, {"short"}}}
	want := "" +
		"| metric   | direct |     haproxy |\n" +
		"| -------- | -----: | ----------: |\n" +
		"| p50 (us) |     60 | +62 [60-70] |\n" +
		"| short    |        |             |\n"
	if got := tb.Markdown(); got != want {
		t.Errorf("Markdown:\n%s\nwant:\n%s", got, want)
	}
}

func TestReplaceSection(t *testing.T) {
	const b, e = "<!-- skiffbench:tcp-echo:begin -->", "<!-- skiffbench:tcp-echo:end -->"
	tests := []struct {
		name string
		doc  string
		want string
	}{
		{"empty doc gets a title", "", "# Benchmarks\n"},
		{"no section appends", "# Bench\n\nintro\n", "# Bench\n\nintro\n\n" + b + "\nNEW\n" + e + "\n"},
		{"replaces in place", "top\n" + b + "\nOLD\nOLD\n" + e + "\nbottom\n", "top\n" + b + "\nNEW\n" + e + "\nbottom\n"},
		{"other sections kept", "<!-- skiffbench:http:begin -->\nH\n<!-- skiffbench:http:end -->\n", "<!-- skiffbench:http:begin -->\nH\n<!-- skiffbench:http:end -->\n\n" + b + "\nNEW\n" + e + "\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ReplaceSection(tt.doc, "tcp-echo", "NEW\n")
			if tt.doc == "" {
				if !strings.HasPrefix(got, tt.want) || !strings.HasSuffix(got, b+"\nNEW\n"+e+"\n") {
					t.Errorf("got %q", got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if again := ReplaceSection(got, "tcp-echo", "NEW\n"); again != got {
				t.Errorf("not idempotent: %q", again)
			}
		})
	}
}

func TestWriteSectionCreatesAndReplaces(t *testing.T) {
	path := filepath.Join(t.TempDir(), "benchmarks.md")
	for _, body := range []string{"first", "second"} {
		if err := WriteSection(path, "tcp-echo", body); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if s := string(b); strings.Contains(s, "first") || strings.Count(s, "second") != 1 {
		t.Errorf("file = %q", s)
	}
}
