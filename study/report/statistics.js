// Mean and sample standard deviation over seeds, and their "mean ± std" text.
export function meanAndStd(values) {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = n > 1 ? Math.sqrt(values.reduce((a, x) => a + (x - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, std, n };
}

export const formatMeanStd = ({ mean, std }, scale = 1, digits = 2) => `${(mean * scale).toFixed(digits)} ± ${(std * scale).toFixed(digits)}`;
