package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"replayrescue/core/sample"
)

// signatureParams are the signature parameters of common CDNs and
// streaming servers, each with a value that must never be shown.
var signatureParams = map[string]string{
	"md5": "MD5secret0001", "sign": "SIGNsecret0002", "hmac": "HMACsecret0003", "txSecret": "TXsecret0004",
	"wmsAuthSign": "WMSsecret0005", "__hdnea__": "HDNEAsecret0006", "hdnts": "HDNTSsecret0007",
	"auth_key": "AUTHKEYsecret0008", "st": "STsecret0009", "e": "Esecret0010",
}

func signed(u string) string {
	for k, v := range signatureParams {
		u += "&" + k + "=" + v
	}
	return u
}

func noSignature(t *testing.T, where, text string) {
	t.Helper()
	for k, v := range signatureParams {
		if strings.Contains(text, v) {
			t.Errorf("%s shows the %s signature: %s", where, k, text)
		}
	}
}

// TestSignatureParamsNeverShown: a playlist link signed with any of them is
// redacted in inspect (text and --json), in save's output and NDJSON
// events, in the job's state.json, and in the errors a bad link gives.
func TestSignatureParamsNeverShown(t *testing.T) {
	srv := startSample(t, sample.ServerOptions{})
	cookies := cookieString(srv)
	link := signed(srv.PlaylistURL())

	for _, args := range [][]string{{"inspect", "--cookies", cookies, link}, {"inspect", "--json", "--cookies", cookies, link}} {
		code, stdout, stderr := runCLI(t, "", args...)
		if code != 0 || !strings.Contains(stdout, "ready") {
			t.Fatalf("%v: exit %d: %s%s", args[:2], code, stdout, stderr)
		}
		noSignature(t, strings.Join(args[:2], " "), stdout+stderr)
	}

	dir := t.TempDir()
	work := filepath.Join(dir, "job")
	code, stdout, stderr := runCLI(t, "", "save", link, "--cookies", cookies, "-o", filepath.Join(dir, "talk.mp4"), "--json", "--keep", "--work", work)
	if code != 0 {
		t.Fatalf("save: exit %d: %s", code, stderr)
	}
	noSignature(t, "save", stdout+stderr)
	state, err := os.ReadFile(filepath.Join(work, "state.json"))
	if err != nil || !strings.Contains(string(state), "playlist_") {
		t.Fatalf("state.json: %v %s", err, state)
	}
	noSignature(t, "state.json", string(state))

	// A link the host does not know: the errors name it, redacted.
	gone := signed(srv.URL + "/hls/gone/playlist_1.m3u8?type=replay")
	code, stdout, stderr = runCLI(t, "", "inspect", "--json", gone)
	if code != 0 || !strings.Contains(stdout, "unreachable") {
		t.Errorf("inspect of a missing playlist: exit %d: %s%s", code, stdout, stderr)
	}
	noSignature(t, "inspect of a missing playlist", stdout+stderr)
	code, stdout, stderr = runCLI(t, "", "save", gone, "-o", filepath.Join(dir, "gone.mp4"), "--json", "--work", filepath.Join(dir, "gone"))
	if code == 0 {
		t.Error("save of a missing playlist succeeded")
	}
	oneSentence(t, stderr)
	noSignature(t, "save of a missing playlist", stdout+stderr)
}
