import Imaging

/// What on a page is ink but not text, found from the shapes of the blobs of ink, in letters
/// (the page's x-height): it is taken out before the page is cut into blocks, so that a rule
/// between columns does not close their gutter, a black scanner border or a photo does not join
/// the lines beside it into one, and none of them is read as letters.
/// - a **photo**: a blob at least ``photoSide`` letters both ways whose ink fills at least
///   ``photoDensity`` of its box; every blob that reaches into its box goes (its texture's);
/// - a **rule, frame or border**: a blob at least ``longSide`` letters long that is not a line of
///   text: upright (text lines lie flat), or flat but at most ``ruleThickness`` letters thick
///   (a rule) or filling at least ``solidDensity`` of its box (a black band), or at least
///   ``photoSide`` letters both ways (a box, a table's grid); its own pixels go, what they
///   surround (a table's cells) stays;
/// - a **picture the threshold breaks up** (a light photo): a region of letter-wide squares whose
///   pixels are mostly ink (``pictureInk``) or mostly the grays between ink and paper
///   (``pictureGray``), at least ``photoSide`` letters both ways; along the image's edge, one at
///   least ``photoSide`` letters long is what lies beyond the page (a scanner's lid, the wedge a
///   turned page leaves), taken out square by square.
public struct NonTextInk: Sendable {
    public var photoSide: Float = 10
    public var photoDensity: Float = 0.2
    public var longSide: Float = 12
    public var ruleThickness: Float = 0.8
    public var solidDensity: Float = 0.5
    public var pictureInk: Float = 0.6
    public var pictureGray: Float = 0.7

    public init() {}

    /// What `ink` (of `image`) holds that is not text, for a page whose letters are `letter`
    /// pixels tall: the blobs to take out, and the boxes of photos.
    func find(in ink: LineSegmenter.Ink, of image: GrayImage, letter: Float)
        -> (blobs: Set<Int>, photos: [PixelBox], beyond: [PixelBox]) {
        let pictures = pictureRegions(of: image, threshold: ink.threshold, histogram: ink.histogram, letter: letter)
        var blobs = Set<Int>(), photos = pictures.photos
        for (b, blob) in ink.blobs.enumerated() {
            let w = Float(blob.width), h = Float(blob.height)
            let density = Float(blob.pixels) / (w * h)
            let big = min(w, h) >= photoSide * letter
            if big && density >= photoDensity {
                photos.append(PixelBox(x: blob.minX, y: blob.minY, width: blob.width, height: blob.height))
                blobs.insert(b)
            } else if big || h >= longSide * letter
                        || (w >= longSide * letter && (h <= ruleThickness * letter || density >= solidDensity)) {
                blobs.insert(b)
            }
        }
        // The blobs of a photo's texture: those that reach into its box, a third of a letter
        // around it (its edge, turned on a skewed scan, pokes out of the box of its largest blob).
        let margin = Int((letter / 3).rounded(.up))
        photos = photos.map { PixelBox(x: $0.x - margin, y: $0.y - margin, width: $0.width + 2 * margin, height: $0.height + 2 * margin) }
        for (b, blob) in ink.blobs.enumerated() where photos.contains(where: {
            blob.maxX >= $0.x && blob.minX < $0.x + $0.width && blob.maxY >= $0.y && blob.minY < $0.y + $0.height
        }) {
            blobs.insert(b)
        }
        // Blobs beyond the page: a corner or the centre in a square found beyond it.
        if !pictures.beyond.isEmpty {
            let (tile, columns, rows) = (pictures.tile, image.width / pictures.tile, image.height / pictures.tile)
            func beyond(_ x: Int, _ y: Int) -> Bool {
                let tx = min(x / tile, columns - 1), ty = min(y / tile, rows - 1)
                return pictures.beyondTiles[ty * columns + tx]
            }
            for (b, blob) in ink.blobs.enumerated()
            where beyond(blob.minX, blob.minY) || beyond(blob.maxX, blob.minY) || beyond(blob.minX, blob.maxY)
                || beyond(blob.maxX, blob.maxY) || beyond((blob.minX + blob.maxX) / 2, (blob.minY + blob.maxY) / 2) {
                blobs.insert(b)
            }
        }
        return (blobs, photos, pictures.beyond)
    }

    /// `ink` without what is not text: its pixels join the specks (painted paper when lines
    /// are cut out), the rest keep their order. Also the boxes of the photos taken out.
    func removing(from ink: LineSegmenter.Ink, of image: GrayImage, letter: Float)
        -> (ink: LineSegmenter.Ink, photos: [PixelBox], beyond: [PixelBox]) {
        let width = image.width
        let (blobs, photos, beyond) = find(in: ink, of: image, letter: letter)
        guard !blobs.isEmpty else { return (ink, [], beyond) }
        var out = ink
        var kept = [Int32](repeating: -1, count: ink.blobs.count), keptBlobs = [LineSegmenter.Blob]()
        for (b, blob) in ink.blobs.enumerated() where !blobs.contains(b) {
            kept[b] = Int32(keptBlobs.count)
            keptBlobs.append(blob)
        }
        // The kept pixels, in their order, without growing arrays pixel by pixel.
        var xs = [Int32](repeating: 0, count: ink.xs.count), ys = xs, blobOf = xs, n = 0
        xs.withUnsafeMutableBufferPointer { xs in
            ys.withUnsafeMutableBufferPointer { ys in
                blobOf.withUnsafeMutableBufferPointer { blobOf in
                    for i in ink.xs.indices {
                        let b = kept[Int(ink.blobOfPixel[i])]
                        if b < 0 {
                            out.specks.append(Int(ink.ys[i]) * width + Int(ink.xs[i]))
                        } else {
                            xs[n] = ink.xs[i]; ys[n] = ink.ys[i]; blobOf[n] = b
                            n += 1
                        }
                    }
                }
            }
        }
        out.xs = Array(xs[..<n]); out.ys = Array(ys[..<n]); out.blobOfPixel = Array(blobOf[..<n])
        // A blob cut by a photo's box keeps its box: it only says how tall letters are.
        out.blobs = keptBlobs
        return (out, photos, beyond)
    }

    /// The boxes of pictures that are not one blob of ink (light, or broken up by the threshold):
    /// squares a letter wide whose pixels are mostly ink (at least ``pictureInk``) or mostly the
    /// grays between ink and paper (at least ``pictureGray``), which text is not, even blurred;
    /// such squares next to each other (or one square apart) make a region, and a region at least
    /// ``photoSide`` letters both ways whose box they fill a third of is a picture, as is one
    /// along the image's edge at least ``photoSide`` letters long (beyond the page).
    func pictureRegions(of image: GrayImage, threshold inkLevel: UInt8, histogram known: [Int] = [], letter: Float)
        -> (photos: [PixelBox], beyond: [PixelBox], beyondTiles: [Bool], tile: Int) {
        let tile = max(4, Int(letter.rounded()))
        let columns = image.width / tile, rows = image.height / tile
        guard columns > 0, rows > 0 else { return ([], [], [], tile) }
        let threshold = Int(inkLevel)
        let histogram = known.count == 256 ? known : image.histogram
        var seen = 0, paper = 255
        for v in 0..<256 {
            seen += histogram[v]
            if seen >= image.pixels.count * 95 / 100 { paper = v; break }
        }
        guard paper > threshold else { return ([], [], [], tile) }
        let light = paper - (paper - threshold) / 4
        var picture = [Bool](repeating: false, count: columns * rows)
        // Each square's ink (at or below the threshold) and grays (between ink and `light`),
        // counted along the rows of each band of squares: a table gives each level's count of
        // ink in the low half of a word and of gray in the high half, so a square's are one sum.
        let width = image.width
        let counts = (0..<256).map { v in v <= threshold ? 1 : v < light ? 1 << 32 : 0 }
        var packed = [Int](repeating: 0, count: columns)
        image.pixels.withUnsafeBufferPointer { pixels in
            counts.withUnsafeBufferPointer { counts in
                for ty in 0..<rows {
                    for tx in 0..<columns { packed[tx] = 0 }
                    for y in (ty * tile)..<((ty + 1) * tile) {
                        var p = pixels.baseAddress! + y * width
                        for tx in 0..<columns {
                            var sum = 0
                            let end = p + tile
                            while p < end { sum &+= counts[Int(p.pointee)]; p += 1 }
                            packed[tx] &+= sum
                        }
                    }
                    let area = Float(tile * tile)
                    for tx in 0..<columns {
                        let dark = packed[tx] & 0xFFFF_FFFF, gray = packed[tx] >> 32
                        picture[ty * columns + tx] = Float(dark) >= pictureInk * area || Float(gray) >= pictureGray * area
                    }
                }
            }
        }
        // Regions of picture squares at most one square apart.
        var region = [Int](repeating: -1, count: picture.count), boxes = [PixelBox](), regions = [PixelBox]()
        var beyondRegions = Set<Int>()
        for start in picture.indices where picture[start] && region[start] < 0 {
            var stack = [start], count = 0
            var (x0, y0, x1, y1) = (Int.max, Int.max, -1, -1)
            region[start] = boxes.count
            while let i = stack.popLast() {
                count += 1
                let tx = i % columns, ty = i / columns
                x0 = min(x0, tx); x1 = max(x1, tx); y0 = min(y0, ty); y1 = max(y1, ty)
                for dy in -2...2 {
                    for dx in -2...2 {
                        let nx = tx + dx, ny = ty + dy
                        guard nx >= 0, nx < columns, ny >= 0, ny < rows else { continue }
                        let j = ny * columns + nx
                        if picture[j] && region[j] < 0 { region[j] = boxes.count; stack.append(j) }
                    }
                }
            }
            let w = x1 - x0 + 1, h = y1 - y0 + 1
            let box = PixelBox(x: x0 * tile, y: y0 * tile, width: w * tile, height: h * tile)
            boxes.append(box)
            // Along the image's edge, a long region is what lies beyond the page (a scanner's
            // lid, the wedge a turned page leaves), however narrow.
            // Its squares, not its box, which spans the page where two edges' regions meet.
            let edge = x0 == 0 || y0 == 0 || x1 == columns - 1 || y1 == rows - 1
            if Float(min(w, h)) >= photoSide && Float(count) >= Float(w * h) / 3 {
                regions.append(box)
            } else if edge && Float(max(w, h)) >= photoSide {
                beyondRegions.insert(boxes.count - 1)
            }
        }
        // The squares beyond the page and those next to them, as runs along each row.
        var beyondTiles = [Bool](repeating: false, count: picture.count), beyond = [PixelBox]()
        guard !beyondRegions.isEmpty else { return (regions, [], [], tile) }
        for i in picture.indices where region[i] >= 0 && beyondRegions.contains(region[i]) {
            let tx = i % columns, ty = i / columns
            for dy in -1...1 {
                for dx in -1...1 where tx + dx >= 0 && tx + dx < columns && ty + dy >= 0 && ty + dy < rows {
                    beyondTiles[(ty + dy) * columns + tx + dx] = true
                }
            }
        }
        for ty in 0..<rows {
            var tx = 0
            while tx < columns {
                guard beyondTiles[ty * columns + tx] else { tx += 1; continue }
                let start = tx
                while tx < columns && beyondTiles[ty * columns + tx] { tx += 1 }
                // The last square of a row or column reaches the image's edge.
                let x1 = tx == columns ? image.width : tx * tile, y1 = ty == rows - 1 ? image.height : (ty + 1) * tile
                beyond.append(PixelBox(x: start * tile, y: ty * tile, width: x1 - start * tile, height: y1 - ty * tile))
            }
        }
        return (regions, beyond, beyondTiles, tile)
    }
}
