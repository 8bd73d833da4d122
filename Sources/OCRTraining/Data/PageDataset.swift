import Foundation
import OCR
import Platform

/// Finds pages with their ground truth: folders searched recursively for `X.png` / `.jpg` /
/// `.jpeg` with `X.gt.txt` beside them holding the page's text in reading order (the same names
/// as lines, but the whole file counts).
public enum PageDataset {
    /// Every page of the given folders, in a stable order.
    public static func load(_ folders: [String]) throws(FileError) -> [LineSample] {
        var pages = [LineSample]()
        for folder in folders {
            guard let isFolder = FolderSearch.isFolder(folder) else {
                throw FileError(file: folder, reason: "no such file or folder")
            }
            guard isFolder else { throw FileError(file: folder, reason: "pages come in folders (X.png with X.gt.txt)") }
            pages += try LineDataset.folder(folder, wholeText: true)
        }
        return pages
    }

    /// Whether the folders hold pages rather than lines: some ground truth has more than one
    /// line of text (of the first 50 in each folder). A page of one line reads the same either way.
    public static func holdsPages(_ sources: [String]) throws(FileError) -> Bool {
        for source in sources where FolderSearch.isFolder(source) == true {
            for sample in try LineDataset.folder(source, wholeText: true).prefix(50)
            where sample.text.split(whereSeparator: \.isNewline).filter({ !$0.allSatisfy(\.isWhitespace) }).count > 1 {
                return true
            }
        }
        return false
    }
}
