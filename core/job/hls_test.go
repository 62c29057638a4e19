package job

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"replayrescue/core/media"
	"replayrescue/core/web"
)

// The kinds of HLS real hosts serve beyond Periscope's plain MPEG-TS, each
// made with ffmpeg's HLS muxer, served on loopback and saved through the
// whole job: the output must keep every frame, have sound, and stay in
// sync (a white flash and a beep together every 5 s).

// makeHLS encodes seconds of flash+beep test media into dir/name.m3u8 with
// the HLS muxer's extra options.
func makeHLS(t *testing.T, tools media.Tools, dir, name string, seconds int, extra ...string) {
	t.Helper()
	args := append(flashBeep(seconds), "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-sc_threshold", "0",
		"-b:v", "300k", "-c:a", "aac", "-b:a", "64k",
		"-f", "hls", "-hls_time", "3", "-hls_playlist_type", "vod")
	args = append(args, extra...)
	runFFmpeg(t, tools.FFmpeg, dir, append(args, filepath.Join(dir, name+".m3u8"))...)
}

// flashBeep is ffmpeg's arguments for seconds of the tests' media: a quiet
// command, a 320x180 picture at 30/s as [v] and the sound as 1:a, a white
// flash and a beep together every 5 s.
func flashBeep(seconds int) []string {
	d := strconv.Itoa(seconds)
	return []string{"-hide_banner", "-loglevel", "error",
		"-f", "lavfi", "-i", "testsrc2=s=320x180:r=30:d=" + d,
		"-f", "lavfi", "-i", `aevalsrc='if(lt(mod(t\,5)\,0.1)\,0.6*sin(2*PI*1000*t)\,0.01*sin(2*PI*220*t))':s=48000:d=` + d,
		"-filter_complex", `[0:v]drawbox=x=0:y=0:w=iw:h=ih:color=white:t=fill:enable='lt(mod(t\,5)\,0.034)'[v]`}
}

// saveServed serves dir on loopback and saves dir/playlist through a job.
func saveServed(t *testing.T, tools media.Tools, dir, playlist string) (string, *eventLog) {
	t.Helper()
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	out := filepath.Join(t.TempDir(), "talk.mp4")
	var log eventLog
	src := Source{URL: srv.URL + "/" + playlist, Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
	opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, Events: log.add, tuning: fast()}
	if err := Save(context.Background(), src, opts, Settings{Output: out}); err != nil {
		msg, code := Explain(err)
		t.Fatalf("save: exit %d: %s", code, msg)
	}
	return out, &log
}

// checkSaved checks frames, sound and sync of a save of a flash+beep source.
func checkSaved(t *testing.T, tools media.Tools, out string, frames int) {
	t.Helper()
	n, err := tools.PresentedFrames(context.Background(), out)
	if err != nil || n != frames {
		t.Errorf("video frames = %d, want %d (%v)", n, frames, err)
	}
	info, err := tools.Probe(context.Background(), out)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := info.Stream("audio"); !ok || a.Duration < time.Duration(frames)*time.Second/30-time.Second {
		t.Errorf("audio missing or short: %+v", a)
	}
	// Every frame there is not enough: gaps between chunks would leave the
	// video longer, frozen between them.
	if v, ok := info.Stream("video"); !ok || (v.Duration-time.Duration(frames)*time.Second/30).Abs() > 200*time.Millisecond {
		t.Errorf("the video is %v long, want %v", v.Duration, time.Duration(frames)*time.Second/30)
	}
	for _, markers := range []func(context.Context, string) ([]time.Duration, []time.Duration, error){tools.SyncMarkers, tools.SyncMarkersIgnoringEditList} {
		flashes, beeps, err := markers(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		if len(flashes) < frames/30/5-1 {
			t.Errorf("%d flashes, want about %d", len(flashes), frames/30/5)
		}
		for _, f := range flashes {
			if f < 500*time.Millisecond {
				continue // a beep at 0 has no silence before it to end
			}
			best := time.Hour
			for _, b := range beeps {
				best = min(best, (b - f).Abs())
			}
			if best > 40*time.Millisecond {
				t.Errorf("flash at %v: nearest beep %v away", f, best)
			}
		}
	}
}

// needFFmpeg skips integration tests in -short runs or without ffmpeg.
func needFFmpeg(t *testing.T) media.Tools {
	t.Helper()
	if testing.Short() {
		t.Skip("integration test")
	}
	tools, err := media.Find()
	if err != nil {
		t.Skip(err)
	}
	return tools
}

func TestHLSKinds(t *testing.T) {
	tools := needFFmpeg(t)
	// keyed writes a key and the key info file ffmpeg's HLS muxer reads.
	keyed := func(key, iv string) func(dir string) []string {
		return func(dir string) []string {
			os.WriteFile(filepath.Join(dir, "k.key"), []byte(key), 0o600)
			os.WriteFile(filepath.Join(dir, "keyinfo"), []byte("k.key\n"+filepath.Join(dir, "k.key")+"\n"+iv), 0o600)
			return []string{"-hls_key_info_file", filepath.Join(dir, "keyinfo")}
		}
	}
	plain := func(args ...string) func(string) []string { return func(string) []string { return args } }
	for _, c := range []struct {
		name    string
		seconds int
		tag     string // the playlist must show it, or the fixture is not what the case is about
		muxer   func(dir string) []string
	}{
		{"AES-128, IV from the sequence number", 30, "METHOD=AES-128", keyed("0123456789abcdef", "")},
		{"AES-128, explicit IV", 15, "IV=0x", keyed("fedcba9876543210", "00112233445566778899aabbccddeeff\n")},
		{"byte ranges in one file", 21, "#EXT-X-BYTERANGE", plain("-hls_flags", "single_file")},
		{"fMP4 with an init section", 30, "#EXT-X-MAP", plain("-hls_segment_type", "fmp4", "-hls_fmp4_init_filename", "init.mp4")},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			makeHLS(t, tools, dir, "x", c.seconds, c.muxer(dir)...)
			if pl, _ := os.ReadFile(filepath.Join(dir, "x.m3u8")); !strings.Contains(string(pl), c.tag) {
				t.Fatalf("fixture lacks %s:\n%s", c.tag, pl)
			}
			out, _ := saveServed(t, tools, dir, "x.m3u8")
			checkSaved(t, tools, out, c.seconds*30)
		})
	}
	t.Run("encoder restart (discontinuity)", func(t *testing.T) {
		dir := t.TempDir()
		// Two encoder runs, each with timestamps from zero, joined by a
		// discontinuity as a host does after the phone's app restarts.
		makeHLS(t, tools, dir, "a", 15, "-hls_segment_filename", "a%d.ts")
		makeHLS(t, tools, dir, "b", 15, "-hls_segment_filename", "b%d.ts")
		a, _ := os.ReadFile(filepath.Join(dir, "a.m3u8"))
		b, _ := os.ReadFile(filepath.Join(dir, "b.m3u8"))
		joined := strings.Replace(string(a), "#EXT-X-ENDLIST\n", "#EXT-X-DISCONTINUITY\n", 1)
		_, rest, _ := strings.Cut(string(b), "#EXTINF")
		os.WriteFile(filepath.Join(dir, "joined.m3u8"), []byte(joined+"#EXTINF"+rest), 0o600)
		out, _ := saveServed(t, tools, dir, "joined.m3u8")
		checkSaved(t, tools, out, 900)
	})
	t.Run("DRM: refused in one sentence, nothing fetched", func(t *testing.T) {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, "drm.m3u8"), []byte("#EXTM3U\n#EXT-X-TARGETDURATION:3\n"+
			`#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://x",KEYFORMAT="com.apple.streamingkeydelivery"`+
			"\n#EXTINF:3,\na0.ts\n#EXT-X-ENDLIST\n"), 0o600)
		srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
		defer srv.Close()
		src := Source{URL: srv.URL + "/drm.m3u8", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
		opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()}
		err := Save(context.Background(), src, opts, Settings{Output: filepath.Join(t.TempDir(), "x.mp4")})
		msg, code := Explain(err)
		if code != ExitUsage || !strings.Contains(msg, "DRM") {
			t.Errorf("exit %d: %q", code, msg)
		}
	})
	t.Run("master playlist with a separate audio rendition", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(tools.FFmpeg, append(flashBeep(24), "-map", "[v]", "-map", "1:a", "-c:v", "libx264", "-preset", "ultrafast", "-g", "30", "-sc_threshold", "0",
			"-b:v", "300k", "-c:a", "aac", "-b:a", "64k",
			"-f", "hls", "-hls_time", "3", "-hls_playlist_type", "vod",
			"-var_stream_map", "v:0,agroup:aud a:0,agroup:aud,default:yes", "-master_pl_name", "master.m3u8",
			"-hls_segment_filename", filepath.Join(dir, "s%v_%d.ts"), filepath.Join(dir, "r%v.m3u8"))...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		master, _ := os.ReadFile(filepath.Join(dir, "master.m3u8"))
		if !strings.Contains(string(master), "TYPE=AUDIO") {
			t.Fatalf("fixture has no audio rendition:\n%s", master)
		}
		out, _ := saveServed(t, tools, dir, "master.m3u8")
		checkSaved(t, tools, out, 720)
	})
	t.Run("audio only (X Spaces)", func(t *testing.T) {
		dir := t.TempDir()
		cmd := exec.Command(tools.FFmpeg, "-hide_banner", "-loglevel", "error",
			"-f", "lavfi", "-i", "sine=f=440:d=20", "-c:a", "aac", "-b:a", "64k",
			"-f", "hls", "-hls_time", "4", "-hls_playlist_type", "vod", filepath.Join(dir, "space.m3u8"))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v %s", err, out)
		}
		srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
		defer srv.Close()
		out := filepath.Join(t.TempDir(), "space.m4a")
		src := Source{URL: srv.URL + "/space.m3u8", Creds: web.Credentials{Jar: web.NewJar(), Header: http.Header{}}}
		opts := Options{Work: filepath.Join(t.TempDir(), "job"), Tools: tools, tuning: fast()}
		if err := Save(context.Background(), src, opts, Settings{Output: out, Start: 5 * time.Second}); err != nil {
			t.Fatal(err)
		}
		info, err := tools.Probe(context.Background(), out)
		if err != nil {
			t.Fatal(err)
		}
		a, ok := info.Stream("audio")
		if _, hasVideo := info.Stream("video"); !ok || hasVideo || (a.Duration-15*time.Second).Abs() > 100*time.Millisecond {
			t.Errorf("audio-only save: %+v", info)
		}
	})
	t.Run("AES-128, key rotation mid-list", func(t *testing.T) {
		dir := t.TempDir()
		makeHLS(t, tools, dir, "plain", 18)
		// Re-encrypt the plain chunks: the first half with one key, the
		// rest with another, IVs from the sequence numbers.
		pl, _ := os.ReadFile(filepath.Join(dir, "plain.m3u8"))
		var outPl strings.Builder
		seq, keys := 0, [][]byte{[]byte("key-one-16bytes!"), []byte("key-two-16bytes!")}
		for _, line := range strings.Split(string(pl), "\n") {
			if strings.HasSuffix(line, ".ts") {
				k := 0
				if seq >= 3 {
					k = 1
				}
				if seq == 0 || seq == 3 {
					fmt.Fprintf(&outPl, "#EXT-X-KEY:METHOD=AES-128,URI=\"k%d.key\"\n", k)
				}
				encryptChunk(t, filepath.Join(dir, line), keys[k], uint64(seq))
				seq++
			}
			outPl.WriteString(line + "\n")
		}
		for i, k := range keys {
			os.WriteFile(filepath.Join(dir, fmt.Sprintf("k%d.key", i)), k, 0o600)
		}
		os.WriteFile(filepath.Join(dir, "rot.m3u8"), []byte(outPl.String()), 0o600)
		out, _ := saveServed(t, tools, dir, "rot.m3u8")
		checkSaved(t, tools, out, 540)
	})
}

// encryptChunk encrypts a file in place with AES-128-CBC and PKCS#7, the IV
// being seq as a 128-bit big-endian number, as HLS hosts do.
func encryptChunk(t *testing.T, path string, key []byte, seq uint64) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	pad := aes.BlockSize - len(data)%aes.BlockSize
	data = append(data, bytes.Repeat([]byte{byte(pad)}, pad)...)
	iv := make([]byte, aes.BlockSize)
	binary.BigEndian.PutUint64(iv[8:], seq)
	block, _ := aes.NewCipher(key)
	cipher.NewCBCEncrypter(block, iv).CryptBlocks(data, data)
	os.WriteFile(path, data, 0o600)
}
