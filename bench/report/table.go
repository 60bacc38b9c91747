package report

import (
	"strings"
	"unicode/utf8"
)

// Table is a markdown table. Rows shorter than Header are padded.
type Table struct {
	Header []string
	Rows   [][]string
}

// Markdown renders the table with columns padded to equal width so that
// it reads well as plain text too. The first column is left-aligned, the
// others right-aligned.
func (t Table) Markdown() string {
	widths := make([]int, len(t.Header))
	for _, row := range append([][]string{t.Header}, t.Rows...) {
		for i := range widths {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell(row, i)), 3)
		}
	}
	var b strings.Builder
	writeRow(&b, t.Header, widths)
	sep := make([]string, len(widths))
	for i, w := range widths {
		sep[i] = strings.Repeat("-", w-1) + ":"
		if i == 0 {
			sep[i] = strings.Repeat("-", w)
		}
	}
	writeRow(&b, sep, widths)
	for _, row := range t.Rows {
		writeRow(&b, row, widths)
	}
	return b.String()
}

func writeRow(b *strings.Builder, row []string, widths []int) {
	b.WriteString("|")
	for i, w := range widths {
		c := cell(row, i)
		pad := strings.Repeat(" ", w-utf8.RuneCountInString(c))
		if i == 0 {
			b.WriteString(" " + c + pad + " |")
		} else {
			b.WriteString(" " + pad + c + " |")
		}
	}
	b.WriteString("\n")
}

func cell(row []string, i int) string {
	if i < len(row) {
		return row[i]
	}
	return ""
}
