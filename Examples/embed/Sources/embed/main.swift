// Reads each image named on the command line with the shipped model and prints its text; says on
// standard error which model file it found.
import Foundation
import OCR

do {
    let recognizer = try Recognizer()
    FileHandle.standardError.write(Data("model: \(try ModelLocation.shippedModel() ?? "?")\n".utf8))
    for path in CommandLine.arguments.dropFirst() {
        print(try recognizer.recognize(contentsOf: URL(fileURLWithPath: path)).text)
    }
} catch {
    FileHandle.standardError.write(Data("embed: \(error)\n".utf8))
    exit(1)
}
