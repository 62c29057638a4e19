package toolget

// BtbN/FFmpeg-Builds keeps its daily builds for about two weeks but each
// month's last build for about two years, so only month-end tags are
// pinned here. Its LGPL zips hold <name>/bin/ffmpeg.exe, bin/ffprobe.exe and
// <name>/LICENSE.txt.
const btbn = "https://github.com/BtbN/FFmpeg-Builds/releases/download"

// DefaultBuilds is the table of downloads Replay Rescue trusts, one per
// operating system and processor. An entry is used only with a SHA-256: a
// hash nobody checked is never written down here, and a computer without a
// verified entry is told how to install ffmpeg by hand instead.
//
// Windows amd64: BtbN's month-end build of 2026-06-30 (ffmpeg 7.1.5, LGPL).
// Its hash was not computed by us (this project's machines have no internet);
// it is the one two unrelated public projects pinned for this exact asset.
// Download it once and compare before a release.
//
// macOS: no distributor we found publishes LGPL builds as zip files with
// checksums (BtbN builds no macOS; evermeet.cx and martin-riedl.de ship GPL
// builds), so there is no entry yet and the app shows the manual way.
func DefaultBuilds() []Build {
	return []Build{{
		GOOS: "windows", GOARCH: "amd64",
		Version:     "7.1.5",
		Distributor: "BtbN/FFmpeg-Builds",
		Base:        btbn,
		Path:        "autobuild-2026-06-30-13-34/ffmpeg-n7.1.5-1-g7d0e842004-win64-lgpl-7.1.zip",
		SHA256:      "ec1c6ae03fab10f316344973f83c549b4b662ec3d73f1658353ab1587f4cf727",
		Size:        140 << 20, // its 7.1.3 sibling is 137,350,575 bytes
		Licence:     "LGPL-3.0-or-later",
		FFmpeg:      "ffmpeg-n7.1.5-1-g7d0e842004-win64-lgpl-7.1/bin/ffmpeg.exe",
		FFprobe:     "ffmpeg-n7.1.5-1-g7d0e842004-win64-lgpl-7.1/bin/ffprobe.exe",
		LicenceFile: "ffmpeg-n7.1.5-1-g7d0e842004-win64-lgpl-7.1/LICENSE.txt",
	}}
}
