import Foundation
import Imaging

/// Recognizes many image files with `jobs` workers, each taking ``chunk`` files at a time (the
/// lines of a chunk go through the network together), and hands the outcomes over in input order
/// as soon as every earlier one is known, so that output can be written while the batch runs.
/// A file of several pages (a TIFF) gives each of its pages (or those of ``pages``), read one at
/// a time so that a long document never sits in memory whole. A file that cannot be read or
/// recognized is an outcome like any other: the rest go on.
public final class FileBatch: @unchecked Sendable {
    // @unchecked: the mutable state below is only touched under `lock`.
    public let paths: [String]
    public let recognizer: Recognizer
    public let jobs: Int
    /// The pages read of each file (from 1; nil: all); a file with none of them is a failure.
    public let pages: ClosedRange<Int>?
    /// Files a worker takes at once.
    public static let chunk = 16

    /// Why one file gave no text.
    public enum Failure: Error {
        case unreadable(ImageError)
        case unrecognized(RecognitionError)
    }

    /// A file's pages, read; or why it gave no text.
    public typealias Outcome = Result<[DocumentPage], Failure>

    private let lock = NSLock()
    private var nextChunk = 0
    private var ready = [Int: Outcome]()
    private var nextToDeliver = 0
    private var stopped = false

    public init(paths: [String], recognizer: Recognizer, jobs: Int, pages: ClosedRange<Int>? = nil) {
        self.paths = paths
        self.recognizer = recognizer
        self.jobs = jobs
        self.pages = pages
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
            // Single images go through the network together; a document's pages one by one.
            var images = [GrayImage](), decoded = [(index: Int, resolution: (x: Double, y: Double)?)](), outcomes = [Int: Outcome]()
            for i in start..<min(start + Self.chunk, paths.count) {
                do throws(ImageError) {
                    let bytes = try decoder.readImageFile(paths[i])
                    let count = try decoder.pageCount(bytes, name: paths[i])
                    let wanted = pages.map { $0.clamped(to: 1...max(1, count)) } ?? 1...count
                    guard pages.map({ $0.lowerBound <= count }) ?? true else {
                        throw ImageError(file: paths[i], reason: .noSuchPage(pages!.lowerBound, pages: count))
                    }
                    if count == 1 {
                        let (image, resolution) = try decoder.decodeGrayPage(bytes, page: 1, name: paths[i])
                        images.append(image)
                        decoded.append((i, resolution))
                        continue
                    }
                    var read = [DocumentPage](), failure: Failure?
                    for page in wanted {
                        let (image, resolution) = try decoder.decodeGrayPage(bytes, page: page, name: paths[i])
                        switch recognizer.recognize([image])[0] {
                        case .success(let result):
                            read.append(DocumentPage(result: result, imagePath: paths[i], number: page, resolution: resolution))
                        case .failure(let error):
                            failure = .unrecognized(error)
                        }
                        if failure != nil { break }
                    }
                    outcomes[i] = failure.map { .failure($0) } ?? .success(read)
                } catch {
                    outcomes[i] = .failure(.unreadable(error))
                }
            }
            for (file, result) in zip(decoded, recognizer.recognize(images)) {
                outcomes[file.index] = result.map { [DocumentPage(result: $0, imagePath: paths[file.index], resolution: file.resolution)] }
                    .mapError { .unrecognized($0) }
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
