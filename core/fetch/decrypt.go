package fetch

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"replayrescue/core/playlist"
	"replayrescue/core/web"
)

// Chunks are stored as plain, playable media: ffmpeg never sees a key or a
// network address. AES-128 chunks (whole-segment CBC with PKCS#7 padding,
// RFC 8216 4.3.2.4) are decrypted as they arrive, and fMP4 fragments get
// their initialisation section (EXT-X-MAP) written in front, so that every
// chunk file stands on its own.

// Limits on what a key or an init section may be.
const (
	maxKeyBytes  = 16
	maxInitBytes = 4 << 20
)

// errBadPadding means a decrypted chunk did not end in valid padding: the
// key or IV is wrong, or the body was cut.
var errBadPadding = errors.New("the chunk could not be decrypted (wrong key, or the chunk is damaged)")

// aux fetches a key or an init section once per address and range, with the
// download's client (so with the source's credentials), and keeps it.
func (d *downloader) aux(ctx context.Context, rawURL string, r *playlist.ByteRange, limit int64) ([]byte, error) {
	id := rawURL
	if r != nil {
		id += fmt.Sprintf("#%d-%d", r.Offset, r.Length)
	}
	d.auxMu.Lock()
	data, ok := d.auxCache[id]
	d.auxMu.Unlock()
	if ok {
		return data, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, fmt.Errorf("bad key or init address: %s", web.Redact(err.Error()))
	}
	if r != nil {
		req.Header.Set("Range", fmt.Sprintf("bytes=%d-%d", r.Offset, r.Offset+r.Length-1))
	}
	resp, err := d.opts.Client.Do(req)
	if err != nil {
		return nil, netError(ctx, err, req.URL.Hostname())
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return nil, web.NewStatusError(resp.StatusCode, rawURL)
	}
	data, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, netError(ctx, err, resp.Request.URL.Hostname())
	}
	if int64(len(data)) > limit {
		return nil, web.Permanent(fmt.Errorf("the key or init section is larger than %d bytes", limit))
	}
	d.auxMu.Lock()
	d.auxCache[id] = data
	d.auxMu.Unlock()
	return data, nil
}

// segmentIV is the IV for seg: the explicit one, or its media sequence
// number as a 128-bit big-endian integer.
func segmentIV(seg playlist.Segment) ([]byte, error) {
	iv := make([]byte, aes.BlockSize)
	if seg.Key.IV == "" {
		binary.BigEndian.PutUint64(iv[8:], seg.Seq)
		return iv, nil
	}
	h := strings.TrimPrefix(strings.TrimPrefix(seg.Key.IV, "0x"), "0X")
	raw, err := hex.DecodeString(h)
	if err != nil || len(raw) > aes.BlockSize {
		return nil, fmt.Errorf("chunk %d has an unreadable IV", seg.Index+1)
	}
	copy(iv[aes.BlockSize-len(raw):], raw)
	return iv, nil
}

// cbcWriter decrypts AES-128-CBC on its way to w. The last block is held
// back until Close, which strips the PKCS#7 padding.
type cbcWriter struct {
	w    io.Writer
	mode cipher.BlockMode
	buf  []byte // undecrypted bytes: less than two blocks
}

func newCBCWriter(w io.Writer, key, iv []byte) (*cbcWriter, error) {
	if len(key) != maxKeyBytes {
		return nil, fmt.Errorf("the decryption key has %d bytes, not 16", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return &cbcWriter{w: w, mode: cipher.NewCBCDecrypter(block, iv)}, nil
}

func (c *cbcWriter) Write(p []byte) (int, error) {
	c.buf = append(c.buf, p...)
	// Keep at least one whole block back: it may be the padded last one.
	n := (len(c.buf) - 1) / aes.BlockSize * aes.BlockSize
	if n > 0 {
		c.mode.CryptBlocks(c.buf[:n], c.buf[:n])
		if _, err := c.w.Write(c.buf[:n]); err != nil {
			return 0, err
		}
		c.buf = append(c.buf[:0], c.buf[n:]...)
	}
	return len(p), nil
}

// Close decrypts the last block and writes it without its padding.
func (c *cbcWriter) Close() error {
	if len(c.buf) != aes.BlockSize {
		return errBadPadding
	}
	c.mode.CryptBlocks(c.buf, c.buf)
	pad := int(c.buf[len(c.buf)-1])
	if pad == 0 || pad > aes.BlockSize || !bytes.Equal(c.buf[aes.BlockSize-pad:], bytes.Repeat([]byte{byte(pad)}, pad)) {
		return errBadPadding
	}
	_, err := c.w.Write(c.buf[:aes.BlockSize-pad])
	return err
}

// prepare readies w for seg's body: the init section written first, and a
// decrypter in front when the segment is encrypted. finish completes the
// body (the padded last block).
func (d *downloader) prepare(ctx context.Context, seg playlist.Segment, w io.Writer) (out io.Writer, finish func() error, err error) {
	finish = func() error { return nil }
	if seg.Map != nil {
		init, err := d.aux(ctx, seg.Map.URI, seg.Map.Range, maxInitBytes)
		if err != nil {
			return nil, finish, err
		}
		if _, err := w.Write(init); err != nil {
			return nil, finish, err
		}
	}
	if seg.Key == nil {
		return w, finish, nil
	}
	key, err := d.aux(ctx, seg.Key.URI, nil, maxKeyBytes)
	if err != nil {
		return nil, finish, err
	}
	iv, err := segmentIV(seg)
	if err != nil {
		return nil, finish, err
	}
	c, err := newCBCWriter(w, key, iv)
	if err != nil {
		return nil, finish, err
	}
	return c, c.Close, nil
}
