/*
 * saber-imaging: the hot loops of @saber/imaging as a Node-API addon.
 *
 * Each function does what its TypeScript twin does, in the same arithmetic order, so that
 * the results are the same bit for bit; the eigenvalues excepted: with SABER_FAST_EIGEN they
 * come from eigen-fast.c (vectorized, within 1e-10 of the largest eigenvalue), otherwise from
 * libm's acos and cos, which may round an ulp apart from V8's. Compiled by
 * scripts/build-native.mjs with -ffp-contract=off (no fused multiply-adds: they would round
 * differently). On x86-64 the loops are built twice (x86-64-v3 with AVX2, and baseline) and
 * the CPU picks at load time.
 *
 * Exports (arguments are checked by the TypeScript wrapper, src/native/native-kernels.ts):
 *   convolveAxis(src, dst, Z, Y, X, axis, w, sym, z0, z1)   src any number typed array, dst Float64Array or Float32Array
 *   eigen3(zz, zy, zx, yy, yx, xx, o0, o1, o2)      all Float64Array of one length
 *   predictForest(x, F, K, T, roots, depths, nodes, value, out)   nodes: 16 bytes each (feature, threshold, left, right)
 *   interleave(columns, dst, column, F)             columns: 1-16 Float64Arrays, dst Float32Array
 *   ballSum(input, Z, Y, X, dz, dy, halfWidth, Rz, out)   input any number typed array, out Float32/64Array
 *   clearAndUpdate(work, corr, Z, Y, X, cz, cy, cx, clearDz, clearDy, clearDx, tDz, tDy, tHalfWidth, box, diff)   work Float32/64Array
 *   centralDifference(g, Z, Y, X, z0, planes, oz, oy, ox, out)   g and out Float64Array
 *   differenceFeatures(g, Z, Y, X, z0, planes, kinds, stack, column, F)   g Float64Array, stack Float32Array
 *   labelMax(labels)                                labels Uint8/Uint8Clamped/Uint16/Uint32Array; returns the largest
 *   mapLabels(ids, table, out)                      ids as labelMax, table and out Uint32Array; returns -1 or a bad id's index
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define HOT
#endif

typedef struct {
  napi_typedarray_type type;
  size_t length;
  void *data;
} array_t;

static int get_array(napi_env env, napi_value v, array_t *a) {
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, v, &a->type, &a->length, &a->data, &buffer, &offset) == napi_ok;
}

static int64_t get_int(napi_env env, napi_value v) {
  int64_t n = 0;
  napi_get_value_int64(env, v, &n);
  return n;
}

/* The typed arrays `load` reads (not the 64-bit integer ones). */
static int numeric(napi_typedarray_type t) {
  return t == napi_float64_array || t == napi_float32_array || t == napi_int8_array || t == napi_uint8_array || t == napi_uint8_clamped_array ||
         t == napi_int16_array || t == napi_uint16_array || t == napi_int32_array || t == napi_uint32_array;
}

/* Copies `len` values of `src` from element `off` into `out`, as float64 (as TypedArray.set does). */
static void load(const array_t *src, size_t off, size_t len, double *restrict out) {
  switch (src->type) {
    case napi_float64_array: memcpy(out, (const double *)src->data + off, len * sizeof(double)); return;
#define LOAD(T) { const T *s = (const T *)src->data + off; for (size_t i = 0; i < len; i++) out[i] = (double)s[i]; return; }
    case napi_float32_array: LOAD(float)
    case napi_int8_array: LOAD(int8_t)
    case napi_uint8_array: LOAD(uint8_t)
    case napi_uint8_clamped_array: LOAD(uint8_t)
    case napi_int16_array: LOAD(int16_t)
    case napi_uint16_array: LOAD(uint16_t)
    case napi_int32_array: LOAD(int32_t)
    case napi_uint32_array: LOAD(uint32_t)
#undef LOAD
    default: return;
  }
}

/* convolve-axis.ts filterLines: output line `o` from lines `pitch` apart in `buf`. */
HOT static void filter_lines(const double *restrict buf, double *restrict acc, size_t len, size_t pitch, size_t o, const int32_t *map,
                             const double *w, int r, int sym) {
  const double wc = w[r];
  const double *c = buf + (size_t)map[o + r] * pitch;
  if (sym == 0) {
    for (size_t e = 0; e < len; e++) acc[e] = c[e] * wc;
    for (int j = -r; j < 0; j++) {
      const double wj = w[r + j], wh = w[r - j];
      const double *l = buf + (size_t)map[o + r + j] * pitch;
      const double *h = buf + (size_t)map[o + r - j] * pitch;
      for (size_t e = 0; e < len; e++) acc[e] += l[e] * wj + h[e] * wh;
    }
    return;
  }
  const double sg = sym > 0 ? 1.0 : -1.0;
  for (size_t e = 0; e < len; e++) acc[e] = c[e] * wc;
  int j = -r;
  for (; j + 3 < 0; j += 4) {
    const double w1 = w[r + j], w2 = w[r + j + 1], w3 = w[r + j + 2], w4 = w[r + j + 3];
    const double *l1 = buf + (size_t)map[o + r + j] * pitch, *h1 = buf + (size_t)map[o + r - j] * pitch;
    const double *l2 = buf + (size_t)map[o + r + j + 1] * pitch, *h2 = buf + (size_t)map[o + r - j - 1] * pitch;
    const double *l3 = buf + (size_t)map[o + r + j + 2] * pitch, *h3 = buf + (size_t)map[o + r - j - 2] * pitch;
    const double *l4 = buf + (size_t)map[o + r + j + 3] * pitch, *h4 = buf + (size_t)map[o + r - j - 3] * pitch;
    for (size_t e = 0; e < len; e++) {
      acc[e] = acc[e] + (l1[e] + sg * h1[e]) * w1 + (l2[e] + sg * h2[e]) * w2 + (l3[e] + sg * h3[e]) * w3 + (l4[e] + sg * h4[e]) * w4;
    }
  }
  for (; j < 0; j++) {
    const double wj = w[r + j];
    const double *l = buf + (size_t)map[o + r + j] * pitch, *h = buf + (size_t)map[o + r - j] * pitch;
    for (size_t e = 0; e < len; e++) acc[e] += (l[e] + sg * h[e]) * wj;
  }
}

/* convolve-axis.ts reflectIndexMap. */
static int32_t *reflect_map(size_t n, int r) {
  int32_t *map = malloc((n + 2 * (size_t)r) * sizeof(int32_t));
  if (!map) return NULL;
  const long period = 2 * (long)n;
  for (long t = 0; t < (long)n + 2 * r; t++) {
    long i = (((t - r) % period) + period) % period;
    if (i >= (long)n) i = period - 1 - i;
    map[t] = (int32_t)i;
  }
  return map;
}

#define STRIPE 1024

/* Stores `len` float64 values at element `off` of `dst` (Float64Array or Float32Array, rounded as TypedArray.set does). */
HOT static void store(const array_t *dst, size_t off, size_t len, const double *restrict values) {
  if (dst->type == napi_float64_array) {
    memcpy((double *)dst->data + off, values, len * sizeof(double));
    return;
  }
  float *d = (float *)dst->data + off;
  for (size_t i = 0; i < len; i++) d[i] = (float)values[i];
}

/* convolve-axis.ts convolveAxis, from the line buffers on (`dst` may be `src`). Returns 0 when out of memory. */
/* Along z only the output planes [z0, z1) are computed, into dst's planes 0 .. z1 - z0 - 1. */
static int convolve_axis(const array_t *src, const array_t *dst, size_t Z, size_t Y, size_t X, int axis, const double *w, int r, int sym, size_t z0,
                         size_t z1) {
  const size_t YX = Y * X;
  if (Z * YX == 0) return 1;
  if (axis == 2) {
    int32_t *map = reflect_map(X, r);
    double *pad = malloc((X + 2 * (size_t)r) * sizeof(double));
    double *row = malloc(X * sizeof(double));
    int32_t *shifts = malloc((2 * (size_t)r + 1) * sizeof(int32_t));
    if (!map || !pad || !row || !shifts) { free(map); free(pad); free(row); free(shifts); return 0; }
    for (int t = 0; t <= 2 * r; t++) shifts[t] = t;
    for (size_t base = 0; base < Z * YX; base += X) {
      load(src, base, X, pad + r);
      for (int t = 0; t < r; t++) pad[t] = pad[map[t] + r];
      for (size_t t = X + r; t < X + 2 * (size_t)r; t++) pad[t] = pad[map[t] + r];
      filter_lines(pad, row, X, 1, 0, shifts, w, r, sym);
      store(dst, base, X, row);
    }
    free(map); free(pad); free(row); free(shifts);
    return 1;
  }
  if (axis == 1) {
    int32_t *map = reflect_map(Y, r);
    double *buf = malloc(YX * sizeof(double));
    double *acc = malloc(X * sizeof(double));
    if (!map || !buf || !acc) { free(map); free(buf); free(acc); return 0; }
    for (size_t base = 0; base < Z * YX; base += YX) {
      load(src, base, YX, buf);
      for (size_t o = 0; o < Y; o++) {
        filter_lines(buf, acc, X, X, o, map, w, r, sym);
        store(dst, base + o * X, X, acc);
      }
    }
    free(map); free(buf); free(acc);
    return 1;
  }
  const size_t stripe = YX < STRIPE ? YX : STRIPE;
  int32_t *map = reflect_map(Z, r);
  double *buf = malloc(Z * stripe * sizeof(double));
  double *acc = malloc(stripe * sizeof(double));
  if (!map || !buf || !acc) { free(map); free(buf); free(acc); return 0; }
  for (size_t e0 = 0; e0 < YX; e0 += stripe) {
    const size_t len = YX - e0 < stripe ? YX - e0 : stripe;
    for (size_t t = 0; t < Z; t++) load(src, t * YX + e0, len, buf + t * len);
    for (size_t o = z0; o < z1; o++) {
      filter_lines(buf, acc, len, len, o, map, w, r, sym);
      store(dst, (o - z0) * YX + e0, len, acc);
    }
  }
  free(map); free(buf); free(acc);
  return 1;
}

#define ARGS(count)                                      \
  size_t argc = count;                                   \
  napi_value argv[count];                                \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);  \
  if (argc < count) return fail(env, "too few arguments");

static napi_value fail(napi_env env, const char *message) {
  napi_throw_error(env, "SABER_IMAGING_NATIVE", message);
  return NULL;
}

static napi_value js_convolve_axis(napi_env env, napi_callback_info info) {
  ARGS(10)
  array_t src, dst, w;
  if (!get_array(env, argv[0], &src) || !get_array(env, argv[1], &dst) || !get_array(env, argv[6], &w)) return fail(env, "convolveAxis: typed arrays expected");
  if (!numeric(src.type)) return fail(env, "convolveAxis: src must be a number typed array (not 64-bit integers)");
  if ((dst.type != napi_float64_array && dst.type != napi_float32_array) || w.type != napi_float64_array)
    return fail(env, "convolveAxis: dst must be a Float64Array or Float32Array, w a Float64Array");
  const size_t Z = (size_t)get_int(env, argv[2]), Y = (size_t)get_int(env, argv[3]), X = (size_t)get_int(env, argv[4]);
  const int axis = (int)get_int(env, argv[5]);
  const int64_t z0 = get_int(env, argv[8]), z1 = get_int(env, argv[9]);
  if (z0 < 0 || z1 < z0 || (size_t)z1 > Z || (axis != 0 && (z0 != 0 || (size_t)z1 != Z))) return fail(env, "convolveAxis: planes out of range");
  if (src.length < Z * Y * X || dst.length < (size_t)(z1 - z0) * Y * X || w.length % 2 != 1) return fail(env, "convolveAxis: array lengths do not match the shape");
  if (!convolve_axis(&src, &dst, Z, Y, X, axis, w.data, (int)(w.length / 2), (int)get_int(env, argv[7]), (size_t)z0, (size_t)z1))
    return fail(env, "convolveAxis: out of memory");
  return NULL;
}

/* symmetric-eigenvalues.ts symmetricEigenvalues3 (libm's acos and cos). */
HOT static void eigen3(size_t n, const double *azz, const double *azy, const double *azx, const double *ayy, const double *ayx, const double *axx,
                       double *o0, double *o1, double *o2) {
  const double TWO_PI_3 = (2 * M_PI) / 3;
  for (size_t i = 0; i < n; i++) {
    const double a = azz[i], b = azy[i], c = azx[i], d = ayy[i], e = ayx[i], f = axx[i];
    const double p1 = b * b + c * c + e * e;
    double l0, l1, l2;
    const double q = (a + d + f) / 3;
    const double da = a - q, dd = d - q, df = f - q;
    const double p2 = da * da + dd * dd + df * df + 2 * p1;
    if (p1 == 0 || p2 == 0) {
      l0 = a;
      l1 = d;
      l2 = f;
    } else {
      const double p = sqrt(p2 / 6);
      const double ip = 1 / p;
      const double ba = da * ip, bb = b * ip, bc = c * ip, bd = dd * ip, be = e * ip, bf = df * ip;
      double r = (ba * (bd * bf - be * be) - bb * (bb * bf - be * bc) + bc * (bb * be - bd * bc)) / 2;
      if (r < -1) r = -1;
      else if (r > 1) r = 1;
      const double phi = acos(r) / 3;
      l0 = q + 2 * p * cos(phi);
      l2 = q + 2 * p * cos(phi + TWO_PI_3);
      l1 = 3 * q - l0 - l2;
    }
    double t;
    if (l0 < l1) { t = l0; l0 = l1; l1 = t; }
    if (l1 < l2) { t = l1; l1 = l2; l2 = t; }
    if (l0 < l1) { t = l0; l0 = l1; l1 = t; }
    o0[i] = l0;
    o1[i] = l1;
    o2[i] = l2;
  }
}

#ifdef SABER_FAST_EIGEN
void saber_eigen3_fast(size_t n, const double *azz, const double *azy, const double *azx, const double *ayy, const double *ayx, const double *axx,
                       double *o0, double *o1, double *o2);

/* eigen-fast.c (vector acos and cos), then the exact scalar code where a component is not finite. */
static void eigen3_any(size_t n, const double *azz, const double *azy, const double *azx, const double *ayy, const double *ayx, const double *axx,
                       double *o0, double *o1, double *o2) {
  saber_eigen3_fast(n, azz, azy, azx, ayy, ayx, axx, o0, o1, o2);
  for (size_t i = 0; i < n; i++) {
    if (isfinite(azz[i]) && isfinite(azy[i]) && isfinite(azx[i]) && isfinite(ayy[i]) && isfinite(ayx[i]) && isfinite(axx[i])) continue;
    eigen3(1, azz + i, azy + i, azx + i, ayy + i, ayx + i, axx + i, o0 + i, o1 + i, o2 + i);
  }
}
#else
#define eigen3_any eigen3
#endif

static napi_value js_eigen3(napi_env env, napi_callback_info info) {
  ARGS(9)
  array_t a[9];
  for (int k = 0; k < 9; k++) {
    if (!get_array(env, argv[k], &a[k]) || a[k].type != napi_float64_array) return fail(env, "eigen3: Float64Array expected");
    if (a[k].length != a[0].length) return fail(env, "eigen3: arrays of different lengths");
  }
  eigen3_any(a[0].length, a[0].data, a[1].data, a[2].data, a[3].data, a[4].data, a[5].data, a[6].data, a[7].data, a[8].data);
  return NULL;
}

/*
 * random-forest.ts predictForest over flat trees: tree t's nodes start at roots[t] and child
 * indices are tree-local; `right` is `left + 1` for an internal node and the node itself for a
 * leaf, so a leaf holds every sample that reaches it and each tree can be walked `depth[t]`
 * steps without a branch. LANES samples walk a tree side by side (their loads overlap), each
 * step a select instead of a mispredicted jump. The sums run over the trees in order, as in
 * TypeScript.
 */
#define CHUNK 4096
#define LANES 8
typedef struct { /* random-forest.ts FlatTrees.nodes */
  int32_t feature; /* 0 for a leaf */
  float threshold;
  int32_t left, right;
} node_t;
_Static_assert(sizeof(node_t) == 16, "FlatTrees.nodes holds 16 bytes per node");

static void forest_chunk(const float *restrict xs, size_t F, size_t K, size_t T, size_t m, const int32_t *root, const int32_t *depth,
                         const node_t *nodes, const float *val, double *restrict acc) {
  memset(acc, 0, m * K * sizeof(double));
  for (size_t t = 0; t < T; t++) {
    const node_t *nd = nodes + root[t];
    const float *v = val + (size_t)root[t] * K;
    const int32_t D = depth[t];
    size_t j = 0;
    for (; j + LANES <= m; j += LANES) {
      int32_t k[LANES] = {0};
      const float *row = xs + j * F;
      /* Neighbouring samples mostly end at similar depths: stop when every lane is in a leaf. */
      for (int32_t d = 0; d < D; d++) {
        int32_t moved = 0;
        for (int q = 0; q < LANES; q++) {
          const node_t n = nd[k[q]];
          const int32_t next = row[q * F + n.feature] <= n.threshold ? n.left : n.right;
          moved |= next ^ k[q];
          k[q] = next;
        }
        if (!moved) break;
      }
      for (int q = 0; q < LANES; q++)
        for (size_t c = 0; c < K; c++) acc[(j + q) * K + c] += v[(size_t)k[q] * K + c];
    }
    for (; j < m; j++) {
      const float *row = xs + j * F;
      int32_t k = 0;
      for (int32_t d = 0; d < D; d++) k = row[nd[k].feature] <= nd[k].threshold ? nd[k].left : nd[k].right;
      for (size_t c = 0; c < K; c++) acc[j * K + c] += v[(size_t)k * K + c];
    }
  }
}

static napi_value js_predict_forest(napi_env env, napi_callback_info info) {
  ARGS(9)
  array_t x, roots, depths, nodes, value, out;
  if (!get_array(env, argv[0], &x) || !get_array(env, argv[4], &roots) || !get_array(env, argv[5], &depths) || !get_array(env, argv[6], &nodes) ||
      !get_array(env, argv[7], &value) || !get_array(env, argv[8], &out))
    return fail(env, "predictForest: typed arrays expected");
  const size_t F = (size_t)get_int(env, argv[1]), K = (size_t)get_int(env, argv[2]), T = (size_t)get_int(env, argv[3]);
  const size_t count = nodes.length / 4;
  if (F == 0 || K == 0 || T == 0 || x.type != napi_float32_array || out.type != napi_float32_array || nodes.type != napi_int32_array ||
      x.length % F != 0 || out.length != x.length / F * K || roots.length != T || depths.length != T || nodes.length % 4 != 0 || value.length != count * K)
    return fail(env, "predictForest: array lengths do not match");
  const size_t n = x.length / F;
  double *acc = malloc(CHUNK * K * sizeof(double));
  if (!acc) return fail(env, "predictForest: out of memory");
  float *probs = out.data;
  for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
    const size_t m = n - i0 < CHUNK ? n - i0 : CHUNK;
    forest_chunk((const float *)x.data + i0 * F, F, K, T, m, roots.data, depths.data, nodes.data, value.data, acc);
    for (size_t j = 0; j < m * K; j++) probs[i0 * K + j] = (float)(acc[j] / (double)T);
  }
  free(acc);
  return NULL;
}

/* feature-stack.ts put: columns `column .. column + C - 1` of a voxel-major Float32 matrix of F columns, in one sweep. */
#define MAX_COLUMNS 16
HOT static void interleave(const double *const *src, size_t C, float *restrict dst, size_t n, size_t F) {
  for (size_t i = 0; i < n; i++)
    for (size_t c = 0; c < C; c++) dst[i * F + c] = (float)src[c][i];
}

static napi_value js_interleave(napi_env env, napi_callback_info info) {
  ARGS(4)
  array_t dst;
  uint32_t C = 0;
  if (napi_get_array_length(env, argv[0], &C) != napi_ok || C == 0 || C > MAX_COLUMNS) return fail(env, "interleave: 1 to 16 columns expected");
  if (!get_array(env, argv[1], &dst) || dst.type != napi_float32_array) return fail(env, "interleave: dst must be a Float32Array");
  const double *src[MAX_COLUMNS];
  size_t n = 0;
  for (uint32_t c = 0; c < C; c++) {
    napi_value v;
    array_t a;
    if (napi_get_element(env, argv[0], c, &v) != napi_ok || !get_array(env, v, &a) || a.type != napi_float64_array) return fail(env, "interleave: columns must be Float64Arrays");
    if (c > 0 && a.length != n) return fail(env, "interleave: columns of different lengths");
    n = a.length;
    src[c] = a.data;
  }
  const size_t col = (size_t)get_int(env, argv[2]), F = (size_t)get_int(env, argv[3]);
  if (F == 0 || col + C > F || dst.length < n * F) return fail(env, "interleave: array lengths do not match");
  interleave(src, C, (float *)dst.data + col, n, F);
  return NULL;
}

/* ball-sum.ts diskSum and add, fused and row by row: each row of the disk (rows `dy`, half widths
   `w`) summed from row prefix sums into `row` (the rows in order, as diskSum does for each voxel),
   then added into the output planes `below` and `above` (either may be NULL). The same sums in the
   same order as diskSum's whole-plane passes, without the plane-sized disk buffer. */
HOT static void disk_sum_into(const double *restrict prefix, size_t Y, size_t X, const int32_t *dys, const int32_t *ws, size_t rows, double *restrict row,
                              double *restrict below, double *restrict above) {
  const long P = (long)X + 1;
  for (long y = 0; y < (long)Y; y++) {
    memset(row, 0, X * sizeof(double));
    for (size_t k = 0; k < rows; k++) {
      const long dy = dys[k], w = ws[k];
      if (y + dy < 0 || y + dy >= (long)Y) continue;
      const long L = (long)X < w ? (long)X : w;
      const long R = (long)X - w - 1 > 0 ? (long)X - w - 1 : 0;
      const long a = L < R ? L : R;
      const double *r = prefix + (y + dy) * P;
      double *o = row;
      for (long x = 0; x < a; x++) o[x] += r[x + w + 1] - r[0];
      if (L <= R) {
        for (long x = L; x < R; x++) o[x] += r[x + w + 1] - r[x - w];
        for (long x = R; x < (long)X; x++) o[x] += r[X] - r[x - w];
      } else {
        for (long x = R; x < L; x++) o[x] += r[X] - r[0];
        for (long x = L; x < (long)X; x++) o[x] += r[X] - r[x - w];
      }
    }
    if (below) {
      double *restrict b = below + y * (long)X;
      for (size_t x = 0; x < X; x++) b[x] += row[x];
    }
    if (above) {
      double *restrict b = above + y * (long)X;
      for (size_t x = 0; x < X; x++) b[x] += row[x];
    }
  }
}

/* ball-sum.ts ballSumInto. Returns 0 when out of memory. */
static int ball_sum(const array_t *input, size_t Z, size_t Y, size_t X, const int32_t *dz, const int32_t *dy, const int32_t *hw, size_t count, long Rz,
                    const array_t *out) {
  const size_t YX = Y * X, P = X + 1;
  const size_t ring = Z < (size_t)(2 * Rz + 1) ? Z : (size_t)(2 * Rz + 1);
  /* The rows of the disk at |dz| = d, in run order. */
  int32_t *ddy = malloc((count + 1) * sizeof(int32_t)), *dw = malloc((count + 1) * sizeof(int32_t));
  size_t *start = calloc((size_t)Rz + 2, sizeof(size_t));
  double *acc = calloc(ring * YX, sizeof(double));
  double *prefix = malloc(Y * P * sizeof(double)), *row = malloc(X * sizeof(double)), *line = malloc(X * sizeof(double));
  int ok = ddy && dw && start && acc && prefix && row && line;
  if (ok) {
    size_t at = 0;
    for (long d = 0; d <= Rz; d++) {
      start[d] = at;
      for (size_t k = 0; k < count; k++) {
        if (dz[k] != d) continue;
        ddy[at] = dy[k];
        dw[at] = hw[k];
        at++;
      }
    }
    start[Rz + 1] = at;
    for (size_t zz = 0; zz < Z + (size_t)Rz; zz++) {
      if (zz < Z) {
        for (size_t y = 0; y < Y; y++) {
          load(input, zz * YX + y * X, X, line);
          double s = 0;
          double *p = prefix + y * P;
          p[0] = 0;
          for (size_t x = 0; x < X; x++) {
            s += line[x];
            p[x + 1] = s;
          }
        }
        for (long d = 0; d <= Rz; d++) {
          const long below = (long)zz - d, above = (long)zz + d;
          if (below < 0 && above >= (long)Z) continue;
          disk_sum_into(prefix, Y, X, ddy + start[d], dw + start[d], start[d + 1] - start[d], row, below >= 0 ? acc + (size_t)below % ring * YX : NULL,
                        d > 0 && above < (long)Z ? acc + (size_t)above % ring * YX : NULL);
        }
      }
      /* Plane zz - Rz has now received every disk. */
      const long z = (long)zz - Rz;
      if (z < 0) continue;
      double *a = acc + (size_t)z % ring * YX;
      store(out, (size_t)z * YX, YX, a);
      memset(a, 0, YX * sizeof(double));
    }
  }
  free(ddy); free(dw); free(start); free(acc); free(prefix); free(row); free(line);
  return ok;
}

static napi_value js_ball_sum(napi_env env, napi_callback_info info) {
  ARGS(9)
  array_t input, dz, dy, hw, out;
  if (!get_array(env, argv[0], &input) || !get_array(env, argv[4], &dz) || !get_array(env, argv[5], &dy) || !get_array(env, argv[6], &hw) ||
      !get_array(env, argv[8], &out))
    return fail(env, "ballSum: typed arrays expected");
  const size_t Z = (size_t)get_int(env, argv[1]), Y = (size_t)get_int(env, argv[2]), X = (size_t)get_int(env, argv[3]);
  const long Rz = (long)get_int(env, argv[7]);
  if (dz.type != napi_int32_array || dy.type != napi_int32_array || hw.type != napi_int32_array || dy.length != dz.length || hw.length != dz.length)
    return fail(env, "ballSum: runs must be Int32Arrays of one length");
  if (!numeric(input.type)) return fail(env, "ballSum: input must be a number typed array (not 64-bit integers)");
  if ((out.type != napi_float64_array && out.type != napi_float32_array) || input.length != Z * Y * X || out.length != Z * Y * X || Rz < 0)
    return fail(env, "ballSum: array lengths do not match the shape");
  if (Z * Y * X > 0 && !ball_sum(&input, Z, Y, X, dz.data, dy.data, hw.data, dz.length, Rz, &out)) return fail(env, "ballSum: out of memory");
  return NULL;
}

/* detect-cells.ts clearAndUpdate: box = [z0, z1, y0, y1, x0, x1]. */
static napi_value js_clear_and_update(napi_env env, napi_callback_info info) {
  ARGS(16)
  array_t work, corr, cdz, cdy, cdx, tdz, tdy, thw, box, diff;
  const int idx[] = {0, 1, 8, 9, 10, 11, 12, 13, 14, 15};
  array_t *arrays[] = {&work, &corr, &cdz, &cdy, &cdx, &tdz, &tdy, &thw, &box, &diff};
  const napi_typedarray_type types[] = {napi_float64_array, napi_float64_array, napi_int32_array, napi_int32_array, napi_int32_array,
                                        napi_int32_array, napi_int32_array, napi_int32_array, napi_int32_array, napi_float64_array};
  for (int k = 0; k < 10; k++)
    if (!get_array(env, argv[idx[k]], arrays[k]) || (arrays[k]->type != types[k] && !(k == 0 && arrays[k]->type == napi_float32_array)))
      return fail(env, "clearAndUpdate: wrong argument types");
  const int single = work.type == napi_float32_array;
  const long Z = (long)get_int(env, argv[2]), Y = (long)get_int(env, argv[3]), X = (long)get_int(env, argv[4]);
  const long c0 = (long)get_int(env, argv[5]), c1 = (long)get_int(env, argv[6]), c2 = (long)get_int(env, argv[7]);
  if (work.length != (size_t)(Z * Y * X) || corr.length != work.length || box.length != 6 || cdy.length != cdz.length || cdx.length != cdz.length ||
      tdy.length != tdz.length || thw.length != tdz.length)
    return fail(env, "clearAndUpdate: array lengths do not match");
  const int32_t *b = box.data;
  const long z0 = b[0], z1 = b[1], y0 = b[2], y1 = b[3], x0 = b[4], x1 = b[5];
  const long W = x1 - x0 + 1, BY = y1 - y0;
  if (diff.length < (size_t)((z1 - z0) * BY * W)) return fail(env, "clearAndUpdate: diff is too small for the box");
  double *wk = work.data, *cr = corr.data, *df = diff.data;
  float *wk32 = work.data;
  const int32_t *cz = cdz.data, *cy = cdy.data, *cx = cdx.data, *tz_ = tdz.data, *ty_ = tdy.data, *tw = thw.data;
  int touched = 0;
  for (size_t k = 0; k < cdz.length; k++) {
    const long jz = c0 + cz[k], jy = c1 + cy[k], jx = c2 + cx[k];
    if (jz < 0 || jz >= Z || jy < 0 || jy >= Y || jx < 0 || jx >= X) continue;
    const long j = (jz * Y + jy) * X + jx;
    const double v = single ? (double)wk32[j] : wk[j];
    if (v == 0) continue;
    if (single) wk32[j] = 0;
    else wk[j] = 0;
    touched = 1;
    for (size_t r = 0; r < tdz.length; r++) {
      const long tz = jz + tz_[r], ty = jy + ty_[r];
      if (tz < 0 || tz >= Z || ty < 0 || ty >= Y) continue;
      const long w = tw[r];
      const long xa = jx - w > 0 ? jx - w : 0;
      const long xb = jx + w < X - 1 ? jx + w : X - 1;
      const long row = ((tz - z0) * BY + (ty - y0)) * W;
      df[row + xa - x0] -= v;
      df[row + xb + 1 - x0] += v;
    }
  }
  if (touched) {
    for (long z = z0; z < z1; z++) {
      for (long y = y0; y < y1; y++) {
        double *d = df + ((z - z0) * BY + (y - y0)) * W;
        double *c = cr + (z * Y + y) * X + x0;
        double s = 0;
        for (long x = 0; x < W - 1; x++) {
          s += d[x];
          d[x] = 0;
          c[x] += s;
        }
        d[W - 1] = 0;
      }
    }
  }
  return NULL;
}

/* derivative-set.ts centralDifference: per (z, y) row, the sum over the neighbour rows of the row
   weight times the x stencil, neighbours outside g clamped (reflected) to the edge. */
static const int DIFF_COUNT[3] = {1, 2, 3};
static const int DIFF_OFFSET[3][3] = {{0}, {-1, 1}, {-1, 0, 1}};
static const double DIFF_WEIGHT[3][3] = {{1}, {-0.5, 0.5}, {1, -2, 1}};

static size_t clamp_index(ptrdiff_t i, size_t n) { return i < 0 ? 0 : (size_t)i >= n ? n - 1 : (size_t)i; }

/* One row (plane zg, row y of g) of the central difference of orders (oz, oy, ox) into o. */
static inline void difference_row(const double *restrict g, size_t Z, size_t Y, size_t X, size_t zg, size_t y, int oz, int oy, int ox,
                                  double *restrict o) {
  size_t bases[9];
  double weights[9];
  const size_t L = X - 1;
  size_t R = 0;
  for (int i = 0; i < DIFF_COUNT[oz]; i++) {
    for (int j = 0; j < DIFF_COUNT[oy]; j++) {
      bases[R] = (clamp_index((ptrdiff_t)zg + DIFF_OFFSET[oz][i], Z) * Y + clamp_index((ptrdiff_t)y + DIFF_OFFSET[oy][j], Y)) * X;
      weights[R++] = DIFF_WEIGHT[oz][i] * DIFF_WEIGHT[oy][j];
    }
  }
  for (size_t x = 0; x < X; x++) o[x] = 0;
  for (size_t r = 0; r < R; r++) {
    const double *b = g + bases[r];
    const double w = weights[r];
    if (ox == 0) {
      for (size_t x = 0; x < X; x++) o[x] += w * b[x];
    } else if (X == 1) {
      /* one column: both neighbours are the voxel itself */
    } else if (ox == 1) {
      const double h = 0.5 * w;
      o[0] += h * (b[1] - b[0]);
      for (size_t x = 1; x < L; x++) o[x] += h * (b[x + 1] - b[x - 1]);
      o[L] += h * (b[L] - b[L - 1]);
    } else {
      o[0] += w * (b[1] - 2 * b[0] + b[0]);
      for (size_t x = 1; x < L; x++) o[x] += w * (b[x + 1] - 2 * b[x] + b[x - 1]);
      o[L] += w * (b[L] - 2 * b[L] + b[L - 1]);
    }
  }
}

HOT static void central_difference(const double *restrict g, size_t Z, size_t Y, size_t X, size_t z0, size_t planes, int oz, int oy, int ox,
                                   double *restrict out) {
  for (size_t z = 0; z < planes; z++)
    for (size_t y = 0; y < Y; y++) difference_row(g, Z, Y, X, z0 + z, y, oz, oy, ox, out + (z * Y + y) * X);
}

/* feature-stack.ts with derivatives 'differences' in 3-D, one scale: the columns of the kinds in
   `mask` (1 gaussian, 2 gradient magnitude, 4 laplacian, 8 Hessian eigenvalues; in that order
   from `column`) of planes [z0, z0 + planes) of g, computed row by row and stored in one sweep,
   with the arithmetic of differenceDerivativeSet, the magnitude and trace loops and eigen3. */
enum { FEAT_GAUSSIAN = 1, FEAT_GRADIENT = 2, FEAT_LAPLACIAN = 4, FEAT_HESSIAN = 8 };
static const int SECOND[6][3] = {{2, 0, 0}, {1, 1, 0}, {1, 0, 1}, {0, 2, 0}, {0, 1, 1}, {0, 0, 2}};
static const int FIRST[3][3] = {{1, 0, 0}, {0, 1, 0}, {0, 0, 1}};

HOT static void difference_features(const double *restrict g, size_t Z, size_t Y, size_t X, size_t z0, size_t planes, int mask, float *restrict stack,
                                    size_t F, double *rows) {
  double *h[6], *d[3], *e[3];
  double *smooth = rows, *grad = rows + X, *lap = rows + 2 * X;
  for (int k = 0; k < 6; k++) h[k] = rows + (3 + k) * X;
  for (int k = 0; k < 3; k++) d[k] = rows + (9 + k) * X;
  for (int k = 0; k < 3; k++) e[k] = rows + (12 + k) * X;
  for (size_t z = 0; z < planes; z++) {
    for (size_t y = 0; y < Y; y++) {
      const size_t zg = z0 + z;
      if (mask & FEAT_GAUSSIAN) difference_row(g, Z, Y, X, zg, y, 0, 0, 0, smooth);
      if (mask & FEAT_GRADIENT) {
        for (int k = 0; k < 3; k++) difference_row(g, Z, Y, X, zg, y, FIRST[k][0], FIRST[k][1], FIRST[k][2], d[k]);
        for (size_t x = 0; x < X; x++) grad[x] = 0;
        for (int k = 0; k < 3; k++)
          for (size_t x = 0; x < X; x++) grad[x] += d[k][x] * d[k][x];
        for (size_t x = 0; x < X; x++) grad[x] = sqrt(grad[x]);
      }
      if (mask & (FEAT_LAPLACIAN | FEAT_HESSIAN))
        for (int k = 0; k < 6; k++) difference_row(g, Z, Y, X, zg, y, SECOND[k][0], SECOND[k][1], SECOND[k][2], h[k]);
      if (mask & FEAT_LAPLACIAN) {
        for (size_t x = 0; x < X; x++) lap[x] = 0;
        for (size_t x = 0; x < X; x++) lap[x] += h[0][x];
        for (size_t x = 0; x < X; x++) lap[x] += h[3][x];
        for (size_t x = 0; x < X; x++) lap[x] += h[5][x];
      }
      if (mask & FEAT_HESSIAN) eigen3_any(X, h[0], h[1], h[2], h[3], h[4], h[5], e[0], e[1], e[2]);
      float *dst = stack + (z * Y + y) * X * F;
      for (size_t x = 0; x < X; x++, dst += F) {
        size_t c = 0;
        if (mask & FEAT_GAUSSIAN) dst[c++] = (float)smooth[x];
        if (mask & FEAT_GRADIENT) dst[c++] = (float)grad[x];
        if (mask & FEAT_LAPLACIAN) dst[c++] = (float)lap[x];
        if (mask & FEAT_HESSIAN) {
          dst[c++] = (float)e[0][x];
          dst[c++] = (float)e[1][x];
          dst[c++] = (float)e[2][x];
        }
      }
    }
  }
}

static napi_value js_difference_features(napi_env env, napi_callback_info info) {
  ARGS(10)
  array_t g, stack;
  if (!get_array(env, argv[0], &g) || g.type != napi_float64_array) return fail(env, "differenceFeatures: g must be a Float64Array");
  if (!get_array(env, argv[7], &stack) || stack.type != napi_float32_array) return fail(env, "differenceFeatures: the stack must be a Float32Array");
  const size_t Z = (size_t)get_int(env, argv[1]), Y = (size_t)get_int(env, argv[2]), X = (size_t)get_int(env, argv[3]);
  const size_t z0 = (size_t)get_int(env, argv[4]), planes = (size_t)get_int(env, argv[5]);
  const int64_t mask = get_int(env, argv[6]);
  const size_t column = (size_t)get_int(env, argv[8]), F = (size_t)get_int(env, argv[9]);
  if (mask < 1 || mask > 15) return fail(env, "differenceFeatures: kinds must be a mask of 1 to 15");
  const size_t C = (mask & 1) + ((mask >> 1) & 1) + ((mask >> 2) & 1) + 3 * ((mask >> 3) & 1);
  if (g.length < Z * Y * X || z0 + planes > Z || column + C > F || stack.length < planes * Y * X * F)
    return fail(env, "differenceFeatures: array lengths do not match the shape");
  if (Y * X == 0 || planes == 0) return NULL;
  double *rows = malloc(15 * X * sizeof(double));
  if (!rows) return fail(env, "differenceFeatures: out of memory");
  difference_features(g.data, Z, Y, X, z0, planes, (int)mask, (float *)stack.data + column, F, rows);
  free(rows);
  return NULL;
}

static napi_value js_central_difference(napi_env env, napi_callback_info info) {
  ARGS(10)
  array_t g, out;
  if (!get_array(env, argv[0], &g) || !get_array(env, argv[9], &out) || g.type != napi_float64_array || out.type != napi_float64_array)
    return fail(env, "centralDifference: g and out must be Float64Arrays");
  const size_t Z = (size_t)get_int(env, argv[1]), Y = (size_t)get_int(env, argv[2]), X = (size_t)get_int(env, argv[3]);
  const size_t z0 = (size_t)get_int(env, argv[4]), planes = (size_t)get_int(env, argv[5]);
  const int64_t oz = get_int(env, argv[6]), oy = get_int(env, argv[7]), ox = get_int(env, argv[8]);
  if (oz < 0 || oz > 2 || oy < 0 || oy > 2 || ox < 0 || ox > 2) return fail(env, "centralDifference: orders must be 0, 1 or 2");
  if (g.length < Z * Y * X || z0 + planes > Z || out.length < planes * Y * X) return fail(env, "centralDifference: array lengths do not match the shape");
  if (Y * X > 0) central_difference(g.data, Z, Y, X, z0, planes, (int)oz, (int)oy, (int)ox, out.data);
  return NULL;
}

/* labeling/label-map.ts labelMax and mapLabels: one loop per label width, so each vectorizes. */
#define LABEL_LOOPS(T, name)                                                                            \
  HOT static uint32_t max_##name(const T *restrict s, size_t n) {                                       \
    T m = 0;                                                                                            \
    for (size_t i = 0; i < n; i++) m = s[i] > m ? s[i] : m;                                             \
    return m;                                                                                           \
  }                                                                                                     \
  HOT static void map_##name(const T *restrict s, size_t n, const uint32_t *restrict t, uint32_t *restrict out) { \
    for (size_t i = 0; i < n; i++) out[i] = s[i] ? t[s[i]] : 0;                                         \
  }
LABEL_LOOPS(uint8_t, u8)
LABEL_LOOPS(uint16_t, u16)
LABEL_LOOPS(uint32_t, u32)

static int label_width(const array_t *a) {
  switch (a->type) {
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_uint16_array: return 2;
    case napi_uint32_array: return 4;
    default: return 0;
  }
}

static uint32_t label_max(const array_t *a) {
  const int w = label_width(a);
  return w == 1 ? max_u8(a->data, a->length) : w == 2 ? max_u16(a->data, a->length) : max_u32(a->data, a->length);
}

static napi_value js_label_max(napi_env env, napi_callback_info info) {
  ARGS(1)
  array_t a;
  if (!get_array(env, argv[0], &a) || !label_width(&a)) return fail(env, "labelMax: Uint8, Uint16 or Uint32 labels expected");
  napi_value r;
  napi_create_uint32(env, label_max(&a), &r);
  return r;
}

static napi_value js_map_labels(napi_env env, napi_callback_info info) {
  ARGS(3)
  array_t ids, table, out;
  if (!get_array(env, argv[0], &ids) || !label_width(&ids) || !get_array(env, argv[1], &table) || !get_array(env, argv[2], &out) ||
      table.type != napi_uint32_array || out.type != napi_uint32_array)
    return fail(env, "mapLabels: Uint8, Uint16 or Uint32 ids and Uint32 table and out expected");
  if (out.length != ids.length) return fail(env, "mapLabels: array lengths do not match");
  napi_value r;
  const int w = label_width(&ids);
  /* Every id must index the table; the first that does not is reported and nothing is written. */
  if (ids.length > 0 && label_max(&ids) >= table.length) {
    size_t i = 0;
    while ((w == 1 ? ((const uint8_t *)ids.data)[i] : w == 2 ? ((const uint16_t *)ids.data)[i] : ((const uint32_t *)ids.data)[i]) < table.length) i++;
    napi_create_double(env, (double)i, &r);
    return r;
  }
  if (w == 1) map_u8(ids.data, ids.length, table.data, out.data);
  else if (w == 2) map_u16(ids.data, ids.length, table.data, out.data);
  else map_u32(ids.data, ids.length, table.data, out.data);
  napi_create_int32(env, -1, &r);
  return r;
}

NAPI_MODULE_INIT() {
  static const struct { const char *name; napi_callback fn; } fns[] = {
    {"convolveAxis", js_convolve_axis},
    {"eigen3", js_eigen3},
    {"predictForest", js_predict_forest},
    {"interleave", js_interleave},
    {"ballSum", js_ball_sum},
    {"clearAndUpdate", js_clear_and_update},
    {"centralDifference", js_central_difference},
    {"differenceFeatures", js_difference_features},
    {"labelMax", js_label_max},
    {"mapLabels", js_map_labels},
  };
  for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
    napi_value f;
    napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].fn, NULL, &f);
    napi_set_named_property(env, exports, fns[i].name, f);
  }
  return exports;
}
