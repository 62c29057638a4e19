//go:build windows

package media

import (
	"os/exec"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/windows"
)

// procAttr keeps a console window from flashing up for each ffmpeg run of
// the GUI build.
func procAttr(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{HideWindow: true, CreationFlags: windows.CREATE_NO_WINDOW}
}

// killJob is a job object with JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE that every
// ffmpeg we start joins. Its only handle is ours and is never closed, so
// when Replay Rescue ends in any way (closed, killed from Task Manager,
// crashed) Windows closes it and kills every ffmpeg still in the job: no
// orphaned render keeps writing, as Pdeathsig ensures on Linux.
var killJob = sync.OnceValues(func() (windows.Handle, error) {
	job, err := windows.CreateJobObject(nil, nil)
	if err != nil {
		return 0, err
	}
	info := windows.JOBOBJECT_EXTENDED_LIMIT_INFORMATION{}
	info.BasicLimitInformation.LimitFlags = windows.JOB_OBJECT_LIMIT_KILL_ON_JOB_CLOSE
	if _, err := windows.SetInformationJobObject(job, windows.JobObjectExtendedLimitInformation,
		uintptr(unsafe.Pointer(&info)), uint32(unsafe.Sizeof(info))); err != nil {
		windows.CloseHandle(job)
		return 0, err
	}
	return job, nil
})

// started puts the just-started cmd into killJob. ffmpeg starts no children
// of its own, so joining right after the start leaves nothing outside. A
// failure (Windows 7 inside another job without nesting) is not fatal: the
// tool still runs, as it did before, only without dying with us.
func started(cmd *exec.Cmd) {
	job, err := killJob()
	if err != nil {
		return
	}
	p, err := windows.OpenProcess(windows.PROCESS_SET_QUOTA|windows.PROCESS_TERMINATE, false, uint32(cmd.Process.Pid))
	if err != nil {
		return
	}
	defer windows.CloseHandle(p)
	windows.AssignProcessToJobObject(job, p)
}
