// TIFF decoding through libtiff, from memory, with libtiff's messages kept per file.
#include "CImageCodecs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tiffio.h>

struct ocr_tiff {
    TIFF *tif;
    const uint8_t *data;
    size_t size;
    size_t offset;
    char error[200];
};

// libtiff's client I/O on a buffer in memory (read only).
static tmsize_t memory_read(thandle_t handle, void *buffer, tmsize_t count) {
    ocr_tiff *t = (ocr_tiff *)handle;
    if (count < 0 || t->offset >= t->size) return 0;
    size_t n = (size_t)count < t->size - t->offset ? (size_t)count : t->size - t->offset;
    memcpy(buffer, t->data + t->offset, n);
    t->offset += n;
    return (tmsize_t)n;
}

static tmsize_t memory_write(thandle_t handle, void *buffer, tmsize_t count) {
    (void)handle; (void)buffer; (void)count;
    return 0;
}

static toff_t memory_seek(thandle_t handle, toff_t offset, int whence) {
    ocr_tiff *t = (ocr_tiff *)handle;
    uint64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? t->offset : t->size;
    uint64_t target = base + offset;
    // A seek before the start (offset taken as negative) or far past the end fails.
    if (whence != SEEK_SET && (int64_t)offset < 0 && (uint64_t)(-(int64_t)offset) > base) return (toff_t)-1;
    if (target > t->size + (1u << 20)) return (toff_t)-1;
    t->offset = (size_t)target;
    return (toff_t)t->offset;
}

static int memory_close(thandle_t handle) { (void)handle; return 0; }
static toff_t memory_size(thandle_t handle) { return (toff_t)((ocr_tiff *)handle)->size; }
static int memory_map(thandle_t handle, void **base, toff_t *size) { (void)handle; (void)base; (void)size; return 0; }
static void memory_unmap(thandle_t handle, void *base, toff_t size) { (void)handle; (void)base; (void)size; }

// The first error of a file is kept (the later ones follow from it); warnings are dropped.
static int on_error(TIFF *tif, void *user, const char *module, const char *format, va_list args) {
    (void)tif; (void)module;
    ocr_tiff *t = (ocr_tiff *)user;
    if (t && t->error[0] == 0) vsnprintf(t->error, sizeof t->error, format, args);
    return 1;
}

static int on_warning(TIFF *tif, void *user, const char *module, const char *format, va_list args) {
    (void)tif; (void)user; (void)module; (void)format; (void)args;
    return 1;
}

static void say(char message[200], const char *fallback, const ocr_tiff *t) {
    snprintf(message, 200, "%s", t && t->error[0] ? t->error : fallback);
}

ocr_tiff *ocr_tiff_open(const uint8_t *data, size_t size, uint64_t max_allocation, char message[200]) {
    message[0] = 0;
    ocr_tiff *t = calloc(1, sizeof *t);
    if (!t) { snprintf(message, 200, "out of memory"); return NULL; }
    t->data = data;
    t->size = size;
    TIFFOpenOptions *options = TIFFOpenOptionsAlloc();
    if (!options) { free(t); snprintf(message, 200, "out of memory"); return NULL; }
    TIFFOpenOptionsSetErrorHandlerExtR(options, on_error, t);
    TIFFOpenOptionsSetWarningHandlerExtR(options, on_warning, t);
    TIFFOpenOptionsSetMaxSingleMemAlloc(options, (tmsize_t)max_allocation);
    // "m": no memory mapping (the client I/O has none).
    t->tif = TIFFClientOpenExt("<memory>", "rm", (thandle_t)t, memory_read, memory_write, memory_seek, memory_close,
                               memory_size, memory_map, memory_unmap, options);
    TIFFOpenOptionsFree(options);
    if (!t->tif) {
        say(message, "not a TIFF libtiff can read", t);
        free(t);
        return NULL;
    }
    return t;
}

int ocr_tiff_page_count(ocr_tiff *t, int limit) {
    if (!TIFFSetDirectory(t->tif, 0)) return 0;
    int count = 1;
    while (count < limit && TIFFReadDirectory(t->tif)) count++;
    return count;
}

int ocr_tiff_page_info(ocr_tiff *t, int index, ocr_tiff_page *page, char message[200]) {
    t->error[0] = 0;
    if (index < 0 || index > 65535 || !TIFFSetDirectory(t->tif, (tdir_t)index)) {
        say(message, "no such page", t);
        return 1;
    }
    uint32_t width = 0, height = 0;
    if (!TIFFGetField(t->tif, TIFFTAG_IMAGEWIDTH, &width) || !TIFFGetField(t->tif, TIFFTAG_IMAGELENGTH, &height)) {
        say(message, "the page has no size", t);
        return 1;
    }
    page->width = width;
    page->height = height;
    float x = 0, y = 0;
    uint16_t unit = RESUNIT_INCH;
    TIFFGetFieldDefaulted(t->tif, TIFFTAG_RESOLUTIONUNIT, &unit);
    double perInch = unit == RESUNIT_CENTIMETER ? 2.54 : unit == RESUNIT_INCH ? 1 : 0;
    page->x_resolution = TIFFGetField(t->tif, TIFFTAG_XRESOLUTION, &x) && x > 0 ? x * perInch : 0;
    page->y_resolution = TIFFGetField(t->tif, TIFFTAG_YRESOLUTION, &y) && y > 0 ? y * perInch : page->x_resolution;
    return 0;
}

int ocr_tiff_read_page(ocr_tiff *t, int index, uint32_t *rgba, char message[200]) {
    t->error[0] = 0;
    if (!TIFFSetDirectory(t->tif, (tdir_t)index)) {
        say(message, "no such page", t);
        return 1;
    }
    uint32_t width = 0, height = 0;
    TIFFGetField(t->tif, TIFFTAG_IMAGEWIDTH, &width);
    TIFFGetField(t->tif, TIFFTAG_IMAGELENGTH, &height);
    char reason[1024];
    if (!TIFFRGBAImageOK(t->tif, reason)) {
        snprintf(message, 200, "%s", reason);
        return 1;
    }
    if (!TIFFReadRGBAImageOriented(t->tif, width, height, rgba, ORIENTATION_TOPLEFT, 0) || t->error[0]) {
        say(message, "the page's data is corrupt", t);
        return 1;
    }
    return 0;
}

uint8_t *ocr_tiff_group4(ocr_tiff *t, int index, size_t *size, int *black_is_1) {
    t->error[0] = 0;
    if (!TIFFSetDirectory(t->tif, (tdir_t)index)) return NULL;
    uint16_t compression = 0, bits = 0, samples = 1, fill = FILLORDER_MSB2LSB, photometric = 0;
    uint32_t t6 = 0;
    TIFFGetField(t->tif, TIFFTAG_COMPRESSION, &compression);
    TIFFGetFieldDefaulted(t->tif, TIFFTAG_BITSPERSAMPLE, &bits);
    TIFFGetFieldDefaulted(t->tif, TIFFTAG_SAMPLESPERPIXEL, &samples);
    TIFFGetFieldDefaulted(t->tif, TIFFTAG_FILLORDER, &fill);
    TIFFGetField(t->tif, TIFFTAG_PHOTOMETRIC, &photometric);
    TIFFGetFieldDefaulted(t->tif, TIFFTAG_T6OPTIONS, &t6);
    if (compression != COMPRESSION_CCITTFAX4 || bits != 1 || samples != 1 || fill != FILLORDER_MSB2LSB
        || TIFFIsTiled(t->tif) || TIFFNumberOfStrips(t->tif) != 1 || (t6 & GROUP4OPT_UNCOMPRESSED)
        || (photometric != PHOTOMETRIC_MINISWHITE && photometric != PHOTOMETRIC_MINISBLACK)) {
        return NULL;
    }
    uint64_t *counts = NULL;
    if (!TIFFGetField(t->tif, TIFFTAG_STRIPBYTECOUNTS, &counts) || !counts || counts[0] == 0 || counts[0] > t->size) return NULL;
    tmsize_t n = (tmsize_t)counts[0];
    uint8_t *data = malloc((size_t)n);
    if (!data) return NULL;
    tmsize_t got = TIFFReadRawStrip(t->tif, 0, data, n);
    if (got <= 0 || t->error[0]) { free(data); return NULL; }
    *size = (size_t)got;
    *black_is_1 = photometric == PHOTOMETRIC_MINISBLACK;
    return data;
}

void ocr_tiff_close(ocr_tiff *t) {
    if (!t) return;
    if (t->tif) TIFFClose(t->tif);
    free(t);
}
