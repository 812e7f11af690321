// Where everything of one optimizer lives in its Wasm memory: group records, tensor records, then
// each tensor's param, grad, m, v and gPrev arrays, padded to whole 16-byte vectors.
import { GROUP_PHI, TENSOR_SLOTS, PARTIAL_SLOTS } from './layout.js';
import { WASM_PAGE_BYTES } from './wasm.js';

const VECTOR_BYTES = 16;
const FLOATS_PER_VECTOR = 4;

export interface TensorPlacement {
  /** Elements the caller sees. */
  size: number;
  /** Elements the kernels run over: size rounded up to a whole vector; the rest stay zero. */
  paddedSize: number;
  param: number;
  grad: number;
  m: number;
  v: number;
  gradPrev: number;
  /** cache: true: the three cached meta-gradient factor arrays, one after another; else 0. */
  cache: number;
}

export interface MemoryPlan {
  /** Byte offset of the record area, and its length in float64 slots. */
  recordsByte: number;
  recordSlots: number;
  /** Slot (float64 index into the record area) of each group's record. */
  groupSlot: number[];
  /** Slot of each tensor's record; a group's tensors are consecutive. */
  tensorSlot: number[];
  /** Byte offset of the partial sums: PARTIAL_SLOTS float64 per tensor and thread. */
  partialsByte: number;
  /** Byte offset of 64 bytes where threads synchronise (Int32 words, see src/threads.ts). */
  controlByte: number;
  tensors: TensorPlacement[];
  pages: number;
}

export function groupRecordSlots(degree: number): number {
  return GROUP_PHI + 6 * (degree + 1);
}

const alignUp = (n: number, to: number) => Math.ceil(n / to) * to;

export const CONTROL_BYTES = 64;

export function planMemory(
  heapBase: number, degrees: readonly number[], tensorSizes: readonly number[], threads = 1, cache = false,
): MemoryPlan {
  const groupSlot: number[] = [];
  let slots = 0;
  for (const degree of degrees) {
    groupSlot.push(slots);
    slots += groupRecordSlots(degree);
  }
  const tensorSlot = tensorSizes.map((_, i) => slots + i * TENSOR_SLOTS);
  slots += tensorSizes.length * TENSOR_SLOTS;

  const recordsByte = alignUp(heapBase, VECTOR_BYTES);
  const partialsByte = alignUp(recordsByte + slots * 8, VECTOR_BYTES);
  const controlByte = alignUp(partialsByte + threads * tensorSizes.length * PARTIAL_SLOTS * 8, CONTROL_BYTES);
  let cursor = controlByte + CONTROL_BYTES;
  const tensors = tensorSizes.map((size) => {
    const paddedSize = alignUp(size, FLOATS_PER_VECTOR);
    const bytes = paddedSize * 4;
    const at = (k: number) => cursor + k * bytes;
    const placement = { size, paddedSize, param: at(0), grad: at(1), m: at(2), v: at(3), gradPrev: at(4), cache: cache ? at(5) : 0 };
    cursor = at(cache ? 8 : 5);
    return placement;
  });
  return { recordsByte, recordSlots: slots, groupSlot, tensorSlot, partialsByte, controlByte, tensors, pages: Math.max(1, Math.ceil(cursor / WASM_PAGE_BYTES)) };
}
