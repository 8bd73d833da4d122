#include "CImageCodecs.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>

typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
} encode_error_manager;

static void on_encode_error_exit(j_common_ptr cinfo) {
    encode_error_manager *err = (encode_error_manager *)cinfo->err;
    longjmp(err->jump, 1);
}

ocr_jpeg_status ocr_jpeg_encode_gray(const uint8_t *pixels, uint32_t width, uint32_t height, int quality,
                                     uint8_t **out_data, size_t *out_size, char message[200]) {
    struct jpeg_compress_struct cinfo;
    encode_error_manager err;
    // jpeg_mem_dest allocates and grows this buffer; it survives a longjmp, so it is volatile.
    unsigned char *volatile buffer = NULL;
    unsigned long size = 0;

    *out_data = NULL;
    *out_size = 0;
    message[0] = 0;
    cinfo.err = jpeg_std_error(&err.base);
    err.base.error_exit = on_encode_error_exit;
    if (setjmp(err.jump)) {
        (*cinfo.err->format_message)((j_common_ptr)&cinfo, message);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return OCR_JPEG_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = 1;
    cinfo.in_color_space = JCS_GRAYSCALE;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : (quality > 100 ? 100 : quality), TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out_data = buffer;
    *out_size = size;
    return OCR_JPEG_OK;
}
