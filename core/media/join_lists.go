package media

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"replayrescue/core/internal/safefile"
)

// The lists ffmpeg reads the chunks through. Every entry is a name the job
// generated, checked again here, so that nothing but a plain file inside the
// job folder can end up in a list ffmpeg reads.

var chunkNameRE = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]*$`)

// writeEntries writes a concat list named name in dir, with a duration
// directive for the entries in durations. Names are checked so that nothing
// but a plain file inside the job folder can end up in a list ffmpeg reads.
func writeEntries(dir, name string, entries []string, durations map[string]time.Duration) (string, error) {
	return writeLayout(dir, name, entries, entryTimes{durations: durations}, nil)
}

// entryTimes are the concat directives of a list's entries: a duration, or
// an outpoint (which also ends the entry there).
type entryTimes struct {
	durations, outpoints map[string]time.Duration
}

// writeLayout is writeEntries with outpoints, declaring the list's streams
// by their MPEG-TS PIDs when streams is not nil (see seamDurations).
func writeLayout(dir, name string, entries []string, times entryTimes, streams []int) (string, error) {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for _, pid := range streams {
		fmt.Fprintf(&b, "stream\nexact_stream_id %d\n", pid)
	}
	for _, e := range entries {
		if !chunkNameRE.MatchString(e) || strings.Contains(e, "..") {
			return "", fmt.Errorf("refusing chunk name %q", e)
		}
		fmt.Fprintf(&b, "file '%s'\n", e)
		if d, ok := times.outpoints[e]; ok {
			fmt.Fprintf(&b, "outpoint %s\n", secs6(d))
		} else if d, ok := times.durations[e]; ok {
			fmt.Fprintf(&b, "duration %s\n", secs6(d))
		}
	}
	path := filepath.Join(dir, name)
	if err := safefile.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}

// ByteListName is the concatf list: one absolute file URL per line.
const ByteListName = "render.concatf"

// writeByteList writes the list the concatf protocol reads. Its lines are
// URLs opened as they are, so each is an absolute file: URL of a checked
// name in the job folder. Fragmented (fMP4) chunks each carry the init
// section; after the first, the subfile protocol skips it, so the joined
// bytes are one fragmented MP4: init, fragment, fragment...
func writeByteList(dir string, chunks []string, fragmented bool) (string, error) {
	return writeByteListAs(dir, ByteListName, chunks, fragmented)
}

// Lists of a separate audio rendition.
const (
	audioListName     = "render-audio.ffconcat"
	audioByteListName = "render-audio.concatf"
)

func writeByteListAs(dir, listName string, chunks []string, fragmented bool) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(abs, "\r\n") {
		return "", fmt.Errorf("the job folder's name %q cannot be used; choose another with --work", dir)
	}
	var b strings.Builder
	for i, name := range chunks {
		if !chunkNameRE.MatchString(name) || strings.Contains(name, "..") {
			return "", fmt.Errorf("refusing chunk name %q", name)
		}
		path := filepath.Join(abs, name)
		if fragmented && i > 0 {
			skip, err := initLength(path)
			if err != nil {
				return "", err
			}
			fmt.Fprintf(&b, "subfile,,start,%d,end,0,,:file:%s\n", skip, tokenEscape(path))
			continue
		}
		b.WriteString("file:" + tokenEscape(path) + "\n")
	}
	path := filepath.Join(abs, listName)
	if err := safefile.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}

// initLength is the size of the init section (ftyp, moov...) in front of
// an fMP4 chunk: where its first fragment box starts.
func initLength(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, fmt.Errorf("cannot read a downloaded chunk: %w", err)
	}
	defer f.Close()
	var off int64
	head := make([]byte, 16)
	for range 64 {
		if _, err := f.ReadAt(head[:8], off); err != nil {
			break
		}
		size, kind := int64(binary.BigEndian.Uint32(head[:4])), string(head[4:8])
		switch kind {
		case "moof", "styp", "sidx", "emsg", "prft":
			return off, nil
		}
		if size == 1 { // 64-bit size follows
			if _, err := f.ReadAt(head[8:16], off+8); err != nil {
				break
			}
			size = int64(binary.BigEndian.Uint64(head[8:16]))
		}
		if size < 8 {
			break
		}
		off += size
	}
	return 0, fmt.Errorf("chunk %s is not a fragmented MP4 chunk", filepath.Base(path))
}

// writeJoinList writes the copied join's concat list at path: every
// part's chunks, as absolute paths (they lie in several job folders), the
// first entered at the part's inpoint and the last left at its outpoint.
// Names are checked like writeList's; a folder whose name cannot be
// written in the list is refused.
func writeJoinList(path string, parts []joinEntry) (string, error) {
	var b strings.Builder
	b.WriteString("ffconcat version 1.0\n")
	for _, p := range parts {
		abs, err := filepath.Abs(p.dir)
		if err != nil {
			return "", err
		}
		if strings.ContainsAny(abs, "'\r\n") {
			return "", fmt.Errorf("the job folder's name %q cannot be used in a list", p.dir)
		}
		for i, c := range p.chunks {
			if !chunkNameRE.MatchString(c) || strings.Contains(c, "..") {
				return "", fmt.Errorf("refusing chunk name %q", c)
			}
			fmt.Fprintf(&b, "file '%s'\n", filepath.Join(abs, c))
			if i == 0 {
				fmt.Fprintf(&b, "inpoint %s\n", secs6(p.inpoint))
			}
			if i == len(p.chunks)-1 {
				fmt.Fprintf(&b, "outpoint %s\n", secs6(p.outpoint))
			}
		}
	}
	if err := safefile.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		return "", fmt.Errorf("cannot write to the job folder: %w", err)
	}
	return path, nil
}

// tokenEscape escapes s for ffmpeg's av_get_token, which concatf reads each
// line with: a backslash takes the next character as it is, a quote starts
// a quoted part, and leading or trailing blanks are dropped. Unescaped, a
// Windows path loses its backslashes and a folder such as "Zoë's talks"
// its apostrophe, and ffmpeg finds no chunk.
func tokenEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '\'', '"', ' ', '\t':
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
