import Foundation
import Imaging

/// One text line found in a page image: where it is and its pixels, straightened.
public struct SegmentedLine: Sendable {
    /// The bounding box of the line's ink in the page (with a small margin).
    public var box: PixelBox
    /// The line's pixels, dark on light, with the page's skew taken out. Column i of `image` is
    /// column `box.x + i` of the page.
    public var image: GrayImage
    /// Row r of `image` at its column i is row `rowOrigin + r - round(i · slope)` of the page
    /// (to within a pixel): the line was sampled along the page's skew.
    public var rowOrigin: Int
    public var slope: Float
    /// When wide blank runs were narrowed (``narrowingWideSpaces(to:)``): the line's column
    /// (from `box.x`) that each column of `image` shows.
    public var columnMap: [Int]?
    /// A drop capital: its text begins the next line's, without a space.
    public var joinsNext = false

    /// A line whose rows are the page's from `box.y` down (nothing straightened).
    public init(box: PixelBox, image: GrayImage) {
        self.init(box: box, image: image, rowOrigin: box.y, slope: 0)
    }

    public init(box: PixelBox, image: GrayImage, rowOrigin: Int, slope: Float) {
        self.box = box
        self.image = image
        self.rowOrigin = rowOrigin
        self.slope = slope
    }

    /// The page row of row `r` of ``image`` at its column `i`.
    public func pageRow(_ r: Int, atColumn i: Int) -> Int {
        rowOrigin + r - Int((Float(lineColumn(i)) * slope).rounded())
    }

    /// The column of the line, from `box.x`, that column `i` of ``image`` shows.
    public func lineColumn(_ i: Int) -> Int {
        guard let map = columnMap, !map.isEmpty else { return i }
        return i < map.count ? map[max(i, 0)] : map[map.count - 1] + (i - map.count + 1)
    }

    /// The line with every blank run of columns inside it (no pixel darker than halfway between
    /// its darkest and lightest) wider than `widest` pixels narrowed to `widest`: the wide
    /// spaces of justified narrow columns and of tables, which the network, trained on ordinary
    /// spacing, reads as `_`. ``columnMap`` keeps where each column came from.
    public func narrowingWideSpaces(to widest: Int) -> SegmentedLine {
        let w = image.width, h = image.height
        guard w > 0, h > 0, widest >= 1 else { return self }
        var blank = [Bool](repeating: true, count: w)
        image.pixels.withUnsafeBufferPointer { pixels in
            var darkest = UInt8.max, lightest = UInt8.min
            for v in pixels { darkest = min(darkest, v); lightest = max(lightest, v) }
            let threshold = UInt8((Int(darkest) + Int(lightest) + 1) / 2)
            blank.withUnsafeMutableBufferPointer { blank in
                for y in 0..<h {
                    let row = pixels.baseAddress! + y * w
                    for x in 0..<w where row[x] < threshold { blank[x] = false }
                }
            }
        }
        guard let first = blank.firstIndex(of: false), let last = blank.lastIndex(of: false) else { return self }
        var keep = [Int](), run = [Int]()
        for x in 0..<w {
            if blank[x] && x > first && x < last {
                run.append(x)
                continue
            }
            if !run.isEmpty {
                // The middle of a wide run goes; as much as `widest` of its ends stays.
                keep += run.count > widest ? Array(run.prefix(widest / 2)) + Array(run.suffix(widest - widest / 2)) : run
                run = []
            }
            keep.append(x)
        }
        guard keep.count < w else { return self }
        var narrowed = GrayImage(width: keep.count, height: h, value: 0)
        narrowed.pixels.withUnsafeMutableBufferPointer { out in
            image.pixels.withUnsafeBufferPointer { pixels in
                for y in 0..<h { for (i, x) in keep.enumerated() { out[y * keep.count + i] = pixels[y * w + x] } }
            }
        }
        var out = self
        out.image = narrowed
        out.columnMap = keep.map { lineColumn($0) }
        return out
    }
}

/// Splits an image of clean printed text (a paragraph, a page) into lines: binarize (Otsu), drop
/// specks (blobs of one or two pixels), find the skew (up to ±3°) that makes the horizontal ink
/// profile sharpest, cut the profile at its empty rows, merge slivers (i-dots, accents,
/// underscores) into their neighbour, and cut a band much taller than the others (lines that
/// touch) at its thinnest rows. Each line is cut out with its own ink only: rows of the other
/// lines are paper in its picture. An image holding one line comes back whole, never split.
public struct LineSegmenter: Sendable {
    /// Largest skew searched either way, in degrees.
    public var maxSkewDegrees: Float = 3
    /// A band shorter than this share of the tallest band is merged into its nearest neighbour.
    public var sliverRatio: Float = 0.4
    /// A band taller than this many line heights (see `splitTouching`) is lines that touch: it is cut.
    public var touchingRatio: Float = 1.7
    /// A band is cut only where its ink per row is at most this share of its median row's.
    public var valleyDepth: Float = 0.25
    /// Blobs of ink of at most this many pixels are specks, left out.
    public var speckPixels = 2

    public init() {}

    /// An image's ink: the coordinates of its pixels darker than the Otsu threshold but those of
    /// specks, the other blobs' heights, the specks' pixels, and the paper's level.
    struct Ink {
        /// The ink pixels but specks', row by row, and the blob each belongs to.
        var xs: [Int32], ys: [Int32], blobOfPixel: [Int32]
        var blobs: [Blob]
        /// The pixels (indices into the image) that are not ink after all: specks, and whatever
        /// the page layout took out (rules, photos, borders).
        var specks: [Int]
        var paper: UInt8
        /// The level at and below which a pixel is ink.
        var threshold: UInt8 = 128
        /// The counts of the image's gray levels (empty when not known).
        var histogram: [Int] = []
        var blobHeights: [Int] { blobs.map(\.height) }
    }

    /// A connected blob of ink (8-connected): its pixel count and bounding box (inclusive).
    struct Blob {
        var pixels: Int
        var minX: Int, maxX: Int, minY: Int, maxY: Int
        var width: Int { maxX - minX + 1 }
        var height: Int { maxY - minY + 1 }
    }

    /// The ink of `image`, or nil when it is too small (under 16 rows) or too plain (less than
    /// 40 levels between its darkest and lightest pixels) to hold lines.
    func ink(of image: GrayImage) -> Ink? {
        guard image.width > 0, image.height >= 16 else { return nil }
        let histogram = image.histogram
        guard let darkest = histogram.firstIndex(where: { $0 > 0 }), let paper = histogram.lastIndex(where: { $0 > 0 }),
              paper - darkest >= 40 else { return nil }
        let threshold = GrayImage.otsuThreshold(histogram)
        let (xs, ys, blobs, blobOfPixel, specks) = Self.inkPixels(image, threshold: threshold, speckPixels: speckPixels)
        return Ink(xs: xs, ys: ys, blobOfPixel: blobOfPixel, blobs: blobs, specks: specks, paper: UInt8(paper),
                   threshold: threshold, histogram: histogram)
    }

    /// The lines of `image` (dark text on light paper), top to bottom.
    public func lines(in image: GrayImage) -> [SegmentedLine] {
        lines(in: image, ink: ink(of: image))
    }

    /// ``lines(in:)`` with the image's ink already found (nil: the image is one line).
    func lines(in image: GrayImage, ink found: Ink?) -> [SegmentedLine] {
        let whole = [SegmentedLine(box: PixelBox(x: 0, y: 0, width: image.width, height: image.height), image: image)]
        guard let found else { return whole }
        let (xs, ys, blobHeights, specks, paper) = (found.xs, found.ys, found.blobHeights, found.specks, found.paper)
        // The page without its specks, for cutting the lines out of.
        var clean = image
        for i in specks { clean.pixels[i] = paper }
        guard !xs.isEmpty else { return whole }
        let slope = bestSlope(xs: xs, ys: ys, width: image.width, height: image.height)
        // Profile along the slope: row r holds the pixels with y + x·slope ≈ r (shifted to ≥ 0).
        let shift = slope < 0 ? Int((-slope * Float(image.width)).rounded(.up)) : 0
        let rows = image.height + Int((abs(slope) * Float(image.width)).rounded(.up)) + 1
        let q = Self.fixedPoint(slope)
        var profile = [Int](repeating: 0, count: rows)
        for i in xs.indices { profile[Self.row(xs[i], ys[i], q, shift)] += 1 }
        var bands = Self.bands(profile, minimum: 1)
        bands = splitTouching(mergeSlivers(bands), profile: profile, blobHeights: blobHeights)
        guard bands.count > 1 else { return whole }
        // Each band's ink bounding box, and its pixels sampled along the slope.
        var bandOfRow = [Int](repeating: -1, count: rows)
        for (b, band) in bands.enumerated() { for r in band { bandOfRow[r] = b } }
        var boxes = [(minX: Int, maxX: Int, minY: Int, maxY: Int)](repeating: (Int.max, -1, Int.max, -1), count: bands.count)
        for i in xs.indices {
            let b = bandOfRow[Self.row(xs[i], ys[i], q, shift)]
            guard b >= 0 else { continue }
            let x = Int(xs[i]), y = Int(ys[i])
            boxes[b] = (min(boxes[b].minX, x), max(boxes[b].maxX, x), min(boxes[b].minY, y), max(boxes[b].maxY, y))
        }
        var out = [SegmentedLine]()
        for (band, b) in zip(bands, boxes) where b.maxX >= 0 {
            let margin = max(1, band.count / 6)
            let x0 = max(0, b.minX - margin), x1 = min(image.width, b.maxX + 1 + margin)
            let r0 = band.lowerBound - margin, r1 = band.upperBound + margin
            var line = GrayImage(width: x1 - x0, height: r1 - r0, value: paper)
            let own = bandOfRow[band.lowerBound]
            // The inverse of `row`: pixel (x, y) sits in row r = y + offset(x).
            let offsets = (x0..<x1).map { Self.row(Int32($0), 0, q, shift) }
            let lineWidth = x1 - x0, imageWidth = image.width, imageHeight = image.height
            line.pixels.withUnsafeMutableBufferPointer { out in
                clean.pixels.withUnsafeBufferPointer { page in
                    for r in r0..<r1 {
                        // Rows of another line stay paper: a line's picture holds its own ink only.
                        if r >= 0 && r < rows && bandOfRow[r] >= 0 && bandOfRow[r] != own { continue }
                        for i in 0..<lineWidth {
                            let y = r - offsets[i]
                            if y >= 0 && y < imageHeight { out[(r - r0) * lineWidth + i] = page[y * imageWidth + x0 + i] }
                        }
                    }
                }
            }
            let y0 = max(0, b.minY - margin), y1 = min(image.height, b.maxY + 1 + margin)
            // Row r of the line at its column i came from page row r0 + r - offset(x0 + i).
            out.append(SegmentedLine(box: PixelBox(x: x0, y: y0, width: x1 - x0, height: y1 - y0), image: line,
                                     rowOrigin: r0 - Self.row(Int32(x0), 0, q, shift), slope: slope))
        }
        return out.isEmpty ? whole : out
    }

    /// The row of the sheared profile that pixel (x, y) falls in: y + round(x · slope) + shift,
    /// with the slope in 16.16 fixed point (`fixedPoint`), so the inner loops stay in integers.
    @inline(__always)
    static func row(_ x: Int32, _ y: Int32, _ q: Int, _ shift: Int) -> Int {
        Int(y) &+ ((Int(x) &* q &+ 32768) >> 16) &+ shift
    }

    static func fixedPoint(_ slope: Float) -> Int { Int((slope * 65536).rounded()) }

    /// The slope (tan of the angle) within ±maxSkewDegrees whose profile has the largest sum of
    /// squared bin counts (text lines lined up with the rows give tall narrow peaks): first in
    /// steps of 0.5°, then around the best of those in steps that move the far end of a line by
    /// one row. At most 4000 ink pixels are used (an even subsample).
    func bestSlope(xs: [Int32], ys: [Int32], width: Int, height: Int) -> Float {
        let limit = tan(maxSkewDegrees * .pi / 180)
        let reach = Int((limit * Float(width)).rounded(.up)) + 1
        var profile = [Int](repeating: 0, count: height + 2 * reach + 2)
        let sample = max(1, xs.count / 4000)
        func score(_ slope: Float) -> Int {
            let q = Self.fixedPoint(slope)
            return profile.withUnsafeMutableBufferPointer { bins in
                bins.update(repeating: 0)
                xs.withUnsafeBufferPointer { xp in
                    ys.withUnsafeBufferPointer { yp in
                        for i in stride(from: 0, to: xp.count, by: sample) { bins[Self.row(xp[i], yp[i], q, reach)] &+= 1 }
                    }
                }
                return bins.reduce(0) { $0 &+ $1 &* $1 }
            }
        }
        var best: (slope: Float, score: Int) = (0, score(0))
        func consider(_ slope: Float) {
            let s = score(slope)
            // Prefer the smaller angle on ties.
            if s > best.score || (s == best.score && abs(slope) < abs(best.slope)) { best = (slope, s) }
        }
        let coarse = Int((maxSkewDegrees / 0.5).rounded(.down))
        for k in -coarse...coarse where k != 0 { consider(tan(Float(k) * 0.5 * .pi / 180)) }
        let centre = best.slope, span = tan(0.5 * Float.pi / 180)
        let fine = max(1, Int((span * Float(width)).rounded(.up)))
        for k in -fine...fine where k != 0 {
            let slope = centre + span * Float(k) / Float(fine)
            if abs(slope) <= limit { consider(slope) }
        }
        return best.slope
    }

    /// The coordinates of the pixels at or below `threshold`, but those of 8-connected blobs of at
    /// most `speckPixels` pixels (scanner dust, which would join the lines through the gaps), the
    /// other blobs (numbered in the order their first pixel comes in a scan row by row), and the
    /// specks' pixels (y · width + x). Pixels come in scan order. The blobs are labelled by runs:
    /// each row's runs of ink, joined by union-find to the runs of the row above that touch them.
    static func inkPixels(_ image: GrayImage, threshold: UInt8, speckPixels: Int)
        -> (xs: [Int32], ys: [Int32], blobs: [Blob], blobOfPixel: [Int32], specks: [Int]) {
        let w = image.width, h = image.height
        // The runs of ink, row by row and left to right: [start, end) in row `runRow`.
        var runStart = [Int32](), runEnd = [Int32](), runRow = [Int32]()
        var rowRuns = [Int](repeating: 0, count: h + 1)  // the first run of each row
        image.pixels.withUnsafeBufferPointer { pixels in
            for y in 0..<h {
                rowRuns[y] = runStart.count
                let row = pixels.baseAddress! + y * w
                var x = 0
                while x < w {
                    while x < w && row[x] > threshold { x += 1 }
                    guard x < w else { break }
                    let s = x
                    while x < w && row[x] <= threshold { x += 1 }
                    runStart.append(Int32(s)); runEnd.append(Int32(x)); runRow.append(Int32(y))
                }
            }
            rowRuns[h] = runStart.count
        }
        let runCount = runStart.count
        // Union-find over runs, each pointing at an earlier run of its blob; a blob's root is its
        // first run. A run touches one above that overlaps it or meets it at a corner.
        var parent = [Int32](0..<Int32(runCount))
        parent.withUnsafeMutableBufferPointer { parent in
            @inline(__always) func root(_ i: Int) -> Int {
                var i = i
                while Int(parent[i]) != i { parent[i] = parent[Int(parent[i])]; i = Int(parent[i]) }
                return i
            }
            for y in 1..<max(1, h) {
                var above = rowRuns[y - 1]
                let aboveEnd = rowRuns[y]
                for r in rowRuns[y]..<rowRuns[y + 1] {
                    // Runs above that end before this one's left corner touch no later run either.
                    while above < aboveEnd && runEnd[above] < runStart[r] { above += 1 }
                    var k = above
                    while k < aboveEnd && runStart[k] <= runEnd[r] {
                        let a = root(k), b = root(r)
                        if a != b { parent[max(a, b)] = Int32(min(a, b)) }
                        k += 1
                    }
                }
            }
            for r in 0..<runCount { parent[r] = Int32(root(r)) }
        }
        // Blob numbers in the order of their roots; each blob's size and box.
        var all = [Blob](), blobOfRun = [Int32](repeating: 0, count: runCount)
        for r in 0..<runCount {
            let x0 = Int(runStart[r]), x1 = Int(runEnd[r]) - 1, y = Int(runRow[r])
            let b: Int
            if Int(parent[r]) == r {
                b = all.count
                all.append(Blob(pixels: 0, minX: x0, maxX: x1, minY: y, maxY: y))
            } else {
                b = Int(blobOfRun[Int(parent[r])])
            }
            blobOfRun[r] = Int32(b)
            all[b].pixels += x1 - x0 + 1
            all[b].minX = min(all[b].minX, x0); all[b].maxX = max(all[b].maxX, x1)
            all[b].maxY = y
        }
        // The blobs but specks, renumbered; each ink pixel's blob.
        var number = [Int32](repeating: -1, count: all.count), blobs = [Blob]()
        for (b, blob) in all.enumerated() where blob.pixels > speckPixels {
            number[b] = Int32(blobs.count)
            blobs.append(blob)
        }
        var xs = [Int32](), ys = [Int32](), blobOfPixel = [Int32](), specks = [Int]()
        let inkCount = blobs.reduce(0) { $0 + $1.pixels }
        xs.reserveCapacity(inkCount); ys.reserveCapacity(inkCount); blobOfPixel.reserveCapacity(inkCount)
        for r in 0..<runCount {
            let b = number[Int(blobOfRun[r])], y = runRow[r]
            if b >= 0 {
                for x in runStart[r]..<runEnd[r] { xs.append(x); ys.append(y); blobOfPixel.append(b) }
            } else {
                for x in runStart[r]..<runEnd[r] { specks.append(Int(y) * w + Int(x)) }
            }
        }
        return (xs, ys, blobs, blobOfPixel, specks)
    }

    /// Bands that hold lines touching each other cut apart, each at its thinnest row (the fewest
    /// ink pixels in `profile`) at least 3/4 of a line from either end when that row holds at most
    /// `valleyDepth` of the band's median row, until none is that tall;
    /// slivers the cuts leave (parts of other lines' letters) are merged again. The line height is
    /// twice the median height of the letter-sized blobs (those at least 40% of the 90th-percentile
    /// height, which leaves out dots, commas and cut-off parts): most are lower-case letters, whose
    /// height is the x-height, and a line's ink with ascenders and descenders is about twice
    /// that. A band taller than `touchingRatio` lines is cut.
    func splitTouching(_ input: [Range<Int>], profile: [Int], blobHeights: [Int]) -> [Range<Int>] {
        let sorted = blobHeights.sorted()
        guard !sorted.isEmpty else { return input }
        let letters = sorted.filter { 10 * $0 >= 4 * sorted[sorted.count * 9 / 10] }
        let line = 2 * letters[letters.count / 2]
        guard line >= 4 else { return input }
        var out = [Range<Int>](), pending = Array(input.reversed())
        while let band = pending.popLast() {
            guard Float(band.count) > touchingRatio * Float(line) else { out.append(band); continue }
            let inner = (band.lowerBound + line * 3 / 4)..<(band.upperBound - line * 3 / 4)
            // Only a deep valley is a gap between lines: a cut through a line's letters (a line with
            // parts of its neighbours above and below is also tall) would ruin it.
            let counts = profile[band].filter { $0 > 0 }.sorted()
            guard let cut = inner.min(by: { profile[$0] < profile[$1] }), !counts.isEmpty,
                  Float(profile[cut]) <= valleyDepth * Float(counts[counts.count / 2]) else { out.append(band); continue }
            pending.append(cut..<band.upperBound)
            pending.append(band.lowerBound..<cut)
        }
        return out.count == input.count ? out : mergeSlivers(out)
    }

    /// Runs of rows whose count is at least `minimum`.
    static func bands(_ profile: [Int], minimum: Int) -> [Range<Int>] {
        var out = [Range<Int>](), start: Int?
        for (r, count) in profile.enumerated() {
            if count >= minimum { if start == nil { start = r } } else if let s = start { out.append(s..<r); start = nil }
        }
        if let s = start { out.append(s..<profile.count) }
        return out
    }

    /// Bands much shorter than the tallest joined to the nearer neighbour, until none is left.
    func mergeSlivers(_ input: [Range<Int>]) -> [Range<Int>] {
        var bands = input
        while bands.count > 1 {
            let tallest = bands.map(\.count).max()!
            guard let i = bands.indices.filter({ Float(bands[$0].count) < sliverRatio * Float(tallest) })
                .min(by: { bands[$0].count < bands[$1].count }) else { break }
            let above = i > 0 ? bands[i].lowerBound - bands[i - 1].upperBound : Int.max
            let below = i + 1 < bands.count ? bands[i + 1].lowerBound - bands[i].upperBound : Int.max
            if above <= below {
                bands[i - 1] = bands[i - 1].lowerBound..<bands[i].upperBound
            } else {
                bands[i + 1] = bands[i].lowerBound..<bands[i + 1].upperBound
            }
            bands.remove(at: i)
        }
        return bands
    }
}
