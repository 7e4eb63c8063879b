"""Legal-aid eligibility pre-screen (法律援助法 + local standards): facts → cited Decision.

Public API: `EligibilityFacts`, `decide`, `Decision`, `StandardsBook`, `RegionStandard`,
`EligibilityDialogue`, `DialogueTurn` (import from the submodules)."""
