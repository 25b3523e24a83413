"""Contract stage: the contract of a spec (``rendering.contract``), as nodes of the ONEX ecosystem
write it today (``contract_document``).
"""

from __future__ import annotations

from codegen_assets.core import version
from codegen_assets.core.contract_document import ContractDocument
from codegen_assets.core.layout import NodeLayout
from codegen_assets.core.models import Intelligence, NodeSpec
from codegen_assets.core.plan import plan_node
from codegen_assets.core.rendering.contract import build_contract


def build_node_contract(spec: NodeSpec, intelligence: Intelligence) -> ContractDocument:
    """The contract of ``spec`` (stage 3)."""
    plan = plan_node(spec, NodeLayout.of(spec, spec.options.package))
    return build_contract(
        plan,
        intelligence,
        holder=spec.options.copyright_holder,
        license_id=spec.options.license,
        generator=f"onex-nodegen {version.GENERATOR_VERSION}",
    )
