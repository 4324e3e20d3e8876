#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry point for programs with their own main (libclang_rt.fuzzer_no_main, linked
// by scripts/fuzz): parses libFuzzer's options from argv and calls `callback` per input.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
