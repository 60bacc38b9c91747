package report

import (
	"fmt"
	"os"
	"strings"
)

// Markers delimiting the section of scenario id in a report file.
func markers(id string) (begin, end string) {
	return fmt.Sprintf("<!-- skiffbench:%s:begin -->", id), fmt.Sprintf("<!-- skiffbench:%s:end -->", id)
}

// ReplaceSection returns doc with the section of scenario id replaced by
// body, keeping everything outside it. A doc without that section gets it
// appended; an empty doc gets a title first. body is wrapped in markers
// so that the next run finds it again.
func ReplaceSection(doc, id, body string) string {
	begin, end := markers(id)
	section := begin + "\n" + strings.TrimRight(body, "\n") + "\n" + end + "\n"
	i := strings.Index(doc, begin)
	j := strings.Index(doc, end)
	if i >= 0 && j > i {
		rest := strings.TrimPrefix(doc[j+len(end):], "\n")
		return doc[:i] + section + rest
	}
	if strings.TrimSpace(doc) == "" {
		return "# Benchmarks\n\nWritten by `skiffbench` (bench/cmd/skiffbench); each section is replaced by the next run of its scenario.\n\n" + section
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + section
}

// WriteSection replaces the section of scenario id in the file at path,
// creating the file if it does not exist.
func WriteSection(path, id, body string) error {
	old, err := os.ReadFile(path)
	if err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("report: %w", err)
	}
	if err := os.WriteFile(path, []byte(ReplaceSection(string(old), id, body)), 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}
