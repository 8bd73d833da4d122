import Synchronization
import Platform

/// SIGINT and SIGTERM turned into a flag that a long loop polls, so it can stop at a safe point
/// (after a step, with a checkpoint written) instead of dying in the middle of a write.
enum StopSignal {
    /// The signal received (0: none), set by the handler. An atomic, so the polling loop really
    /// reads it each time (a plain global may be read once and kept in a register).
    static let flag = Atomic<Int32>(0)
    static var received: Int32 { flag.load(ordering: .relaxed) }

    /// Routes SIGINT and SIGTERM to ``received``; a second signal of the same kind ends the process.
    static func install() {
        // A parent may have started us with these signals blocked (the mask is inherited).
        var unblock = sigset_t()
        sigemptyset(&unblock)
        sigaddset(&unblock, SIGINT)
        sigaddset(&unblock, SIGTERM)
        sigprocmask(SIG_UNBLOCK, &unblock, nil)
        for sig in [SIGINT, SIGTERM] {
            signal(sig) { number in
                if StopSignal.received != 0 {
                    signal(number, SIG_DFL)
                    raise(number)
                }
                StopSignal.flag.store(number, ordering: .relaxed)
            }
        }
    }

    static var name: String { received == SIGINT ? "SIGINT" : "SIGTERM" }
}
