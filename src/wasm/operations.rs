//! The Sessions operations by the names JavaScript calls them (`client.sessions[op]`).

use crate::api::*;
use crate::engine::Operation;
use crate::error::{Error, Result};
use crate::json::Value;

/// `client.sessions[op](params)` as an engine operation, reading the params with `read` (given
/// what to call them in an error); unknown operations are refused. `current_date` is the
/// params' `current_date` in milliseconds (`authenticateJwtLocal`).
pub fn operation(
    op: &str,
    mut read: impl FnMut(&'static str) -> Result<Value>,
    current_date: Option<f64>,
) -> Result<Operation> {
    Ok(match op {
        "authenticate" => Operation::Authenticate(AuthenticateParams::from_value(&read(
            "authenticate params",
        )?)?),
        "authenticateJwt" => Operation::AuthenticateJwt(AuthenticateJwtParams::from_value(&read(
            "authenticateJwt params",
        )?)?),
        "authenticateJwtLocal" => {
            let what = "authenticateJwtLocal params";
            let value = read(what)?;
            let f = Fields::of(&value, what)?;
            Operation::VerifyJwt {
                token: f.required_string("session_jwt")?,
                params: LocalJwtParams::from_fields(&f, current_date)?,
            }
        }
        "get" => Operation::Get {
            user_id: Fields::of(&read("get params")?, "get params")?.required_string("user_id")?,
        },
        "getJWKS" => Operation::GetJwks {
            project_id: Fields::of(&read("getJWKS params")?, "getJWKS params")?
                .required_string("project_id")?,
        },
        "migrate" => Operation::Migrate(MigrateParams::from_value(&read("migrate params")?)?),
        "revoke" => Operation::Revoke(RevokeParams::from_value(&read("revoke params")?)?),
        "exchangeAccessToken" => Operation::ExchangeAccessToken(
            ExchangeAccessTokenParams::from_value(&read("exchangeAccessToken params")?)?,
        ),
        "attest" => Operation::Attest(AttestParams::from_value(&read("attest params")?)?),
        _ => return Err(Error::invalid_argument("no such Sessions operation")),
    })
}
