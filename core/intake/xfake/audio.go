package xfake

import (
	"context"
	"encoding/binary"
	"encoding/csv"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// SpaceAudio writes a Space's replay into dir as X's video hosts serve one:
// a VOD playlist (its file name is returned) of chunks of about 3 s, each
// AAC in ADTS frames behind an ID3 tag whose PRIV frame is the chunk's
// MPEG-TS timestamp (HLS packed audio: chunk_..._N_a.aac). The sound is a
// tone with a click every second, d long, made with ffmpeg.
func SpaceAudio(ctx context.Context, ffmpeg, dir string, d time.Duration) (string, error) {
	tmp, err := os.MkdirTemp(dir, ".space-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin",
		"-f", "lavfi", "-i", fmt.Sprintf(`aevalsrc='0.3*sin(2*PI*330*t)+if(lt(mod(t\,1)\,0.02)\,0.6*sin(2*PI*2000*t)\,0)':s=44100:d=%.3f`, d.Seconds()),
		"-c:a", "aac", "-b:a", "64k", "-ac", "1",
		"-f", "segment", "-segment_time", "3", "-segment_format", "adts",
		"-segment_list", filepath.Join(tmp, "list.csv"), "-segment_list_type", "csv", filepath.Join(tmp, "%d.aac"))
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("ffmpeg: %v: %s", err, out)
	}
	f, err := os.Open(filepath.Join(tmp, "list.csv"))
	if err != nil {
		return "", err
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		return "", err
	}
	const pts0 = 10 * 90000 // the encoder's clock stood at 10 s
	var pl strings.Builder
	pl.WriteString("#EXTM3U\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXT-X-TARGETDURATION:4\n#EXT-X-VERSION:6\n#EXT-X-INDEPENDENT-SEGMENTS\n#EXT-X-MEDIA-SEQUENCE:0\n")
	for i, row := range rows {
		if len(row) < 3 {
			return "", fmt.Errorf("segment list row %q", row)
		}
		start, err1 := strconv.ParseFloat(row[1], 64)
		end, err2 := strconv.ParseFloat(row[2], 64)
		data, err3 := os.ReadFile(filepath.Join(tmp, row[0]))
		if err1 != nil || err2 != nil || err3 != nil {
			return "", fmt.Errorf("segment %q: %v %v %v", row, err1, err2, err3)
		}
		name := fmt.Sprintf("chunk_%d_%d_a.aac", 1715954400000000000+int64(start*1e9), i)
		tagged := append(id3Timestamp(uint64(pts0+math.Round(start*90000))), data...)
		if err := os.WriteFile(filepath.Join(dir, name), tagged, 0o644); err != nil {
			return "", err
		}
		fmt.Fprintf(&pl, "#EXTINF:%.3f,\n%s\n", end-start, name)
	}
	pl.WriteString("#EXT-X-ENDLIST\n")
	const list = "playlist_16798763063413909336.m3u8"
	return list, os.WriteFile(filepath.Join(dir, list), []byte(pl.String()), 0o644)
}

// id3Timestamp is an ID3v2.4 tag holding the PRIV frame HLS packed audio
// starts each chunk with: the MPEG-TS timestamp (90 kHz) of its first
// sample.
func id3Timestamp(pts uint64) []byte {
	data := append([]byte("com.apple.streaming.transportStreamTimestamp\x00"), binary.BigEndian.AppendUint64(nil, pts&(1<<33-1))...)
	frame := append(append([]byte("PRIV"), synchsafe(len(data))...), 0, 0)
	frame = append(frame, data...)
	return append(append([]byte{'I', 'D', '3', 4, 0, 0}, synchsafe(len(frame))...), frame...)
}

// synchsafe is n as ID3v2.4 writes sizes: 7 bits a byte.
func synchsafe(n int) []byte {
	return []byte{byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
}
