import Foundation

/// Finds files in folder trees by how their names end (ignoring case): training images, fonts,
/// images to recognize.
public enum FolderSearch {
    /// What a walk found: the paths, relative to its root, of the matching files in walking
    /// order, and what it could not look into (a folder it may not read, a name that is not
    /// UTF-8, a path too long), each as `path: reason`.
    public struct Found: Sendable {
        public var files: [String] = []
        public var problems: [String] = []
    }

    /// The files below `root` (a folder, or a symbolic link to one) whose names end with one of
    /// `suffixes` (lowercase), sorted by name within each folder, and what could not be searched;
    /// nil if `root` itself cannot be listed. Links to folders below the root are not followed
    /// (a link cycle would never end); links to files are.
    public static func walk(_ root: String, endingWith suffixes: [String]) -> Found? {
        guard let top = opendir(root) else { return nil }
        closedir(top)
        var found = Found()
        func visit(_ relative: String) {
            let folder = relative.isEmpty ? root : root + "/" + relative
            guard let dir = opendir(folder) else {
                found.problems.append("\(folder): cannot read the folder: \(String(cString: strerror(errno)))")
                return
            }
            defer { closedir(dir) }
            var entries = [(name: String, isFolder: Bool)]()
            while let entry = readdir(dir) {
                let raw = withUnsafeBytes(of: entry.pointee.d_name) { Array($0.prefix { $0 != 0 }) }
                if raw == Array(".".utf8) || raw == Array("..".utf8) { continue }
                guard let name = String(validating: raw, as: UTF8.self) else {
                    let shown = raw.map { $0 >= 0x20 && $0 < 0x7F ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
                    found.problems.append("\(folder)/\(shown): the file name is not UTF-8 (rename it to read it)")
                    continue
                }
                let path = folder + "/" + name
                guard path.utf8.count < Int(PATH_MAX) else {
                    found.problems.append("\(path.prefix(80))...: the path is longer than \(PATH_MAX) bytes")
                    continue
                }
                var info = stat()
                let isFolder = lstat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                entries.append((name, isFolder))
            }
            for entry in entries.sorted(by: { $0.name < $1.name }) {
                let child = relative.isEmpty ? entry.name : relative + "/" + entry.name
                if entry.isFolder {
                    visit(child)
                } else if suffixes.contains(where: { entry.name.lowercased().hasSuffix($0) }) {
                    found.files.append(child)
                }
            }
        }
        visit("")
        return found
    }

    /// The files of ``walk(_:endingWith:)``, without the problems; nil if `root` cannot be listed.
    public static func files(under root: String, endingWith suffixes: [String]) -> [String]? {
        walk(root, endingWith: suffixes)?.files
    }

    /// Whether `path` names an existing folder, or a link to one (nil: nothing there).
    public static func isFolder(_ path: String) -> Bool? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        return isDirectory.boolValue
    }
}
