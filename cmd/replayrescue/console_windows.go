package main

import (
	"os"
	"syscall"
)

// attachConsole lets the Windows GUI build (linked with -H windowsgui, so
// double-clicking it opens no console window) still print when it is run
// from a Command Prompt with a subcommand: it attaches to the parent's
// console and points whichever standard streams were not redirected at it.
// Scripts that need the exit code use replayrescue-cli.exe, the console
// build shipped beside it, because cmd.exe does not wait for GUI programs.
//
// Which streams were redirected is read before attaching: AttachConsole may
// fill the empty standard handles with the console's (Wine's does), while
// os.Stdout and the others were made at start-up from the empty ones and
// would still write nowhere.
func attachConsole() {
	const attachParentProcess = ^uint32(0) // ATTACH_PARENT_PROCESS
	in := validHandle(syscall.STD_INPUT_HANDLE)
	out := validHandle(syscall.STD_OUTPUT_HANDLE)
	errs := validHandle(syscall.STD_ERROR_HANDLE)
	kernel32 := syscall.NewLazyDLL("kernel32.dll")
	attach := kernel32.NewProc("AttachConsole")
	if r, _, _ := attach.Call(uintptr(attachParentProcess)); r == 0 {
		return // no parent console (double-clicked) or already has one
	}
	if !out {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stdout = f
		}
	}
	if !errs {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			os.Stderr = f
		}
	}
	if !in {
		if f, err := os.OpenFile("CONIN$", os.O_RDONLY, 0); err == nil {
			os.Stdin = f
		}
	}
}

// validHandle tells whether a standard handle leads somewhere (a file or
// pipe the caller redirected it to).
func validHandle(std int) bool {
	h, err := syscall.GetStdHandle(std)
	return err == nil && h != 0 && h != syscall.InvalidHandle
}
