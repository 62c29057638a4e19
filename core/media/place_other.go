//go:build !linux && !darwin && !windows

package media

// renameNoReplace renames tmp to final unless final exists.
func renameNoReplace(tmp, final string) error { return linkThenUnlink(tmp, final) }
