//go:build linux

package media

import (
	"os"
	"syscall"
)

// release gives the disk space of f's bytes [off, off+n) back to the file
// system (a hole; the file keeps its length): the fragmented video is freed
// as its media is copied into the ordinary one, so finishing a long talk
// needs about its size once on the disk, not twice (see releaser). Best effort: a file
// system without holes keeps the space until the file is removed.
func release(f *os.File, off, n int64) {
	const punchHole, keepSize = 0x02, 0x01 // FALLOC_FL_*
	syscall.Fallocate(int(f.Fd()), punchHole|keepSize, off, n)
}
