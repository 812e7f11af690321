// The records through which TypeScript and the Wasm core share an optimizer. Both sides import
// this file (AssemblyScript compiles it too), so the slot numbers can never disagree. Every slot
// is a float64; pointers are byte offsets into the optimizer's linear memory.

/** One per parameter group: hyperparameters written by TypeScript, policy state kept by Wasm. */
export const GROUP_LR = 0;
export const GROUP_BETA1 = 1;
export const GROUP_BETA2 = 2;
export const GROUP_EPS = 3;
export const GROUP_WEIGHT_DECAY = 4;
export const GROUP_GAMMA = 5;
export const GROUP_ETA_PHI = 6;
export const GROUP_DEGREE = 7;
/** A knob's fixed value, or NaN when the policy sets it. */
export const GROUP_OVERRIDE_PM = 8;
export const GROUP_OVERRIDE_PV = 9;
export const GROUP_OVERRIDE_PS = 10;
export const GROUP_STEP = 11;
export const GROUP_RHO = 12;
export const GROUP_R = 13;
export const GROUP_PM = 14;
export const GROUP_PV = 15;
export const GROUP_PS = 16;
/** 3(degree+1) coefficients: [m-block, v-block, s-block], each highest power first. They are
 *  followed by 3(degree+1) slots of scratch for the meta-gradient, which ends the record. */
export const GROUP_PHI = 17;

/** One per tensor: where its arrays are, and what the meta-gradient needs of its last update. */
export const TENSOR_PARAM = 0;
export const TENSOR_GRAD = 1;
export const TENSOR_M = 2;
export const TENSOR_V = 3;
export const TENSOR_GRAD_PREV = 4;
/** Elements, padded to a multiple of 4 with inert zeros. */
export const TENSOR_LENGTH = 5;
/** 1 when the tensor has a gradient this step. */
export const TENSOR_PRESENT = 6;
/** 1 once the tensor has been updated; the slots below describe that update. */
export const TENSOR_HAS_RECORD = 7;
export const TENSOR_RECORD_PM = 8;
export const TENSOR_RECORD_PV = 9;
export const TENSOR_RECORD_PS = 10;
export const TENSOR_RECORD_RHO = 11;
/** 1/(1-beta1^t) and 1/(1-beta2^t) of that update, as the float32 the kernel multiplied by. */
export const TENSOR_RECORD_BIAS1 = 12;
export const TENSOR_RECORD_BIAS2 = 13;
/** cache: true: byte offset of the tensor's three cached meta-gradient factor arrays (each of
 *  TENSOR_LENGTH floats, one after another); 0 without a cache. */
export const TENSOR_CACHE = 14;
export const TENSOR_SLOTS = 15;

/** Per tensor and thread slice, in a separate area: the slice's float64 partial sums of a step,
 *  dot, g*g, gPrev*gPrev and the three meta-gradient sums. */
export const PARTIAL_SLOTS = 6;
