/// The shipped, commented `applianced.toml` (also `config/applianced.toml` in the repository; a test keeps the two
/// equal). The daemon writes it on a fresh root. Secrets are only mentioned: they belong in `secrets.toml`.
public enum DefaultConfigFile {
    public static func text(_ schema: SettingsSchema = .standard) -> String {
        var lines = [
            "# applianced settings (TOML 1.0). This file is the source of truth: edit it by hand or through the API;",
            "# the daemon picks changes up within a second. Precedence, lowest first: built-in defaults < this file",
            "# < secrets.toml < conf.d/*.toml (lexical order) < environment (WEB_AUTH_TOKEN, APPLIANCED_<TABLE>_<KEY>).",
            "# `applianced check-config` validates the files. Every key is documented in docs/config.md.",
        ]
        for table in schema.tablesInOrder {
            let specs = schema.specs.filter { $0.table == table }
            lines.append("")
            if specs.contains(where: { !$0.secret }) { lines.append("[\(table)]") }
            for spec in specs {
                lines.append("# \(spec.summary). \(capitalised(spec.typeExpectation))." + (spec.requiresRestart ? " Needs a restart." : ""))
                if spec.secret {
                    lines.append("# \(spec.key) is a secret: it lives in secrets.toml ([\(table)] \(spec.name) = \"…\").")
                } else {
                    lines.append("\(spec.name) = \(spec.defaultValue.tomlText)")
                }
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `docs/config.md`'s table of settings, one row per key.
    public static func markdown(_ schema: SettingsSchema = .standard) -> String {
        var lines: [String] = []
        for table in schema.tablesInOrder {
            lines.append("")
            lines.append("### `[\(table)]`")
            lines.append("")
            lines.append("| key | type | default | description | flags | env |")
            lines.append("|---|---|---|---|---|---|")
            for spec in schema.specs where spec.table == table {
                var flags: [String] = []
                if spec.secret { flags.append("secret") }
                if spec.requiresRestart { flags.append("restart") }
                let aliases = spec.aliases.isEmpty ? "" : " (API: " + spec.aliases.map { "`\($0)`" }.joined(separator: ", ") + ")"
                let defaultText = spec.secret ? "—" : "`\(spec.defaultValue.tomlText)`"
                lines.append(
                    "| `\(spec.key)`\(aliases) | \(spec.expectation) | \(defaultText) | \(spec.summary) | "
                        + "\(flags.joined(separator: ", ")) | `\(spec.environmentName)` |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func capitalised(_ text: String) -> String {
        guard let first = text.first else { return text }
        return first.uppercased() + text.dropFirst()
    }
}
