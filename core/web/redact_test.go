package web

import (
	"strings"
	"testing"
)

// TestRedactSignatureParams: the signature parameters of common CDNs and
// streaming servers are redacted in any case; "st" and "e" only together,
// since alone they are everyday names.
func TestRedactSignatureParams(t *testing.T) {
	cases := []struct {
		name, in string
		secrets  []string
		keep     []string
	}{
		{"nginx secure_link", "https://cdn.example/v/p.m3u8?md5=MD5SECRETx&expires=1767225600", []string{"MD5SECRETx"}, []string{"expires=1767225600"}},
		{"sign", "https://cdn.example/v/p.m3u8?sign=SIGNSECRET&t=1", []string{"SIGNSECRET"}, []string{"t=1"}},
		{"hmac", "https://cdn.example/v/p.m3u8?HMAC=HMACSECRET", []string{"HMACSECRET"}, nil},
		{"Tencent", "https://live.example/app/s.m3u8?txSecret=TXSECRET&txTime=5F5E0FF", []string{"TXSECRET"}, []string{"txTime=5F5E0FF"}},
		{"Wowza", "https://wowza.example/live/playlist.m3u8?wmsAuthSign=WMSSECRET", []string{"WMSSECRET"}, nil},
		{"Akamai hdnea", "https://ak.example/i/master.m3u8?__hdnea__=st=1~exp=2~acl=/*~hmac=AKSECRET", []string{"AKSECRET"}, nil},
		{"Akamai hdnts", "https://ak.example/i/master.m3u8?hdnts=exp=2~hmac=HDNTSSECRET", []string{"HDNTSSECRET"}, nil},
		{"Alibaba", "https://ali.example/live/s.m3u8?auth_key=1700000000-0-0-ALISECRET", []string{"ALISECRET"}, nil},
		{"st and e together", "https://cdn.example/v/p.m3u8?st=STSECRET&e=1767225600&type=replay", []string{"STSECRET", "1767225600"}, []string{"type=replay"}},
		{"St and E in any case", "https://cdn.example/v/p.m3u8?St=STSECRET&E=EXPIRY", []string{"STSECRET", "EXPIRY"}, nil},
		{"e alone is kept", "https://talks.example/watch.m3u8?e=42", nil, []string{"e=42"}},
		{"st alone is kept", "https://talks.example/watch.m3u8?st=live", nil, []string{"st=live"}},
		{"in an error sentence", `Get "https://cdn.example/v/p.m3u8?md5=MD5SECRETy&sign=SIGN2": EOF`, []string{"MD5SECRETy", "SIGN2"}, []string{"EOF"}},
	}
	for _, c := range cases {
		got := Redact(c.in)
		for _, s := range c.secrets {
			if strings.Contains(got, s) {
				t.Errorf("%s: Redact(%q) = %q keeps %q", c.name, c.in, got, s)
			}
		}
		for _, k := range c.keep {
			if !strings.Contains(got, k) {
				t.Errorf("%s: Redact(%q) = %q lost %q", c.name, c.in, got, k)
			}
		}
	}
}
