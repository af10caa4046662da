// CImage: decodes PNG and JPEG files held in memory into 8-bit RGB, and writes RGB PNGs.
// libpng and libjpeg report errors with setjmp/longjmp (libjpeg's default handler even calls
// exit()); all of that stays inside this target, Swift only sees a status and a message.
#ifndef CIMAGE_H
#define CIMAGE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Largest accepted width or height, and largest accepted pixel count: Pillow's decompression-bomb limit
/// (`Image.MAX_IMAGE_PIXELS`), checked from the header before any pixel buffer is allocated.
#define CIMAGE_MAX_SIDE 65535
#define CIMAGE_MAX_PIXELS 89478485u

/// A decoded image: `pixels` holds height rows of width × 3 bytes (R G B), malloc'd.
/// On failure `pixels` is NULL and `error` holds one line saying what is wrong.
typedef struct {
  int width;
  int height;
  uint8_t *pixels;
  char error[200];
} cimage_rgb;

/// Decodes a PNG or a JPEG (chosen by its magic bytes) to RGB, dropping alpha without compositing.
/// Returns 0 on success, -1 on failure (then `out->error` says why). Never exits or aborts.
int cimage_decode(const uint8_t *data, size_t size, cimage_rgb *out);

/// Writes `height` rows of `width` × 3 bytes (R G B) to `path` as an 8-bit RGB PNG.
/// Returns 0 on success, -1 on failure (then `error` holds one line saying why). Never exits or aborts.
int cimage_write_png(const char *path, const uint8_t *rgb, int width, int height, char error[200]);

/// Frees what cimage_decode allocated; safe to call on a failed or zeroed result.
void cimage_free(cimage_rgb *image);

#ifdef __cplusplus
}
#endif

#endif
