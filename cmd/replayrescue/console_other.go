//go:build !windows

package main

// attachConsole is needed only by the Windows GUI build (console_windows.go).
func attachConsole() {}
