"""The local runner: www/ and the API on loopback, AWS emulated by moto."""
