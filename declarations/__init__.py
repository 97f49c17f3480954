"""Pulumi-free declarations that the stack's components and the local runner both read: routes, how www/ is
served, the OpenAPI document, the owners' pool, the notify trigger, and the mail domain's records."""
