//! What a call did on its way to its answer, for the observation hook (`on_decision`;
//! `docs/rules.md`, "Observing decisions"): whether the memo answered, and the requests it sent,
//! by kind. Counts only: never a token, a secret or a URL.

use crate::json;

/// What one call did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Facts {
    /// A token this engine had verified before was answered from the memo.
    pub memo: bool,
    /// JWKS fetches this call sent.
    pub jwks_fetches: u32,
    /// RBAC policy fetches (the project's, an organization's) this call sent.
    pub policy_fetches: u32,
    /// API requests this call sent (those it shared with an identical call in flight are the
    /// other call's).
    pub api_calls: u32,
}

impl Facts {
    /// Counts a request the call sent, by the stage it is in for it: getting keys (a JWKS
    /// fetch), getting a policy (a policy fetch), anything else (an API call).
    pub(super) fn sent(&mut self, stage: &super::Stage) {
        match stage {
            super::Stage::Keys { .. } => self.jwks_fetches += 1,
            super::Stage::Policy { .. } => self.policy_fetches += 1,
            _ => self.api_calls += 1,
        }
    }

    /// Whether the API's answer (or its error) decided a call that ended with `result`: the
    /// decision is not local then.
    pub fn decided_by_api(result: &crate::error::Result<super::Answer>) -> bool {
        matches!(
            result,
            Ok(super::Answer::Api(_)) | Err(crate::error::Error::Stytch(_))
        )
    }

    /// The facts as one JSON object, `local` being `!by_api`.
    pub fn write(&self, by_api: bool, out: &mut String) {
        out.push_str(if by_api {
            "{\"local\":false,"
        } else {
            "{\"local\":true,"
        });
        out.push_str(if self.memo {
            "\"memo\":true"
        } else {
            "\"memo\":false"
        });
        for (name, n) in [
            (",\"jwks_fetches\":", self.jwks_fetches),
            (",\"policy_fetches\":", self.policy_fetches),
            (",\"api_calls\":", self.api_calls),
        ] {
            out.push_str(name);
            json::push_u64(out, u64::from(n));
        }
        out.push('}');
    }
}
