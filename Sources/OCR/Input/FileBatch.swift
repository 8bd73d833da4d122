import Foundation
import Imaging

/// Recognizes many image files with `jobs` workers, each taking ``chunk`` files at a time (the
/// lines of a chunk go through the network together), and hands the outcomes over in input order
/// as soon as every earlier one is known, so that output can be written while the batch runs.
/// A file that cannot be read or recognized is an outcome like any other: the rest go on.
public final class FileBatch: @unchecked Sendable {
    // @unchecked: the mutable state below is only touched under `lock`.
    public let paths: [String]
    public let recognizer: Recognizer
    public let jobs: Int
    /// Files a worker takes at once.
    public static let chunk = 16

    /// Why one file gave no text.
    public enum Failure: Error {
        case unreadable(ImageError)
        case unrecognized(RecognitionError)
    }

    public typealias Outcome = Result<RecognitionResult, Failure>

    private let lock = NSLock()
    private var nextChunk = 0
    private var ready = [Int: Outcome]()
    private var nextToDeliver = 0
    private var stopped = false

    public init(paths: [String], recognizer: Recognizer, jobs: Int) {
        self.paths = paths
        self.recognizer = recognizer
        self.jobs = jobs
    }

    /// Runs the batch. `deliver` gets the next outcomes in input order, with their indices into
    /// ``paths``, one call at a time; when it returns false no further chunk is started (a reader
    /// that went away) and the batch ends once the chunks in hand are done.
    public func run(deliver: ([(index: Int, outcome: Outcome)]) -> Bool) {
        let workers = min(jobs, max(1, (paths.count + Self.chunk - 1) / Self.chunk))
        DispatchQueue.concurrentPerform(iterations: workers) { _ in work(deliver) }
    }

    private func work(_ deliver: ([(index: Int, outcome: Outcome)]) -> Bool) {
        let decoder = ImageDecoder()
        while true {
            lock.lock()
            if stopped { nextChunk = paths.count }
            let start = nextChunk
            nextChunk += Self.chunk
            lock.unlock()
            if start >= paths.count { return }
            var images = [GrayImage](), decoded = [Int](), outcomes = [Int: Outcome]()
            for i in start..<min(start + Self.chunk, paths.count) {
                do {
                    images.append(try decoder.decodeGray(contentsOf: paths[i]))
                    decoded.append(i)
                } catch {
                    outcomes[i] = .failure(.unreadable(error))
                }
            }
            for (i, result) in zip(decoded, recognizer.recognize(images)) {
                outcomes[i] = result.mapError { .unrecognized($0) }
            }
            lock.lock()
            ready.merge(outcomes) { a, _ in a }
            var next = [(index: Int, outcome: Outcome)]()
            while let outcome = ready.removeValue(forKey: nextToDeliver) {
                next.append((nextToDeliver, outcome))
                nextToDeliver += 1
            }
            if !next.isEmpty && !stopped { stopped = !deliver(next) }
            lock.unlock()
        }
    }
}
