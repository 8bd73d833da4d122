// Allocator tuning for workloads that allocate and free multi-megabyte buffers on every pass.
#include "CKernels.h"

#if defined(__GLIBC__)
#include <malloc.h>
#endif

int ocr_keep_freed_buffers(void) {
#if defined(__GLIBC__)
    // Buffers up to 32 MB (the largest threshold glibc accepts) come from the heap, not a fresh
    // mapping each, and up to 512 MB of
    // freed memory stays there for reuse instead of going back to the system.
    return mallopt(M_MMAP_THRESHOLD, 32 << 20) && mallopt(M_TRIM_THRESHOLD, 512 << 20);
#else
    return 0;
#endif
}
