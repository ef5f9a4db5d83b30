/*
 * Kiln's resampler passes in C (libkilnresample.so), called through JNI by NativeResampler.
 *
 * The same integer operations as the Java resampler (Lanczos, JavaResampler, ScalarRowKernel), so the bytes
 * are the same: the Java side computes the tap tables (their trigonometry stays in Java) and this
 * file only sums rows with them. What it saves is not the arithmetic, which C2's code does as
 * fast once compiled, but the compiling: a run that prepares a hundred images spent most of
 * their resampling in interpreted and quickly-compiled Java, and C2's compile of it besides.
 *
 * Every index the tables name is checked against the arrays before anything is read.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PRECISION 14
#define HALF (1 << (PRECISION - 1))
/* Samples summed per chunk of a row: the accumulators stay in the first-level cache. */
#define CHUNK 1024

/* AVX-512 or AVX2 where the CPU has them, chosen when the library loads; SSE2 (x86-64's
   baseline) otherwise. The row sums vectorise; with AVX-512 a 500x375 image's vertical pass took
   0.10 ms, with AVX2 0.18 ms. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define KILN_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define KILN_CLONES
#endif

static inline uint8_t clamp_sample(uint32_t acc) {
    /* As Java: the sum modulo 2^32, read as a signed int, shifted arithmetically, clamped. */
    int32_t v = ((int32_t) acc) >> PRECISION;
    return (uint8_t) (v < 0 ? 0 : (v > 255 ? 255 : v));
}

/*
 * out[x] = clamp((HALF + sum_k in[k * stride + x] * w[k]) >> PRECISION) for x in [0, len):
 * RowKernel's contract.
 */
KILN_CLONES
static void sum_rows(const uint8_t *in, size_t stride, const int32_t *w, int taps, uint8_t *out, size_t len) {
    uint32_t acc[CHUNK];
    for (size_t x0 = 0; x0 < len; x0 += CHUNK) {
        size_t n = len - x0 < CHUNK ? len - x0 : CHUNK;
        for (size_t x = 0; x < n; x++) {
            acc[x] = HALF;
        }
        for (int k = 0; k < taps; k++) {
            const uint8_t *p = in + (size_t) k * stride + x0;
            uint32_t wk = (uint32_t) w[k];
            for (size_t x = 0; x < n; x++) {
                acc[x] += (uint32_t) p[x] * wk;
            }
        }
        for (size_t x = 0; x < n; x++) {
            out[x0 + x] = clamp_sample(acc[x]);
        }
    }
}

/*
 * Transposes a w x h packed RGB image into h x w, as Lanczos.transpose does: each pixel moves as
 * one 4-byte load and store, whose fourth byte is the first of the next destination pixel, written
 * next (so each destination row goes front to back); the last source row takes byte copies, where
 * the fourth byte would lie past the arrays or over a pixel already written.
 */
static void transpose_rgb(const uint8_t *src, int w, int h, uint8_t *dst) {
    const int block = 32;
    for (int bx = 0; bx < w; bx += block) {
        int x_end = bx + block < w ? bx + block : w;
        for (int by = 0; by < h; by += block) {
            int y_end = by + block < h ? by + block : h;
            int whole_end = y_end < h - 1 ? y_end : h - 1;
            for (int x = bx; x < x_end; x++) {
                uint8_t *d = dst + ((size_t) x * h + by) * 3;
                const uint8_t *s = src + ((size_t) by * w + x) * 3;
                for (int y = by; y < whole_end; y++, d += 3, s += (size_t) w * 3) {
                    uint32_t pixel;
                    memcpy(&pixel, s, 4);
                    memcpy(d, &pixel, 4);
                }
                if (y_end == h) {
                    d[0] = s[0];
                    d[1] = s[1];
                    d[2] = s[2];
                }
            }
        }
    }
}

/* Whether every tap of the table reads inside [0, len). */
static int taps_inside(const int32_t *start, const int32_t *count, int n, int stride, int len) {
    for (int i = 0; i < n; i++) {
        if (count[i] < 1 || count[i] > stride || start[i] < 0 || start[i] > len - count[i]) {
            return 0;
        }
    }
    return 1;
}

/* The version of the functions below: NativeResampler checks it when it loads the library, so a
   library built from another version of this file is never called with the wrong arguments. */
#define KILN_RESAMPLE_ABI 2

JNIEXPORT jint JNICALL Java_dev_kiln_transforms_image_NativeResampler_abi(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    return KILN_RESAMPLE_ABI;
}

typedef struct {
    jint *start;
    jint *count;
    jint *weights;
} taps_t;

static int copy_taps(JNIEnv *env, jintArray start, jintArray count, jintArray weights, int n, int stride, taps_t *t) {
    memset(t, 0, sizeof *t);
    if ((*env)->GetArrayLength(env, start) < n || (*env)->GetArrayLength(env, count) < n
            || (*env)->GetArrayLength(env, weights) < (jlong) n * stride) {
        return -2;
    }
    t->start = malloc(sizeof(jint) * (size_t) n);
    t->count = malloc(sizeof(jint) * (size_t) n);
    t->weights = malloc(sizeof(jint) * (size_t) n * (size_t) stride);
    if (!t->start || !t->count || !t->weights) {
        return -1;
    }
    (*env)->GetIntArrayRegion(env, start, 0, n, t->start);
    (*env)->GetIntArrayRegion(env, count, 0, n, t->count);
    (*env)->GetIntArrayRegion(env, weights, 0, n * stride, t->weights);
    return 0;
}

static void free_taps(taps_t *t) {
    free(t->start);
    free(t->count);
    free(t->weights);
}

/*
 * JavaResampler.lanczos's two passes: the vertical one over the source rows (only the `cols` columns
 * from `colMin` that the horizontal taps read) into an outH x cols image, then the horizontal one
 * as a vertical pass over its transpose, transposed back into `out` (outW x outH, RGB). `work`
 * holds the intermediate images: at least 2 * outH * cols * 3 + outW * outH * 3 bytes.
 * Returns 0, -1 when memory ran out, -2 when a table reaches outside its image or an array is short.
 */
JNIEXPORT jint JNICALL Java_dev_kiln_transforms_image_NativeResampler_lanczos(
        JNIEnv *env, jclass cls, jbyteArray in, jint sw, jint sh, jint colMin, jint cols,
        jintArray vStart, jintArray vCount, jintArray vWeights, jint vStride, jint outH,
        jintArray hStart, jintArray hCount, jintArray hWeights, jint hStride, jint outW,
        jbyteArray work, jbyteArray out) {
    (void) cls;
    if (sw < 1 || sh < 1 || outW < 1 || outH < 1 || cols < 1 || colMin < 0 || colMin > sw - cols
            || vStride < 1 || hStride < 1
            || (*env)->GetArrayLength(env, in) < (jlong) sw * sh * 3
            || (*env)->GetArrayLength(env, out) < (jlong) outW * outH * 3) {
        return -2;
    }
    taps_t v, h;
    int rc = copy_taps(env, vStart, vCount, vWeights, outH, vStride, &v);
    if (rc == 0) {
        rc = copy_taps(env, hStart, hCount, hWeights, outW, hStride, &h);
    } else {
        memset(&h, 0, sizeof h);
    }
    if (rc == 0 && (!taps_inside(v.start, v.count, outH, vStride, sh)
            || !taps_inside(h.start, h.count, outW, hStride, sw))) {
        rc = -2;
    }
    for (int i = 0; rc == 0 && i < outW; i++) {
        if (h.start[i] < colMin || h.start[i] + h.count[i] > colMin + cols) {
            rc = -2;
        }
    }
    /* The intermediate images live in the caller's work array, which a thread keeps from image to
       image: memory malloc'd per call came fresh from the kernel, one page fault per 4 KiB page. */
    size_t mid_bytes = (size_t) outH * cols * 3;
    size_t out_bytes = (size_t) outW * outH * 3;
    if (rc == 0 && (*env)->GetArrayLength(env, work) < (jlong) (2 * mid_bytes + out_bytes)) {
        rc = -2;
    }
    uint8_t *scratch = rc == 0 ? (*env)->GetPrimitiveArrayCritical(env, work, NULL) : NULL;
    if (rc == 0 && !scratch) {
        rc = -1;
    }
    if (rc == 0) {
        uint8_t *mid = scratch;
        uint8_t *mid_t = scratch + mid_bytes;
        uint8_t *out_t = scratch + 2 * mid_bytes;
        size_t row_bytes = (size_t) sw * 3;
        uint8_t *src = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
        uint8_t *dst = src ? (*env)->GetPrimitiveArrayCritical(env, out, NULL) : NULL;
        if (!dst) {
            rc = -1;
        } else {
            for (int j = 0; j < outH; j++) {
                sum_rows(src + (size_t) v.start[j] * row_bytes + (size_t) colMin * 3, row_bytes,
                        v.weights + (size_t) j * vStride, v.count[j], mid + (size_t) j * cols * 3, (size_t) cols * 3);
            }
            transpose_rgb(mid, cols, outH, mid_t);
            size_t t_row = (size_t) outH * 3;
            for (int i = 0; i < outW; i++) {
                sum_rows(mid_t + (size_t) (h.start[i] - colMin) * t_row, t_row,
                        h.weights + (size_t) i * hStride, h.count[i], out_t + (size_t) i * t_row, t_row);
            }
            transpose_rgb(out_t, outH, outW, dst);
            (*env)->ReleasePrimitiveArrayCritical(env, out, dst, 0);
        }
        if (src) {
            (*env)->ReleasePrimitiveArrayCritical(env, in, src, JNI_ABORT);
        }
        (*env)->ReleasePrimitiveArrayCritical(env, work, scratch, JNI_ABORT);
    }
    free_taps(&v);
    free_taps(&h);
    return rc;
}

/*
 * JavaResampler.boxReduce: averages fx x fy boxes of the region [rx, rx+rw) x [ry, ry+rh) of a
 * sw-wide RGB image into `out` (ceil(rw/fx) x ceil(rh/fy)); boxes cut by the region's right or
 * bottom edge average the pixels they hold. Returns 0, -1 when memory ran out, -2 when the region
 * is not inside the image.
 */
JNIEXPORT jint JNICALL Java_dev_kiln_transforms_image_NativeResampler_boxReduce(
        JNIEnv *env, jclass cls, jbyteArray in, jint sw, jint sh, jint rx, jint ry, jint rw, jint rh,
        jint fx, jint fy, jbyteArray out) {
    (void) cls;
    if (sw < 1 || sh < 1 || rw < 1 || rh < 1 || fx < 1 || fy < 1 || rx < 0 || ry < 0
            || rx > sw - rw || ry > sh - rh) {
        return -2;
    }
    int ow = (rw + fx - 1) / fx;
    int oh = (rh + fy - 1) / fy;
    if ((*env)->GetArrayLength(env, in) < (jlong) sw * sh * 3
            || (*env)->GetArrayLength(env, out) < (jlong) ow * oh * 3) {
        return -2;
    }
    /* Sums of up to fx * fy samples of 255 each: Java's int, which the caller keeps from overflowing. */
    int32_t *acc = malloc(sizeof(int32_t) * (size_t) ow * 3);
    if (!acc) {
        return -1;
    }
    const uint8_t *src = (*env)->GetPrimitiveArrayCritical(env, in, NULL);
    uint8_t *dst = src ? (*env)->GetPrimitiveArrayCritical(env, out, NULL) : NULL;
    if (!dst) {
        if (src) {
            (*env)->ReleasePrimitiveArrayCritical(env, in, (void *) src, JNI_ABORT);
        }
        free(acc);
        return -1;
    }
    for (int j = 0; j < oh; j++) {
        memset(acc, 0, sizeof(int32_t) * (size_t) ow * 3);
        int y_start = ry + j * fy;
        int y_end = ry + rh < y_start + fy ? ry + rh : y_start + fy;
        for (int y = y_start; y < y_end; y++) {
            const uint8_t *p = src + ((size_t) y * sw + rx) * 3;
            int x = 0;
            for (int i = 0; i < ow; i++) {
                int x_end = rw < x + fx ? rw : x + fx;
                int32_t r = 0, g = 0, b = 0;
                for (; x < x_end; x++, p += 3) {
                    r += p[0];
                    g += p[1];
                    b += p[2];
                }
                acc[3 * i] += r;
                acc[3 * i + 1] += g;
                acc[3 * i + 2] += b;
            }
        }
        int rows = y_end - y_start;
        uint8_t *o = dst + (size_t) j * ow * 3;
        for (int i = 0; i < ow; i++) {
            int right = rw < (i + 1) * fx ? rw : (i + 1) * fx;
            int32_t n = rows * (right - i * fx);
            int32_t half = n >> 1;
            *o++ = (uint8_t) ((acc[3 * i] + half) / n);
            *o++ = (uint8_t) ((acc[3 * i + 1] + half) / n);
            *o++ = (uint8_t) ((acc[3 * i + 2] + half) / n);
        }
    }
    (*env)->ReleasePrimitiveArrayCritical(env, out, dst, 0);
    (*env)->ReleasePrimitiveArrayCritical(env, in, (void *) src, JNI_ABORT);
    free(acc);
    return 0;
}
