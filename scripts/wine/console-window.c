/* Test scaffolding for `make check-windows`, never shipped: a Command Prompt
 * window standing in for the one a user types a command into. It opens a
 * console of its own, as a Command Prompt window has, starts the command
 * line it is given the way a GUI program run from there starts on Windows:
 * outside any console and with no standard handles (Wine's cmd.exe would
 * hand a GUI program its own console handles, which Windows' does not, so
 * cmd.exe is not used), waits for it, and writes what the console then
 * shows to the standard output it was started with, and the program's exit
 * status to its standard error.
 *
 *   console-window.exe "\"C:\path\Replay Rescue.exe\" --version"
 *
 * Exit status: 0 when the console was read, 2 when something here failed,
 * 3 when the program was still running after 60 s. */
#include <windows.h>
#include <stdio.h>
#include <wchar.h>

static HANDLE report, errors;

static void say(const char *s)
{
    DWORD n;
    WriteFile(report, s, (DWORD)strlen(s), &n, NULL);
}

static int fail(const char *what)
{
    char b[256];
    snprintf(b, sizeof b, "console-window: %s failed (error %lu)\n", what, GetLastError());
    say(b);
    return 2;
}

int wmain(int argc, wchar_t **argv)
{
    report = GetStdHandle(STD_OUTPUT_HANDLE);
    errors = GetStdHandle(STD_ERROR_HANDLE);
    if (argc != 2) {
        say("usage: console-window.exe COMMAND-LINE\n");
        return 2;
    }
    FreeConsole();
    if (!AllocConsole())
        return fail("AllocConsole");

    static wchar_t cmd[32768];
    wcsncpy(cmd, argv[1], 32767);
    STARTUPINFOW si = {sizeof si};
    PROCESS_INFORMATION pi;
    if (!CreateProcessW(NULL, cmd, NULL, NULL, FALSE, DETACHED_PROCESS, NULL, NULL, &si, &pi))
        return fail("CreateProcess");
    DWORD waited = WaitForSingleObject(pi.hProcess, 60000), status = 0;
    GetExitCodeProcess(pi.hProcess, &status);
    CloseHandle(pi.hThread);
    CloseHandle(pi.hProcess);
    char b[64];
    snprintf(b, sizeof b, "exit status %lu\n", status);
    WriteFile(errors, b, (DWORD)strlen(b), &status, NULL);

    HANDLE con = CreateFileW(L"CONOUT$", GENERIC_READ | GENERIC_WRITE, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (con == INVALID_HANDLE_VALUE)
        return fail("opening CONOUT$");
    CONSOLE_SCREEN_BUFFER_INFO info;
    if (!GetConsoleScreenBufferInfo(con, &info))
        return fail("GetConsoleScreenBufferInfo");
    int width = info.dwSize.X;
    static wchar_t line[4096];
    static char utf8[4 * 4096];
    if (width > 4096)
        width = 4096;
    for (SHORT y = 0; y <= info.dwCursorPosition.Y; y++) {
        DWORD got = 0;
        COORD at = {0, y};
        if (!ReadConsoleOutputCharacterW(con, line, (DWORD)width, at, &got))
            return fail("ReadConsoleOutputCharacter");
        while (got > 0 && (line[got - 1] == L' ' || line[got - 1] == 0))
            got--;
        int n = WideCharToMultiByte(CP_UTF8, 0, line, (int)got, utf8, sizeof utf8 - 2, NULL, NULL);
        utf8[n] = '\n';
        utf8[n + 1] = 0;
        say(utf8);
    }
    if (waited != WAIT_OBJECT_0) {
        say("console-window: the program was still running after 60 s\n");
        return 3;
    }
    return 0;
}
