#ifndef OCR_CIMAGECODECS_H
#define OCR_CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

/// Outcome of `ocr_jpeg_decode`.
typedef enum {
    OCR_JPEG_OK = 0,
    OCR_JPEG_CORRUPT = 1,        ///< libjpeg reported an error; `message` says which.
    OCR_JPEG_TRUNCATED = 2,      ///< the data ended before the image did.
    OCR_JPEG_ZERO_SIZE = 3,      ///< the frame header declares zero width or height.
    OCR_JPEG_TOO_LARGE = 4,      ///< width x height exceeds `max_pixels`; nothing was allocated.
    OCR_JPEG_OUT_OF_MEMORY = 5,
} ocr_jpeg_status;

/// A decoded JPEG: `width * height * channels` bytes, rows top to bottom, owned by the caller
/// (release with `free`). `channels` is 1 (gray) or 3 (RGB).
typedef struct {
    uint8_t *pixels;
    uint32_t width;
    uint32_t height;
    uint32_t channels;
    char message[200];
} ocr_jpeg_image;

/// Decodes a JPEG held in memory to 8-bit gray (`want_rgb == 0`) or RGB.
///
/// Baseline, progressive, grayscale, RGB, CMYK and YCCK (Adobe-inverted or not) frames are
/// accepted. The frame size is checked against `max_pixels` after the header is read and before any
/// pixel buffer is allocated. libjpeg's error exit `longjmp`s back into this function only: no
/// Swift frame lies between the `setjmp` and the `longjmp`. EXIF orientation is not applied here.
ocr_jpeg_status ocr_jpeg_decode(const uint8_t *data, size_t size, uint64_t max_pixels,
                                int want_rgb, ocr_jpeg_image *out);

/// Encodes 8-bit gray pixels (`width * height` bytes, rows top to bottom) as a baseline JPEG of
/// `quality` (1-100) into a buffer the caller releases with `free`. Returns OCR_JPEG_OK, or
/// OCR_JPEG_CORRUPT with `message` set if libjpeg refused (a zero size, say).
ocr_jpeg_status ocr_jpeg_encode_gray(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                                     uint8_t **out_data, size_t *out_size, char message[200]);

/// A TIFF opened from memory (`ocr_tiff_open`): libtiff's handle and where its messages go.
typedef struct ocr_tiff ocr_tiff;

/// One page (directory) of a TIFF: its size, and its resolution in pixels per inch when it
/// has one (0 otherwise).
typedef struct {
    uint32_t width;
    uint32_t height;
    double x_resolution;
    double y_resolution;
} ocr_tiff_page;

/// Opens the TIFF in `data` (which must outlive the handle); NULL, with `message` set, when
/// libtiff cannot. libtiff's errors go to `message`, never to stderr; no single allocation it
/// makes exceeds `max_allocation` bytes.
ocr_tiff *ocr_tiff_open(const uint8_t *data, size_t size, uint64_t max_allocation, char message[200]);

/// The number of pages, counting at most `limit` (a loop of directories ends the count).
int ocr_tiff_page_count(ocr_tiff *tiff, int limit);

/// Page `index` (from 0): its size and resolution. 0 on success; else `message` says why.
int ocr_tiff_page_info(ocr_tiff *tiff, int index, ocr_tiff_page *page, char message[200]);

/// Page `index` as RGBA, rows top to bottom, into `rgba` (`width * height` words the caller
/// allocated after checking the size from `ocr_tiff_page_info`). Every photometric
/// interpretation and compression libtiff reads (bilevel G3/G4, palette, 16-bit, YCbCr, LZW,
/// Deflate, PackBits, JPEG) comes out as 8-bit RGBA. 0 on success; else `message` says why.
int ocr_tiff_read_page(ocr_tiff *tiff, int index, uint32_t *rgba, char message[200]);

void ocr_tiff_close(ocr_tiff *tiff);

/// Page `index`'s CCITT Group 4 data as it is stored, for passing it on (into a PDF's
/// CCITTFaxDecode stream): only for a page of one strip, 1 bit a pixel, fill order MSB first.
/// Returns the data (the caller frees it) and sets `size` and `black_is_1` (photometric
/// min-is-black); NULL when the page is stored any other way.
uint8_t *ocr_tiff_group4(ocr_tiff *tiff, int index, size_t *size, int *black_is_1);

#endif
