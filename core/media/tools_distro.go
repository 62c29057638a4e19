package media

import (
	"bufio"
	"os"
	"strings"
)

// Linux has no one download that works everywhere, and its users already
// have a package manager that keeps ffmpeg patched: the hint names the one
// command for the distribution this computer runs, read from os-release.

// osReleasePaths are where os-release lives (the second is the fallback the
// freedesktop spec names).
var osReleasePaths = []string{"/etc/os-release", "/usr/lib/os-release"}

// linuxFamilies maps an os-release ID (or an ID_LIKE word) to the command
// that installs ffmpeg there. Derivatives name their parent in ID_LIKE
// (Mint: "ubuntu debian", Rocky: "rhel centos fedora"), so the parents are
// enough.
var linuxFamilies = map[string]string{
	"debian":   "sudo apt install ffmpeg",
	"ubuntu":   "sudo apt install ffmpeg",
	"fedora":   "sudo dnf install ffmpeg",
	"rhel":     "sudo dnf install ffmpeg",
	"centos":   "sudo dnf install ffmpeg",
	"arch":     "sudo pacman -S ffmpeg",
	"opensuse": "sudo zypper install ffmpeg",
	"suse":     "sudo zypper install ffmpeg",
}

// flatpakCommand installs the ffmpeg runtime extension a Flatpak app can
// load; the app's own package normally brings it along already.
const flatpakCommand = "flatpak install flathub org.freedesktop.Platform.ffmpeg-full"

// LinuxCommand is the one command that installs ffmpeg on the Linux described
// by osRelease (the text of /etc/os-release), or on any Linux when running
// inside a Flatpak. "" when the distribution is not one we know.
func LinuxCommand(osRelease string, inFlatpak bool) string {
	if inFlatpak {
		return flatpakCommand
	}
	fields := parseOSRelease(osRelease)
	ids := append([]string{fields["ID"]}, strings.Fields(fields["ID_LIKE"])...)
	for _, id := range ids {
		if cmd, ok := linuxFamilies[id]; ok {
			return cmd
		}
		// openSUSE's IDs are "opensuse-leap", "opensuse-tumbleweed".
		if family, _, ok := strings.Cut(id, "-"); ok {
			if cmd, ok := linuxFamilies[family]; ok {
				return cmd
			}
		}
	}
	return ""
}

// parseOSRelease reads os-release's KEY=value lines; values may be quoted.
func parseOSRelease(text string) map[string]string {
	fields := map[string]string{}
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		key, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		value = strings.Trim(value, `"'`)
		fields[key] = strings.ToLower(value)
	}
	return fields
}

// thisLinuxCommand is LinuxCommand for the computer this runs on.
func thisLinuxCommand() string {
	var text string
	for _, p := range osReleasePaths {
		if b, err := os.ReadFile(p); err == nil {
			text = string(b)
			break
		}
	}
	return LinuxCommand(text, os.Getenv("FLATPAK_ID") != "")
}
