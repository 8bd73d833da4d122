import Foundation
import Imaging

/// A block of text on a page: where it is, and its lines top to bottom.
public struct TextBlock: Sendable {
    /// The bounding box of the block's ink in the page.
    public var box: PixelBox
    public var lines: [SegmentedLine]
}

/// Finds the blocks of text on a page and puts them in reading order. The page's light is evened
/// out when it is uneven (``GrayImage/evenlyLit(tile:)``); what is ink but not text (photos,
/// rules, frames, borders: ``NonTextInk``) is taken out, a photo keeping its place; then recursive
/// X-Y cuts on the page's blobs of ink (specks left out; each blob's extent in coordinates with
/// the page's skew taken out, so that the cuts run between blobs): a part of the page that is at least ``minimumColumnLines`` lines tall is cut at every vertical gap at least
/// ``gutterWidth`` letters wide that runs through all of it (columns, read left to right); a part
/// without such a gap is cut at every horizontal gap wider than the gaps between its lines (a title
/// above columns, paragraphs set apart, a page number, read top to bottom); a part with neither
/// is a block, whose lines ``LineSegmenter`` finds. Cutting at columns first keeps a column whole
/// where the gaps of two columns happen to line up; a title across the columns stops the vertical
/// gap, so it is cut off above them first. The unit, a letter, is the median height of the
/// letter-sized blobs of ink (about the x-height). All limits are in letters, so they hold at any
/// resolution. A drop capital at a block's top left is read on its own and begins the line beside
/// it; the wide blank runs inside a line are narrowed to ``widestSpace`` before it is read.
public struct PageLayout {
    /// The narrowest vertical gap between columns, in letters.
    public var gutterWidth: Float = 1.5
    /// The shallowest horizontal gap between blocks, in letters, and in gaps between lines (the
    /// median gap between rows of ink within upright slices of the page): the larger counts.
    public var blockGap: Float = 1.2
    public var lineGapRatio: Float = 1.6
    /// Columns are only looked for in parts of the page at least this many lines tall (a line is
    /// two letters), so that the gap between two words of a title does not make two columns.
    public var minimumColumnLines: Float = 3
    /// A strip below columns that keeps out of their gutters (the rest of a column where the next
    /// one ended higher up) goes on them when the gap above it is at most this many letters; a
    /// page number or footer further down stays a block of its own.
    public var columnBreak: Float = 4
    /// The largest skew of a page that is taken out, in degrees either way.
    public var maxSkewDegrees: Float = 5
    /// The widest blank run inside a line of a page, in line heights: wider ones (justified
    /// narrow columns, tables) are narrowed to this before the line is read.
    public var widestSpace: Float = 0.5
    /// A drop capital is at least this many letters tall (three lines of 10 pt are about 8).
    public var initialHeight: Float = 4
    public var lineSegmenter = LineSegmenter()
    public var nonText = NonTextInk()

    public init() {}

    /// The blocks of `image` (dark text on light paper) in reading order; one block holding the
    /// whole image when it has no columns or separated blocks (its lines as ``LineSegmenter``
    /// finds them in the whole image).
    public func blocks(in image: GrayImage) -> [TextBlock] { layout(of: image).blocks }

    /// A page's blocks in reading order and the skew that was taken out to find them.
    public struct Page: Sendable {
        public var blocks: [TextBlock]
        /// The page's skew in degrees (positive: the text runs uphill to the right, as on a page
        /// turned counter-clockwise), 0 when the image was too small or too plain to measure.
        public var skewDegrees: Float
        /// The boxes of the photos (and other pictures) that were left out, in no order.
        public var photos: [PixelBox] = []
    }

    /// Images at least this many pixels both ways have their light evened out when it is uneven.
    static let evenedSide = 320

    /// ``blocks(in:)`` with the skew and the photos.
    public func layout(of original: GrayImage) -> Page {
        var image = original
        // A page lit unevenly is evened out first, so that one threshold holds across it (the
        // squares about a letter wide on a page; an image too small to be a page is left alone).
        if image.width >= Self.evenedSide && image.height >= Self.evenedSide,
           let even = image.evenlyLit(tile: max(16, min(image.width, image.height) / 64)) {
            image = even
        }
        var found = lineSegmenter.ink(of: image)
        // The ink is found once, whether the page is cut or read as one block.
        var whole: Page {
            Page(blocks: [TextBlock(box: PixelBox(x: 0, y: 0, width: image.width, height: image.height),
                                    lines: lineSegmenter.lines(in: image, ink: found))], skewDegrees: 0)
        }
        // An image less than a few lines tall is a line or two (perhaps with bits of its
        // neighbours): it is read whole, as before pages were laid out.
        guard let raw = found, !raw.xs.isEmpty, var letter = Self.letterHeight(raw.blobHeights),
              Float(image.height) >= minimumColumnLines * 2 * letter else { return whole }
        // What is not text goes: photos, rules, borders, what lies beyond the page.
        let (ink, framed, beyond) = nonText.removing(from: raw, of: image, letter: letter)
        let photos = framed.map { box in
            let x0 = max(0, box.x), y0 = max(0, box.y)
            return PixelBox(x: x0, y: y0, width: min(image.width, box.x + box.width) - x0,
                            height: min(image.height, box.y + box.height) - y0)
        }
        found = ink
        // A photo's box is paper from here on: its grays, lighter than the page's ink, would be
        // ink to a block's own threshold.
        for photo in photos + beyond {
            for y in photo.y..<(photo.y + photo.height) {
                for x in photo.x..<(photo.x + photo.width) { image.pixels[y * image.width + x] = ink.paper }
            }
        }
        guard !ink.xs.isEmpty, let inkLetter = Self.letterHeight(ink.blobHeights) else {
            return Page(blocks: [], skewDegrees: 0, photos: photos)
        }
        letter = inkLetter
        let (xs, ys, specks, paper) = (ink.xs, ink.ys, ink.specks, ink.paper)
        let blobCount = ink.blobs.count
        // The skew out of the coordinates: rows follow the text lines, columns stand square to
        // them. Each blob's extent in the deskewed coordinates u = x - y·slope, v = y + x·slope;
        // the page is cut between blobs (a blob, being connected, spans its extent whole).
        let slope = pageSlope(xs: xs, ys: ys, width: image.width, height: image.height)
        let q = LineSegmenter.fixedPoint(slope)
        var extent = Extents(count: blobCount)
        // Blocks are set apart by more than the gap between the lines of a block: the median gap
        // between rows of ink within upright slices of the page (single- or double-spaced; a
        // slice holds about one column, whose lines' baselines the next column need not share).
        let reach = Int((abs(slope) * Float(image.width)).rounded(.up)) + 1
        let vBase = -reach, vCount = image.height + 2 * reach + 1
        var filled = [Bool](repeating: false, count: Self.skewSlices * vCount)
        let sliceOf = (0..<image.width).map { x in (0..<Self.skewSlices).last { $0 * image.width / Self.skewSlices <= x } ?? 0 }
        filled.withUnsafeMutableBufferPointer { filled in
            extent.uLo.withUnsafeMutableBufferPointer { uLo in
                extent.uHi.withUnsafeMutableBufferPointer { uHi in
                    extent.vLo.withUnsafeMutableBufferPointer { vLo in
                        extent.vHi.withUnsafeMutableBufferPointer { vHi in
                            for i in xs.indices {
                                let x = Int(xs[i]), y = Int(ys[i]), b = Int(ink.blobOfPixel[i])
                                let u = Int32(truncatingIfNeeded: x &- ((y &* q &+ 32768) >> 16))
                                let v = Int32(truncatingIfNeeded: y &+ ((x &* q &+ 32768) >> 16))
                                uLo[b] = min(uLo[b], u); uHi[b] = max(uHi[b], u)
                                vLo[b] = min(vLo[b], v); vHi[b] = max(vHi[b], v)
                                filled[sliceOf[x] &* vCount &+ Int(v) &- vBase] = true
                            }
                        }
                    }
                }
            }
        }
        var separation = blockGap * letter
        var lineGaps = [Int]()
        for k in 0..<Self.skewSlices {
            let rows = filled[(k * vCount)..<((k + 1) * vCount)]
            guard let first = rows.firstIndex(of: true), let last = rows.lastIndex(of: true) else { continue }
            var run = 0
            for r in first...last {
                if rows[r] { if run > 0 { lineGaps.append(run) }; run = 0 } else { run += 1 }
            }
        }
        if !lineGaps.isEmpty { separation = max(separation, lineGapRatio * Float(lineGaps.sorted()[lineGaps.count / 2])) }
        // A photo takes its place in the layout, though its ink is gone: points around its box
        // (a fraction of a letter apart, so they leave no gap) stand for it while the page is
        // cut, so that the column it sits in stays a column; a part of the page holding nothing
        // else is dropped.
        let step = max(1, Int(letter / 4))
        for photo in photos {
            let (x0, y0, x1, y1) = (photo.x, photo.y, photo.x + photo.width - 1, photo.y + photo.height - 1)
            var outline = [(Int, Int)]()
            for x in stride(from: x0, through: x1, by: step) { outline += [(x, y0), (x, y1)] }
            for y in stride(from: y0, through: y1, by: step) { outline += [(x0, y), (x1, y)] }
            for (x, y) in outline {
                extent.append(u: Int32(x - ((y &* q &+ 32768) >> 16)), v: Int32(y + ((x &* q &+ 32768) >> 16)))
            }
        }
        let parts = cut(Array(0..<extent.count), extent, letter: letter, separation: separation)
            .map { $0.filter { $0 < blobCount } }.filter { !$0.isEmpty }
        let skewDegrees = atan(slope) * 180 / .pi
        // The page without its specks and what is not text, to cut lines out of.
        var cleaned: GrayImage {
            var clean = image
            clean.pixels.withUnsafeMutableBufferPointer { pixels in for i in specks { pixels[i] = paper } }
            return clean
        }
        guard parts.count > 1 else {
            let block = whole.blocks[0]
            let caps = initials(of: Array(0..<blobCount), ink: ink, letter: letter, extent: extent)
            guard !caps.isEmpty else {
                return Page(blocks: [TextBlock(box: block.box, lines: narrowed(block.lines))], skewDegrees: skewDegrees, photos: photos)
            }
            // The lines found again without the drop capitals, which are read on their own.
            let clean = cleaned
            var rest = clean
            let isCap = Set(caps)
            for i in xs.indices where isCap.contains(Int(ink.blobOfPixel[i])) { rest.pixels[Int(ys[i]) * image.width + Int(xs[i])] = paper }
            let lines = caps.map { initialLine(ink.blobs[$0], clean, letter: letter) } + narrowed(lineSegmenter.lines(in: rest))
            return Page(blocks: [TextBlock(box: block.box, lines: lines)], skewDegrees: skewDegrees, photos: photos)
        }

        let clean = cleaned
        // Each part's box (its blobs'), its crop (a letter around it) and its drop capitals.
        var partOfBlob = [Int32](repeating: -1, count: blobCount), isCap = [Bool](repeating: false, count: blobCount)
        let margin = max(2, Int(letter.rounded()))
        var boxes = [PixelBox](), crops = [(x0: Int, y0: Int, x1: Int, y1: Int)](), capsOf = [[Int]]()
        for (p, part) in parts.enumerated() {
            var x0 = Int.max, x1 = -1, y0 = Int.max, y1 = -1
            for b in part {
                partOfBlob[b] = Int32(p)
                let blob = ink.blobs[b]
                x0 = min(x0, blob.minX); x1 = max(x1, blob.maxX); y0 = min(y0, blob.minY); y1 = max(y1, blob.maxY)
            }
            boxes.append(PixelBox(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1))
            crops.append((max(0, x0 - margin), max(0, y0 - margin), min(image.width, x1 + 1 + margin), min(image.height, y1 + 1 + margin)))
            let caps = initials(of: part, ink: ink, letter: letter, extent: extent)
            for b in caps { isCap[b] = true }
            capsOf.append(caps)
        }
        // Each blob's pixels (indices into `xs`), blob after blob; each part's ink (found once
        // for the page) in its crop's coordinates, drop capitals aside, part after part, its
        // blobs numbered anew in the order they come.
        var pixelsOfBlob = [Int](repeating: 0, count: blobCount + 1)
        for b in ink.blobOfPixel { pixelsOfBlob[Int(b) + 1] += 1 }
        var partStart = [Int](repeating: 0, count: parts.count + 1)
        for (p, part) in parts.enumerated() {
            partStart[p + 1] = partStart[p] + part.reduce(0) { $0 + (isCap[$1] ? 0 : pixelsOfBlob[$1 + 1]) }
        }
        for b in 0..<blobCount { pixelsOfBlob[b + 1] += pixelsOfBlob[b] }
        var byBlob = [Int32](repeating: 0, count: xs.count), nextOfBlob = Array(pixelsOfBlob.dropLast())
        var partX = [Int32](repeating: 0, count: partStart[parts.count]), partY = partX, partBlob = partX
        var nextOfPart = Array(partStart.dropLast())
        var local = [Int32](repeating: -1, count: blobCount), blobsOfPart = [[LineSegmenter.Blob]](repeating: [], count: parts.count)
        byBlob.withUnsafeMutableBufferPointer { byBlob in
            partX.withUnsafeMutableBufferPointer { partX in
                partY.withUnsafeMutableBufferPointer { partY in
                    partBlob.withUnsafeMutableBufferPointer { partBlob in
                        for i in xs.indices {
                            let b = Int(ink.blobOfPixel[i])
                            byBlob[nextOfBlob[b]] = Int32(i)
                            nextOfBlob[b] += 1
                            guard !isCap[b] else { continue }
                            let p = Int(partOfBlob[b])
                            if local[b] < 0 {
                                local[b] = Int32(blobsOfPart[p].count)
                                blobsOfPart[p].append(ink.blobs[b])
                            }
                            let k = nextOfPart[p]
                            partX[k] = xs[i] - Int32(crops[p].x0); partY[k] = ys[i] - Int32(crops[p].y0); partBlob[k] = local[b]
                            nextOfPart[p] = k + 1
                        }
                    }
                }
            }
        }
        var blocks = [TextBlock]()
        for p in parts.indices {
            let (cx0, cy0, cx1, cy1) = crops[p]
            let cw = cx1 - cx0
            // The block's picture holds its own ink only: other blocks' ink, and its drop
            // capitals (read on their own, before the lines they stand beside), are paper.
            var crop = clean.cropped(x: cx0, y: cy0, width: cw, height: cy1 - cy0)
            crop.pixels.withUnsafeMutableBufferPointer { pixels in
                for (b, blob) in ink.blobs.enumerated()
                where (partOfBlob[b] != Int32(p) || isCap[b]) && blob.maxX >= cx0 && blob.minX < cx1 && blob.maxY >= cy0 && blob.minY < cy1 {
                    for k in pixelsOfBlob[b]..<pixelsOfBlob[b + 1] {
                        let i = Int(byBlob[k]), x = Int(xs[i]), y = Int(ys[i])
                        if x >= cx0 && x < cx1 && y >= cy0 && y < cy1 { pixels[(y - cy0) * cw + x - cx0] = paper }
                    }
                }
            }
            let own = partStart[p]..<partStart[p + 1]
            let blockInk = LineSegmenter.Ink(xs: Array(partX[own]), ys: Array(partY[own]), blobOfPixel: Array(partBlob[own]),
                                             blobs: blobsOfPart[p], specks: [], paper: paper, threshold: ink.threshold)
            let lines = lineSegmenter.lines(in: crop, ink: crop.height >= 16 ? blockInk : nil).map { line in
                SegmentedLine(box: PixelBox(x: line.box.x + cx0, y: line.box.y + cy0, width: line.box.width,
                                            height: line.box.height), image: line.image,
                              rowOrigin: line.rowOrigin + cy0, slope: line.slope)
            }
            blocks.append(TextBlock(box: boxes[p], lines: capsOf[p].map { initialLine(ink.blobs[$0], clean, letter: letter) } + narrowed(lines)))
        }
        return Page(blocks: blocks, skewDegrees: skewDegrees, photos: photos)
    }

    /// Where the things the page is cut into lie in its deskewed coordinates: the least and
    /// greatest u (across the lines) and v (down the page) of each blob's pixels, and of the
    /// points that stand for a photo.
    struct Extents {
        var uLo: [Int32], uHi: [Int32], vLo: [Int32], vHi: [Int32]
        var count: Int { uLo.count }

        /// `count` empty extents.
        init(count: Int) {
            uLo = [Int32](repeating: .max, count: count); vLo = uLo
            uHi = [Int32](repeating: .min, count: count); vHi = uHi
        }

        mutating func append(u: Int32, v: Int32) {
            uLo.append(u); uHi.append(u); vLo.append(v); vHi.append(v)
        }
    }

    /// The drop capitals of a part of the page: blobs ``initialHeight`` to 12 letters tall at
    /// its top left (within a letter of its left edge and two of its top, in the page's deskewed
    /// coordinates `u`, `v`), in a part whose other blobs are mostly letters (their median at
    /// most two letters tall, at least ten of them), unlike a headline's. Blob numbers, left to right.
    func initials(of part: [Int], ink: LineSegmenter.Ink, letter: Float, extent: Extents) -> [Int] {
        guard let (left, _) = Self.range(part, extent.uLo, extent.uHi), let (top, _) = Self.range(part, extent.vLo, extent.vHi) else { return [] }
        var caps = [Int](), others = [Int]()
        for b in part {
            let blob = ink.blobs[b], h = Float(blob.height)
            if h >= initialHeight * letter && h <= 12 * letter && Float(Int(extent.uLo[b]) - left) <= letter
                && Float(Int(extent.vLo[b]) - top) <= 2 * letter {
                caps.append(b)
            } else {
                others.append(blob.height)
            }
        }
        guard !caps.isEmpty, others.count >= 10, Float(others.sorted()[others.count / 2]) <= 2 * letter else { return [] }
        return caps.sorted { ink.blobs[$0].minX < ink.blobs[$1].minX }
    }

    /// A drop capital's picture, a quarter of a letter around its ink, as a line that joins the next.
    func initialLine(_ blob: LineSegmenter.Blob, _ page: GrayImage, letter: Float) -> SegmentedLine {
        let margin = max(2, Int(letter / 4))
        let x0 = max(0, blob.minX - margin), y0 = max(0, blob.minY - margin)
        let x1 = min(page.width, blob.maxX + 1 + margin), y1 = min(page.height, blob.maxY + 1 + margin)
        let box = PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
        var line = SegmentedLine(box: box, image: page.cropped(x: x0, y: y0, width: x1 - x0, height: y1 - y0))
        line.joinsNext = true
        return line
    }

    /// The lines of a page with their wide spaces narrowed to ``widestSpace`` of their height.
    func narrowed(_ lines: [SegmentedLine]) -> [SegmentedLine] {
        lines.map { $0.narrowingWideSpaces(to: max(1, Int((widestSpace * Float($0.image.height)).rounded()))) }
    }

    /// The page's skew, up to ``maxSkewDegrees``: the median of the skews of ``skewSlices``
    /// upright slices of the page, each found as ``LineSegmenter`` finds a paragraph's. Columns
    /// whose lines do not share baselines make the profile of the whole page, or of a slice across
    /// a gutter, sharpest at a wrong angle; most slices lie inside one column. (A slice is narrow
    /// enough that no skew up to 5 degrees lines one text line up with the next.)
    static let skewSlices = 8

    func pageSlope(xs: [Int32], ys: [Int32], width: Int, height: Int) -> Float {
        var segmenter = lineSegmenter
        segmenter.maxSkewDegrees = maxSkewDegrees
        // Each slice's pixels, at most about 4000 of them (every n-th, as `bestSlope` samples).
        let sliceOf = (0..<width).map { x in (0..<Self.skewSlices).last { $0 * width / Self.skewSlices <= x } ?? 0 }
        var counts = [Int](repeating: 0, count: Self.skewSlices)
        for x in xs { counts[sliceOf[Int(x)]] += 1 }
        let every = counts.map { max(1, $0 / 4000) }
        var due = [Int](repeating: 0, count: Self.skewSlices)
        var sliceXs = [[Int32]](repeating: [], count: Self.skewSlices), sliceYs = sliceXs
        for i in xs.indices {
            let k = sliceOf[Int(xs[i])]
            if due[k] == 0 { sliceXs[k].append(xs[i]); sliceYs[k].append(ys[i]); due[k] = every[k] }
            due[k] -= 1
        }
        var slopes = [Float]()
        for k in 0..<Self.skewSlices where counts[k] >= 200 {
            slopes.append(segmenter.bestSlope(xs: sliceXs[k], ys: sliceYs[k], width: width, height: height))
        }
        return slopes.isEmpty ? 0 : slopes.sorted()[slopes.count / 2]
    }

    /// The median height of the letter-sized blobs: those at least 40% of the 90th-percentile
    /// height (dots, commas and specks left out). Nil without any.
    static func letterHeight(_ heights: [Int]) -> Float? {
        guard !heights.isEmpty else { return nil }
        let sorted = heights.sorted()
        let tall = sorted[min(sorted.count - 1, sorted.count * 9 / 10)]
        let letters = sorted.filter { Float($0) >= 0.4 * Float(tall) }
        return letters.isEmpty ? nil : Float(letters[letters.count / 2])
    }

    /// The items (blobs, photo points: indices into `extent`) cut into parts in reading order.
    func cut(_ items: [Int], _ extent: Extents, letter: Float, separation: Float) -> [[Int]] {
        if let gutters = columnGutters(items, extent, letter: letter) {
            return split(items, by: gutters.map { ($0.lowerBound + $0.upperBound) / 2 }, along: extent.uLo)
                .flatMap { cut($0, extent, letter: letter, separation: separation) }
        }
        guard let (vMin, vMax) = Self.range(items, extent.vLo, extent.vHi) else { return [] }
        let gaps = Self.gaps(items, extent.vLo, extent.vHi, from: vMin, to: vMax, minimum: Int(separation.rounded(.up)))
        guard !gaps.isEmpty else { return [items] }
        // Strips that continue each other's columns are one part: a strip whose ink keeps out of
        // a gutter of the tall strip beside it (the rest of a column where the next one ended
        // higher up) is not cut from it; a title or a page number across the gutter is.
        var groups = [[Int]]()
        for (k, strip) in split(items, by: gaps.map { ($0.lowerBound + $0.upperBound) / 2 }, along: extent.vLo).enumerated() {
            if let last = groups.last, Float(gaps[k - 1].count) <= columnBreak * letter,
               continuesColumns(last, strip, extent, letter: letter) {
                groups[groups.count - 1] += strip
            } else {
                groups.append(strip)
            }
        }
        guard groups.count > 1 else { return [items] }
        return groups.flatMap { cut($0, extent, letter: letter, separation: separation) }
    }

    /// The vertical gaps at least ``gutterWidth`` letters wide through all of `items` that have
    /// ink on both sides in their first line (a title centred over the middle one of three
    /// columns leaves the gutters beside it open, but not with ink on both sides), when `items`
    /// are at least ``minimumColumnLines`` lines tall; nil for none.
    func columnGutters(_ items: [Int], _ extent: Extents, letter: Float) -> [Range<Int>]? {
        guard let (uMin, uMax) = Self.range(items, extent.uLo, extent.uHi),
              let (vMin, vMax) = Self.range(items, extent.vLo, extent.vHi),
              Float(vMax - vMin + 1) >= minimumColumnLines * 2 * letter else { return nil }
        let gaps = Self.gaps(items, extent.uLo, extent.uHi, from: uMin, to: uMax, minimum: Int((gutterWidth * letter).rounded(.up)))
        guard !gaps.isEmpty else { return nil }
        let firstLine = items.filter { Float(Int(extent.vLo[$0]) - vMin) < 2 * letter }
        let open = gaps.filter { gap in
            firstLine.contains { Int(extent.uLo[$0]) < gap.lowerBound } && firstLine.contains { Int(extent.uHi[$0]) >= gap.upperBound }
        }
        return open.isEmpty ? nil : open
    }

    /// Whether `below` goes on the columns of `above`: its ink keeps out of a gutter of theirs
    /// (a letter from either edge of the gutter aside, where one line's ink starts a little
    /// further out than another's).
    func continuesColumns(_ above: [Int], _ below: [Int], _ extent: Extents, letter: Float) -> Bool {
        guard let gutters = columnGutters(above, extent, letter: letter) else { return false }
        return gutters.contains { gutter in
            let inset = min(Int(letter.rounded()), gutter.count / 4)
            let middle = (gutter.lowerBound + inset)..<(gutter.upperBound - inset)
            return middle.isEmpty
                || !below.contains { Int(extent.uLo[$0]) < middle.upperBound && Int(extent.uHi[$0]) >= middle.lowerBound }
        }
    }

    /// The least `lo` and the greatest `hi` of the items; nil for none.
    static func range(_ items: [Int], _ lo: [Int32], _ hi: [Int32]) -> (Int, Int)? {
        guard let first = items.first else { return nil }
        var least = lo[first], most = hi[first]
        for i in items { least = min(least, lo[i]); most = max(most, hi[i]) }
        return (Int(least), Int(most))
    }

    /// The runs of at least `minimum` coordinates strictly inside `from...to` that no item's
    /// `lo...hi` covers.
    static func gaps(_ items: [Int], _ lo: [Int32], _ hi: [Int32], from: Int, to: Int, minimum: Int) -> [Range<Int>] {
        // Items starting minus items ending at each coordinate; covered where the sum is positive.
        var starts = [Int32](repeating: 0, count: to - from + 2)
        for i in items { starts[Int(lo[i]) - from] += 1; starts[Int(hi[i]) - from + 1] -= 1 }
        var out = [Range<Int>](), run = 0, covering: Int32 = 0
        for k in 0...(to - from) {
            covering += starts[k]
            if covering > 0 {
                if run >= minimum { out.append((from + k - run)..<(from + k)) }
                run = 0
            } else {
                run += 1
            }
        }
        return out
    }

    /// The items split at the cut coordinates (each item lies on one side of each), in
    /// increasing order of the coordinate.
    func split(_ items: [Int], by cuts: [Int], along lo: [Int32]) -> [[Int]] {
        var parts = [[Int]](repeating: [], count: cuts.count + 1)
        for i in items {
            let value = Int(lo[i])
            var k = 0
            while k < cuts.count && value > cuts[k] { k += 1 }
            parts[k].append(i)
        }
        return parts.filter { !$0.isEmpty }
    }
}
