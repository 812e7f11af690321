// Bytes <-> base64 with the atob/btoa that Node, Deno, Bun and browsers all provide.

export function bytesFromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function base64FromBytes(bytes: Uint8Array): string {
  let binary = '';
  // String.fromCharCode takes its arguments on the stack: go in slices well below engine limits.
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/** The float32 values' bytes (little-endian, as Wasm memory holds them) in base64. */
export function base64FromFloat32(values: Float32Array): string {
  return base64FromBytes(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
}

export function float32FromBase64(text: string): Float32Array {
  const bytes = bytesFromBase64(text);
  if (bytes.length % 4 !== 0) throw new RangeError(`expected a whole number of float32 values, got ${bytes.length} bytes`);
  return new Float32Array(bytes.buffer, 0, bytes.length / 4);
}
