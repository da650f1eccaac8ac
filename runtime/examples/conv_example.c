/*===- conv_example.c - Using convjit from C ------------------------------===*
 *
 * Compiles a 3x3 convolution with bias and ReLU, runs it on made-up data and
 * checks every output against a plain loop written here, so it shows both how
 * to call the C API and what the tensors mean. Prints PASS and exits 0 when
 * the kernel agrees with the loop; on any error prints it and exits 1.
 *
 *===----------------------------------------------------------------------===*/

#include "convjit/convjit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

enum { N = 1, IC = 3, OC = 8, H = 12, W = 10, K = 3, PAD = 1 };
static const char *const kSpec =
    "conv ic=3 oc=8 in=12x10 k=3 pad=1 bias relu";

/* Small deterministic values in [-1, 1). */
static void fill(float *data, int64_t count, unsigned seed) {
  for (int64_t i = 0; i < count; ++i) {
    seed = seed * 1664525u + 1013904223u;
    data[i] = (float)(seed >> 8) / (float)(1u << 24) * 2.0f - 1.0f;
  }
}

/* Output (n, o, y, x) of an NCHW convolution, stride 1, zero padding. */
static float naiveOutput(const float *input, const float *weight,
                         const float *bias, int n, int o, int y, int x) {
  double sum = bias[o];
  for (int c = 0; c < IC; ++c)
    for (int ky = 0; ky < K; ++ky)
      for (int kx = 0; kx < K; ++kx) {
        int iy = y + ky - PAD, ix = x + kx - PAD;
        if (iy < 0 || iy >= H || ix < 0 || ix >= W)
          continue;
        sum += (double)input[((n * IC + c) * H + iy) * W + ix] *
               weight[((o * IC + c) * K + ky) * K + kx];
      }
  return sum > 0 ? (float)sum : 0.0f;
}

int main(void) {
  convjit_kernel *kernel = convjit_compile(kSpec, 1);
  if (!kernel) {
    fprintf(stderr, "error: %s\n", convjit_last_error());
    return 1;
  }

  /* The kernel knows its tensors' sizes; an app need not compute them. */
  int64_t shape[8];
  int rank = convjit_output_shape(kernel, shape, 8);
  int64_t inputSize = convjit_tensor_size(kernel, "input");
  int64_t weightSize = convjit_tensor_size(kernel, "weight");
  int64_t biasSize = convjit_tensor_size(kernel, "bias");
  int64_t outputSize = convjit_tensor_size(kernel, "output");
  if (rank != 4 || shape[1] != OC || shape[2] != H || shape[3] != W ||
      inputSize != N * IC * H * W || weightSize != OC * IC * K * K ||
      biasSize != OC || outputSize != N * OC * H * W) {
    fprintf(stderr, "error: unexpected tensor sizes for '%s'\n", kSpec);
    convjit_free(kernel);
    return 1;
  }
  printf("%s: output %lldx%lldx%lldx%lld\n", kSpec, (long long)shape[0],
         (long long)shape[1], (long long)shape[2], (long long)shape[3]);

  float *input = malloc(sizeof(float) * inputSize);
  float *weight = malloc(sizeof(float) * weightSize);
  float *bias = malloc(sizeof(float) * biasSize);
  float *output = malloc(sizeof(float) * outputSize);
  int status = 1;
  if (!input || !weight || !bias || !output) {
    fprintf(stderr, "error: out of memory\n");
    goto done;
  }
  fill(input, inputSize, 1);
  fill(weight, weightSize, 2);
  fill(bias, biasSize, 3);

  if (convjit_run(kernel, input, weight, bias, output) != 0) {
    fprintf(stderr, "error: %s\n", convjit_last_error());
    goto done;
  }

  /* Every output, against the loop above. The kernel sums 27 products in
   * float; the loop in double: they differ by a few float roundings. */
  double maxError = 0;
  int positive = 0;
  for (int o = 0; o < OC; ++o)
    for (int y = 0; y < H; ++y)
      for (int x = 0; x < W; ++x) {
        float want = naiveOutput(input, weight, bias, 0, o, y, x);
        float got = output[(o * H + y) * W + x];
        double error = fabs((double)got - want);
        if (!(error <= maxError))
          maxError = isnan(error) ? INFINITY : error;
        positive += want > 0;
      }
  printf("checked %lld outputs (%d positive after ReLU), max error %.2e\n",
         (long long)outputSize, positive, maxError);
  if (maxError <= 1e-5) {
    printf("PASS\n");
    status = 0;
  } else {
    printf("FAIL\n");
  }

done:
  free(input);
  free(weight);
  free(bias);
  free(output);
  convjit_free(kernel);
  return status;
}
