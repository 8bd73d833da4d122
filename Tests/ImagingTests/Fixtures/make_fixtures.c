/*
 * Writes the PNG and JPEG fixtures of ImagingTests. The pixel formulas here are repeated in
 * FixtureTests.swift, which checks the decoded pixels against them.
 *
 *   cc make_fixtures.c -o /tmp/make_fixtures -lpng16 -ljpeg && (cd Tests/ImagingTests/Fixtures && /tmp/make_fixtures)
 */
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

enum { W = 16, H = 8 };

static void write_png(const char *name, int color_type, int depth, int interlace,
                      png_bytep *rows, png_colorp palette, int palette_count,
                      png_bytep trans, int trans_count, png_color_16p trans_gray) {
    FILE *f = fopen(name, "wb");
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png_create_info_struct(png);
    if (setjmp(png_jmpbuf(png))) { fprintf(stderr, "failed: %s\n", name); exit(1); }
    png_init_io(png, f);
    png_set_IHDR(png, info, W, H, depth, color_type,
                 interlace ? PNG_INTERLACE_ADAM7 : PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (palette) png_set_PLTE(png, info, palette, palette_count);
    if (trans || trans_gray) png_set_tRNS(png, info, trans, trans_count, trans_gray);
    png_write_info(png, info);
    if (interlace) png_set_interlace_handling(png);
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    fclose(f);
}

/* Packs sample values of `depth` bits (<= 8) or 16 into rows. */
static png_bytep *pack(const unsigned *samples, int channels, int depth) {
    png_bytep *rows = malloc(sizeof(png_bytep) * H);
    for (int y = 0; y < H; y++) {
        rows[y] = calloc(W * channels * 2, 1);
        for (int i = 0; i < W * channels; i++) {
            unsigned v = samples[y * W * channels + i];
            if (depth == 16) {
                rows[y][2 * i] = v >> 8;
                rows[y][2 * i + 1] = v & 0xFF;
            } else {
                int bit = i * depth;
                rows[y][bit / 8] |= v << (8 - depth - bit % 8);
            }
        }
    }
    return rows;
}

static void png_fixtures(void) {
    unsigned s[W * H * 4];
    char name[64];
    /* Gray, depth d: level (x + 2y) mod 2^d. */
    for (int d = 1; d <= 8; d *= 2) {
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) s[y * W + x] = (x + 2 * y) % (1 << d);
        snprintf(name, sizeof name, "gray%d.png", d);
        write_png(name, PNG_COLOR_TYPE_GRAY, d, 0, pack(s, 1, d), NULL, 0, NULL, 0, NULL);
        if (d == 8 || d == 1) {
            snprintf(name, sizeof name, "gray%d_interlaced.png", d);
            write_png(name, PNG_COLOR_TYPE_GRAY, d, 1, pack(s, 1, d), NULL, 0, NULL, 0, NULL);
        }
    }
    /* Gray 8 with tRNS: level (x + 2y) mod 256, value 0 transparent. */
    png_color_16 transparent_gray = {0, 0, 0, 0, 0};
    write_png("gray8_trns.png", PNG_COLOR_TYPE_GRAY, 8, 0, pack(s, 1, 8), NULL, 0, NULL, 0, &transparent_gray);
    /* Gray 16: (16x + y) * 257 + 100. */
    for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) s[y * W + x] = (16 * x + y) * 257 + 100;
    write_png("gray16.png", PNG_COLOR_TYPE_GRAY, 16, 0, pack(s, 1, 16), NULL, 0, NULL, 0, NULL);
    /* Gray + alpha: gray 16x, alpha 36y (times 257 at 16 bits). */
    for (int depth = 8; depth <= 16; depth += 8) {
        unsigned scale = depth == 16 ? 257 : 1;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) {
            s[2 * (y * W + x)] = 16 * x * scale;
            s[2 * (y * W + x) + 1] = 36 * y * scale;
        }
        snprintf(name, sizeof name, "gray_alpha%d.png", depth);
        write_png(name, PNG_COLOR_TYPE_GRAY_ALPHA, depth, 0, pack(s, 2, depth), NULL, 0, NULL, 0, NULL);
    }
    /* RGB and RGBA: r 16x, g 32y, b 255 - 16x, alpha 11(x + y) (times 257 at 16 bits). */
    for (int depth = 8; depth <= 16; depth += 8) {
        unsigned scale = depth == 16 ? 257 : 1;
        for (int alpha = 0; alpha <= 1; alpha++) {
            int c = alpha ? 4 : 3;
            for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) {
                unsigned *p = s + c * (y * W + x);
                p[0] = 16 * x * scale; p[1] = 32 * y * scale; p[2] = (255 - 16 * x) * scale;
                if (alpha) p[3] = 11 * (x + y) * scale;
            }
            snprintf(name, sizeof name, "%s%d.png", alpha ? "rgba" : "rgb", depth);
            write_png(name, alpha ? PNG_COLOR_TYPE_RGBA : PNG_COLOR_TYPE_RGB, depth, 0, pack(s, c, depth),
                      NULL, 0, NULL, 0, NULL);
            if (alpha && depth == 8)
                write_png("rgba8_interlaced.png", PNG_COLOR_TYPE_RGBA, 8, 1, pack(s, c, 8), NULL, 0, NULL, 0, NULL);
        }
    }
    /* Palette, depth d: entry k = (37k, 73k, 109k) mod 256, index (x + 2y) mod 2^d;
       the 4-bit one also with tRNS alpha 17k. */
    png_color palette[256];
    png_byte trans[16];
    for (int k = 0; k < 256; k++) {
        palette[k].red = (37 * k) % 256; palette[k].green = (73 * k) % 256; palette[k].blue = (109 * k) % 256;
    }
    for (int k = 0; k < 16; k++) trans[k] = 17 * k;
    for (int d = 1; d <= 8; d *= 2) {
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) s[y * W + x] = (x + 2 * y) % (1 << d);
        snprintf(name, sizeof name, "palette%d.png", d);
        write_png(name, PNG_COLOR_TYPE_PALETTE, d, 0, pack(s, 1, d), palette, 1 << d, NULL, 0, NULL);
        if (d == 4)
            write_png("palette4_trns.png", PNG_COLOR_TYPE_PALETTE, 4, 0, pack(s, 1, 4), palette, 16, trans, 16, NULL);
    }
}

/* JPEG: 32x16, the left 16x16 block one color, the right another (flat blocks keep the lossy
   values close to the source). */
static void write_jpeg(const char *name, int components, J_COLOR_SPACE in, J_COLOR_SPACE out,
                       int progressive, int adobe, const unsigned char *left, const unsigned char *right,
                       int width, int height, const unsigned char *pixels, int orientation) {
    struct jpeg_compress_struct c;
    struct jpeg_error_mgr err;
    FILE *f = fopen(name, "wb");
    c.err = jpeg_std_error(&err);
    jpeg_create_compress(&c);
    jpeg_stdio_dest(&c, f);
    c.image_width = width; c.image_height = height;
    c.input_components = components; c.in_color_space = in;
    jpeg_set_defaults(&c);
    jpeg_set_colorspace(&c, out);
    jpeg_set_quality(&c, 95, TRUE);
    if (progressive) jpeg_simple_progression(&c);
    c.write_Adobe_marker = adobe;
    jpeg_start_compress(&c, TRUE);
    if (orientation) {
        /* APP1 Exif, big-endian TIFF, IFD0 with one entry: Orientation (0x0112, SHORT, 1). */
        unsigned char exif[] = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8,
                                0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (unsigned char)orientation, 0, 0,
                                0, 0, 0, 0};
        jpeg_write_marker(&c, JPEG_APP0 + 1, exif, sizeof exif);
    }
    unsigned char row[64 * 4];
    while (c.next_scanline < c.image_height) {
        for (int x = 0; x < width; x++)
            for (int k = 0; k < components; k++)
                row[x * components + k] = pixels ? pixels[(c.next_scanline * width + x) * components + k]
                                                 : (x < 16 ? left : right)[k];
        JSAMPROW rows[1] = {row};
        jpeg_write_scanlines(&c, rows, 1);
    }
    jpeg_finish_compress(&c);
    jpeg_destroy_compress(&c);
    fclose(f);
}

static void jpeg_fixtures(void) {
    unsigned char red[3] = {200, 40, 40}, blue[3] = {40, 40, 200};
    unsigned char dark[1] = {50}, light[1] = {200};
    write_jpeg("baseline.jpg", 3, JCS_RGB, JCS_YCbCr, 0, 0, red, blue, 32, 16, NULL, 0);
    write_jpeg("progressive.jpg", 3, JCS_RGB, JCS_YCbCr, 1, 0, red, blue, 32, 16, NULL, 0);
    write_jpeg("gray.jpg", 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 0, 0, dark, light, 32, 16, NULL, 0);
    /* Ink: left C0 M200 Y200 K0, right C200 M200 Y0 K55. Adobe files store 255 - ink. */
    unsigned char ink_left[4] = {0, 200, 200, 0}, ink_right[4] = {200, 200, 0, 55};
    unsigned char inv_left[4], inv_right[4];
    for (int k = 0; k < 4; k++) { inv_left[k] = 255 - ink_left[k]; inv_right[k] = 255 - ink_right[k]; }
    write_jpeg("cmyk_adobe.jpg", 4, JCS_CMYK, JCS_CMYK, 0, 1, inv_left, inv_right, 32, 16, NULL, 0);
    write_jpeg("ycck_adobe.jpg", 4, JCS_CMYK, JCS_YCCK, 0, 1, inv_left, inv_right, 32, 16, NULL, 0);
    write_jpeg("cmyk_plain.jpg", 4, JCS_CMYK, JCS_CMYK, 0, 0, ink_left, ink_right, 32, 16, NULL, 0);
    /* Orientation: 48x32 stored, black 16x16 block at the stored top-left, white elsewhere. */
    unsigned char pixels[48 * 32];
    for (int y = 0; y < 32; y++) for (int x = 0; x < 48; x++) pixels[y * 48 + x] = (x < 16 && y < 16) ? 0 : 255;
    for (int o = 1; o <= 8; o++) {
        char name[32];
        snprintf(name, sizeof name, "orientation%d.jpg", o);
        write_jpeg(name, 1, JCS_GRAYSCALE, JCS_GRAYSCALE, 0, 0, NULL, NULL, 48, 32, pixels, o);
    }
}

int main(void) {
    png_fixtures();
    jpeg_fixtures();
    return 0;
}
