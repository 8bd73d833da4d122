import CKernels
import Dispatch
import Platform

/// How many threads the engine's kernels split their work across.
public enum Parallelism {
    nonisolated(unsafe) private static var configured = 0

    /// The thread count: `OCR_THREADS` if set, else the number of active cores, unless set (or
    /// overridden on the calling thread by ``withThreads(_:_:)``).
    public static var threads: Int {
        get {
            if let value = pthread_getspecific(overrideKey) { return Int(bitPattern: value) }
            return configured > 0 ? configured : defaultThreads
        }
        set {
            precondition(newValue >= 1, "thread count must be at least 1, got \(newValue)")
            configured = newValue
        }
    }

    /// Runs `body` with `count` as the thread count the calling thread sees; other threads are
    /// unaffected (tests running side by side each set their own).
    public static func withThreads<T>(_ count: Int, _ body: () throws -> T) rethrows -> T {
        precondition(count >= 1, "thread count must be at least 1, got \(count)")
        let saved = pthread_getspecific(overrideKey)
        pthread_setspecific(overrideKey, UnsafeRawPointer(bitPattern: count))
        defer { pthread_setspecific(overrideKey, saved) }
        return try body()
    }

    private static let overrideKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// Keeps large freed buffers in the process's heap for reuse (glibc only; elsewhere nothing).
    ///
    /// Every pass of the network allocates and frees buffers of megabytes. By default glibc maps
    /// each one afresh and unmaps it when freed, so every pass pays page faults, and the threads of
    /// one pass queue on the process's memory-map lock: measured, 2 threads ran batched inference
    /// only 1.1-1.4x faster than 1, and training 1.2x. Call once at startup in programs that run
    /// the network repeatedly; the `ocr` tool does. Memory freed stays with the process.
    @discardableResult
    public static func keepFreedBuffers() -> Bool { ocr_keep_freed_buffers() != 0 }

    static let defaultThreads: Int = {
        if let text = getenvString("OCR_THREADS"), let n = Int(text), n >= 1 { return n }
        return max(1, activeProcessorCount())
    }()

    /// Runs `body(item)` for every item in 0..<count on up to ``threads`` threads, thread t taking
    /// items t, t + threads, ... (interleaved, so that neighbours of similar cost spread evenly).
    public static func forEachItem(_ count: Int, _ body: (Int) -> Void) {
        let workers = min(threads, count)
        forEach(workers) { worker in
            for item in Swift.stride(from: worker, to: count, by: workers) { body(item) }
        }
    }

    /// Runs `body(i)` for i in 0..<count, spread over the threads (inline when count is 1). The
    /// calling thread's overrides (``withThreads(_:_:)``, the forced portable kernels) hold on the
    /// threads that run the parts too.
    public static func forEach(_ count: Int, _ body: (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        let override = pthread_getspecific(overrideKey), limit = ocr_kernels_limited()
        DispatchQueue.concurrentPerform(iterations: count) { i in
            let savedOverride = pthread_getspecific(overrideKey), savedLimit = ocr_kernels_limited()
            pthread_setspecific(overrideKey, override)
            ocr_kernels_limit(limit)
            defer {
                pthread_setspecific(overrideKey, savedOverride)
                ocr_kernels_limit(savedLimit)
            }
            body(i)
        }
    }
}

func getenvString(_ name: String) -> String? {
    guard let value = getenv(name) else { return nil }
    return String(cString: value)
}

func activeProcessorCount() -> Int {
    Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
}
