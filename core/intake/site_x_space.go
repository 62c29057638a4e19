package intake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"replayrescue/core/say"
)

// X's Spaces (x.com/i/spaces/ID): talks and panels held as sound only.
// GraphQL's AudioSpaceById describes one (audioSpace.metadata: media_key,
// state, title, is_space_available_for_replay, its host), and
// live_video_stream/status/MEDIA_KEY names its playlist (source.location):
// sound only, in an audio-space folder on Periscope's video hosts, its
// chunks AAC behind an ID3 tag each.

// xSpaceMeta is what AudioSpaceById says of a Space.
type xSpaceMeta struct {
	MediaKey string  `json:"media_key"`
	State    string  `json:"state"` // NotStarted, PrePublished, Running, Ended, TimedOut, Canceled
	Title    string  `json:"title"`
	Created  xMillis `json:"created_at"`
	Started  xMillis `json:"started_at"`
	Replay   bool    `json:"is_space_available_for_replay"`
	Creator  struct {
		Result xUser `json:"result"`
	} `json:"creator_results"`
}

// space resolves the Space m.id (m.link is the link the user gave: the
// Space's, or the post's that led to it).
func (s *xSession) space(ctx context.Context, m linkMatch, uc *userCreds, about xAbout) ([]Candidate, error) {
	id := m.id
	var v struct {
		AudioSpace struct {
			Metadata *xSpaceMeta `json:"metadata"`
		} `json:"audioSpace"`
	}
	if err := s.query(ctx, "AudioSpaceById", id, say.T("X will not show this Space without logging in."), &v); err != nil {
		return nil, err
	}
	md := v.AudioSpace.Metadata
	if md == nil {
		// X answers an empty Space for one it has not, and for one it
		// shows only to accounts that are logged in.
		return nil, inputSay(ErrNoStream, say.T("X does not show the Space {{.ID}} without logging in, or there is no such Space: check the link.", "ID", id))
	}
	start := time.Time(md.Started)
	if start.IsZero() {
		start = time.Time(md.Created)
	}
	about = xAbout{title: CleanTitle(md.Title), presenter: md.Creator.Result.person(), start: start}.or(about)
	named := id
	if about.title != "" {
		named += " (" + about.title + ")"
	}
	switch strings.ToLower(md.State) {
	case "notstarted", "prepublished":
		return nil, inputSay(ErrNoStream, say.T("The Space {{.Name}} has not started yet: try again once it is live.", "Name", named))
	case "canceled", "cancelled":
		return nil, inputSay(ErrNoStream, say.T("The Space {{.Name}} was cancelled, so there is nothing to save.", "Name", named))
	case "ended", "timedout":
		if !md.Replay {
			return nil, inputSay(ErrNoStream, say.T("The Space {{.Name}} was not recorded, or X no longer keeps its recording, so there is no replay to save.", "Name", named))
		}
	}
	if md.MediaKey == "" {
		return nil, s.failed(ctx, s.webURL, fmt.Errorf("%w: AudioSpaceById gave no media key", errUnexpected))
	}
	b := bcast{id: id, mediaKey: md.MediaKey, title: about.title, state: strings.ToUpper(md.State), start: about.start}
	fs, err := s.stream(ctx, m, b, "Space")
	if err != nil {
		return nil, err
	}
	cands := about.candidates(m, "Space", fs, uc)
	for i := range cands {
		cands[i].Sound = true
		cands[i].Pictures = md.Creator.Result.pictures()
	}
	return cands, nil
}
