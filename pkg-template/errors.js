// The package's error classes: real Error subclasses, so `instanceof` works, each with a stable
// `code`. The package's driver (api.js) makes them from the module's answers (and so does the
// wasm suite's test driver, tests/wasm/driver.rs in the repository).

/** The Stytch API answered with an error (HTTP status >= 400 and a Stytch JSON body). */
export class StytchError extends Error {
  constructor(fields) {
    super(fields.error_message || fields.error_type);
    this.name = "StytchError";
    this.code = fields.error_type;
    this.status_code = fields.status_code;
    this.request_id = fields.request_id;
    this.error_type = fields.error_type;
    this.error_message = fields.error_message;
    this.error_url = fields.error_url;
    this.error_details = fields.error_details;
  }
}

/** No usable answer: `network_error`, `timeout` or `invalid_response`. */
export class RequestError extends Error {
  constructor(code, message) {
    super(message);
    this.name = "RequestError";
    this.code = code;
  }
}

/** Refused locally: a token, a key set or an argument (`jwt_*`, `jwks_*`, `invalid_argument`). */
export class ClientError extends Error {
  constructor(code, message, claim) {
    super(message);
    this.name = "ClientError";
    this.code = code;
    if (claim !== undefined) this.claim = claim;
  }
}
