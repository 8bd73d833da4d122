import Testing
@testable import OCR

/// Output names: from the folder an image was found in, or from the folder images given by
/// themselves share; never leading out of the output folder.
@Suite struct OutputFilesTests {
    @Test func namesKeepImagesApart() {
        // A folder's tree is mirrored; two folders keep their names.
        #expect(OutputFiles.names(of: [("scans/a/x.png", "scans"), ("scans/b/x.png", "scans/"), ("scans/c.png", "scans")])
                == ["a/x", "b/x", "c"])
        #expect(OutputFiles.names(of: [("scans/sub/x.png", "scans")]) == ["sub/x"])
        #expect(OutputFiles.names(of: [("in/a/x.png", "in/a"), ("in/b/x.png", "in/b")]) == ["a/x", "b/x"])
        #expect(OutputFiles.names(of: [("./a/x.png", "."), ("./b.png", ".")]) == ["a/x", "b"])
        // Files given by themselves: from the folder they share.
        #expect(OutputFiles.names(of: [("/data/s/a/x.tif", nil), ("/data/s/b/x.tif", nil), ("/data/s/c.tif", nil)]) == ["a/x", "b/x", "c"])
        #expect(OutputFiles.names(of: [("page.png", nil)]) == ["page"] && OutputFiles.names(of: [("/abs/dir/page.png", nil)]) == ["page"])
        // Paths that climb out: their ".." left out; relative and absolute share no folder.
        #expect(OutputFiles.names(of: [("../up/x.png", nil), ("y.png", nil)]) == ["up/x", "y"])
        #expect(OutputFiles.names(of: [("/a/x.png", nil), ("a/y.png", nil)]) == ["a/x", "a/y"])
        let files = OutputFiles(directory: "out", formats: [.alto, .page, .pdf])
        #expect(files.path(name: "a/x", format: .alto) == "out/a/x.alto.xml" && files.pagePath(name: "a/x", number: 2) == "out/a/x-page2.page.xml")
        #expect(OutputFiles.collisions(["a", "b", "a"], paths: ["1", "2", "3"]).map(\.paths) == [["1", "3"]])
    }
}
