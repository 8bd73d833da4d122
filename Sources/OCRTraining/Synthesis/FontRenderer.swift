import CFreeType
import Imaging
import OCR
import Platform

/// Renders a line of text with one font through FreeType: dark anti-aliased glyphs on white,
/// with kerning, at a given pixel size. Not thread-safe: use one renderer per thread.
public final class FontRenderer {
    public let path: String
    public let pixelSize: Int
    private var library: FT_Library?
    private var face: FT_Face?

    public init(path: String, pixelSize: Int) throws(FileError) {
        precondition(pixelSize > 0, "pixel size must be positive")
        self.path = path
        self.pixelSize = pixelSize
        // On a throw below, deinit releases whatever was made (the object is fully initialized).
        guard FT_Init_FreeType(&library) == 0 else {
            library = nil
            throw FileError(file: path, reason: "FreeType failed to start")
        }
        guard FT_New_Face(library, path, 0, &face) == 0, let face else {
            face = nil
            throw FileError(file: path, reason: "not a font FreeType can read")
        }
        guard FT_Set_Pixel_Sizes(face, 0, FT_UInt(pixelSize)) == 0 else {
            throw FileError(file: path, reason: "cannot be set to \(pixelSize) pixels")
        }
    }

    deinit {
        if let face { FT_Done_Face(face) }
        if let library { FT_Done_FreeType(library) }
    }

    /// The family and style names, e.g. "DejaVu Serif Bold".
    public var name: String {
        guard let face else { return path }
        let family = face.pointee.family_name.map { String(cString: $0) } ?? "?"
        let style = face.pointee.style_name.map { String(cString: $0) } ?? ""
        return style == "Regular" || style.isEmpty ? family : "\(family) \(style)"
    }

    /// Whether the font has a glyph for every character of `text` (spaces aside).
    public func covers(_ text: String) -> Bool {
        guard let face else { return false }
        return text.unicodeScalars.allSatisfy { $0 == " " || FT_Get_Char_Index(face, FT_ULong($0.value)) != 0 }
    }

    /// The text rendered on a white canvas as tall as the font's line (ascender to descender),
    /// with `margin` pixels of paper on every side.
    public func render(_ text: String, margin: Int = 4) throws(FileError) -> GrayImage {
        guard let face else { throw FileError(file: path, reason: "font not loaded") }
        let metrics = face.pointee.size.pointee.metrics
        let ascender = Int(metrics.ascender >> 6), descender = Int(metrics.descender >> 6)
        let lineHeight = max(ascender - descender, 1)
        let hasKerning = face.pointee.face_flags & FT_Long(FT_FACE_FLAG_KERNING) != 0
        // First pass: positions, so the canvas can be sized; second: drawing.
        struct Placed { var x: Int; var y: Int; var width: Int; var rows: Int; var pitch: Int; var pixels: [UInt8] }
        var placed = [Placed]()
        var pen = 0
        var previous: FT_UInt = 0
        var minX = 0, maxX = 0
        for scalar in text.unicodeScalars {
            let index = FT_Get_Char_Index(face, FT_ULong(scalar.value))
            if index == 0 && scalar != " " {
                throw FileError(file: path, reason: "has no glyph for U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            if hasKerning && previous != 0 && index != 0 {
                var delta = FT_Vector()
                FT_Get_Kerning(face, previous, index, FT_UInt(FT_KERNING_DEFAULT.rawValue), &delta)
                pen += Int(delta.x >> 6)
            }
            // Outlines only: a font's embedded bitmaps (CMU Typewriter has 1-bit ones at small
            // sizes) would come back in another pixel mode, and such lines were drawn blank.
            guard FT_Load_Glyph(face, index, Int32(FT_LOAD_RENDER) | Int32(FT_LOAD_NO_BITMAP)) == 0 else {
                throw FileError(file: path, reason: "cannot render U+\(String(scalar.value, radix: 16, uppercase: true))")
            }
            let slot = face.pointee.glyph.pointee
            let bitmap = slot.bitmap
            let rows = Int(bitmap.rows), width = Int(bitmap.width), pitch = Int(bitmap.pitch)
            if rows > 0 && width > 0, let buffer = bitmap.buffer {
                guard bitmap.pixel_mode == UInt8(FT_PIXEL_MODE_GRAY.rawValue) else {
                    throw FileError(file: path, reason: "renders U+\(String(scalar.value, radix: 16, uppercase: true)) in pixel mode "
                                    + "\(bitmap.pixel_mode), not 8-bit gray")
                }
                let pixels = [UInt8](UnsafeBufferPointer(start: buffer, count: rows * abs(pitch)))
                let x = pen + Int(slot.bitmap_left), y = ascender - Int(slot.bitmap_top)
                placed.append(Placed(x: x, y: y, width: width, rows: rows, pitch: pitch, pixels: pixels))
                minX = min(minX, x)
                maxX = max(maxX, x + width)
            }
            pen += Int(slot.advance.x >> 6)
            maxX = max(maxX, pen)
            previous = index
        }
        let canvasWidth = maxX - minX + 2 * margin, canvasHeight = lineHeight + 2 * margin
        var image = GrayImage(width: canvasWidth, height: canvasHeight, value: 255)
        for glyph in placed {
            for row in 0..<glyph.rows {
                let y = glyph.y + row + margin
                if y < 0 || y >= canvasHeight { continue }
                let source = glyph.pitch >= 0 ? row * glyph.pitch : (glyph.rows - 1 - row) * -glyph.pitch
                for col in 0..<glyph.width {
                    let coverage = glyph.pixels[source + col]
                    if coverage == 0 { continue }
                    let x = glyph.x - minX + col + margin
                    image[x, y] = min(image[x, y], 255 - coverage)
                }
            }
        }
        return image
    }
}
