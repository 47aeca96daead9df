/// The `Config` module: TOML 1.0 parsing and in-place editing, typed settings with defaults and
/// validation, and the file store that layers defaults, `applianced.toml`, `conf.d/` and the environment.
public enum ConfigModule {}
