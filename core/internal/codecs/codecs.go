// Package codecs reads the codec names manifests give (an HLS variant's
// CODECS attribute, a DASH representation's codecs): RFC 6381 names.
package codecs

import "strings"

// SoundRank ranks the sound named in codecs (a comma-separated list, which
// may name the picture's codec too) by how many players play it in an MP4:
// 3 AAC (mp4a.40.x) plays everywhere; 2 HE-AAC v2 and MP3 nearly; 1 AC-3,
// E-AC-3, Opus, FLAC, Vorbis in fewer places; 0 when no sound is named.
func SoundRank(codecs string) int {
	rank := 0
	for _, c := range strings.Split(codecs, ",") {
		c = strings.ToLower(strings.TrimSpace(c))
		switch {
		case c == "mp4a.40.34" || c == "mp4a.69" || c == "mp4a.6b":
			rank = max(rank, 2)
		case strings.HasPrefix(c, "mp4a.40."):
			rank = max(rank, 3)
		case c == "ac-3" || c == "ec-3" || c == "opus" || c == "fla" || c == "flac" || c == "vorbis" || strings.HasPrefix(c, "mp4a.a"):
			rank = max(rank, 1)
		}
	}
	return rank
}
