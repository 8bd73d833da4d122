import Foundation
import Platform

/// Where a batch's outputs go with an output folder: one file per input and format,
/// `DIRECTORY/NAME.EXT`, NAME from the input's path (``names(of:)``), so that `a/x.png` and
/// `b/x.png` stay apart. Each file is written under a
/// temporary name and renamed into place, so a batch stopped at any moment (killed, a node
/// lost) leaves only whole files, and ``allExist(name:)`` tells a resumed batch what is done.
public struct OutputFiles: Sendable {
    public let directory: String
    public let formats: [OutputFormat]
    /// PDFs with their text layer drawn (to see where it lies), not hidden.
    public var visiblePDFText = false

    public init(directory: String, formats: [OutputFormat]) {
        self.directory = directory
        self.formats = formats
    }

    /// The output names of a batch's inputs, each a path found in the folder input it names or
    /// given by itself (nil): the path from the deepest folder the inputs share (a folder input
    /// counting as its folder, a file given by itself as the folder it is in), without its
    /// ending. So a folder's tree is mirrored (`in/a/x.png`, `in/b/x.png` given as `in`: `a/x`,
    /// `b/x`), two folders keep their names (`a/x`, `b/x` for the folders `a` and `b`), a file is
    /// its name (`scan.tif`: `scan`), and a list's paths keep what sets them apart
    /// (`/scans/a/x.tif`, `/scans/b/x.tif`: `a/x`, `b/x`). `.` and `..` are left out, so no name
    /// leads out of the output folder. Give all of a batch's inputs, before any sharding, so that
    /// every shard names a file alike.
    public static func names(of inputs: [(path: String, folder: String?)]) -> [String] {
        func components(_ path: String) -> [String] {
            path.split(separator: "/").map(String.init).filter { $0 != "." }
        }
        let bases = inputs.map { components($0.folder ?? ($0.path as NSString).deletingLastPathComponent) }
        var shared = bases.first ?? []
        for base in bases.dropFirst() { shared = Array(zip(shared, base).prefix { $0 == $1 }.map(\.0)) }
        // Absolute and relative paths share no folder.
        if Set(inputs.map { $0.path.hasPrefix("/") }).count > 1 { shared = [] }
        return inputs.map { input in
            var parts = components((input.path as NSString).deletingPathExtension)
            if parts.count > shared.count && parts.starts(with: shared) { parts.removeFirst(shared.count) }
            let name = parts.filter { $0 != ".." }.joined(separator: "/")
            return name.isEmpty ? "_" : name
        }
    }

    /// The names more than one input would write to, each with those inputs.
    public static func collisions(_ names: [String], paths: [String]) -> [(name: String, paths: [String])] {
        var byName = [String: [String]]()
        for (name, path) in zip(names, paths) { byName[name, default: []].append(path) }
        return byName.filter { $0.value.count > 1 }.map { ($0.key, $0.value) }.sorted { $0.name < $1.name }
    }

    /// The file of input `name` in `format`.
    public func path(name: String, format: OutputFormat) -> String {
        (directory as NSString).appendingPathComponent(name + "." + format.fileExtension)
    }

    /// Whether every format's file of input `name` is there (a resumed batch skips it).
    public func allExist(name: String) -> Bool {
        formats.allSatisfy { FileManager.default.fileExists(atPath: path(name: name, format: $0)) }
    }

    /// The file of page `number` (from 2) of a document of several pages in PAGE XML, which
    /// holds one page a file (page 1 has ``path(name:format:)``).
    public func pagePath(name: String, number: Int) -> String {
        (directory as NSString).appendingPathComponent("\(name)-page\(number).\(OutputFormat.page.fileExtension)")
    }

    /// Writes each format's file of input `name` (making its folders), each whole or not at all.
    /// PAGE XML of several pages is a file a page, the first page's written last, so that its
    /// being there says the others are.
    public func write(_ pages: [DocumentPage], name: String, created: Date) throws(FileError) {
        // Every format's bytes first: a page whose image cannot be read again writes nothing.
        var files = [(path: String, bytes: [UInt8])]()
        for format in formats {
            do {
                if format == .page && pages.count > 1 {
                    for (k, page) in pages.enumerated().reversed() {
                        files.append((k == 0 ? path(name: name, format: format) : pagePath(name: name, number: k + 1),
                                      try format.data(of: [page], created: created, visibleText: visiblePDFText)))
                    }
                } else {
                    files.append((path(name: name, format: format), try format.data(of: pages, created: created, visibleText: visiblePDFText)))
                }
            } catch {
                throw FileError(file: error.file ?? name, reason: error.reason.message)
            }
        }
        for (target, bytes) in files {
            let folder = (target as NSString).deletingLastPathComponent
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw FileError(file: folder, reason: "cannot make the folder: \(error.localizedDescription)")
            }
            do {
                try writeFileAtomically(bytes, to: target)
            } catch {
                throw FileError(file: target, error)
            }
        }
    }
}
