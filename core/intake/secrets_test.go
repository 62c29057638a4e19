package intake

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"replayrescue/core/web"
)

// TestNoSecretsInOutput: cookie values, Authorization, signature parameters
// and signed path tokens never appear in what is shown to people: the
// display fields of candidates, ExplainDenied, the redacted URL, or error
// messages, whatever the input.
func TestNoSecretsInOutput(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.Contains(r.URL.Path, "accessVideoPublic"):
			writeJSON(w, accessVideoPublic(signedReplay))
		case r.URL.Path == "/private":
			http.Error(w, "no", http.StatusForbidden)
		default:
			w.Write([]byte("<html>" + secSession + "</html>"))
		}
	})
	t.Setenv(envPeriscope, api.URL)
	t.Setenv(envProxsee, api.URL)
	dir := t.TempDir()
	sanitized := periscopeSession(replayURL)
	redacted := periscopeSession(replayURL)
	redacted[2].cookies = [][2]string{{"CloudFront-Policy", "redacted"}}
	denied := periscopeSession(replayURL)[2]
	denied.status = 403
	inputs := []Input{
		{Source: writeHAR(t, t.TempDir(), chrome, false, periscopeSession(replayURL)...)},
		{Source: writeHAR(t, t.TempDir(), firefox, false, periscopeSession(signedReplay)...)},
		{Source: writeHAR(t, t.TempDir(), chromeSanitized, false, sanitized[0], sanitized[2])},
		{Source: writeHAR(t, t.TempDir(), safari, false, redacted[0], redacted[2])},
		{Source: writeHAR(t, t.TempDir(), playwright, false, denied)},
		{Source: "curl '" + signedReplay + "&Signature=" + secSignature + "' -H 'authorization: Bearer " + secBearer + "' -b 'sess=" + secSession + "'"},
		{Source: "https://cdn.example.com/a.m3u8?Policy=" + secPolicy + "&Key-Pair-Id=" + secKeyPair, Cookies: "pscp-csrf=" + secCSRF, Headers: []string{"Authorization: Bearer " + secBearer}},
		{Source: "https://pscp.tv/w/" + broadcastID},
		{Source: api.URL + "/private?token=" + secSignature},
		{Source: api.URL + "/page?token=" + secSignature},
		{Source: "https://cdn.example.com/" + secPathToken + "/chunk_1.ts?Signature=" + secSignature},
		{Source: "curl 'https://cdn.example.com/seg.ts?token=" + secSignature + "'"},
		{Source: "pscp-csrf=" + secCSRF + "; user_id=42"},
		{Source: "Bearer " + secBearer},
		{Source: "https://h.example/a.m3u8", Headers: []string{"Authorization Bearer " + secBearer}},
		{Source: "https://h.example/a.m3u8", Headers: []string{secBearer}},
		{Source: "https://h.example/a.m3u8", Cookies: "# Netscape HTTP Cookie File\nh.example\tFALSE\t/\tFALSE\t1000\tsess\t" + secSession},
		{Source: "{\"log\": {\"entries\": [" + secSession},
		{Source: dir + "/" + secPathToken + ".har"},
	}
	for i, in := range inputs {
		cands, err := Resolve(context.Background(), in)
		var shown []string
		if err != nil {
			shown = append(shown, err.Error())
		}
		for _, c := range cands {
			shown = append(shown, c.Title, c.From, c.Problem, c.Kind, string(c.Verdict), c.BroadcastID, ExplainDenied(c), web.RedactURL(c.URL))
			shown = append(shown, c.CookieHosts...)
		}
		if len(shown) == 0 {
			t.Errorf("input %d: nothing to check", i)
		}
		for _, s := range shown {
			for _, secret := range allSecrets {
				if strings.Contains(s, secret) {
					t.Errorf("input %d shows a secret: %q", i, s)
				}
			}
		}
	}
}
