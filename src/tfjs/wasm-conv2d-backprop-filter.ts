// Conv2DBackpropFilter for the TensorFlow.js wasm backend.
//
// @tensorflow/tfjs-backend-wasm 4.x ships Conv2D and Conv2DBackpropInput but not
// Conv2DBackpropFilter, so the gradient of a conv2d with respect to its filter, and with it
// model.fit on any conv net, fails there with "Kernel 'Conv2DBackpropFilter' not registered for
// backend 'wasm'".
//
// The backend's Conv3DBackpropFilterV2 on a depth-1 view would be the obvious stand-in, but in
// 4.22 it is wrong for strides above 1 (its DivCeil returns one more than the ceiling of a
// negative quotient, and its upper bound floors where it must ceil, so some taps skip their first
// or last output row or column), and at stride 1 its scalar loops are about 5x slower than this.
// Here the gradient of filter tap (i, j) is a matrix product over the N = batch * outHeight *
// outWidth output positions (b, r, c):
//   dw[i, j] = dy[N, outChannels]^T · xPadded[b, strideHeight * r + i, strideWidth * c + j, :]
// where the right factor, the patch the tap sees, is N x inChannels; the backend's own Slice and
// BatchMatMul compute it. A strided patch is not one slice of x, so padded x is first split into
// stride phases (the rows that are p mod strideHeight and the columns that are q mod
// strideWidth); within its phase, each tap's patch is one plain slice.
import {
  backend_util,
  BatchMatMul,
  Concat,
  Conv2DBackpropFilter,
  getKernel,
  PadV2,
  registerKernel,
  Reshape,
  Slice,
  Transpose,
  type Conv2DBackpropFilterAttrs,
  type KernelBackend,
  type KernelFunc,
  type NamedAttrMap,
  type NamedTensorInfoMap,
  type TensorInfo,
} from '@tensorflow/tfjs-core';

const BACKEND = 'wasm';
const NCHW_TO_NHWC = [0, 2, 3, 1];

/**
 * Registers a `Conv2DBackpropFilter` kernel for the `'wasm'` backend. Safe to call more than once;
 * if one is already registered (an earlier call, or a backend version that has its own), that one
 * stays.
 */
export function registerWasmConv2DBackpropFilter(): void {
  if (getKernel(Conv2DBackpropFilter, BACKEND) !== undefined) return;
  registerKernel({
    kernelName: Conv2DBackpropFilter,
    backendName: BACKEND,
    kernelFunc: conv2DBackpropFilter as unknown as KernelFunc,
  });
}

function conv2DBackpropFilter({ inputs, backend, attrs }: {
  inputs: { x: TensorInfo; dy: TensorInfo };
  backend: KernelBackend;
  attrs: Conv2DBackpropFilterAttrs;
}): TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  for (const [name, tensor] of [['x', x], ['dy', dy]] as const) {
    if (tensor.dtype !== 'float32') {
      throw new Error(`Conv2DBackpropFilter (wasm): ${name} must be float32, got ${tensor.dtype}`);
    }
  }
  const info = backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode,
    false, backend_util.convertConv2DDataFormat(dataFormat));
  // Slice and BatchMatMul would accept mismatched shapes and return a wrong gradient of the
  // right shape, so they are checked here.
  if (filterShape[2] !== info.inChannels || !sameShape(dy.shape, info.outShape)) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): x [${x.shape}] and filter [${filterShape}] with strides ` +
      `${JSON.stringify(strides)} and pad ${JSON.stringify(pad)} (${dataFormat}) give dy ` +
      `[${info.outShape}], got [${dy.shape}]`);
  }
  const { top, left } = info.padInfo;
  if (top < 0 || left < 0) {
    throw new Error(
      `Conv2DBackpropFilter (wasm): negative padding is not supported, got top ${top}, left ${left}`);
  }
  const {
    batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels,
    filterHeight, filterWidth, strideHeight, strideWidth,
  } = info;
  const positions = batchSize * outHeight * outWidth;

  const intermediates: TensorInfo[] = [];
  const run = (kernelName: string, kernelInputs: NamedTensorInfoMap | TensorInfo[], kernelAttrs: NamedAttrMap) => {
    const out = runWasmKernel(backend, kernelName, kernelInputs, kernelAttrs);
    intermediates.push(out);
    return out;
  };
  try {
    const channelsFirst = info.dataFormat === 'channelsFirst';
    const xNhwc = channelsFirst ? run(Transpose, { x }, { perm: NCHW_TO_NHWC }) : x;
    const dyNhwc = channelsFirst ? run(Transpose, { x: dy }, { perm: NCHW_TO_NHWC }) : dy;

    // Padded x is phaseRows strides high and phaseColumns strides wide: enough for the last tap's
    // last output row and column, and never less than x itself, so no padding is negative.
    const phaseRows = Math.max(
      outHeight + Math.floor((filterHeight - 1) / strideHeight), Math.ceil((top + inHeight) / strideHeight));
    const phaseColumns = Math.max(
      outWidth + Math.floor((filterWidth - 1) / strideWidth), Math.ceil((left + inWidth) / strideWidth));
    const bottom = phaseRows * strideHeight - top - inHeight;
    const right = phaseColumns * strideWidth - left - inWidth;
    const xPadded = top === 0 && bottom === 0 && left === 0 && right === 0
      ? xNhwc
      : run(PadV2, { x: xNhwc }, { paddings: [[0, 0], [top, bottom], [left, right], [0, 0]], constantValue: 0 });

    // phase(p, q) holds padded x's rows p, p + strideHeight, ... and columns q, q + strideWidth, ...
    const strided = strideHeight > 1 || strideWidth > 1;
    const xByStride = strided
      ? run(Reshape, { x: xPadded }, { shape: [batchSize * phaseRows, strideHeight, phaseColumns, strideWidth * inChannels] })
      : xPadded;
    const phases = new Map<number, TensorInfo>();
    const phase = (rowPhase: number, columnPhase: number): TensorInfo => {
      if (!strided) return xPadded;
      const key = rowPhase * strideWidth + columnPhase;
      let found = phases.get(key);
      if (found === undefined) {
        const slice = run(Slice, { x: xByStride }, {
          begin: [0, rowPhase, 0, columnPhase * inChannels],
          size: [batchSize * phaseRows, 1, phaseColumns, inChannels],
        });
        found = run(Reshape, { x: slice }, { shape: [batchSize, phaseRows, phaseColumns, inChannels] });
        phases.set(key, found);
      }
      return found;
    };

    // dy is transposed once so that every tap's product is a plain BatchMatMul; asking it for
    // patch^T · dy instead (transposeA) makes it about 3x slower.
    const dyTransposed = run(Transpose, {
      x: run(Reshape, { x: dyNhwc }, { shape: [positions, outChannels] }),
    }, { perm: [1, 0] });
    const tapGradients: TensorInfo[] = [];
    for (let i = 0; i < filterHeight; i++) {
      for (let j = 0; j < filterWidth; j++) {
        const patch = run(Slice, { x: phase(i % strideHeight, j % strideWidth) }, {
          begin: [0, Math.floor(i / strideHeight), Math.floor(j / strideWidth), 0],
          size: [batchSize, outHeight, outWidth, inChannels],
        });
        tapGradients.push(run(BatchMatMul, {
          a: dyTransposed,
          b: run(Reshape, { x: patch }, { shape: [positions, inChannels] }),
        }, { transposeA: false, transposeB: false }));
      }
    }
    const byTap = run(Reshape, {
      x: run(Concat, tapGradients, { axis: 0 }),
    }, { shape: [filterHeight * filterWidth, outChannels, inChannels] });
    const dw = run(Transpose, { x: byTap }, { perm: [0, 2, 1] });
    return runWasmKernel(backend, Reshape, { x: dw }, { shape: filterShape });
  } finally {
    for (const tensor of intermediates) backend.disposeData(tensor.dataId);
  }
}

function runWasmKernel(
  backend: KernelBackend,
  kernelName: string,
  inputs: NamedTensorInfoMap | TensorInfo[],
  attrs: NamedAttrMap,
): TensorInfo {
  const kernel = getKernel(kernelName, BACKEND);
  if (kernel === undefined) {
    throw new Error(`Conv2DBackpropFilter (wasm): the wasm backend has no '${kernelName}' kernel`);
  }
  return kernel.kernelFunc({ inputs: inputs as NamedTensorInfoMap, backend, attrs }) as TensorInfo;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((size, i) => size === b[i]);
}
