import Foundation
import Platform

/// A batch's progress on standard error, one line redrawn in place at most twice a second:
/// pages done and pages per second, images done of all, the time left. Drawn only when `enabled` (standard
/// error a terminal); ``clear()`` wipes it before anything else is printed.
final class Progress {
    let total: Int, skipped: Int, enabled: Bool
    private let start = monotonicSeconds()
    private var done = 0, lastDrawn = -1.0, shown = false
    /// The pages read so far (a TIFF has several).
    var pages = 0

    init(total: Int, skipped: Int, enabled: Bool) {
        self.total = total
        self.skipped = skipped
        self.enabled = enabled
    }

    /// One more image done.
    func advance() {
        done += 1
        let now = monotonicSeconds()
        guard enabled, now - lastDrawn >= 0.5 || done == total else { return }
        lastDrawn = now
        let elapsed = max(now - start, 1e-9), rate = Double(done) / elapsed
        let left = rate > 0 ? Double(total - done) / rate : 0
        var line = "\(pages) page\(pages == 1 ? "" : "s"), \(String(format: "%.1f", Double(pages) / elapsed)) pages/s, \(done)/\(total) images, "
            + "\(Self.duration(left)) left"
        if skipped > 0 { line += " (\(skipped) done before)" }
        fputs("\r\u{1B}[K" + line, stderr)
        shown = true
    }

    /// Wipes the progress line, if one is shown.
    func clear() {
        guard shown else { return }
        fputs("\r\u{1B}[K", stderr)
        shown = false
    }

    /// The time since the batch began, in words.
    var elapsedText: String { Self.duration(monotonicSeconds() - start) }

    /// `42 s`, `3 min 5 s`, `2 h 10 min`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return seconds < 10 ? String(format: "%.1f s", seconds) : "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return "\(s / 3600) h \((s % 3600) / 60) min"
    }
}
