import Foundation
import Imaging
import NeuralEngine
import Platform

/// Reads text from images with a loaded model. Load it once; it is safe to use from many threads
/// and tasks at once (recognition never changes the model).
///
///     let recognizer = try Recognizer()                        // the shipped model
///     let result = try recognizer.recognize(contentsOf: URL(fileURLWithPath: "line.png"))
///     print(result.text, result.confidence)
public final class Recognizer: @unchecked Sendable {
    // @unchecked: `model` is a class whose weights are only read after loading.
    public let model: OCRModel
    /// Prefix beam search width; 1 is greedy decoding.
    public let beamWidth: Int
    /// The beam width used unless another is given: 8 prefixes, chosen on the tuning set
    /// (datasets/make-tuning.sh) with the spelling model; the network's time per line dwarfs the
    /// search's either way. The figures are in HISTORY.md.
    public static let defaultBeamWidth = 8
    /// How much the spelling model counts in beam search unless told otherwise: chosen on lines
    /// of the validation fonts and license texts that the held-out set does not use (the figures
    /// are in HISTORY.md).
    public static let defaultSpellingWeight: Float = 0.6
    /// The spelling model beam search adds to the network's scores, and its weight; nil for none
    /// (and unused with greedy decoding).
    public let spelling: WeightedSpelling?
    /// When set, only these characters may be read.
    public let allowedCharacters: Set<Character>?
    /// What an image is taken to be: a page (the default), one block of lines, or one line.
    public let layout: LayoutMode
    /// Lines recognized together in one network pass (grouped by width).
    public let batchSize: Int
    /// At most this many columns (lines × the widest, at network height) in one network pass.
    public let columnBudget = 4096
    /// The widest line read, in columns once scaled to the network's height (a 1000x40 line is
    /// 800): wider ones (a 1,000,000 x 1 image would be 32 million) are refused, so that one image
    /// cannot take all memory.
    public static let maxLineColumns = 20_000
    /// The most columns, at the network's height, that the lines of one image may have together
    /// (a page of 150 lines 3,000 px wide is about 450,000): the work one image may cost.
    public static let maxImageColumns = 1_000_000
    private let allowedClasses: Set<Int>?

    /// A recognizer for `model`, with `spelling` (a spelling model and its weight) in beam search.
    public init(model: OCRModel, beamWidth: Int = Recognizer.defaultBeamWidth, allowedCharacters: Set<Character>? = nil,
                layout: LayoutMode = .auto, batchSize: Int = 16, spelling: WeightedSpelling? = nil) {
        precondition(beamWidth >= 1 && batchSize >= 1, "beam width and batch size must be at least 1")
        self.model = model
        self.beamWidth = beamWidth
        self.allowedCharacters = allowedCharacters
        self.layout = layout
        self.batchSize = batchSize
        self.spelling = spelling
        allowedClasses = allowedCharacters.map { Set($0.compactMap { model.charset.index(of: $0) }) }
    }

    /// A recognizer for the model file at `path`, or for the shipped model when `path` is nil,
    /// with the spelling model of the word list beside it (`X.words.txt` beside
    /// `X.safetensors`; the shipped model has one) when there is one, `spellingWeight` > 0 and
    /// `beamWidth` > 1.
    public convenience init(modelPath path: String? = nil, beamWidth: Int = Recognizer.defaultBeamWidth,
                            allowedCharacters: Set<Character>? = nil, layout: LayoutMode = .auto,
                            spellingWeight: Float = Recognizer.defaultSpellingWeight) throws(RecognitionError) {
        let modelPath: String
        do { modelPath = try ModelLocation.model(named: path) } catch { throw .model(error) }
        let model: OCRModel
        do { model = try OCRModel.load(contentsOf: modelPath) } catch { throw .model(error) }
        let spelling: WeightedSpelling?
        do {
            spelling = try WeightedSpelling.load(forModel: modelPath, weight: spellingWeight, beamWidth: beamWidth)
        } catch {
            throw .wordList(error)
        }
        self.init(model: model, beamWidth: beamWidth, allowedCharacters: allowedCharacters, layout: layout,
                  spelling: spelling)
    }

    // MARK: inputs

    /// Reads a PNG or JPEG file.
    public func recognize(contentsOf url: URL) throws(RecognitionError) -> RecognitionResult {
        let image: GrayImage
        do { image = try ImageDecoder().decodeGray(contentsOf: url.path) } catch { throw .image(error) }
        return try recognize(image)
    }

    /// Reads PNG or JPEG bytes held in memory.
    public func recognize(imageData: [UInt8]) throws(RecognitionError) -> RecognitionResult {
        let image: GrayImage
        do { image = try ImageDecoder().decodeGray(imageData) } catch { throw .image(error) }
        return try recognize(image)
    }

    /// Reads 8-bit gray pixels, `width * height` of them, rows top to bottom.
    public func recognize(pixels: [UInt8], width: Int, height: Int) throws(RecognitionError) -> RecognitionResult {
        guard width > 0, height > 0, pixels.count == width * height else {
            throw .badPixelBuffer(count: pixels.count, width: width, height: height)
        }
        return try recognize(GrayImage(width: width, height: height, pixels: pixels))
    }

    /// Reads a decoded image.
    public func recognize(_ image: GrayImage) throws(RecognitionError) -> RecognitionResult {
        try recognize([image])[0].get()
    }

    /// Reads several images together: their lines are batched by width, which is faster than one
    /// image at a time. Each image gives its result or why it was refused (a line too wide, too
    /// much text, a network output that is not finite); one refused image does not stop the rest.
    public func recognize(_ images: [GrayImage]) -> [Result<RecognitionResult, RecognitionError>] {
        var results = [Result<RecognitionResult, RecognitionError>](repeating: .success(RecognitionResult(lines: [])),
                                                                    count: images.count)
        var lines = [(image: Int, line: SegmentedLine, block: Int)]()
        for (i, image) in images.enumerated() {
            let upright = model.preprocessing.upright(image)
            let whole = PixelBox(x: 0, y: 0, width: image.width, height: image.height)
            var skew: Float = 0, photos = [PixelBox]()
            let blocks: [TextBlock]
            switch layout {
            case .auto:
                let page = PageLayout().layout(of: upright)
                blocks = page.blocks
                skew = page.skewDegrees
                photos = page.photos
            case .column: blocks = [TextBlock(box: whole, lines: LineSegmenter().lines(in: upright))]
            case .line: blocks = [TextBlock(box: whole, lines: [SegmentedLine(box: whole, image: upright)])]
            }
            results[i] = .success(RecognitionResult(lines: [], blocks: blocks.map { RecognizedBlock(box: $0.box) },
                                                    skewDegrees: skew, photos: photos, width: image.width,
                                                    height: image.height))
            let found = blocks.flatMap(\.lines)
            let blockOf = blocks.enumerated().flatMap { b, block in block.lines.map { _ in b } }
            // The work and memory a line costs, known before it is scaled.
            let columns = found.map { networkColumns($0.image) }
            if let k = columns.firstIndex(where: { $0 > Self.maxLineColumns }) {
                results[i] = .failure(.lineTooWide(width: found[k].image.width, height: found[k].image.height, columns: columns[k]))
                continue
            }
            if columns.reduce(0, +) > Self.maxImageColumns {
                results[i] = .failure(.tooMuchText(columns: columns.reduce(0, +)))
                continue
            }
            lines += zip(found, blockOf).map { (i, $0, $1) }
        }
        let read = recognizeLines(lines.map(\.line))
        // A drop capital read on its own begins the next line's text.
        var initial = [Int: RecognizedLine]()
        for ((image, segmented, block), line) in zip(lines, read) {
            guard case .success(var result) = results[image] else { continue }
            guard var line else {
                results[image] = .failure(.nonFiniteOutput)
                continue
            }
            if segmented.joinsNext {
                // A drop capital is a letter or a figure: a mark read beside it is a smudge.
                line.characters = line.characters.filter { $0.character.isLetter || $0.character.isNumber }
                line.text = String(line.characters.map(\.character))
                initial[image] = line
                continue
            }
            if let cap = initial.removeValue(forKey: image) {
                line.characters = cap.characters + line.characters
                line.text = cap.text + line.text
                line.confidence = min(cap.confidence, line.confidence)
                line.box = cap.box.union(line.box)
            }
            line.block = block
            result.lines.append(line)
            results[image] = .success(result)
        }
        // A drop capital with no line after it is a line of its own.
        for (image, cap) in initial {
            guard case .success(var result) = results[image] else { continue }
            var line = cap
            line.block = max(0, result.blocks.count - 1)
            result.lines.append(line)
            results[image] = .success(result)
        }
        return results
    }

    /// A line's width once scaled to the network's height (its margin aside), without scaling it.
    func networkColumns(_ line: GrayImage) -> Int {
        line.height == 0 ? 0 : (line.width * model.preprocessing.height + line.height - 1) / line.height
    }

    /// Async variant of ``recognize(contentsOf:)``, run off the caller's task.
    public func recognize(contentsOf url: URL) async throws(RecognitionError) -> RecognitionResult {
        let result: Result<RecognitionResult, RecognitionError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(RecognitionError) { continuation.resume(returning: .success(try self.recognize(contentsOf: url))) }
                catch { continuation.resume(returning: .failure(error)) }
            }
        }
        return try result.get()
    }

    // MARK: lines

    /// Recognizes upright (dark on light) line images, batched by similar width; results in input
    /// order, nil for a line whose network output is not finite.
    func recognizeLines(_ lines: [SegmentedLine]) -> [RecognizedLine?] {
        let prepared = lines.map { model.preprocessing.networkImage(upright: $0.image) }
        let normalized = prepared.map(\.image)
        let order = normalized.indices.sorted { normalized[$0].width < normalized[$1].width }
        var out = [RecognizedLine?](repeating: nil, count: lines.count)
        // Batches of up to `batchSize` lines whose padded size stays within `columnBudget`
        // columns (lines × widest), so memory does not depend on how wide the widest lines are.
        var groups = [[Int]](), current = [Int]()
        // A line without ink reads as nothing: the network is not asked, so the spelling model
        // cannot make words out of its noise.
        for index in order where !prepared[index].hasInk {
            out[index] = RecognizedLine(text: "", confidence: 1, characters: [], box: lines[index].box)
        }
        for index in order where prepared[index].hasInk {
            let widest = max(current.last.map { normalized[$0].width } ?? 0, normalized[index].width)
            if !current.isEmpty && (current.count == batchSize || (current.count + 1) * widest > columnBudget) {
                groups.append(current)
                current = []
            }
            current.append(index)
        }
        if !current.isEmpty { groups.append(current) }
        for group in groups {
            let decoded = decodeBatch(model, images: group.map { normalized[$0] }, beamWidth: beamWidth,
                                      allowed: allowedClasses, spelling: spelling)
            for (index, decodedLine) in zip(group, decoded) where decodedLine.finite {
                out[index] = Self.line(decodedLine.characters, steps: decodedLine.steps, networkWidth: normalized[index].width,
                                       addedLeft: prepared[index].addedLeft, scaledWidth: prepared[index].scaledWidth,
                                       line: lines[index])
            }
        }
        return out
    }

    /// Characters' time steps mapped back to the page: step t covers network columns
    /// [t·W/T, (t+1)·W/T) of the `networkWidth` W; past the `addedLeft` columns of paper added
    /// on the left, they are the line scaled to `scaledWidth` columns, so they are scaled back by
    /// the line's width over that, clipped to the line, and offset by the line's box.
    static func line(_ characters: [DecodedCharacter], steps: Int, networkWidth: Int, addedLeft: Int, scaledWidth: Int,
                     line: SegmentedLine) -> RecognizedLine {
        let perStep = Double(networkWidth) / Double(max(steps, 1))
        let scale = Double(line.image.width) / Double(max(scaledWidth, 1))  // the image as read (spaces narrowed)
        func column(_ step: Int, _ rule: FloatingPointRoundingRule) -> Int {
            min(max(Int(((Double(step) * perStep - Double(addedLeft)) * scale).rounded(rule)), 0), line.image.width)
        }
        let image = line.image
        // Ink: darker than halfway between the line's darkest and lightest pixels.
        let threshold = (Int(image.pixels.min() ?? 0) + Int(image.pixels.max() ?? 255) + 1) / 2
        let mapped = characters.map { c -> RecognizedCharacter in
            let from = min(column(c.steps.lowerBound, .down), image.width - 1)
            let to = max(column(c.steps.upperBound + 1, .up), from + 1)
            // The rows of ink in the character's columns, taken back to the page's rows.
            var top = Int.max, bottom = -1
            if !c.character.isWhitespace {
                for r in 0..<image.height {
                    for i in from..<to where Int(image[i, r]) < threshold {
                        top = min(top, r); bottom = r
                        break
                    }
                }
            }
            let middle = (from + to) / 2
            // Back to the line's columns, where its wide spaces were narrowed.
            let left = line.box.x + line.lineColumn(from), right = line.box.x + line.lineColumn(to - 1) + 1
            let box = bottom < 0 ? PixelBox(x: left, y: line.box.y, width: right - left, height: line.box.height)
                : PixelBox(x: left, y: line.pageRow(top, atColumn: middle), width: right - left, height: bottom - top + 1)
            return RecognizedCharacter(character: c.character, confidence: c.confidence, x: left..<right, box: box)
        }
        var read = RecognizedLine(text: String(mapped.map(\.character)), confidence: mapped.map(\.confidence).min() ?? 1,
                                  characters: mapped, box: line.box)
        read.slope = line.slope
        return read
    }
}
