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

#endif
