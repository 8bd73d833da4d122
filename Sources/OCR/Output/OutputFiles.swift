import Foundation
import Platform

/// Where a batch's outputs go with an output folder: one file per input and format,
/// `DIRECTORY/NAME.EXT`, NAME the input's path within the folder input it was found in (that
/// folder's own name first, so `a/x.png` and `b/x.png` stay apart) or, for a file given by
/// itself, its file name, either without its image ending. Each file is written under a
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

    /// The output name of `path`: found in the folder input `folder` (as given), or given by
    /// itself (`folder` nil).
    public static func name(of path: String, inFolder folder: String?) -> String {
        let withoutEnding = ((path as NSString).deletingPathExtension as NSString)
        guard let folder else { return withoutEnding.lastPathComponent }
        let base = (folder as NSString).standardizingPath
        var relative = withoutEnding as String
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        if relative.hasPrefix(prefix) { relative.removeFirst(prefix.count) }
        // The folder's own name comes first, unless it has none of its own (".", "/", "..").
        let own = (base as NSString).lastPathComponent
        return own == "." || own == "/" || own == ".." || own.isEmpty ? relative : own + "/" + relative
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
