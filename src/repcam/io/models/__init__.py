"""Pose model bundles: catalog, provisioning and the bundle builder."""
