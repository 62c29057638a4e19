/* Test scaffolding for `make check-windows`, never shipped: Go 1.24+ needs
 * ProcessPrng from bcryptprimitives.dll, which Wine 8 lacks. This DLL gives
 * it over RtlGenRandom (advapi32's SystemFunction036) and is put only into
 * the check's own Wine prefix. Real Windows 10/11 has its own. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG n = size > 0x40000000 ? 0x40000000 : (ULONG)size;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        size -= n;
    }
    return TRUE;
}
