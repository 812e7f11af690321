// tfjs-backend-wasm's ES module names Node built-ins it only uses under Node; pages map them here.
export default {};
