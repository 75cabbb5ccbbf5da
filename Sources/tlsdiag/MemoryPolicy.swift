#if canImport(CMalloc) && os(Linux)
import CMalloc
#endif

/// How the process hands memory back to the system.
enum MemoryPolicy {
    /// glibc's allocator raises its mmap threshold each time a large block is freed, after which large blocks
    /// (the listing's arrays, batches handed between threads, sort buffers) come from the heaps and stay there
    /// when freed: with two workers (three threads, three heaps) the peak of an 800 MB capture went from 62 to
    /// 68 MB. A fixed threshold (glibc's starting value, 128 KiB) keeps large blocks in their own mappings, which
    /// return to the system when freed.
    static func returnLargeBlocksWhenFreed() {
        #if canImport(CMalloc) && os(Linux)
        _ = mallopt(M_MMAP_THRESHOLD, 128 << 10)
        #endif
    }
}
