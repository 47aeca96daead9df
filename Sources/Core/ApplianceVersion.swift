/// The daemon's version, as `/api/health` and `applianced version` report it.
public enum ApplianceVersion {
    public static let current = "0.1.0"
}
