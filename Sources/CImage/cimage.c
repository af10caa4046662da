// PNG (libpng) and JPEG (libjpeg-turbo) decoding to 8-bit RGB with the libraries' longjmp-based
// error handling contained here. Pixel conventions follow PIL's Image.convert("RGB"): grey is
// replicated, alpha and tRNS transparency are discarded (not composited), 16-bit samples keep
// their high byte, gamma and EXIF orientation are ignored.
#include "cimage.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <jerror.h>
#include <png.h>

static void set_error(cimage_rgb *out, const char *format, ...) {
  va_list args;
  va_start(args, format);
  vsnprintf(out->error, sizeof out->error, format, args);
  va_end(args);
}

/// Checks the size limits and allocates the RGB buffer; 0 on success.
static int allocate_pixels(cimage_rgb *out, const char *kind, unsigned long width,
                           unsigned long height) {
  if (width == 0 || height == 0) {
    set_error(out, "%s image has an empty size %lux%lu", kind, width, height);
    return -1;
  }
  if (width > CIMAGE_MAX_SIDE || height > CIMAGE_MAX_SIDE ||
      (unsigned long long)width * height > CIMAGE_MAX_PIXELS) {
    set_error(out, "%s image of %lux%lu pixels is over the limit of %u pixels (Pillow's decompression-bomb limit)",
              kind, width, height, (unsigned)CIMAGE_MAX_PIXELS);
    return -1;
  }
  out->pixels = malloc((size_t)width * height * 3);
  if (out->pixels == NULL) {
    set_error(out, "out of memory decoding a %lux%lu %s image", width, height, kind);
    return -1;
  }
  out->width = (int)width;
  out->height = (int)height;
  return 0;
}

/// Writes one decoded row of `channels` 8-bit samples per pixel as RGB.
/// channels: 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA (alpha discarded).
static void row_to_rgb(const uint8_t *in, uint8_t *rgb, int width, int channels) {
  for (int x = 0; x < width; x++) {
    const uint8_t *p = in + (size_t)x * channels;
    if (channels <= 2) {
      rgb[3 * x] = rgb[3 * x + 1] = rgb[3 * x + 2] = p[0];
    } else {
      rgb[3 * x] = p[0];
      rgb[3 * x + 1] = p[1];
      rgb[3 * x + 2] = p[2];
    }
  }
}

// MARK: - PNG

typedef struct {
  const uint8_t *data;
  size_t size;
  size_t offset;
  cimage_rgb *out;
  uint8_t *rows;         // decoded image before RGB conversion
  png_bytep *pointers;   // row pointers into `rows`
  char warning[120];     // the last warning, which often says why the error that follows occurred
} png_source;

static void png_source_free(png_source *src) {
  free(src->pointers);
  free(src->rows);
  src->pointers = NULL;
  src->rows = NULL;
}

static void png_read_memory(png_structp png, png_bytep dest, png_size_t length) {
  png_source *src = png_get_io_ptr(png);
  if (length > src->size - src->offset) {
    png_error(png, "file ends early (truncated PNG)");
  }
  memcpy(dest, src->data + src->offset, length);
  src->offset += length;
}

static void png_on_error(png_structp png, png_const_charp message) {
  png_source *src = png_get_error_ptr(png);
  if (src->warning[0] != '\0') {
    set_error(src->out, "invalid PNG: %s (%s)", message, src->warning);
  } else {
    set_error(src->out, "invalid PNG: %s", message);
  }
  png_longjmp(png, 1);
}

static void png_on_warning(png_structp png, png_const_charp message) {
  // Ancillary-chunk problems (bad CRC in a text chunk, unknown sRGB profile…) do not affect
  // the pixels and PIL ignores them too; the text is kept only to explain a later error.
  png_source *src = png_get_error_ptr(png);
  snprintf(src->warning, sizeof src->warning, "%s", message);
}

static int decode_png(const uint8_t *data, size_t size, cimage_rgb *out) {
  png_source src = {data, size, 0, out, NULL, NULL, ""};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &src, png_on_error,
                                           png_on_warning);
  if (png == NULL) {
    set_error(out, "out of memory starting the PNG decoder");
    return -1;
  }
  png_infop info = png_create_info_struct(png);
  if (info == NULL) {
    png_destroy_read_struct(&png, NULL, NULL);
    set_error(out, "out of memory starting the PNG decoder");
    return -1;
  }
  // Everything allocated after this point is reachable from `src` or `out` (whose addresses
  // escape, so they are not cached in registers) and the error path frees it.
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info, NULL);
    png_source_free(&src);
    free(out->pixels);
    out->pixels = NULL;
    return -1;
  }
  png_set_read_fn(png, &src, png_read_memory);
  png_set_user_limits(png, CIMAGE_MAX_SIDE, CIMAGE_MAX_SIDE);
  png_read_info(png, info);

  int color_type = png_get_color_type(png, info);
  int bit_depth = png_get_bit_depth(png, info);
  if (color_type == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
  if (color_type == PNG_COLOR_TYPE_GRAY && bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
  if (bit_depth == 16) png_set_strip_16(png);
  png_set_interlace_handling(png);
  png_read_update_info(png, info);

  png_uint_32 width = png_get_image_width(png, info);
  png_uint_32 height = png_get_image_height(png, info);
  int channels = png_get_channels(png, info);
  size_t rowbytes = png_get_rowbytes(png, info);
  if (png_get_bit_depth(png, info) != 8 || channels < 1 || channels > 4 ||
      rowbytes != (size_t)width * channels) {
    png_error(png, "unsupported pixel layout after expansion");
  }
  if (allocate_pixels(out, "PNG", width, height) != 0) {
    png_destroy_read_struct(&png, &info, NULL);
    return -1;
  }
  src.rows = malloc(rowbytes * height);
  src.pointers = malloc(sizeof(png_bytep) * height);
  if (src.rows == NULL || src.pointers == NULL) {
    png_error(png, "out of memory for the pixel rows");
  }
  for (png_uint_32 y = 0; y < height; y++) src.pointers[y] = src.rows + rowbytes * y;
  png_read_image(png, src.pointers);

  for (png_uint_32 y = 0; y < height; y++) {
    row_to_rgb(src.rows + rowbytes * y, out->pixels + (size_t)width * 3 * y, (int)width, channels);
  }
  png_destroy_read_struct(&png, &info, NULL);
  png_source_free(&src);
  return 0;
}

// MARK: - JPEG

typedef struct {
  struct jpeg_error_mgr base;  // first member: libjpeg passes &base as the error manager
  jmp_buf jump;
  cimage_rgb *out;
} jpeg_error_handler;

static void jpeg_on_error(j_common_ptr cinfo) {
  jpeg_error_handler *handler = (jpeg_error_handler *)cinfo->err;
  char message[JMSG_LENGTH_MAX];
  (*cinfo->err->format_message)(cinfo, message);
  set_error(handler->out, "invalid JPEG: %s", message);
  longjmp(handler->jump, 1);
}

static void jpeg_on_message(j_common_ptr cinfo, int level) {
  // libjpeg recovers from corrupt data with a warning and decodes grey or smeared blocks; Pillow
  // refuses such files ("broken data stream", "image file is truncated"), and so do we: a file that
  // ends early and every "Corrupt JPEG data" warning end the decode. Trace messages (level > 0) and
  // harmless warnings (an unknown JFIF revision or Adobe transform) are ignored.
  if (level != -1) return;
  switch (cinfo->err->msg_code) {
    case JWRN_JPEG_EOF:
    case JWRN_HIT_MARKER:
    case JWRN_HUFF_BAD_CODE:
    case JWRN_ARITH_BAD_CODE:
    case JWRN_MUST_RESYNC:
    case JWRN_EXTRANEOUS_DATA:
    case JWRN_NOT_SEQUENTIAL:
    case JWRN_BOGUS_PROGRESSION:
    case JWRN_BOGUS_ICC:
    {
      jpeg_error_handler *handler = (jpeg_error_handler *)cinfo->err;
      char message[JMSG_LENGTH_MAX];
      (*cinfo->err->format_message)(cinfo, message);
      if (cinfo->err->msg_code == JWRN_JPEG_EOF) {
        set_error(handler->out, "file ends early (truncated or corrupt JPEG)");
      } else {
        set_error(handler->out, "invalid JPEG: %s", message);
      }
      longjmp(handler->jump, 1);
    }
    default:  // a libjpeg message code (a C int): warnings that do not mean corrupt pixels
      return;
  }
}

static int decode_jpeg(const uint8_t *data, size_t size, cimage_rgb *out) {
  struct jpeg_decompress_struct cinfo;
  jpeg_error_handler handler;
  // Heap row buffer so the error path can free it; volatile as it is changed after setjmp.
  uint8_t *volatile row = NULL;
  memset(&cinfo, 0, sizeof cinfo);
  cinfo.err = jpeg_std_error(&handler.base);
  handler.base.error_exit = jpeg_on_error;
  handler.base.emit_message = jpeg_on_message;
  handler.out = out;
  if (setjmp(handler.jump)) {
    jpeg_destroy_decompress(&cinfo);
    free(row);
    free(out->pixels);
    out->pixels = NULL;
    return -1;
  }
  jpeg_create_decompress(&cinfo);
  jpeg_mem_src(&cinfo, data, (unsigned long)size);
  jpeg_read_header(&cinfo, TRUE);

  switch (cinfo.jpeg_color_space) {
    case JCS_GRAYSCALE:
      cinfo.out_color_space = JCS_GRAYSCALE;
      break;
    case JCS_YCbCr:
    case JCS_RGB:
      cinfo.out_color_space = JCS_RGB;
      break;
    case JCS_CMYK:
    case JCS_YCCK:
      set_error(out, "CMYK/YCCK JPEG images are not supported (convert the image to RGB first)");
      longjmp(handler.jump, 1);
    default:
      set_error(out, "JPEG colour space %d is not supported", (int)cinfo.jpeg_color_space);
      longjmp(handler.jump, 1);
  }
  // Size limits before libjpeg allocates its own buffers; at full scale output = image size.
  if (allocate_pixels(out, "JPEG", cinfo.image_width, cinfo.image_height) != 0) {
    jpeg_destroy_decompress(&cinfo);
    return -1;
  }
  // libjpeg's defaults (islow IDCT, fancy upsampling) are what PIL decodes with.
  jpeg_start_decompress(&cinfo);
  if ((int)cinfo.output_width != out->width || (int)cinfo.output_height != out->height) {
    set_error(out, "JPEG output size %ux%u differs from its header's %dx%d", cinfo.output_width,
              cinfo.output_height, out->width, out->height);
    longjmp(handler.jump, 1);
  }
  int channels = cinfo.output_components;
  row = malloc((size_t)cinfo.output_width * channels);
  if (row == NULL) {
    set_error(out, "out of memory for a JPEG row");
    longjmp(handler.jump, 1);
  }
  while (cinfo.output_scanline < cinfo.output_height) {
    JDIMENSION y = cinfo.output_scanline;
    JSAMPROW rows[1] = {row};
    if (jpeg_read_scanlines(&cinfo, rows, 1) != 1) {
      set_error(out, "file ends early (truncated or corrupt JPEG)");
      longjmp(handler.jump, 1);
    }
    row_to_rgb(row, out->pixels + (size_t)out->width * 3 * y, out->width, channels);
  }
  // jpeg_finish_decompress would read past the last scan; not needed for the pixels.
  jpeg_destroy_decompress(&cinfo);
  free(row);
  return 0;
}

// MARK: - Entry points

int cimage_decode(const uint8_t *data, size_t size, cimage_rgb *out) {
  static const uint8_t png_magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  static const uint8_t jpeg_magic[3] = {0xff, 0xd8, 0xff};
  memset(out, 0, sizeof *out);
  if (size >= sizeof png_magic && memcmp(data, png_magic, sizeof png_magic) == 0) {
    return decode_png(data, size, out);
  }
  if (size >= sizeof jpeg_magic && memcmp(data, jpeg_magic, sizeof jpeg_magic) == 0) {
    return decode_jpeg(data, size, out);
  }
  set_error(out, "not a PNG or JPEG file (unrecognised signature)");
  return -1;
}

void cimage_free(cimage_rgb *image) {
  free(image->pixels);
  image->pixels = NULL;
}

// ---- PNG writing -------------------------------------------------------------------------------------------

typedef struct {
  char *error;
} png_sink;

static void png_write_on_error(png_structp png, png_const_charp message) {
  png_sink *sink = png_get_error_ptr(png);
  snprintf(sink->error, 200, "libpng: %s", message);
  png_longjmp(png, 1);
}

static void png_write_on_warning(png_structp png, png_const_charp message) {
  (void)png;
  (void)message;
}

int cimage_write_png(const char *path, const uint8_t *rgb, int width, int height, char error[200]) {
  error[0] = 0;
  if (width <= 0 || height <= 0 || width > CIMAGE_MAX_SIDE || height > CIMAGE_MAX_SIDE) {
    snprintf(error, 200, "bad size %dx%d", width, height);
    return -1;
  }
  FILE *file = fopen(path, "wb");
  if (!file) {
    snprintf(error, 200, "%s", strerror(errno));
    return -1;
  }
  png_sink sink = {error};
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &sink, png_write_on_error,
                                            png_write_on_warning);
  png_infop info = png ? png_create_info_struct(png) : NULL;
  if (!png || !info) {
    if (png) png_destroy_write_struct(&png, NULL);
    fclose(file);
    snprintf(error, 200, "libpng: out of memory");
    return -1;
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    fclose(file);
    return -1;
  }
  png_init_io(png, file);
  png_set_IHDR(png, info, (png_uint_32)width, (png_uint_32)height, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < height; y++) png_write_row(png, (png_const_bytep)(rgb + (size_t)y * (size_t)width * 3));
  png_write_end(png, NULL);
  png_destroy_write_struct(&png, &info);
  if (fclose(file) != 0) {
    snprintf(error, 200, "%s", strerror(errno));
    return -1;
  }
  return 0;
}
