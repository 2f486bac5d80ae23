/** What a credential looks like, for refusing one written in plain text where a secret reference belongs. */

/** A key whose value would be a credential: api_key, client_secret, access_token, db_password, credentials... */
export const CREDENTIAL_KEY = /(^|_)(key|secret|token|password|credentials?)($|_)/i;

/** Text that looks like a credential whatever its key: API keys, AWS access keys, GitHub and Slack tokens. */
export const CREDENTIAL_TEXT = /^(sk-|sk_|AKIA|ASIA|ghp_|gho_|xox[abp]-)/;
