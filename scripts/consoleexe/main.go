// Command consoleexe copies a Windows GUI executable as a console one: the
// same program, with the PE header's subsystem switched from "Windows GUI"
// to "Windows console" (what Microsoft's editbin /SUBSYSTEM:CONSOLE does).
// The packaging script uses it to ship replayrescue-cli.exe beside the
// double-clickable exe without compiling the program a second time: cmd.exe
// waits for console programs and passes on their exit code, and does
// neither for GUI ones.
//
//	go run ./scripts/consoleexe "Replay Rescue.exe" replayrescue-cli.exe
package main

import (
	"bytes"
	"debug/pe"
	"encoding/binary"
	"fmt"
	"os"
)

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: consoleexe GUI.exe CONSOLE.exe")
		os.Exit(2)
	}
	if err := convert(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "consoleexe:", err)
		os.Exit(1)
	}
}

// subsystemOffset is where Subsystem sits in the optional header, the same
// in PE32 and PE32+.
const subsystemOffset = 68

func convert(in, out string) error {
	data, err := os.ReadFile(in)
	if err != nil {
		return err
	}
	if err := toConsole(data); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	return os.WriteFile(out, data, 0o755)
}

// toConsole switches data's subsystem in place, after checking it is a PE
// file whose subsystem is the GUI one.
func toConsole(data []byte) error {
	f, err := pe.NewFile(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("not a Windows program: %w", err)
	}
	var sub uint16
	switch h := f.OptionalHeader.(type) {
	case *pe.OptionalHeader64:
		sub = h.Subsystem
	case *pe.OptionalHeader32:
		sub = h.Subsystem
	default:
		return fmt.Errorf("no optional header")
	}
	if sub != pe.IMAGE_SUBSYSTEM_WINDOWS_GUI {
		return fmt.Errorf("subsystem is %d, not the Windows GUI one", sub)
	}
	// DOS header -> "PE\0\0" at e_lfanew -> 20-byte file header -> optional header.
	at := int(binary.LittleEndian.Uint32(data[0x3c:])) + 4 + 20 + subsystemOffset
	if at+2 > len(data) || binary.LittleEndian.Uint16(data[at:]) != sub {
		return fmt.Errorf("the subsystem field is not where the PE format puts it")
	}
	binary.LittleEndian.PutUint16(data[at:], pe.IMAGE_SUBSYSTEM_WINDOWS_CUI)
	return nil
}
