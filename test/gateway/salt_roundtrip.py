"""Encrypts or decrypts a value with LiteLLM's own helpers, as the proxy does for the credentials it stores in
its database, with the salt key in LITELLM_SALT_KEY. Reads the value on stdin, prints the result; a value that
does not decrypt prints nothing and exits 3."""
import sys

from litellm.proxy.common_utils.encrypt_decrypt_utils import decrypt_value_helper, encrypt_value_helper

mode = sys.argv[1]
value = sys.stdin.read()
if mode == "encrypt":
    print(encrypt_value_helper(value))
else:
    plain = decrypt_value_helper(value, key="credential", exception_type="debug")
    if plain is None or plain == value:
        sys.exit(3)
    print(plain)
