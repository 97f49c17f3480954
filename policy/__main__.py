"""The policy pack's entry point. PolicyPack() serves the CLI and never returns, so this file holds nothing else."""

from pulumi_policy import EnforcementLevel, PolicyPack

from guard import PACK_NAME, POLICIES

PolicyPack(PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)
