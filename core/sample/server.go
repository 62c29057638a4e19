package sample

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
)

// ServerOptions configure the sample host. Zero values serve a well-behaved
// cookie-gated replay.
type ServerOptions struct {
	Media       *Media
	BroadcastID string // default "1sampleTalk42"
	Title       string // default "Internationalization Done Wrong (sample)"

	RateLimit        int64   // bytes per second per TCP connection; 0 = unlimited
	Fail403, Fail500 float64 // chance per chunk request of that answer instead
	ResetRate        float64 // chance per chunk request of cutting the body short
	Seed             uint64  // makes the faults repeatable
	NoCookies        bool    // serve without checking cookies
	// Chat is the broadcast's chat, served by a fake chat service on the
	// same host; nil serves DemoChat, an empty non-nil slice no chat.
	Chat []ChatMessage
}

// Server is a running sample host on 127.0.0.1.
type Server struct {
	URL string // http://127.0.0.1:PORT

	opts   ServerOptions
	http   *http.Server
	ln     net.Listener
	chunks map[string][]byte
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	rng      *rand.Rand
	issued   map[string]cookieSet // by CloudFront-Signature value
	requests map[string]int

	chatToken string
}

type cookieSet struct {
	policy, keyPair string
	valid           bool
}

const (
	cookiePolicy    = "CloudFront-Policy"
	cookieSignature = "CloudFront-Signature"
	cookieKeyPair   = "CloudFront-Key-Pair-Id"
	// playlistName looks like a real Periscope replay playlist.
	playlistName = "playlist_16862735110428317.m3u8"
)

// Start serves opts.Media on a free loopback port.
func Start(opts ServerOptions) (*Server, error) {
	if opts.Media == nil || len(opts.Media.Chunks) == 0 {
		return nil, errors.New("sample: no media to serve")
	}
	if opts.BroadcastID == "" {
		opts.BroadcastID = "1sampleTalk42"
	}
	if opts.Title == "" {
		opts.Title = "Internationalization Done Wrong (sample)"
	}
	s := &Server{
		opts:     opts,
		chunks:   map[string][]byte{},
		closed:   make(chan struct{}),
		rng:      rand.New(rand.NewPCG(opts.Seed, opts.Seed^0x5eed)),
		issued:   map[string]cookieSet{},
		requests: map[string]int{},
	}
	for _, c := range opts.Media.Chunks {
		data, err := os.ReadFile(filepath.Join(opts.Media.Dir, c.Name))
		if err != nil {
			return nil, fmt.Errorf("sample: %w", err)
		}
		s.chunks[c.Name] = data
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("sample: cannot listen on loopback: %w", err)
	}
	s.ln = ln
	s.URL = "http://" + ln.Addr().String()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v2/accessVideoPublic", s.accessVideoPublic)
	mux.HandleFunc("GET /api/v2/getAccessPublic", s.getAccessPublic)
	mux.HandleFunc("GET /w/{id}", s.page)
	mux.HandleFunc("GET /player/{id}", s.player)
	mux.HandleFunc("GET /hls/{id}/{file}", s.media)
	if opts.Chat == nil {
		opts.Chat = DemoChat(opts.Media.Duration)
	}
	if len(opts.Chat) > 0 {
		s.chatToken = "sample-chat-" + randomToken(8)
		NewChat(ChatOptions{Start: BroadcastStart, Messages: opts.Chat, Token: s.chatToken}).Register(mux)
	}
	s.http = &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ConnContext: func(ctx context.Context, _ net.Conn) context.Context {
			if opts.RateLimit > 0 {
				return context.WithValue(ctx, connKey{}, &pacer{rate: float64(opts.RateLimit)})
			}
			return ctx
		},
		ErrorLog: nil,
	}
	go s.http.Serve(ln)
	return s, nil
}

// ChatToken is the chat_token accessVideoPublic hands out, "" without chat.
// The chat service answers on the server's own address (APIBase).
func (s *Server) ChatToken() string { return s.chatToken }

// Close stops the server and every transfer in flight.
func (s *Server) Close() error {
	s.once.Do(func() { close(s.closed) })
	return s.http.Close()
}

// PlaylistURL is the cookie-gated replay playlist.
func (s *Server) PlaylistURL() string {
	return fmt.Sprintf("%s/hls/%s/%s?type=replay", s.URL, s.opts.BroadcastID, playlistName)
}

// BroadcastURL is the broadcast's web page, Periscope style: its player
// gets the replay and its cookies from the API.
func (s *Server) BroadcastURL() string { return s.URL + "/w/" + s.opts.BroadcastID }

// PlayerURL is a plain player page: it sets HttpOnly cookies and its player
// loads the .m3u8 named in the page.
func (s *Server) PlayerURL() string { return s.URL + "/player/" + s.opts.BroadcastID }

// APIBase is what REPLAYRESCUE_PERISCOPE_API should be set to.
func (s *Server) APIBase() string { return s.URL }

// Cookies issues a fresh set of access cookies, as accessVideoPublic does.
func (s *Server) Cookies() []*http.Cookie {
	sig, set := s.issue()
	return []*http.Cookie{
		{Name: cookiePolicy, Value: set.policy, Path: "/"},
		{Name: cookieSignature, Value: sig, Path: "/"},
		{Name: cookieKeyPair, Value: set.keyPair, Path: "/"},
	}
}

// Expire makes every cookie issued so far stop working, as when the token
// expires mid-download.
func (s *Server) Expire() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, v := range s.issued {
		v.valid = false
		s.issued[k] = v
	}
}

// Requests counts requests for a chunk by name, or "playlist".
func (s *Server) Requests(name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[name]
}

func randomToken(n int) string {
	b := make([]byte, n)
	crand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) issue() (string, cookieSet) {
	sig := randomToken(24)
	set := cookieSet{policy: randomToken(32), keyPair: "APKA" + strings.ToUpper(randomToken(8)), valid: true}
	s.mu.Lock()
	s.issued[sig] = set
	s.mu.Unlock()
	return sig, set
}

// authorized checks that r carries one complete, valid cookie set.
func (s *Server) authorized(r *http.Request) bool {
	if s.opts.NoCookies {
		return true
	}
	sig, err := r.Cookie(cookieSignature)
	if err != nil {
		return false
	}
	pol, err1 := r.Cookie(cookiePolicy)
	kp, err2 := r.Cookie(cookieKeyPair)
	if err1 != nil || err2 != nil {
		return false
	}
	s.mu.Lock()
	set, ok := s.issued[sig.Value]
	s.mu.Unlock()
	return ok && set.valid && set.policy == pol.Value && set.keyPair == kp.Value
}

var chunkRE = regexp.MustCompile(`^chunk_[0-9]{6}\.ts$`)

func (s *Server) media(w http.ResponseWriter, r *http.Request) {
	if r.PathValue("id") != s.opts.BroadcastID {
		http.NotFound(w, r)
		return
	}
	file := r.PathValue("file")
	switch {
	case strings.HasPrefix(file, "playlist_") && strings.HasSuffix(file, ".m3u8"):
		s.count("playlist")
		if !s.authorized(r) {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		w.Header().Set("Content-Type", "application/vnd.apple.mpegurl")
		w.Write(s.playlist())
	case chunkRE.MatchString(file):
		data, ok := s.chunks[file]
		if !ok {
			http.NotFound(w, r)
			return
		}
		s.count(file)
		if !s.authorized(r) {
			http.Error(w, "Forbidden", http.StatusForbidden)
			return
		}
		s.serveChunk(w, r, file, data)
	default:
		http.NotFound(w, r)
	}
}

func (s *Server) count(name string) {
	s.mu.Lock()
	s.requests[name]++
	s.mu.Unlock()
}

// fault picks what goes wrong with this request, if anything.
func (s *Server) fault() string {
	s.mu.Lock()
	x := s.rng.Float64()
	s.mu.Unlock()
	switch {
	case x < s.opts.Fail403:
		return "403"
	case x < s.opts.Fail403+s.opts.Fail500:
		return "500"
	case x < s.opts.Fail403+s.opts.Fail500+s.opts.ResetRate:
		return "reset"
	}
	return ""
}

func (s *Server) serveChunk(w http.ResponseWriter, r *http.Request, name string, data []byte) {
	switch s.fault() {
	case "403":
		http.Error(w, "Forbidden", http.StatusForbidden)
		return
	case "500":
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	case "reset":
		// Announce the whole chunk, send part of it, then drop the connection.
		w.Header().Set("Content-Type", "video/mp2t")
		w.Header().Set("Content-Length", fmt.Sprint(len(data)))
		w.WriteHeader(http.StatusOK)
		s.writer(w, r).Write(data[:len(data)/2])
		panic(http.ErrAbortHandler)
	}
	w.Header().Set("Content-Type", "video/mp2t")
	http.ServeContent(s.writer(w, r), r, name, time.Time{}, bytes.NewReader(data))
}

// writer throttles w when the server has a rate limit.
func (s *Server) writer(w http.ResponseWriter, r *http.Request) http.ResponseWriter {
	p, ok := r.Context().Value(connKey{}).(*pacer)
	if !ok {
		return w
	}
	return &throttledWriter{ResponseWriter: w, p: p, ctx: r.Context(), closed: s.closed}
}

func (s *Server) playlist() []byte {
	var b bytes.Buffer
	target := 0
	for _, c := range s.opts.Media.Chunks {
		target = max(target, int(c.Duration.Seconds()+0.999))
	}
	fmt.Fprintf(&b, "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:%d\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-PLAYLIST-TYPE:VOD\n", target)
	for _, c := range s.opts.Media.Chunks {
		fmt.Fprintf(&b, "#EXTINF:%.6f,\n%s\n", c.Duration.Seconds(), c.Name)
	}
	b.WriteString("#EXT-X-ENDLIST\n")
	return b.Bytes()
}
