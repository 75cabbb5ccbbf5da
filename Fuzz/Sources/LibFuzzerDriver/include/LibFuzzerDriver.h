// libFuzzer's entry for programs that have their own main (compiler-rt's FuzzerInterface.h).
//
// SwiftPM links executables written in Swift with `--defsym main=<module>_main` (so that tests can link the
// executable's module); with -parse-as-library there is no such symbol, so each fuzz target defines
// `<module>_main` itself and hands over to libFuzzer's driver here.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
