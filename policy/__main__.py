"""The policy pack's entry point. PolicyPack() serves the CLI and never returns, so this file holds nothing else."""

from guard import PACK_NAME, POLICIES
from pulumi_policy import EnforcementLevel, PolicyPack

PolicyPack(PACK_NAME, policies=POLICIES, enforcement_level=EnforcementLevel.MANDATORY)
