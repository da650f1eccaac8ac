/*===- convjit.h - convjit's C API ---------------------------------*- C -*-===*
 *
 * For apps in any language that can call C. Every function that can fail
 * returns a status (0 = success) or NULL; convjit_last_error() then gives a
 * one-line message (per thread, valid until the next call on that thread).
 *
 *   convjit_kernel *k = convjit_compile("conv ic=3 oc=8 in=32x32 k=3 pad=1", 1);
 *   if (!k) { fprintf(stderr, "%s\n", convjit_last_error()); ... }
 *   int64_t shape[8]; int rank = convjit_output_shape(k, shape, 8);
 *   if (convjit_run(k, x, w, NULL, y) != 0) ...
 *   convjit_free(k);
 *
 * Tensors are dense, C-contiguous float32 in the spec's layout.
 *===----------------------------------------------------------------------===*/
#ifndef CONVJIT_C_API_H
#define CONVJIT_C_API_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct convjit_kernel convjit_kernel;

/* Parses, verifies and JIT-compiles one layer for this CPU. `threads` >= 1.
 * NULL on error. */
convjit_kernel *convjit_compile(const char *spec, unsigned threads);

/* Releases a kernel (NULL is allowed). */
void convjit_free(convjit_kernel *kernel);

/* Writes the output shape into shape[0..capacity) and returns its rank, or
 * -1 on error (e.g. capacity too small). */
int convjit_output_shape(const convjit_kernel *kernel, int64_t *shape,
                         int capacity);

/* Number of elements of the named tensor: "input", "weight", "bias",
 * "offset", "mask" or "output"; 0 when the op has no such tensor, -1 on a
 * bad name. */
int64_t convjit_tensor_size(const convjit_kernel *kernel, const char *tensor);

/* Runs a layer with weights (conv, conv_transpose). `bias` may be NULL
 * when the spec has no bias; `weight` is NULL for pooling and shuffle. */
int convjit_run(convjit_kernel *kernel, const float *input,
                const float *weight, const float *bias, float *output);

/* Runs a deformable convolution; `mask` is NULL without the mask flag. */
int convjit_run_deform(convjit_kernel *kernel, const float *input,
                       const float *offset, const float *mask,
                       const float *weight, const float *bias, float *output);

/* The last error message on this thread ("" when none). */
const char *convjit_last_error(void);

#ifdef __cplusplus
}
#endif

#endif /* CONVJIT_C_API_H */
