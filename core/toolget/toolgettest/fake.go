// Package toolgettest serves fake ffmpeg downloads on loopback, for the
// tests of toolget and of everything that installs through it.
package toolgettest

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync/atomic"
	"testing"

	"replayrescue/core/toolget"
)

// top is the archive's one folder, the way BtbN packs its zips: bin/ with
// the programs, and LICENSE.txt.
const top = "ffmpeg-n7.1-win64-lgpl-7.1"

// Archive describes a fake build. Its programs are shell scripts that
// answer -version the way the real ones do.
type Archive struct {
	Version   string // what the stand-in ffmpeg says it is, "7.1"
	NoFFprobe bool
	NoLicence bool
	Padding   int // extra stored bytes, so progress has something to report
}

// Zip packs a.
func (a Archive) Zip(t testing.TB) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	add := func(name, body string, mode os.FileMode, method uint16) {
		h := &zip.FileHeader{Name: name, Method: method}
		h.SetMode(mode)
		w, err := zw.CreateHeader(h)
		if err == nil {
			_, err = w.Write([]byte(body))
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	add(top+"/bin/ffmpeg", "#!/bin/sh\necho 'ffmpeg version "+a.Version+" Copyright (c) 2000-2024 the FFmpeg developers'\necho 'built with gcc 14'\n", 0o755, zip.Deflate)
	if !a.NoFFprobe {
		add(top+"/bin/ffprobe", "#!/bin/sh\necho 'ffprobe version "+a.Version+" Copyright (c) 2007-2024 the FFmpeg developers'\n", 0o755, zip.Deflate)
	}
	if !a.NoLicence {
		add(top+"/LICENSE.txt", "GNU LESSER GENERAL PUBLIC LICENSE\nVersion 3, 29 June 2007\n", 0o644, zip.Deflate)
	}
	if a.Padding > 0 {
		add(top+"/doc/padding.bin", string(bytes.Repeat([]byte{'x'}, a.Padding)), 0o644, zip.Store)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Sum is b's SHA-256 in hex, as the table holds it.
func Sum(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// Table is a one-entry table for this computer whose archive has the hash
// sum; its Base is never used (tests set Options.BaseURL).
func Table(sum string) []toolget.Build {
	return []toolget.Build{{
		GOOS: runtime.GOOS, GOARCH: runtime.GOARCH, Version: "7.1", Distributor: "test builds",
		Base: "https://example.invalid/never-used", Path: "builds/fake.zip",
		SHA256: sum, Size: 1 << 20, Licence: "LGPL-3.0-or-later",
		FFmpeg: top + "/bin/ffmpeg", FFprobe: top + "/bin/ffprobe", LicenceFile: top + "/LICENSE.txt",
	}}
}

// Server serves one archive at /builds/fake.zip and counts requests.
type Server struct {
	*httptest.Server
	Requests atomic.Int32
}

// Serve serves body; truncate > 0 announces the full length but sends only
// that many bytes before the connection closes.
func Serve(t testing.TB, body []byte, truncate int) *Server {
	t.Helper()
	s := &Server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.Requests.Add(1)
		if r.URL.Path != "/builds/fake.zip" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		if truncate > 0 {
			w.Write(body[:truncate])
			return
		}
		w.Write(body)
	}))
	t.Cleanup(s.Close)
	return s
}

// SkipWithoutShell skips where the stand-in programs cannot run.
func SkipWithoutShell(t testing.TB) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the stand-in tools are shell scripts")
	}
}
