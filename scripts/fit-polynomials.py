# The polynomials of assembly/mathf.ts (constants in assembly/constants.ts): near-minimax fits of
# relative error by iteratively reweighted least squares on Chebyshev nodes, coefficients rounded to
# float32, and the error of the rounded polynomial measured on a fine grid (in float64; float32
# evaluation adds its own rounding, which test/mathf.test.js bounds with the whole function).
#   python3 scripts/fit-polynomials.py        (needs numpy)
import numpy as np

LN_LO, LN_HI = np.sqrt(0.5) - 1, np.sqrt(2) - 1  # f = m - 1 for m in [sqrt(1/2), sqrt(2))
EXP_R = np.log(2) / 2                              # r = x - k ln 2


def fit(kernel, exact, lo, hi, degree, skip):
    """Coefficients c (ascending) of P with exact(x) ~ head(x) + x^skip * P(x), minimising the
    relative error of the whole function."""
    x = (np.cos(np.linspace(0, np.pi, 4000)) * (hi - lo) + (hi + lo)) / 2
    x = x[np.abs(x) > 1e-6]
    target = (exact(x) - kernel(x)) / x**skip
    scale = np.abs(x**skip / exact(x))
    basis = np.vstack([x**k for k in range(degree + 1)]).T
    weight = scale.copy()
    for _ in range(30):
        c, *_ = np.linalg.lstsq(basis * weight[:, None], target * weight, rcond=None)
        error = (basis @ c - target) * scale
        weight *= 1 + 2 * np.abs(error) / np.abs(error).max()
    c = c.astype(np.float32).astype(np.float64)
    grid = np.linspace(lo, hi, 200001)
    grid = grid[np.abs(grid) > 1e-9]
    approx = kernel(grid) + grid**skip * sum(ck * grid**k for k, ck in enumerate(c))
    return c, np.abs(approx / exact(grid) - 1).max()


for degree in range(3, 9):
    c, e = fit(lambda f: f - f * f / 2, np.log1p, LN_LO, LN_HI, degree, 3)
    print(f'ln(1+f) = f - f^2/2 + f^3 P(f), P of degree {degree}: relative error 2^{np.log2(e):.1f}')
    if degree == 7:
        print('  LN_C0..LN_C7 =', [float(x) for x in c])
for degree in range(2, 6):
    c, e = fit(lambda r: 1 + r, np.exp, -EXP_R, EXP_R, degree, 2)
    print(f'exp(r) = 1 + r + r^2 Q(r), Q of degree {degree}: relative error 2^{np.log2(e):.1f}')
    if degree == 4:
        print('  EXP_C0..EXP_C4 =', [float(x) for x in c])
