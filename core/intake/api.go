package intake

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"replayrescue/core/say"
	"replayrescue/core/web"
)

// maxAPIBody caps an API answer or a web page read while resolving a link.
const maxAPIBody = 4 << 20

// errTooLarge: the answer was cut at maxAPIBody (a page may still be
// searched; an API answer is useless).
var errTooLarge = errors.New("the answer is too large")

// errUnexpected: a service answered, but not in the shape expected.
var errUnexpected = errors.New("unexpected answer")

// call makes one request and returns the body of a 2xx answer, at most
// maxAPIBody bytes. Other answers are a *web.StatusError.
func call(ctx context.Context, client *http.Client, method, rawURL string, header http.Header) (string, *http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return "", nil, err
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		return "", resp, web.NewStatusError(resp.StatusCode, rawURL)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxAPIBody+1))
	if err != nil {
		return "", resp, err
	}
	if len(data) > maxAPIBody {
		return string(data[:maxAPIBody]), resp, fmt.Errorf("%w: %s sent more than %d MB", errTooLarge, resp.Request.URL.Host, maxAPIBody>>20)
	}
	return string(data), resp, nil
}

// unreachable turns a failed call to a service into the error to show.
func unreachable(ctx context.Context, service string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, errUnexpected) || errors.Is(err, errTooLarge) {
		return netSay(say.T("{{.Service}} answered in a way this version of Replay Rescue does not understand: check for an update.", "Service", service), err)
	}
	if words, ok := web.DescribeWords(err); ok && !web.Connection(err) {
		// A redirect loop, say: the connection is fine, the link is not.
		return netSay(say.T("Could not read {{.Service}}: {{.Why}}.", "Service", service, "Why", words), err)
	}
	var se *web.StatusError
	if errors.As(err, &se) && se.Status >= 500 {
		return netSay(say.T("{{.Service}} is having trouble right now (it answered {{.Status}}): try again in a few minutes.", "Service", service, "Status", se.Status), err)
	}
	return netSay(say.T("Could not reach {{.Service}}: check your internet connection and try again.", "Service", service), err)
}

// isStatus reports whether err is a *web.StatusError with one of codes.
func isStatus(err error, codes ...int) bool {
	var se *web.StatusError
	if !errors.As(err, &se) {
		return false
	}
	for _, c := range codes {
		if se.Status == c {
			return true
		}
	}
	return false
}

// hostLabel names a service's host for messages ("api.periscope.tv").
func hostLabel(rawURL string) string {
	rawURL = strings.TrimPrefix(strings.TrimPrefix(rawURL, "https://"), "http://")
	host, _, _ := strings.Cut(rawURL, "/")
	return host
}
