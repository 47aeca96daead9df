import Accounts
import Core
import Store
import Synchronization
import TestSupport

/// What the e-mail and MFA route tests read back: mail sent after the answer, tokens in it, the
/// activity log's actions.
extension AccountRoutesFixture {
    /// The captured mail once `count` messages are there (reset mail is sent after the answer), or
    /// what there is after two seconds.
    func mail(count: Int) async throws -> [CapturedMail.Message] {
        for _ in 0..<200 {
            let messages = mail.messages.withLock { $0 }
            if messages.count >= count { return messages }
            try await Task.sleep(for: .milliseconds(10))
        }
        return mail.messages.withLock { $0 }
    }

    /// The token a mail carries: its line of 43 base64url characters.
    static func token(in message: CapturedMail.Message?) -> String? {
        message?.body.split(separator: "\n").map(String.init).first { line in
            line.count == 43 && line.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        }
    }

    /// Every action in the activity log, oldest first.
    func loggedActions() async throws -> [String] {
        try await database.perform { [database] in
            try database.query("SELECT action FROM activity_log ORDER BY created_at, rowid").compactMap { $0.string("action") }
        }
    }

    /// Everything the activity log holds, as text (to look for secrets in it).
    func activityText() async throws -> String {
        try await database.perform { [database] in
            try database.query("SELECT * FROM activity_log").map { "\($0.values)" }.joined()
        }
    }
}

extension RawHTTPClient.Reply {
    /// A member of the JSON body, nil when the body is not JSON or lacks it.
    func bodyMember(_ name: String) -> JSON? {
        (try? JSON.parseStrict(body))?[name]
    }
}
