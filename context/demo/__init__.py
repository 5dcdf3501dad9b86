"""The embedded demo tenant: Larkspur Goods Co. and synthetic organisations of any size."""

from context.demo.organisation import DEMO_SEED, Organisation, build_org
from context.demo.records import CompanyFacts, InsiderKnowledge
from context.demo.repos import DemoRepoError, load_demo_tenant, materialize_git_repos

__all__ = [
    "DEMO_SEED",
    "CompanyFacts",
    "DemoRepoError",
    "InsiderKnowledge",
    "Organisation",
    "build_org",
    "load_demo_tenant",
    "materialize_git_repos",
]
