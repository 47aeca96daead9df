import HTTP
import Routes
import Store

/// The wizard's progress in the SQLite key/value table, so it survives a restart.
struct KeyValueSetupState: SetupStateStore {
    let store: KeyValueStore

    func value(forKey key: String) throws -> String? {
        try store.string(key)
    }

    func setValue(_ value: String?, forKey key: String) throws {
        if let value {
            try store.set(key, value)
        } else {
            try store.remove(key)
        }
    }
}
