// Only the declaration in include/LibFuzzerDriver.h is needed; libFuzzer itself comes with -sanitize=fuzzer.
#include "LibFuzzerDriver.h"
