package intake

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"replayrescue/core/sample"
)

var castStart = time.Date(2015, 5, 29, 15, 1, 44, 418556738, time.UTC)

// chatTokenHidden checks the chat token appears in no printed or
// marshalled form of the candidates.
func chatTokenHidden(t *testing.T, cands []Candidate) {
	t.Helper()
	data, _ := json.Marshal(cands)
	if s := fmt.Sprintf("%v %+v %#v %s", cands, cands, cands, data); strings.Contains(s, "chatTOKEN") {
		t.Error("the chat token shows when a candidate is printed")
	}
}

// A broadcast link brings the chat token and the broadcast's start along.
func TestPeriscopeChatSource(t *testing.T) {
	api := newFakeAPI(t, func(w http.ResponseWriter, r *http.Request) { writeJSON(w, accessVideoPublic(replayURL)) })
	t.Setenv(envPeriscope, api.URL)
	cands, err := Resolve(context.Background(), Input{Source: "https://www.pscp.tv/w/" + broadcastID})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0].Chat
	if !c.Available() || c.Token != "chatTOKEN" || c.API == nil || c.API.String() != api.URL || !c.Start.Equal(castStart) {
		t.Fatalf("chat source: api %v start %v token set %v", c.API, c.Start, c.Token != "")
	}
	chatTokenHidden(t, cands)
}

// A HAR recorded while the replay played holds the chat history answers
// the player fetched: their messages come with the candidates.
func TestHARChatHistory(t *testing.T) {
	msgs := sample.DemoChat(5 * time.Minute)
	host := sample.NewChat(sample.ChatOptions{Start: castStart, Messages: msgs, PageSize: 150, Token: "chatTOKEN"})
	mux := http.NewServeMux()
	host.Register(mux)
	ask := func(path, body string) string {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "http://chat.example"+path, strings.NewReader(body)))
		return rec.Body.String()
	}
	var access struct {
		AccessToken string `json:"access_token"`
	}
	json.Unmarshal([]byte(ask("/api/v2/accessChatPublic", `{"chat_token":"chatTOKEN"}`)), &access)
	rs := periscopeSession(replayURL)
	for cursor := ""; ; {
		body := ask("/chatapi/v1/history", fmt.Sprintf(`{"access_token":%q,"cursor":%q}`, access.AccessToken, cursor))
		rs = append(rs, req{method: "POST", url: "https://chatman-replay-eu-central-1.pscp.tv/chatapi/v1/history", kind: "fetch", mime: "application/json", body: body})
		var p struct{ Cursor string }
		json.Unmarshal([]byte(body), &p)
		if cursor = p.Cursor; cursor == "" {
			break
		}
	}
	if host.Pages() < 3 {
		t.Fatalf("%d pages; the test needs several", host.Pages())
	}
	path := writeHAR(t, t.TempDir(), firefox, false, rs...)
	cands, err := Resolve(context.Background(), Input{Source: path})
	if err != nil {
		t.Fatal(err)
	}
	c := cands[0].Chat
	if len(c.Messages) != len(msgs) || !c.Start.Equal(castStart) || c.Token != "chatTOKEN" {
		t.Fatalf("%d messages (want %d), start %v", len(c.Messages), len(msgs), c.Start)
	}
	if got := c.Messages[len(c.Messages)-1]; !got.Time.Equal(castStart.Add(msgs[len(msgs)-1].At)) {
		t.Errorf("last message at %v", got.Time)
	}
	chatTokenHidden(t, cands)
}
