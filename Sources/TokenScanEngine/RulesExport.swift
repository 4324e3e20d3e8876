/// `Rule`, its loader and the TOML reader live in `TokenScanRules` only so that the build tool
/// which turns `Rules/` into tables can link them; to every layer above, they are still part of
/// the engine, so the engine re-exports them instead of every importer naming a second module.
@_exported import TokenScanRules
