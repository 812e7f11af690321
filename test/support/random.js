// A seeded generator, so every test sees the same numbers on every run.
export function seededRandom(seed = 1) {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const normals = (n, scale = 1) => Array.from({ length: n }, () => Math.fround(scale * normal()));
  return { uniform, normal, normals };
}
