#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    int saw_premature_end;
    // Set when entropy-coded data is missing or damaged (libjpeg fills the gap with grey and
    // only warns): libjpeg's message for it, or empty.
    char lost_data[JMSG_LENGTH_MAX];
    int too_many_scans;
} error_manager;

// A progressive JPEG may hold any number of scans, each a pass over the whole image: thousands
// of tiny ones cost minutes. Real files have about ten (libjpeg makes 10 for colour, 6 for gray).
#define OCR_JPEG_MAX_SCANS 32

typedef struct {
    struct jpeg_progress_mgr base;
    error_manager *err;
} scan_limit;

static void on_progress(j_common_ptr cinfo) {
    scan_limit *limit = (scan_limit *)cinfo->progress;
    if (!cinfo->is_decompressor) return;
    if (((j_decompress_ptr)cinfo)->input_scan_number > OCR_JPEG_MAX_SCANS) {
        limit->err->too_many_scans = 1;
        longjmp(limit->err->jump, 1);
    }
}

static void on_error_exit(j_common_ptr cinfo) {
    error_manager *err = (error_manager *)cinfo->err;
    longjmp(err->jump, 1);
}

static void on_emit_message(j_common_ptr cinfo, int level) {
    error_manager *err = (error_manager *)cinfo->err;
    // Level -1 is a warning. libjpeg pads a short file with an EOI marker and only warns; we
    // refuse such a file rather than return a partly grey image.
    if (level != -1) return;
    int code = err->base.msg_code;
    if (code == JWRN_JPEG_EOF) err->saw_premature_end = 1;
    // Data cut short before an EOI marker, a bad Huffman code, a lost restart marker: part of
    // the image is invented, so the file is refused as a damaged one.
    if ((code == JWRN_HIT_MARKER || code == JWRN_HUFF_BAD_CODE || code == JWRN_MUST_RESYNC)
        && err->lost_data[0] == 0) {
        (*cinfo->err->format_message)(cinfo, err->lost_data);
    }
}

// Converts one row of CMYK samples to RGB in place of `rgb`. Adobe-written files store
// inverted values (0 = full ink); plain CMYK stores ink amounts.
static void cmyk_row_to_rgb(const uint8_t *cmyk, uint8_t *rgb, uint32_t width, int inverted) {
    for (uint32_t x = 0; x < width; x++) {
        unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1], y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];
        if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
        rgb[3 * x] = (uint8_t)((c * k + 127) / 255);
        rgb[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
        rgb[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
    }
}

// Rec. 601 luma, the weights JPEG's own YCbCr uses.
static void rgb_row_to_gray(const uint8_t *rgb, uint8_t *gray, uint32_t width) {
    for (uint32_t x = 0; x < width; x++) {
        unsigned r = rgb[3 * x], g = rgb[3 * x + 1], b = rgb[3 * x + 2];
        gray[x] = (uint8_t)((77 * r + 150 * g + 29 * b + 128) >> 8);
    }
}

ocr_jpeg_status ocr_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                                int want_rgb, ocr_jpeg_image *out) {
    struct jpeg_decompress_struct cinfo;
    error_manager err;
    // Locals changed after setjmp and read after longjmp must be volatile.
    uint8_t *volatile pixels = NULL;
    uint8_t *volatile row = NULL;

    memset(out, 0, sizeof(*out));
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = on_error_exit;
    err.base.emit_message = on_emit_message;
    err.saw_premature_end = 0;
    err.lost_data[0] = 0;
    err.too_many_scans = 0;
    scan_limit progress;
    progress.base.progress_monitor = on_progress;
    progress.err = &err;

    if (setjmp(err.jump)) {
        int truncated = err.saw_premature_end;
        int empty = err.base.msg_code == JERR_EMPTY_IMAGE;  // a frame header with height 0
        if (err.too_many_scans) {
            snprintf(out->message, sizeof(out->message), "more than %d progressive scans", OCR_JPEG_MAX_SCANS);
        } else {
            (*cinfo.err->format_message)((j_common_ptr)&cinfo, out->message);
        }
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        out->pixels = NULL;
        if (empty) return OCR_JPEG_ZERO_SIZE;
        return truncated ? OCR_JPEG_TRUNCATED : OCR_JPEG_CORRUPT;
    }

    jpeg_create_decompress(&cinfo);
    cinfo.progress = &progress.base;
    jpeg_mem_src(&cinfo, (unsigned char *)data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);

    if (cinfo.image_width == 0 || cinfo.image_height == 0) {
        snprintf(out->message, sizeof(out->message), "zero width or height in the frame header");
        jpeg_destroy_decompress(&cinfo);
        return OCR_JPEG_ZERO_SIZE;
    }
    out->width = cinfo.image_width;
    out->height = cinfo.image_height;
    if ((uint64_t)cinfo.image_width * (uint64_t)cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        return OCR_JPEG_TOO_LARGE;
    }

    int cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
    int inverted = cinfo.saw_Adobe_marker;
    if (cmyk) {
        cinfo.out_color_space = JCS_CMYK;  // libjpeg turns YCCK into CMYK; we do the rest.
    } else {
        cinfo.out_color_space = want_rgb ? JCS_RGB : JCS_GRAYSCALE;
    }
    jpeg_start_decompress(&cinfo);

    uint32_t width = cinfo.output_width, height = cinfo.output_height;
    uint32_t channels = want_rgb ? 3 : 1;
    out->width = width;
    out->height = height;
    out->channels = channels;
    pixels = malloc((size_t)width * height * channels);
    row = cmyk ? malloc((size_t)width * 7) : NULL;  // 4 bytes CMYK + 3 bytes RGB per pixel
    if (!pixels || (cmyk && !row)) {
        jpeg_destroy_decompress(&cinfo);
        free(pixels);
        free(row);
        snprintf(out->message, sizeof(out->message), "out of memory for %ux%u pixels", width, height);
        return OCR_JPEG_OUT_OF_MEMORY;
    }

    while (cinfo.output_scanline < height) {
        uint8_t *dest = pixels + (size_t)cinfo.output_scanline * width * channels;
        if (cmyk) {
            JSAMPROW rows[1] = {row};
            jpeg_read_scanlines(&cinfo, rows, 1);
            uint8_t *rgb = row + (size_t)width * 4;
            cmyk_row_to_rgb(row, want_rgb ? dest : rgb, width, inverted);
            if (!want_rgb) rgb_row_to_gray(rgb, dest, width);
        } else {
            JSAMPROW rows[1] = {dest};
            jpeg_read_scanlines(&cinfo, rows, 1);
        }
    }
    jpeg_finish_decompress(&cinfo);
    int truncated = err.saw_premature_end;
    jpeg_destroy_decompress(&cinfo);
    free(row);
    if (truncated) {
        free(pixels);
        snprintf(out->message, sizeof(out->message), "premature end of JPEG data");
        return OCR_JPEG_TRUNCATED;
    }
    if (err.lost_data[0] != 0) {
        free(pixels);
        snprintf(out->message, sizeof(out->message), "%s", err.lost_data);
        return OCR_JPEG_CORRUPT;
    }
    out->pixels = pixels;
    return OCR_JPEG_OK;
}
