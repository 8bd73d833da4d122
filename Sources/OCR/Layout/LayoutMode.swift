/// What an image is taken to be, as Tesseract's page segmentation modes say it.
public enum LayoutMode: String, CaseIterable, Sendable {
    /// A page: columns and blocks in reading order, each split into lines; an image only a few
    /// lines tall is split into lines as one block, and a single line is read whole.
    case auto
    /// One block of lines: split into lines, never into columns.
    case column
    /// One line: read whole.
    case line
}
