// Force-included (-include) into every translation unit of the bridge build,
// including Verilator's own runtime, so that everything the design prints
// ($display, $error text, Verilator's messages) goes through the bridge: it
// is forwarded to stdout and the last lines are kept for `finished.output`.
#ifndef MIRRORSIM_PRINT_HOOK_H
#define MIRRORSIM_PRINT_HOOK_H

#include <cstdarg>

#ifdef __cplusplus
extern "C" {
#endif
int mirrorsim_printf(const char* format, ...) __attribute__((format(printf, 1, 2)));
int mirrorsim_vprintf(const char* format, va_list ap);
#ifdef __cplusplus
}
#endif

#define VL_PRINTF mirrorsim_printf
#define VL_VPRINTF mirrorsim_vprintf

#endif
