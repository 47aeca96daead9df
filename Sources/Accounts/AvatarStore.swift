public import Core
import Glibc

/// Uploaded avatars as files, one per user, in `avatars/` next to the state database: written
/// atomically (0640), named by the user's id alone, so a path is never built from client input. Every
/// call blocks: run it through `BlockingWork` or on a thread of its own.
public struct AvatarStore: Sendable {
    public let directory: String

    public init(directory: String) {
        self.directory = directory
    }

    /// `<state directory>/avatars`.
    public init(statePath: String) {
        self.init(directory: FileSystem.parentDirectory(of: statePath) + "/avatars")
    }

    public func write(_ bytes: [UInt8], userID: String) throws(SystemError) {
        let path = try path(userID)
        try FileSystem.makeDirectories(directory, mode: 0o750)
        try FileSystem.writeAtomically(path, bytes, mode: 0o640)
    }

    /// The user's image, or nil when there is none.
    public func read(userID: String) throws(SystemError) -> [UInt8]? {
        let path = try path(userID)
        guard FileSystem.exists(path) else { return nil }
        return try FileSystem.read(path, limit: AvatarImage.maximumBytes)
    }

    /// Removes the user's image, if any.
    public func remove(userID: String) throws(SystemError) {
        let path = try path(userID)
        guard unlink(path) == 0 || errno == ENOENT else { throw SystemError(code: errno, call: "unlink", subject: path) }
    }

    /// The file of a user id made of `0-9 a-f -` (the ids `Secrets.identifier` makes); anything else is refused.
    private func path(_ userID: String) throws(SystemError) -> String {
        guard (1...64).contains(userID.utf8.count),
            userID.utf8.allSatisfy({ FieldLimits.isLowerAlphanumeric($0) || $0 == UInt8(ascii: "-") })
        else { throw SystemError(code: EINVAL, call: "avatar", subject: String(userID.prefix(64))) }
        return directory + "/" + userID
    }
}
