// Node.js CommonJS entry (`require("stytch-sessions-wasm")`). stytch_sessions_wasm.cjs is the
// same wasm-bindgen glue, api.js and error classes as the ES module build, converted to CommonJS at
// build time; this entry has its own instance (and class identities), separate from node.mjs.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");
const glue = require("./stytch_sessions_wasm.cjs");

glue.initSync({ module: readFileSync(join(__dirname, "stytch_sessions_wasm_bg.wasm")) });

exports.Client = glue.Client;
exports.B2BClient = glue.B2BClient;
exports.verifyJwt = glue.verifyJwt;
exports.verifyB2BJwt = glue.verifyB2BJwt;
exports.authenticateRequest = glue.authenticateRequest;
exports.authenticateB2BRequest = glue.authenticateB2BRequest;
exports.authenticateAccessToken = glue.authenticateAccessToken;
exports.authenticateB2BAccessToken = glue.authenticateB2BAccessToken;
exports.protectedResourceMetadata = glue.protectedResourceMetadata;
exports.cacheApiJwksStore = glue.cacheApiJwksStore;
exports.kvJwksStore = glue.kvJwksStore;
exports.StytchError = glue.StytchError;
exports.RequestError = glue.RequestError;
exports.ClientError = glue.ClientError;
