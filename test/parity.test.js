// Every reference trace (recorded from the authors' PyTorch code) replayed on both builds:
// params within 2e-5*(1+|ref|), rho/pm/pv/ps within 1e-5, phi within 1e-4, the step count equal.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { TRACE_NAMES, assertWithinTolerance, loadTrace, replay } from './support/traces.js';
import { KERNELS } from './support/core.js';

for (const kernel of KERNELS) {
  const test = suite(`parity with the reference (${kernel})`);
  for (const name of TRACE_NAMES) {
    test(name, async () => {
      const trace = loadTrace(name);
      const { opt, worst } = await replay(trace, { kernel });
      assert.is(opt.kernel, kernel);
      assertWithinTolerance(worst);
      assert.is(opt.state().step, trace.steps.length);
    });
  }
  test.run();
}
