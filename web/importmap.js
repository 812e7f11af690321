// The import map of every page in this repository that loads the package without a bundler.
// A classic script, so it runs, and the map exists, before any module is resolved.
const importMap = document.createElement('script');
importMap.type = 'importmap';
importMap.textContent = JSON.stringify({
  imports: {
    'pilot-optimizer': '/dist/index.js',
    'pilot-optimizer/tfjs': '/dist/tfjs/index.js',
    '@tensorflow/tfjs': '/node_modules/@tensorflow/tfjs/dist/tf.fesm.js',
    // The adapter must share the page's one tfjs instance (engine, kernel registry).
    '@tensorflow/tfjs-core': '/web/shims/tfjs-core.js',
    '@tensorflow/tfjs-backend-wasm': '/node_modules/@tensorflow/tfjs-backend-wasm/dist/tf-backend-wasm.fesm.js',
    // Node built-ins tfjs-backend-wasm's module names but uses only under Node.
    fs: '/web/shims/node-builtin.js',
    path: '/web/shims/node-builtin.js',
    os: '/web/shims/node-builtin.js',
    perf_hooks: '/web/shims/node-builtin.js',
    uplot: '/node_modules/uplot/dist/uPlot.esm.js',
  },
});
document.currentScript.after(importMap);
