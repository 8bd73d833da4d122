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
/// X-Y cuts on the page's ink (specks left out, the page's skew taken out of the coordinates): a part of the
/// page that is at least ``minimumColumnLines`` lines tall is cut at every vertical gap at least
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
        // The skew out of the coordinates: rows follow the text lines, columns stand square to them.
        let slope = pageSlope(xs: xs, ys: ys, width: image.width, height: image.height)
        var u = [Int32](repeating: 0, count: xs.count), v = [Int32](repeating: 0, count: xs.count)
        for i in xs.indices {
            u[i] = Int32((Float(xs[i]) - Float(ys[i]) * slope).rounded())
            v[i] = Int32((Float(ys[i]) + Float(xs[i]) * slope).rounded())
        }
        // Blocks are set apart by more than the gap between the lines of a block: the median gap
        // between rows of ink within upright slices of the page (single- or double-spaced; a
        // slice holds about one column, whose lines' baselines the next column need not share).
        let all = Array(xs.indices)
        var separation = blockGap * letter
        var lineGaps = [Int]()
        for k in 0..<Self.skewSlices {
            let lo = Int32(k * image.width / Self.skewSlices), hi = Int32((k + 1) * image.width / Self.skewSlices)
            let slice = all.filter { xs[$0] >= lo && xs[$0] < hi }
            guard let (vMin, vMax) = Self.range(slice, v) else { continue }
            lineGaps += Self.gaps(slice, v, from: vMin, to: vMax, minimum: 1).map(\.count)
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
                u.append(Int32((Float(x) - Float(y) * slope).rounded()))
                v.append(Int32((Float(y) + Float(x) * slope).rounded()))
            }
        }
        let parts = cut(all + Array(xs.count..<u.count), u: u, v: v, letter: letter, separation: separation)
            .map { $0.filter { $0 < xs.count } }.filter { !$0.isEmpty }
        let skewDegrees = atan(slope) * 180 / .pi
        guard parts.count > 1 else {
            let block = whole.blocks[0]
            let caps = initials(of: all, ink: ink, letter: letter, u: u, v: v)
            guard !caps.isEmpty else {
                return Page(blocks: [TextBlock(box: block.box, lines: narrowed(block.lines))], skewDegrees: skewDegrees, photos: photos)
            }
            // The lines found again without the drop capitals, which are read on their own.
            var clean = image
            for i in specks { clean.pixels[i] = paper }
            var rest = clean
            for i in all where caps.contains(Int(ink.blobOfPixel[i])) { rest.pixels[Int(ys[i]) * image.width + Int(xs[i])] = paper }
            let lines = caps.map { initialLine(ink.blobs[$0], clean, letter: letter) } + narrowed(lineSegmenter.lines(in: rest))
            return Page(blocks: [TextBlock(box: block.box, lines: lines)], skewDegrees: skewDegrees, photos: photos)
        }

        var clean = image
        for i in specks { clean.pixels[i] = paper }
        // Which part each ink pixel is in, 1 up (0: paper); parts past 65,534 share the last number.
        var partOf = [UInt16](repeating: 0, count: image.width * image.height)
        for (p, part) in parts.enumerated() {
            let number = UInt16(min(p + 1, Int(UInt16.max)))
            for i in part { partOf[Int(ys[i]) * image.width + Int(xs[i])] = number }
        }
        var blocks = [TextBlock]()
        for (p, part) in parts.enumerated() {
            var x0 = Int.max, x1 = -1, y0 = Int.max, y1 = -1
            for i in part {
                x0 = min(x0, Int(xs[i])); x1 = max(x1, Int(xs[i])); y0 = min(y0, Int(ys[i])); y1 = max(y1, Int(ys[i]))
            }
            let margin = max(2, Int(letter.rounded()))
            let box = PixelBox(x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1)
            let cx0 = max(0, x0 - margin), cy0 = max(0, y0 - margin)
            let cx1 = min(image.width, x1 + 1 + margin), cy1 = min(image.height, y1 + 1 + margin)
            // The block's picture holds its own ink only: other blocks' ink in its box is paper.
            var crop = clean.cropped(x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0)
            let own = UInt16(min(p + 1, Int(UInt16.max)))
            partOf.withUnsafeBufferPointer { partOf in
                crop.pixels.withUnsafeMutableBufferPointer { pixels in
                    let cw = cx1 - cx0
                    for y in cy0..<cy1 {
                        for x in cx0..<cx1 {
                            let owner = partOf[y * image.width + x]
                            if owner != 0 && owner != own { pixels[(y - cy0) * cw + x - cx0] = paper }
                        }
                    }
                }
            }
            // A drop capital is read on its own, before the lines it stands beside.
            let caps = initials(of: part, ink: ink, letter: letter, u: u, v: v)
            for i in part where caps.contains(Int(ink.blobOfPixel[i])) { crop[Int(xs[i]) - cx0, Int(ys[i]) - cy0] = paper }
            // The block's ink is the page's (found once), in the crop's coordinates.
            var blockInk = LineSegmenter.Ink(xs: [], ys: [], blobOfPixel: [], blobs: [], specks: [], paper: paper,
                                             threshold: ink.threshold)
            var local = [Int32](repeating: -1, count: ink.blobs.count)
            blockInk.xs.reserveCapacity(part.count); blockInk.ys.reserveCapacity(part.count)
            blockInk.blobOfPixel.reserveCapacity(part.count)
            for i in part where !caps.contains(Int(ink.blobOfPixel[i])) {
                let b = ink.blobOfPixel[i]
                var k = local[Int(b)]
                if k < 0 {
                    k = Int32(blockInk.blobs.count)
                    local[Int(b)] = k
                    blockInk.blobs.append(ink.blobs[Int(b)])
                }
                blockInk.xs.append(xs[i] - Int32(cx0)); blockInk.ys.append(ys[i] - Int32(cy0)); blockInk.blobOfPixel.append(k)
            }
            let lines = lineSegmenter.lines(in: crop, ink: crop.height >= 16 ? blockInk : nil).map { line in
                SegmentedLine(box: PixelBox(x: line.box.x + cx0, y: line.box.y + cy0, width: line.box.width,
                                            height: line.box.height), image: line.image,
                              rowOrigin: line.rowOrigin + cy0, slope: line.slope)
            }
            blocks.append(TextBlock(box: box, lines: caps.map { initialLine(ink.blobs[$0], clean, letter: letter) } + narrowed(lines)))
        }
        return Page(blocks: blocks, skewDegrees: skewDegrees, photos: photos)
    }

    /// The drop capitals of a part of the page: blobs ``initialHeight`` to 12 letters tall at
    /// its top left (within a letter of its left edge and two of its top, in the page's deskewed
    /// coordinates `u`, `v`), in a part whose other blobs are mostly letters (their median at
    /// most two letters tall, at least ten of them), unlike a headline's. Blob numbers, left to right.
    func initials(of part: [Int], ink: LineSegmenter.Ink, letter: Float, u: [Int32], v: [Int32]) -> [Int] {
        guard let (left, _) = Self.range(part, u), let (top, _) = Self.range(part, v) else { return [] }
        // Each blob's least u and v in the part (Int32.max: not in it).
        var corner = [(u: Int32, v: Int32)](repeating: (Int32.max, Int32.max), count: ink.blobs.count)
        for i in part {
            let b = Int(ink.blobOfPixel[i])
            corner[b] = (min(corner[b].u, u[i]), min(corner[b].v, v[i]))
        }
        var caps = [Int](), others = [Int]()
        for (b, c) in corner.enumerated() where c.u != Int32.max {
            let blob = ink.blobs[b], h = Float(blob.height)
            if h >= initialHeight * letter && h <= 12 * letter && Float(Int(c.u) - left) <= letter
                && Float(Int(c.v) - top) <= 2 * letter {
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
        var slopes = [Float]()
        for k in 0..<Self.skewSlices {
            let lo = Int32(k * width / Self.skewSlices), hi = Int32((k + 1) * width / Self.skewSlices)
            let inSlice = xs.indices.filter { xs[$0] >= lo && xs[$0] < hi }
            guard inSlice.count >= 200 else { continue }
            slopes.append(segmenter.bestSlope(xs: inSlice.map { xs[$0] }, ys: inSlice.map { ys[$0] }, width: width, height: height))
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

    /// The points (indices into `u`, `v`) cut into parts in reading order.
    func cut(_ points: [Int], u: [Int32], v: [Int32], letter: Float, separation: Float) -> [[Int]] {
        if let gutters = columnGutters(points, u: u, v: v, letter: letter) {
            return split(points, by: gutters.map { ($0.lowerBound + $0.upperBound) / 2 }, along: u)
                .flatMap { cut($0, u: u, v: v, letter: letter, separation: separation) }
        }
        guard let (vMin, vMax) = Self.range(points, v) else { return [] }
        let gaps = Self.gaps(points, v, from: vMin, to: vMax, minimum: Int(separation.rounded(.up)))
        guard !gaps.isEmpty else { return [points] }
        // Strips that continue each other's columns are one part: a strip whose ink keeps out of
        // a gutter of the tall strip beside it (the rest of a column where the next one ended
        // higher up) is not cut from it; a title or a page number across the gutter is.
        var groups = [[Int]]()
        for (k, strip) in split(points, by: gaps.map { ($0.lowerBound + $0.upperBound) / 2 }, along: v).enumerated() {
            if let last = groups.last, Float(gaps[k - 1].count) <= columnBreak * letter,
               continuesColumns(last, strip, u: u, v: v, letter: letter) {
                groups[groups.count - 1] += strip
            } else {
                groups.append(strip)
            }
        }
        guard groups.count > 1 else { return [points] }
        return groups.flatMap { cut($0, u: u, v: v, letter: letter, separation: separation) }
    }

    /// The vertical gaps at least ``gutterWidth`` letters wide through all of `points` that have
    /// ink on both sides in their first line (a title centred over the middle one of three
    /// columns leaves the gutters beside it open, but not with ink on both sides), when `points`
    /// are at least ``minimumColumnLines`` lines tall; nil for none.
    func columnGutters(_ points: [Int], u: [Int32], v: [Int32], letter: Float) -> [Range<Int>]? {
        guard let (uMin, uMax) = Self.range(points, u), let (vMin, vMax) = Self.range(points, v),
              Float(vMax - vMin + 1) >= minimumColumnLines * 2 * letter else { return nil }
        let gaps = Self.gaps(points, u, from: uMin, to: uMax, minimum: Int((gutterWidth * letter).rounded(.up)))
        let firstLine = points.filter { Float(Int(v[$0]) - vMin) < 2 * letter }
        let open = gaps.filter { gap in
            firstLine.contains { Int(u[$0]) < gap.lowerBound } && firstLine.contains { Int(u[$0]) >= gap.upperBound }
        }
        return open.isEmpty ? nil : open
    }

    /// Whether `below` goes on the columns of `above`: its ink keeps out of a gutter of theirs
    /// (a letter from either edge of the gutter aside, where one line's ink starts a little
    /// further out than another's).
    func continuesColumns(_ above: [Int], _ below: [Int], u: [Int32], v: [Int32], letter: Float) -> Bool {
        guard let gutters = columnGutters(above, u: u, v: v, letter: letter) else { return false }
        return gutters.contains { gutter in
            let inset = min(Int(letter.rounded()), gutter.count / 4)
            let middle = (gutter.lowerBound + inset)..<(gutter.upperBound - inset)
            return !below.contains { middle.contains(Int(u[$0])) }
        }
    }

    static func range(_ points: [Int], _ c: [Int32]) -> (Int, Int)? {
        guard let first = points.first else { return nil }
        var lo = Int(c[first]), hi = lo
        for i in points { lo = min(lo, Int(c[i])); hi = max(hi, Int(c[i])) }
        return (lo, hi)
    }

    /// The runs of at least `minimum` empty coordinates strictly inside lo...hi.
    static func gaps(_ points: [Int], _ c: [Int32], from lo: Int, to hi: Int, minimum: Int) -> [Range<Int>] {
        var filled = [Bool](repeating: false, count: hi - lo + 1)
        for i in points { filled[Int(c[i]) - lo] = true }
        var out = [Range<Int>](), run = 0
        for (k, isFilled) in filled.enumerated() {
            if isFilled {
                if run >= minimum { out.append((lo + k - run)..<(lo + k)) }
                run = 0
            } else {
                run += 1
            }
        }
        return out
    }

    /// The points split at the cut coordinates, in increasing order of the coordinate.
    func split(_ points: [Int], by cuts: [Int], along c: [Int32]) -> [[Int]] {
        var parts = [[Int]](repeating: [], count: cuts.count + 1)
        for i in points {
            let value = Int(c[i])
            var k = 0
            while k < cuts.count && value > cuts[k] { k += 1 }
            parts[k].append(i)
        }
        return parts.filter { !$0.isEmpty }
    }
}
