package media

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// The lists ffmpeg reads the chunks through. Every entry is a name the job
// generated, checked again here, so that nothing but a plain file inside the
// job folder can end up in a list ffmpeg reads.

var chunkNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// writeList writes the render's concat list. Names are checked so that
// nothing but a plain file inside the job folder can end up in a list ffmpeg
// reads.
func writeList(dir string, chunks []string) (string, error) {
	if len(chunks) == 0 {
		return "", errors.New("there are no chunks to put together")
	}
	return writeEntries(dir, ListName, chunks, nil)
}

// writeEntries writes a concat list named name in dir, with a duration
// directive for the entries in durations. Names are checked like writeList's.
func writeEntries(dir, name string, entries []string, durations map[string]time.Duration) (string, error) {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for _, e := range entries {
		if !chunkNameRE.MatchString(e) || strings.Contains(e, "..") {
			return "", fmt.Errorf("refusing chunk name %q", e)
		}
		fmt.Fprintf(&b, "file '%s'\n", e)
		if d, ok := durations[e]; ok {
			fmt.Fprintf(&b, "duration %s\n", secs6(d))
		}
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}

// ByteListName is the concatf list: one absolute file URL per line.
const ByteListName = "render.concatf"

// writeByteList writes the list the concatf protocol reads. Its lines are
// URLs opened as they are, so each is an absolute file: URL of a checked
// name in the job folder.
func writeByteList(dir string, chunks []string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(abs, "\r\n|") {
		return "", fmt.Errorf("the job folder's name %q cannot be used; choose another with --work", dir)
	}
	var b strings.Builder
	for _, name := range chunks {
		if !chunkNameRE.MatchString(name) || strings.Contains(name, "..") {
			return "", fmt.Errorf("refusing chunk name %q", name)
		}
		b.WriteString("file:" + filepath.Join(abs, name) + "\n")
	}
	path := filepath.Join(abs, ByteListName)
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}
